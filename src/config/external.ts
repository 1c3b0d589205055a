// The parts of the configuration that talk to other systems (Redis, storage, mail, SMS, Alipay, the PII keys,
// the metrics token): each reads its keys, checks them together and never echoes a secret. loadConfig (config.ts)
// calls them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, S3StorageConfig, SmsProvider } from '../config.ts';
import type { Env, Reader } from './reader.ts';

/** REDIS_URL (redis:// or rediss://, never echoed: it may hold a password) and REDIS_PREFIX for every key and channel. */
export function readRedis(r: Reader, env: Env): Config['redis'] {
  const url = env.REDIS_URL?.trim() || undefined;
  if (url) {
    let ok = false;
    try {
      const u = new URL(url);
      ok = (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
    } catch {
      ok = false;
    }
    if (!ok) r.problems.push('REDIS_URL must look like redis://[:password@]host:6379[/db] or rediss://…');
  }
  const prefix = r.str('REDIS_PREFIX', 'wenyuan:');
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(prefix))
    r.problems.push(`REDIS_PREFIX=${JSON.stringify(prefix)} may use letters, digits and : . _ - (at most 64)`);
  return { url, prefix };
}

/** A 32-byte key in base64 or base64url (`openssl rand -base64 32`). */
const KEY_32 = /^[A-Za-z0-9+/_-]{43}=?$/;

/** A bearer token for /metrics: long enough that guessing it is hopeless (a monitoring secret, not a password). */
export function metricsToken(r: Reader, raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw.length < 24) r.problems.push('METRICS_TOKEN must be at least 24 characters (openssl rand -hex 16)');
  return raw;
}

/** PII_ENCRYPTION_KEY, PII_ENCRYPTION_OLD_KEYS (comma-separated) and PII_LOOKUP_KEY; values are never echoed. */
export function readPiiKeys(r: Reader, env: Env): Config['pii'] {
  const one = (name: string, raw: string | undefined): string | undefined => {
    const v = raw?.trim();
    if (!v) return undefined;
    if (!KEY_32.test(v)) {
      r.problems.push(`${name} must be 32 bytes in base64 (openssl rand -base64 32)`);
      return undefined;
    }
    return v;
  };
  const old = (env.PII_ENCRYPTION_OLD_KEYS ?? '')
    .split(',')
    .map((k, i) => one(`PII_ENCRYPTION_OLD_KEYS[${i}]`, k))
    .filter((k): k is string => k !== undefined);
  return {
    encryptionKey: one('PII_ENCRYPTION_KEY', env.PII_ENCRYPTION_KEY),
    oldEncryptionKeys: old,
    lookupKey: one('PII_LOOKUP_KEY', env.PII_LOOKUP_KEY),
  };
}

/** Alipay keys come inline or from files (`…_FILE`); all three of app id and both keys, or none. */
export function readAlipay(r: Reader, env: Env, cwd: string): Config['alipay'] {
  const fromFile = (key: string): string | undefined => {
    const path = env[`${key}_FILE`];
    if (!path) return env[key] || undefined;
    try {
      return readFileSync(resolve(cwd, path), 'utf8').trim();
    } catch {
      r.problems.push(`${key}_FILE=${JSON.stringify(path)} cannot be read`);
      return undefined;
    }
  };
  const appId = env.ALIPAY_APP_ID || undefined;
  const privateKey = fromFile('ALIPAY_PRIVATE_KEY');
  const publicKey = fromFile('ALIPAY_PUBLIC_KEY');
  if (!appId && !privateKey && !publicKey) return undefined;
  if (!appId || !privateKey || !publicKey) {
    r.problems.push('ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY(_FILE) and ALIPAY_PUBLIC_KEY(_FILE) must be set together');
    return undefined;
  }
  return {
    appId,
    privateKey,
    publicKey,
    gateway: r.str('ALIPAY_GATEWAY', 'https://openapi.alipay.com/gateway.do'),
    keyType: r.oneOf<'PKCS1' | 'PKCS8'>('ALIPAY_KEY_TYPE', 'PKCS8', ['PKCS1', 'PKCS8']),
  };
}

