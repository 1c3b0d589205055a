import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The roles one process can play: serve HTTP, run background jobs, or both (the default). */
export type Role = 'all' | 'web' | 'worker';

/** Validated, frozen configuration. The only module that reads `process.env`. */
export interface Config {
  readonly role: Role;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly publicUrl: string;
    readonly trustProxy: boolean;
  };
  readonly dataDir: string;
  readonly database: { readonly url: string; readonly dialect: 'sqlite' | 'postgres' };
  readonly storage: {
    /**
     * The local blob directory (STORAGE_URL=file:…, else DATA_DIR/STORAGE_DIR). With S3 it still holds the temp
     * files: uploads are written here first, then sent to the bucket.
     */
    readonly dir: string;
    /** The S3-compatible bucket when STORAGE_URL is s3://…; undefined means the local store. */
    readonly s3: S3StorageConfig | undefined;
    /** Downloads redirect to a short-lived pre-signed URL of the store (STORAGE_PRESIGN, S3 only). */
    readonly presign: boolean;
    /**
     * Days the blobs of a deleted or rejected document are kept before the collector may remove them (reconvert,
     * and shared or re-uploaded content, stay safe meanwhile); also how long any blob stays after a write or touch.
     */
    readonly gcGraceDays: number;
  };
  readonly upload: { readonly maxBytes: number };
  readonly jobs: {
    readonly concurrency: number;
    readonly pollMs: number;
    readonly leaseMs: number;
    readonly maxAttempts: number;
    readonly backoffMs: number;
  };
  readonly convert: {
    readonly timeoutMs: number;
    readonly memoryMb: number;
    /** LibreOffice for office formats: the soffice path (missing = formats refused), time, memory, at once. */
    readonly soffice: string;
    readonly officeTimeoutMs: number;
    readonly officeMemoryMb: number;
    readonly officeConcurrency: number;
    /** Long-lived LibreOffice processes driven over UNO (0 = one process per file) and documents before recycling. */
    readonly officePool: number;
    readonly officeRecycle: number;
    /** Render images of the free pages after publication (PAGE_IMAGES, default on). */
    readonly pageImages: boolean;
    /** OCR of scans (OCR=tesseract|none; tesseract is used when installed with Chinese data) and its page cap. */
    readonly ocr: 'tesseract' | 'none';
    readonly ocrMaxPages: number;
  };
  readonly session: { readonly ttlDays: number; readonly secureCookie: boolean };
  readonly log: { readonly level: string; readonly access: boolean };
  readonly shutdownMs: number;
  readonly pageCache: { readonly entries: number };
  /**
   * Prometheus metrics: on a separate listener (METRICS_PORT, bound to METRICS_HOST, default loopback) and/or at
   * /metrics on the site behind `Authorization: Bearer METRICS_TOKEN`. Neither set = not served.
   */
  readonly metrics: { readonly port: number | undefined; readonly host: string; readonly token: string | undefined };
  /** Hot-query cache of the search candidate windows (entries 0 = off) and how long an entry may live. */
  readonly search: { readonly cacheEntries: number; readonly cacheTtlMs: number };
  /**
   * Redis for state every web process must agree on (decision 0018): rate-limit counters and cache invalidations
   * by pub/sub. Unset: rate limits count per process and caches check a generation row in the database.
   */
  readonly redis: { readonly url: string | undefined; readonly prefix: string };
  readonly credits: {
    /** The platform's share of every sale, in percent (the rest goes to the uploader's earnings). */
    readonly platformSharePercent: number;
    readonly downloadDailyCapUser: number;
    readonly downloadDailyCapIp: number;
    /** HMAC key for signed download URLs; undefined means "derive one and keep it under DATA_DIR". */
    readonly downloadUrlSecret: string | undefined;
    readonly downloadUrlTtlSeconds: number;
    /** Days a first-upload reward stays pending (visible, not spendable) before it reaches the wallet. */
    readonly rewardHoldDays: number;
  };
  /**
   * Keys for personal information at rest (decision 0011), base64 of 32 bytes each; undefined means "generate one
   * and keep it under DATA_DIR". `encryptionKey` seals new values, `oldEncryptionKeys` only open older ones,
   * `lookupKey` keys the fingerprints that find equal identity numbers.
   */
  readonly pii: {
    readonly encryptionKey: string | undefined;
    readonly oldEncryptionKeys: readonly string[];
    readonly lookupKey: string | undefined;
  };
  /** Alipay page pay; undefined when not configured (top-up is then unavailable, grants still work). */
  readonly alipay:
    | {
        readonly appId: string;
        readonly privateKey: string;
        readonly publicKey: string;
        readonly gateway: string;
        readonly keyType: 'PKCS1' | 'PKCS8';
      }
    | undefined;
  /**
   * Outgoing mail (verification and reset links). `smtpUrl` undefined means no mail transport: the site then says
   * that recovery by email is unavailable.
   */
  readonly mail: { readonly smtpUrl: string | undefined; readonly from: string; readonly timeoutMs: number };
  /** SMS codes: `console` (the code goes to the log; the embedded default), Aliyun 短信服务, or `none`. */
  readonly sms: {
    readonly provider: SmsProvider;
    readonly timeoutMs: number;
    /** Set exactly when provider is `aliyun`. */
    readonly aliyun:
      | {
          readonly accessKeyId: string;
          readonly accessKeySecret: string;
          readonly signName: string;
          readonly templateVerify: string;
          readonly templateReset: string;
          readonly endpoint: string;
        }
      | undefined;
  };
}

