import { createRequire } from 'node:module';
import { fenToYuan, type NotifyCheck, type PaymentProvider, yuanToFen } from './payment-provider.ts';

/** Alipay settings as configured (see src/config.ts). */
export interface AlipaySettings {
  readonly appId: string;
  readonly privateKey: string;
  readonly publicKey: string;
  readonly gateway: string;
  readonly keyType: 'PKCS1' | 'PKCS8';
}

const STATES: Record<string, 'paid' | 'closed' | 'pending'> = {
  TRADE_SUCCESS: 'paid',
  TRADE_FINISHED: 'paid',
  TRADE_CLOSED: 'closed',
  WAIT_BUYER_PAY: 'pending',
};

/**
 * Alipay 电脑网站支付 over the official SDK: `alipay.trade.page.pay` signed with the app key (RSA2) for the
 * redirect, and the asynchronous notify verified against the Alipay public key, then app id and fields checked.
 */
export function createAlipayProvider(settings: AlipaySettings): PaymentProvider {
  // Required here, not imported at the top: the SDK and its HTTP client (≈ 9 MB of heap) load only on a site that
  // configures Alipay, not in every process of one that does not.
  const { AlipaySdk } = createRequire(import.meta.url)('alipay-sdk') as typeof import('alipay-sdk');
  const sdk = new AlipaySdk({
    appId: settings.appId,
    privateKey: settings.privateKey,
    alipayPublicKey: settings.publicKey,
    gateway: settings.gateway,
    keyType: settings.keyType,
    signType: 'RSA2',
  });
  return {
    name: 'alipay',
    ackBody: 'success',
    createPagePayUrl(order) {
      return sdk.pageExecute('alipay.trade.page.pay', 'GET', {
        notify_url: order.notifyUrl,
        return_url: order.returnUrl,
        bizContent: {
          out_trade_no: order.outTradeNo,
          product_code: 'FAST_INSTANT_TRADE_PAY',
          total_amount: fenToYuan(order.amountFen),
          subject: order.subject,
        },
      });
    },
    verifyNotify(params): NotifyCheck {
      const outTradeNo = params.out_trade_no;
      let signed = false;
      try {
        signed = sdk.checkNotifySignV2({ ...params });
      } catch {
        signed = false;
      }
      if (!signed) return { ok: false, reason: 'bad_signature', outTradeNo };
      if (params.app_id !== settings.appId) return { ok: false, reason: 'app_id_mismatch', outTradeNo };
      const amountFen = yuanToFen(params.total_amount);
      const state = STATES[params.trade_status ?? ''];
      if (!outTradeNo || !params.trade_no || amountFen === undefined || !state) {
        return { ok: false, reason: 'malformed', outTradeNo };
      }
      return { ok: true, notify: { outTradeNo, tradeNo: params.trade_no, amountFen, state } };
    },
  };
}