/** `Name <addr@host>` or `addr@host`, one line (it becomes the From header). */
const MAIL_FROM = /^(?:[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/;

/** SMTP_URL (smtp:// or smtps://, with a host), MAIL_FROM, SMTP_TIMEOUT_MS. The URL is never echoed: it holds a password. */
export function readMail(r: Reader, env: Env): Config['mail'] {
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl) {
    let ok = false;
    try {
      const u = new URL(smtpUrl);
      ok = (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
    } catch {
      ok = false;
    }
    if (!ok) r.problems.push('SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465');
  }
  const from = r.str('MAIL_FROM', '文苑 <no-reply@localhost>').trim();
  if (!MAIL_FROM.test(from))
    r.problems.push(`MAIL_FROM=${JSON.stringify(from)} must look like 文苑 <no-reply@example.com>`);
  return { smtpUrl, from, timeoutMs: r.int('SMTP_TIMEOUT_MS', 15_000, 1000, 300_000) };
}

const ALIYUN_SMS_KEYS = [
  'ALIYUN_SMS_ACCESS_KEY_ID',
  'ALIYUN_SMS_ACCESS_KEY_SECRET',
  'ALIYUN_SMS_SIGN_NAME',
  'ALIYUN_SMS_TEMPLATE_VERIFY',
  'ALIYUN_SMS_TEMPLATE_RESET',
] as const;

/** SMS_PROVIDER and its keys: Aliyun needs all five ALIYUN_SMS_* values, and they mean nothing to another provider. */
export function readSms(r: Reader, env: Env): Config['sms'] {
  const provider = r.oneOf<SmsProvider>('SMS_PROVIDER', 'console', ['aliyun', 'console', 'none']);
  const timeoutMs = r.int('SMS_TIMEOUT_MS', 10_000, 1000, 120_000);
  const given = [...ALIYUN_SMS_KEYS, 'ALIYUN_SMS_ENDPOINT'].filter((k) => env[k]?.trim());
  if (provider !== 'aliyun') {
    if (given.length)
      r.problems.push(
        `${given.join(', ')} set but SMS_PROVIDER is ${provider}: set SMS_PROVIDER=aliyun or remove them`,
      );
    return { provider, timeoutMs, aliyun: undefined };
  }
  const missing = ALIYUN_SMS_KEYS.filter((k) => !env[k]?.trim());
  if (missing.length) r.problems.push(`SMS_PROVIDER=aliyun needs ${missing.join(', ')}`);
  const v = (k: string) => env[k]?.trim() ?? '';
  for (const k of ['ALIYUN_SMS_TEMPLATE_VERIFY', 'ALIYUN_SMS_TEMPLATE_RESET']) {
    if (v(k) && !/^SMS_\w+$/.test(v(k)))
      r.problems.push(`${k}=${JSON.stringify(v(k))} must be a template code such as SMS_123456789`);
  }
  const endpoint = r.str('ALIYUN_SMS_ENDPOINT', 'https://dysmsapi.aliyuncs.com/');
  if (!/^https?:\/\/[^/\s]+/.test(endpoint))
    r.problems.push(`ALIYUN_SMS_ENDPOINT=${JSON.stringify(endpoint)} must be an http(s) URL`);
  if (missing.length) return { provider, timeoutMs, aliyun: undefined };
  return {
    provider,
    timeoutMs,
    aliyun: {
      accessKeyId: v('ALIYUN_SMS_ACCESS_KEY_ID'),
      accessKeySecret: v('ALIYUN_SMS_ACCESS_KEY_SECRET'),
      signName: v('ALIYUN_SMS_SIGN_NAME'),
      templateVerify: v('ALIYUN_SMS_TEMPLATE_VERIFY'),
      templateReset: v('ALIYUN_SMS_TEMPLATE_RESET'),
      endpoint,
    },
  };
}

/**
 * STORAGE_URL: unset (DATA_DIR/STORAGE_DIR), `file:<dir>` (relative to the working directory) or
 * `s3://bucket/optional/prefix?endpoint=…&region=…&forcePathStyle=true`. The URL never carries credentials: those
 * come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), both or neither.
 */
export function readStorage(r: Reader, env: Env, cwd: string, dataDir: string): Config['storage'] {
  const gcGraceDays = r.int('BLOB_GC_GRACE_DAYS', 7, 1, 3650);
  const presign = r.bool('STORAGE_PRESIGN', false);
  let dir = resolve(dataDir, r.str('STORAGE_DIR', 'blobs'));
  const raw = env.STORAGE_URL?.trim() ?? '';
  let s3: S3StorageConfig | undefined;
  if (raw.startsWith('file:')) {
    const rest = raw.slice('file:'.length);
    dir = rest.startsWith('//') ? fileURLToPath(raw) : resolve(cwd, rest);
  } else if (raw.startsWith('s3://')) {
    s3 = readS3(r, env, raw);
  } else if (raw) {
    r.problems.push(`STORAGE_URL must start with file: or s3:// (got ${JSON.stringify(raw.slice(0, 80))})`);
  }
  if (presign && !s3)
    r.problems.push('STORAGE_PRESIGN=true needs an s3:// STORAGE_URL (the local store streams downloads)');
  return { dir, s3, presign, gcGraceDays };
}

function readS3(r: Reader, env: Env, raw: string): S3StorageConfig | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    r.problems.push('STORAGE_URL must look like s3://bucket/prefix?endpoint=https://…&region=…');
    return undefined;
  }
  const bucket = u.hostname;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    r.problems.push(`STORAGE_URL: bad bucket name ${JSON.stringify(bucket)}`);
  if (u.username || u.password)
    r.problems.push('STORAGE_URL must not carry credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  const path = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, '');
  if (path && !/^[A-Za-z0-9._\-/]+$/.test(path))
    r.problems.push(`STORAGE_URL: prefix ${JSON.stringify(path)} may use letters, digits and . _ - / only`);
  const known = new Set(['endpoint', 'region', 'forcePathStyle']);
  for (const k of u.searchParams.keys())
    if (!known.has(k)) r.problems.push(`STORAGE_URL: unknown parameter ${k} (endpoint, region, forcePathStyle)`);
  const endpoint = u.searchParams.get('endpoint') || undefined;
  if (endpoint && !/^https?:\/\/[^/\s]+/.test(endpoint))
    r.problems.push(`STORAGE_URL: endpoint ${JSON.stringify(endpoint)} must be an http(s) URL`);
  const style = u.searchParams.get('forcePathStyle') ?? 'false';
  if (!['true', 'false'].includes(style)) r.problems.push('STORAGE_URL: forcePathStyle must be true or false');
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (!!accessKeyId !== !!secretAccessKey)
    r.problems.push('set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither');
  const sessionToken = env.AWS_SESSION_TOKEN?.trim() || undefined;
  return {
    bucket,
    prefix: path ? `${path}/` : '',
    endpoint: endpoint?.replace(/\/$/, ''),
    region: u.searchParams.get('region') || env.AWS_REGION?.trim() || 'us-east-1',
    forcePathStyle: style === 'true',
    credentials:
      accessKeyId && secretAccessKey
        ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
        : undefined,
  };
}