/** An S3-compatible bucket (AWS S3, MinIO, Alibaba OSS, Tencent COS), from STORAGE_URL and the AWS_* variables. */
export interface S3StorageConfig {
  readonly bucket: string;
  /** Key prefix inside the bucket: '' or ending in '/'. */
  readonly prefix: string;
  /** Undefined for AWS itself; the service URL otherwise (`http://127.0.0.1:9000`). */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** Undefined: the SDK's own chain (instance role, shared profile). */
  readonly credentials:
    | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
    | undefined;
}

/** Which SMS adapter runs (SMS_PROVIDER). */
export type SmsProvider = 'aliyun' | 'console' | 'none';

type Env = Record<string, string | undefined>;

/** A bad configuration: every problem found, reported at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(key: string, fallback: string): string {
    const v = this.env[key];
    return v === undefined || v === '' ? fallback : v;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const raw = this.env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${key}=${JSON.stringify(raw)} must be an integer between ${min} and ${max}`);
      return fallback;
    }
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const raw = this.env[key];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    this.problems.push(`${key}=${JSON.stringify(raw)} must be true or false`);
    return fallback;
  }

  oneOf<T extends string>(key: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.env[key];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${key}=${JSON.stringify(raw)} must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

function parseBytes(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  if (!m) return undefined;
  const unit = BYTE_UNITS[(m[2] ?? '').toLowerCase()];
  return unit === undefined ? undefined : Math.floor(Number(m[1]) * unit);
}

/** Parses command-line flags of the form `--key=value` into env-style overrides. */
export function argvOverrides(argv: string[]): Env {
  const out: Env = {};
  for (const arg of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) continue;
    const key = m[1] === 'role' ? 'WENYUAN_ROLE' : m[1] === 'port' ? 'PORT' : undefined;
    if (key) out[key] = m[2];
  }
  return out;
}

