import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { metricsToken, readAlipay, readMail, readPiiKeys, readRedis, readSms, readStorage } from './config/external.ts';
import { type Env, parseBytes, Reader } from './config/reader.ts';

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
    /** Most resident memory (MB, native included) of an extraction or page-render child; default memoryMb + 512. */
    readonly rssMb: number;
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

/** A bad configuration: every problem found, reported at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
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
  const convertMemoryMb = r.int('CONVERT_MEMORY_MB', 512, 64, 8192);
  const jobConcurrency = r.int('JOB_CONCURRENCY', 2, 1, 64);
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
      concurrency: jobConcurrency,
      pollMs: r.int('JOB_POLL_MS', 1000, 10, 60_000),
      leaseMs: r.int('JOB_LEASE_MS', 30_000, 200, 3_600_000),
      maxAttempts: r.int('JOB_MAX_ATTEMPTS', 3, 1, 20),
      backoffMs: r.int('JOB_BACKOFF_MS', 5000, 0, 3_600_000),
    },
    convert: {
      timeoutMs: r.int('CONVERT_TIMEOUT_MS', 60_000, 1000, 3_600_000),
      memoryMb: convertMemoryMb,
      rssMb: r.int('CONVERT_RSS_MB', convertMemoryMb + 512, 128, 32_768),
      soffice: r.str('SOFFICE', '/usr/bin/soffice'),
      officeTimeoutMs: r.int('OFFICE_TIMEOUT_MS', 120_000, 1000, 3_600_000),
      officeMemoryMb: r.int('OFFICE_MEMORY_MB', 2048, 256, 16_384),
      officeConcurrency: r.int('OFFICE_CONCURRENCY', 1, 1, 16),
      // A member converts one document at a time: one per job slot, no more than the cores, at most 4 (decision 0028,
      // update: one member for two slots made the slots wait on each other — 2.92× one process per file against 3.8×).
      officePool: r.int('LIBREOFFICE_POOL', Math.min(4, jobConcurrency, availableParallelism()), 0, 16),
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

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
