import { createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** An RSA key pair as PEM strings (PKCS8 private, SPKI public), the formats the Alipay SDK takes. */
export interface PemKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** Generates a 2048-bit RSA key pair for RSA2 signing. */
export function generateRsaKeyPair(): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/** Alipay's canonical string to sign: sorted `key=value` pairs joined by `&`, empty values and `sign` left out. */
export function alipaySignContent(params: Record<string, string>, omit: readonly string[] = ['sign']): string {
  return Object.keys(params)
    .filter((k) => !omit.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

interface FakeOrder {
  outTradeNo: string;
  totalAmount: string;
  subject: string;
  notifyUrl: string;
  returnUrl: string;
  tradeNo: string;
}

/** A local stand-in for openapi.alipay.com speaking the real page-pay protocol with real RSA2 signatures. */
export interface FakeAlipayGateway {
  /** Gateway URL to configure as ALIPAY_GATEWAY. */
  readonly url: string;
  readonly appId: string;
  /** The key pair of the application (configure the private key as ALIPAY_PRIVATE_KEY). */
  readonly appKeys: PemKeyPair;
  /** "Alipay's" key pair (configure the public key as ALIPAY_PUBLIC_KEY); notifies are signed with its private key. */
  readonly alipayKeys: PemKeyPair;
  /** Orders the gateway has seen, by out_trade_no. */
  readonly orders: ReadonlyMap<string, FakeOrder>;
  /** Environment for a wenyuan server using this gateway. */
  env(): Record<string, string>;
  /** Builds a signed TRADE_SUCCESS notify for an order, with optional field overrides applied before signing. */
  buildNotify(outTradeNo: string, overrides?: Record<string, string>): Record<string, string>;
  /** Signs notify params with the Alipay private key (sign and sign_type left out of the content, as Alipay does). */
  sign(params: Record<string, string>): Record<string, string>;
  /** POSTs a notify to the order's notify_url; returns status and body. */
  sendNotify(params: Record<string, string>, notifyUrl?: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const stamp = () => new Date().toISOString().replace('T', ' ').slice(0, 19);

/** Starts the fake gateway on a free loopback port. */
export async function startFakeAlipayGateway(opts: { appId?: string } = {}): Promise<FakeAlipayGateway> {
  const appId = opts.appId ?? '2021000000000001';
  const appKeys = generateRsaKeyPair();
  const alipayKeys = generateRsaKeyPair();
  const orders = new Map<string, FakeOrder>();

  const sign = (params: Record<string, string>) => {
    const content = alipaySignContent(params, ['sign', 'sign_type']);
    const signature = createSign('RSA-SHA256').update(content, 'utf8').sign(alipayKeys.privateKey, 'base64');
    return { ...params, sign_type: 'RSA2', sign: signature };
  };

  const buildNotify = (outTradeNo: string, overrides: Record<string, string> = {}) => {
    const order = orders.get(outTradeNo);
    const params: Record<string, string> = {
      notify_time: stamp(),
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      charset: 'utf-8',
      version: '1.0',
      app_id: appId,
      auth_app_id: appId,
      trade_no: order?.tradeNo ?? `2026${randomBytes(10).toString('hex')}`,
      out_trade_no: outTradeNo,
      trade_status: 'TRADE_SUCCESS',
      total_amount: order?.totalAmount ?? '0.00',
      receipt_amount: order?.totalAmount ?? '0.00',
      buyer_pay_amount: order?.totalAmount ?? '0.00',
      subject: order?.subject ?? '',
      gmt_create: stamp(),
      gmt_payment: stamp(),
      ...overrides,
    };
    return sign(params);
  };

  const sendNotify = async (params: Record<string, string>, notifyUrl?: string) => {
    const target = notifyUrl ?? orders.get(params.out_trade_no ?? '')?.notifyUrl;
    if (!target) throw new Error('no notify_url known for this order');
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(params).toString(),
    });
    return { status: res.status, body: await res.text() };
  };

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://gateway');
      if (req.method === 'GET' && url.pathname === '/gateway.do') {
        // 1. The page-pay request: every parameter rides in the query, signed by the app key.
        const params = Object.fromEntries(url.searchParams);
        const ok =
          params.app_id === appId &&
          params.method === 'alipay.trade.page.pay' &&
          !!params.sign &&
          createVerify('RSA-SHA256')
            .update(alipaySignContent(params), 'utf8')
            .verify(appKeys.publicKey, params.sign, 'base64');
        if (!ok) {
          res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('invalid-signature');
          return;
        }
        const biz = JSON.parse(params.biz_content ?? '{}') as Record<string, string>;
        const order: FakeOrder = {
          outTradeNo: biz.out_trade_no ?? '',
          totalAmount: biz.total_amount ?? '',
          subject: biz.subject ?? '',
          notifyUrl: params.notify_url ?? '',
          returnUrl: params.return_url ?? '',
          tradeNo: orders.get(biz.out_trade_no ?? '')?.tradeNo ?? `2026${randomBytes(10).toString('hex')}`,
        };
        orders.set(order.outTradeNo, order);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>支付宝（测试网关）</title>
<h1>支付宝收银台（测试网关）</h1><p id="fake-subject">${escapeHtml(order.subject)}</p>
<p>应付金额 <strong id="fake-amount">${escapeHtml(order.totalAmount)}</strong> 元</p>
<form method="post" action="/pay"><input type="hidden" name="out_trade_no" value="${escapeHtml(order.outTradeNo)}">
<button id="fake-pay" type="submit">确认付款</button></form></html>`,
        );
        return;
      }
      if (req.method === 'POST' && url.pathname === '/pay') {
        // 2. The buyer pays: the gateway notifies the merchant (server to server), then sends the browser back.
        const form = new URLSearchParams(await readBody(req));
        const order = orders.get(form.get('out_trade_no') ?? '');
        if (!order) {
          res.writeHead(404).end('no such order');
          return;
        }
        await sendNotify(buildNotify(order.outTradeNo), order.notifyUrl);
        const back = new URL(order.returnUrl);
        back.searchParams.set('out_trade_no', order.outTradeNo);
        back.searchParams.set('trade_no', order.tradeNo);
        back.searchParams.set('total_amount', order.totalAmount);
        res.writeHead(302, { location: back.toString() }).end();
        return;
      }
      res.writeHead(404).end();
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const gatewayUrl = `http://127.0.0.1:${port}/gateway.do`;
  return {
    url: gatewayUrl,
    appId,
    appKeys,
    alipayKeys,
    orders,
    env: () => ({
      ALIPAY_APP_ID: appId,
      ALIPAY_PRIVATE_KEY: appKeys.privateKey,
      ALIPAY_PUBLIC_KEY: alipayKeys.publicKey,
      ALIPAY_GATEWAY: gatewayUrl,
      ALIPAY_KEY_TYPE: 'PKCS8',
    }),
    buildNotify,
    sign,
    sendNotify,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