/** Builds the configuration from the environment, throwing ConfigError listing every bad key. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const r = new Reader(env);
  const dataDir = resolve(cwd, r.str('DATA_DIR', './data'));
  const port = r.int('PORT', 3000, 0, 65535);
  // Loopback unless told otherwise: a zero-config start is not reachable from the LAN (HOST=0.0.0.0 exposes it).
  const host = r.str('HOST', '127.0.0.1');
  const databaseUrl = r.str('DATABASE_URL', `sqlite:${resolve(dataDir, 'wenyuan.db')}`);
  let dialect: 'sqlite' | 'postgres' = 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) dialect = 'postgres';
  else if (!databaseUrl.startsWith('sqlite:')) {
    r.problems.push(`DATABASE_URL must start with sqlite: or postgres:// (got ${JSON.stringify(databaseUrl)})`);
  }
  let maxBytes = 50 * 1024 ** 2;
  const rawMax = env.UPLOAD_MAX_BYTES;
  if (rawMax) {
    const parsed = parseBytes(rawMax);
    if (parsed === undefined || parsed < 1024)
      r.problems.push(`UPLOAD_MAX_BYTES=${JSON.stringify(rawMax)} must be a size such as 50MB`);
    else maxBytes = parsed;
  }
  const config: Config = {
    role: r.oneOf<Role>('WENYUAN_ROLE', 'all', ['all', 'web', 'worker']),
    http: {
      host,
      port,
      publicUrl: r.str('PUBLIC_URL', `http://localhost:${port}`).replace(/\/$/, ''),
      trustProxy: r.bool('TRUST_PROXY', false),
    },
    dataDir,
    database: { url: databaseUrl, dialect },
    storage: readStorage(r, env, cwd, dataDir),
    upload: { maxBytes },
    jobs: {
      concurrency: r.int('JOB_CONCURRENCY', 2, 1, 64),
      pollMs: r.int('JOB_POLL_MS', 1000, 10, 60_000),
      leaseMs: r.int('JOB_LEASE_MS', 30_000, 200, 3_600_000),
      maxAttempts: r.int('JOB_MAX_ATTEMPTS', 3, 1, 20),
      backoffMs: r.int('JOB_BACKOFF_MS', 5000, 0, 3_600_000),
    },
    convert: {
      timeoutMs: r.int('CONVERT_TIMEOUT_MS', 60_000, 1000, 3_600_000),
      memoryMb: r.int('CONVERT_MEMORY_MB', 512, 64, 8192),
      soffice: r.str('SOFFICE', '/usr/bin/soffice'),
      officeTimeoutMs: r.int('OFFICE_TIMEOUT_MS', 120_000, 1000, 3_600_000),
      officeMemoryMb: r.int('OFFICE_MEMORY_MB', 2048, 256, 16_384),
      officeConcurrency: r.int('OFFICE_CONCURRENCY', 1, 1, 16),
      // One member per two cores (decision 0028): a member converts one document at a time.
      officePool: r.int('LIBREOFFICE_POOL', Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2))), 0, 16),
      officeRecycle: r.int('LIBREOFFICE_RECYCLE', 200, 1, 100_000),
      pageImages: r.bool('PAGE_IMAGES', true),
      ocr: r.oneOf('OCR', 'tesseract', ['tesseract', 'none']),
      ocrMaxPages: r.int('OCR_MAX_PAGES', 20, 1, 500),
    },
    session: { ttlDays: r.int('SESSION_TTL_DAYS', 30, 1, 365), secureCookie: r.bool('SECURE_COOKIES', false) },
    log: {
      level: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      access: r.bool('LOG_ACCESS', true),
    },
    shutdownMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    pageCache: { entries: r.int('PAGE_CACHE_ENTRIES', 2000, 0, 1_000_000) },
    metrics: {
      port: env.METRICS_PORT ? r.int('METRICS_PORT', 0, 1, 65_535) : undefined,
      host: env.METRICS_HOST ?? '127.0.0.1',
      token: metricsToken(r, env.METRICS_TOKEN),
    },
    search: {
      cacheEntries: r.int('SEARCH_CACHE_SIZE', 1000, 0, 1_000_000),
      cacheTtlMs: r.int('SEARCH_CACHE_TTL_MS', 60_000, 0, 86_400_000),
    },
    redis: readRedis(r, env),
    credits: {
      platformSharePercent: r.int('PLATFORM_SHARE_PERCENT', 30, 0, 100),
      downloadDailyCapUser: r.int('DOWNLOAD_DAILY_CAP_USER', 50, 1, 1_000_000),
      downloadDailyCapIp: r.int('DOWNLOAD_DAILY_CAP_IP', 200, 1, 1_000_000),
      downloadUrlSecret: env.DOWNLOAD_URL_SECRET || undefined,
      downloadUrlTtlSeconds: r.int('DOWNLOAD_URL_TTL_SECONDS', 300, 10, 86_400),
      rewardHoldDays: r.int('REWARD_HOLD_DAYS', 7, 0, 365),
    },
    pii: readPiiKeys(r, env),
    alipay: readAlipay(r, env, cwd),
    mail: readMail(r, env),
    sms: readSms(r, env),
  };
  if (r.problems.length) throw new ConfigError(r.problems);
  return deepFreeze(config);
}

/** REDIS_URL (redis:// or rediss://, never echoed: it may hold a password) and REDIS_PREFIX for every key and channel. */
function readRedis(r: Reader, env: Env): Config['redis'] {
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

/** PII_ENCRYPTION_KEY, PII_ENCRYPTION_OLD_KEYS (comma-separated) and PII_LOOKUP_KEY; values are never echoed. */
/** A bearer token for /metrics: long enough that guessing it is hopeless (a monitoring secret, not a password). */
function metricsToken(r: Reader, raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw.length < 24) r.problems.push('METRICS_TOKEN must be at least 24 characters (openssl rand -hex 16)');
  return raw;
}

function readPiiKeys(r: Reader, env: Env): Config['pii'] {
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
function readAlipay(r: Reader, env: Env, cwd: string): Config['alipay'] {
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
function readMail(r: Reader, env: Env): Config['mail'] {
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
function readSms(r: Reader, env: Env): Config['sms'] {
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
function readStorage(r: Reader, env: Env, cwd: string, dataDir: string): Config['storage'] {
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

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
