import { createHmac } from 'node:crypto';

/**
 * Aliyun's percent-encoding for RPC v1 signatures: UTF-8, everything but A-Z a-z 0-9 - _ . ~ becomes %XY (space
 * is %20, never +). encodeURIComponent leaves ! ' ( ) * alone, so those are encoded here as well.
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonicalized query string: every parameter but Signature, sorted by name (code-unit order), encoded. */
export function aliyunCanonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k] as string)}`)
    .join('&');
}

/** StringToSign = METHOD & %2F & percentEncode(canonical query). */
export function aliyunStringToSign(method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string {
  return `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(aliyunCanonicalQuery(params))}`;
}

/** Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)) — the RPC v1 scheme (SignatureVersion 1.0). */
export function aliyunSignature(
  method: 'GET' | 'POST',
  params: Readonly<Record<string, string>>,
  accessKeySecret: string,
): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(aliyunStringToSign(method, params), 'utf8').digest('base64');
}
