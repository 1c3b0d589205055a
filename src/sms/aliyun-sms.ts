import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import { aliyunCanonicalQuery, aliyunPercentEncode, aliyunSignature } from './aliyun-signature.ts';
import { maskPhone, SmsError, type SmsPurpose, type SmsSender } from './sms-sender.ts';

/** What the Aliyun adapter needs (ALIYUN_SMS_* configuration). */
export interface AliyunSmsOptions {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** The approved 短信签名 (e.g. 文苑). */
  readonly signName: string;
  /** Approved template codes (SMS_…) per purpose; each template has one variable, `${code}`. */
  readonly templates: Readonly<Record<SmsPurpose, string>>;
  /** Default https://dysmsapi.aliyuncs.com/ (a fake in tests). */
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly log: Logger;
  /** For tests: the clock and the nonce source. */
  readonly now?: () => Date;
  readonly nonce?: () => string;
}

/** ISO 8601 UTC without milliseconds, as Aliyun wants it: 2017-07-12T02:42:19Z. */
export function aliyunTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds the signed parameters of one Dysmsapi SendSms call (API version 2017-05-25, RPC v1 signature). */
export function signedSendSmsParams(
  opts: Pick<AliyunSmsOptions, 'accessKeyId' | 'accessKeySecret' | 'signName'>,
  call: { phone: string; templateCode: string; code: string; timestamp: string; nonce: string },
): Record<string, string> {
  const params: Record<string, string> = {
    AccessKeyId: opts.accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    PhoneNumbers: call.phone,
    RegionId: 'cn-hangzhou',
    SignName: opts.signName,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: call.nonce,
    SignatureVersion: '1.0',
    TemplateCode: call.templateCode,
    TemplateParam: JSON.stringify({ code: call.code }),
    Timestamp: call.timestamp,
    Version: '2017-05-25',
  };
  return { ...params, Signature: aliyunSignature('POST', params, opts.accessKeySecret) };
}

/**
 * Aliyun 短信服务 (Dysmsapi) SendSms over HTTPS. The parameters travel in a POST body rather than the URL, so the
 * code does not land in proxy access logs. A non-OK answer is logged with the provider's code and message and
 * thrown as SmsError (the user reads the generic message).
 */
export function createAliyunSms(opts: AliyunSmsOptions): SmsSender {
  const log = opts.log.child({ module: 'sms', provider: 'aliyun' });
  const now = opts.now ?? (() => new Date());
  const nonce = opts.nonce ?? randomUUID;
  return {
    configured: true,
    kind: 'aliyun',
    async sendCode(phone: string, code: string, purpose: SmsPurpose) {
      const params = signedSendSmsParams(opts, {
        phone,
        templateCode: opts.templates[purpose],
        code,
        timestamp: aliyunTimestamp(now()),
        nonce: nonce(),
      });
      const body = `${aliyunCanonicalQuery(params)}&Signature=${aliyunPercentEncode(params.Signature as string)}`;
      const to = maskPhone(phone);
      let status: number;
      let text: string;
      try {
        const res = await fetch(opts.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        const timedOut = (err as Error).name === 'TimeoutError';
        const detail = timedOut
          ? `Aliyun SMS did not answer within ${opts.timeoutMs} ms`
          : `Aliyun SMS unreachable (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message})`;
        log.warn({ to, purpose }, detail);
        throw new SmsError(detail, undefined, { cause: err });
      }
      let answer: { Code?: unknown; Message?: unknown; RequestId?: unknown; BizId?: unknown } = {};
      try {
        answer = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's error page, say): reported below with the HTTP status.
      }
      const providerCode = typeof answer.Code === 'string' ? answer.Code : undefined;
      if (status === 200 && providerCode === 'OK') {
        log.info({ to, purpose, requestId: answer.RequestId, bizId: answer.BizId }, 'SMS sent');
        return;
      }
      const message = typeof answer.Message === 'string' ? answer.Message : text.slice(0, 200);
      log.warn(
        { to, purpose, status, providerCode, providerMessage: message, requestId: answer.RequestId },
        'Aliyun SMS refused the message',
      );
      throw new SmsError(`Aliyun SMS answered ${status} ${providerCode ?? '(no code)'}: ${message}`, providerCode);
    },
  };
}
