import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

/** A SendSms the fake accepted. */
export interface AcceptedSms {
  readonly phone: string;
  readonly templateCode: string;
  readonly signName: string;
  /** TemplateParam's `code`. */
  readonly code: string;
}

/** A request the fake refused, with the Aliyun error code it answered (for assertions). */
export interface RefusedSms {
  readonly status: number;
  readonly code: string;
}

/**
 * A local stand-in for dysmsapi.aliyuncs.com: SendSms (2017-05-25) with the RPC v1 signature checked the way the
 * real service checks it — recomputed from the received parameters with the known secret — plus the timestamp
 * window and single-use nonces. Answers in Aliyun's JSON shapes.
 */
export interface FakeAliyunSms {
  /** Endpoint to configure as ALIYUN_SMS_ENDPOINT. */
  readonly url: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly signName: string;
  readonly templates: { readonly verify: string; readonly reset: string };
  readonly accepted: AcceptedSms[];
  readonly refused: RefusedSms[];
  /** The newest accepted code for a phone. */
  lastCode(phone: string): string | undefined;
  /** The next valid request is answered with this business error (HTTP 200, Code ≠ OK), as flow control is. */
  failNext(code: string, message: string): void;
  /** Environment for a wenyuan server using this fake. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Aliyun's encoding, written byte by byte (independently of the adapter's encodeURIComponent version). */
function encode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The signature the server expects for these parameters. */
function expectedSignature(method: string, params: Map<string, string>, secret: string): { sign: string; sts: string } {
  const keys = [...params.keys()].filter((k) => k !== 'Signature').sort();
  const canonical = keys.map((k) => `${encode(k)}=${encode(params.get(k) as string)}`).join('&');
  const sts = `${method}&${encode('/')}&${encode(canonical)}`;
  return { sign: createHmac('sha1', `${secret}&`).update(sts).digest('base64'), sts };
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** The real service accepts a request whose Timestamp is within 15 minutes of its clock. */
const SKEW_MS = 15 * 60 * 1000;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the fake on a free loopback port. */
export async function startFakeAliyunSms(
  opts: { accessKeyId?: string; accessKeySecret?: string; signName?: string } = {},
): Promise<FakeAliyunSms> {
  const accessKeyId = opts.accessKeyId ?? 'LTAI5tFakeKeyId0001';
  const accessKeySecret = opts.accessKeySecret ?? 'fake-secret-Zx81Qw0pLm';
  const signName = opts.signName ?? '文苑';
  const templates = { verify: 'SMS_460000001', reset: 'SMS_460000002' };
  const accepted: AcceptedSms[] = [];
  const refused: RefusedSms[] = [];
  const nonces = new Set<string>();
  let forced: { code: string; message: string } | undefined;

  const server = createServer(async (req, res) => {
    const answer = (status: number, body: Record<string, string>) => {
      const requestId = randomUUID().toUpperCase();
      if (body.Code !== 'OK') refused.push({ status, code: body.Code as string });
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ RequestId: requestId, ...body }));
    };
    const error = (status: number, code: string, message: string) =>
      answer(status, { Code: code, Message: message, HostId: 'dysmsapi.aliyuncs.com', Recommend: '' });
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const params = new Map<string, string>(url.searchParams);
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(await readBody(req))) params.set(k, v);
      else if (req.method !== 'GET') return error(405, 'UnsupportedHTTPMethod', 'This http method is not supported.');
      const p = (k: string) => params.get(k) ?? '';
      for (const k of ['AccessKeyId', 'Signature', 'SignatureNonce', 'Timestamp', 'Action', 'Version']) {
        if (!params.has(k))
          return error(
            400,
            'MissingParameter',
            `The input parameter "${k}" that is mandatory for processing this request is not supplied.`,
          );
      }
      if (p('SignatureMethod') !== 'HMAC-SHA1' || p('SignatureVersion') !== '1.0')
        return error(400, 'InvalidSignatureMethod', 'Specified signature method is not supported.');
      if (p('AccessKeyId') !== accessKeyId)
        return error(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      const { sign, sts } = expectedSignature(req.method, params, accessKeySecret);
      if (p('Signature') !== sign)
        return error(
          400,
          'SignatureDoesNotMatch',
          `Specified signature is not matched with our calculation. server string to sign is:${sts}`,
        );
      if (!TIMESTAMP.test(p('Timestamp')))
        return error(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
      if (Math.abs(Date.parse(p('Timestamp')) - Date.now()) > SKEW_MS)
        return error(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
      if (nonces.has(p('SignatureNonce')))
        return error(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
      nonces.add(p('SignatureNonce'));
      if (p('Action') !== 'SendSms' || p('Version') !== '2017-05-25')
        return error(400, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
      // Business errors come back with HTTP 200 and a Code other than OK, as the real service does.
      if (!/^1\d{10}$/.test(p('PhoneNumbers')))
        return answer(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' });
      if (p('SignName') !== signName)
        return answer(200, { Code: 'isv.SMS_SIGNATURE_ILLEGAL', Message: '该账号下找不到对应签名' });
      if (p('TemplateCode') !== templates.verify && p('TemplateCode') !== templates.reset)
        return answer(200, { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '该账号下找不到对应模板' });
      let code: unknown;
      try {
        code = (JSON.parse(p('TemplateParam')) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (typeof code !== 'string')
        return answer(200, { Code: 'isv.INVALID_JSON_PARAM', Message: 'JSON参数不合法，只接受字符串值' });
      if (forced) {
        const f = forced;
        forced = undefined;
        return answer(200, { Code: f.code, Message: f.message });
      }
      accepted.push({ phone: p('PhoneNumbers'), templateCode: p('TemplateCode'), signName: p('SignName'), code });
      return answer(200, { Code: 'OK', Message: 'OK', BizId: `${Date.now()}^0` });
    } catch (err) {
      return error(500, 'InternalError', (err as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    accessKeyId,
    accessKeySecret,
    signName,
    templates,
    accepted,
    refused,
    lastCode(phone) {
      for (let i = accepted.length - 1; i >= 0; i--) if (accepted[i]?.phone === phone) return accepted[i]?.code;
      return undefined;
    },
    failNext(code, message) {
      forced = { code, message };
    },
    env() {
      return {
        SMS_PROVIDER: 'aliyun',
        ALIYUN_SMS_ACCESS_KEY_ID: accessKeyId,
        ALIYUN_SMS_ACCESS_KEY_SECRET: accessKeySecret,
        ALIYUN_SMS_SIGN_NAME: signName,
        ALIYUN_SMS_TEMPLATE_VERIFY: templates.verify,
        ALIYUN_SMS_TEMPLATE_RESET: templates.reset,
        ALIYUN_SMS_ENDPOINT: url,
      };
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
