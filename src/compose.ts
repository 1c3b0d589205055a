import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { createConverter } from './convert/converter.ts';
import { createOfficeConverter } from './convert/libreoffice.ts';
import { createTesseractOcr } from './convert/ocr-tesseract.ts';
import { createPiiCipher, decodeKey } from './crypto/pii-cipher.ts';
import type { Database } from './db/database.ts';
import type { Deps } from './deps.ts';
import { ledgerTotalsGauge } from './features/credits/ledger-metrics.ts';
import { releaseRewardHandler } from './features/credits/rewards.ts';
import { renderPagesHandler } from './features/documents/page-images.ts';
import { convertDocumentHandler } from './features/documents/pipeline.ts';
import { followFanoutHandler } from './features/following/fanout.ts';
import { searchReindexHandler } from './features/search/jobs.ts';
import { markProbeHandler } from './features/watermark/probe.ts';
import { createJobQueue } from './jobs/job-queue.ts';
import type { JobHandlers } from './jobs/worker.ts';
import type { Logger } from './log.ts';
import { createNullMailer, type Mailer } from './mail/mailer.ts';
import { createSmtpMailer } from './mail/smtp-mailer.ts';
import { jobDepthGauge, jobOldestAgeGauge } from './metrics/job-gauges.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { createAlipayProvider } from './payments/alipay-provider.ts';
import { withQueryCache } from './search/cached-search-index.ts';
import { withSearchMetrics } from './search/metered-search-index.ts';
import { createPostgresSearchIndex } from './search/postgres-search-index.ts';
import type { SearchIndex } from './search/search-index.ts';
import { createSqliteSearchIndex } from './search/sqlite-search-index.ts';
import { createDatabaseGenerations } from './shared-state/generations.ts';
import { connectRedis } from './shared-state/redis.ts';
import type { SharedState } from './shared-state/shared-state.ts';
import { createAliyunSms } from './sms/aliyun-sms.ts';
import { createConsoleSms } from './sms/console-sms.ts';
import { createNullSms, type SmsSender } from './sms/sms-sender.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createDatabaseCollectClaims } from './storage/collect-claims.ts';
import { createLocalBlobStore } from './storage/local-blob-store.ts';
import { createS3BlobStore } from './storage/s3-blob-store.ts';

/**
 * Chooses the ports once (blob store, job queue, converter…) over an open database. The only place that decides
 * which implementation of a port runs: the server, the CLI and the tests all build their dependencies here.
 */
export function buildDeps(config: Config, log: Logger, database: Database): Deps {
  const metrics = buildMetrics(config, database);
  const shared = buildSharedState(config, log, database);
  const converter = createConverter({
    concurrency: config.jobs.concurrency,
    timeoutMs: config.convert.timeoutMs,
    memoryMb: config.convert.memoryMb,
    // Extraction children and page-render children alike (decisions 0022, 0037).
    rssMb: config.convert.rssMb,
    office: createOfficeConverter({
      sofficePath: config.convert.soffice,
      timeoutMs: config.convert.officeTimeoutMs,
      memoryMb: config.convert.officeMemoryMb,
      concurrency: config.convert.officeConcurrency,
      pool: config.convert.officePool,
      recycleAfter: config.convert.officeRecycle,
      log: log.child({ module: 'libreoffice' }),
    }),
  });
  return {
    config,
    log,
    database,
    blobs: buildBlobStore(config, database),
    queue: createJobQueue(database, { maxAttempts: config.jobs.maxAttempts }),
    converter,
    // Page images for OCR are drawn by the converter's capped render children (decision 0026).
    ocr:
      config.convert.ocr === 'tesseract' ? createTesseractOcr({ render: (req) => converter.render(req) }) : undefined,
    payments: config.alipay ? createAlipayProvider(config.alipay) : undefined,
    downloadUrlSecret: config.credits.downloadUrlSecret ?? persistedSecret(config.dataDir, 'download-url.secret'),
    search: withSearchMetrics(buildSearchIndex(config, database, shared), metrics.searchDuration),
    pii: buildPiiCipher(config),
    mailer: buildMailer(config, log),
    sms: buildSms(config, log),
    metrics,
    shared,
  };
}

/**
 * Redis when REDIS_URL is set: rate-limit counters in Redis, cache invalidation by pub/sub. Otherwise rate limits
 * count in each process and caches check generation rows in the database (decision 0018).
 */
function buildSharedState(config: Config, log: Logger, database: Database): SharedState {
  const { url, prefix } = config.redis;
  if (!url) return { generations: createDatabaseGenerations(database), rateLimit: undefined, close: async () => {} };
  const redis = connectRedis({ url, prefix, log });
  return {
    generations: redis.generations,
    get rateLimit() {
      return { redis: redis.rateLimitClient, nameSpace: `${prefix}rl:` };
    },
    close: () => redis.close(),
  };
}

/** This process's metrics: process, HTTP, conversions and search, plus queue and ledger gauges read per scrape. */
function buildMetrics(config: Config, database: Database): Metrics {
  const metrics = createMetrics({ role: config.role });
  metrics.addScrapeGauge(jobDepthGauge(database));
  metrics.addScrapeGauge(jobOldestAgeGauge(database));
  metrics.addScrapeGauge(ledgerTotalsGauge({ database }));
  return metrics;
}

/** SMTP when SMTP_URL is set; otherwise the null mailer, and mail-based flows say they are unavailable. */
function buildMailer(config: Config, log: Logger): Mailer {
  const { smtpUrl, from, timeoutMs } = config.mail;
  return smtpUrl ? createSmtpMailer({ url: smtpUrl, from, timeoutMs, log }) : createNullMailer();
}

/** The SMS adapter SMS_PROVIDER names (config has checked that Aliyun's keys are all there). */
function buildSms(config: Config, log: Logger): SmsSender {
  const { provider, aliyun, timeoutMs } = config.sms;
  if (provider === 'console') return createConsoleSms(log);
  if (provider === 'aliyun' && aliyun) {
    return createAliyunSms({
      accessKeyId: aliyun.accessKeyId,
      accessKeySecret: aliyun.accessKeySecret,
      signName: aliyun.signName,
      templates: { verify: aliyun.templateVerify, reset: aliyun.templateReset },
      endpoint: aliyun.endpoint,
      timeoutMs,
      log,
    });
  }
  return createNullSms();
}

/**
 * The PII cipher over the configured keys, or keys generated once into DATA_DIR (0600) for a zero-configuration
 * start. Production should set PII_ENCRYPTION_KEY and PII_LOOKUP_KEY from outside DATA_DIR (decision 0011).
 */
function buildPiiCipher(config: Config) {
  const key = (raw: string) => {
    const k = decodeKey(raw);
    if (!k) throw new Error('a PII key is not 32 bytes of base64');
    return k;
  };
  return createPiiCipher({
    key: key(config.pii.encryptionKey ?? persistedSecret(config.dataDir, 'pii-encryption.key')),
    oldKeys: config.pii.oldEncryptionKeys.map(key),
    lookupKey: key(config.pii.lookupKey ?? persistedSecret(config.dataDir, 'pii-lookup.key')),
  });
}

/** The local store (DATA_DIR/blobs or STORAGE_URL=file:…), or the S3 bucket STORAGE_URL names (temp files stay local). */
function buildBlobStore(config: Config, database: Database): BlobStore {
  const { s3, dir } = config.storage;
  if (!s3) return createLocalBlobStore(dir);
  return createS3BlobStore({ s3, tempDir: join(dir, '.tmp'), claims: createDatabaseCollectClaims(database.db) });
}

/** The search port for the database's dialect (FTS5 or tsvector), behind the hot-query cache. */
function buildSearchIndex(config: Config, database: Database, shared: SharedState): SearchIndex {
  let index: SearchIndex;
  switch (database.dialect) {
    case 'sqlite':
      index = createSqliteSearchIndex(database);
      break;
    case 'postgres':
      index = createPostgresSearchIndex(database);
      break;
  }
  return withQueryCache(index, {
    entries: config.search.cacheEntries,
    ttlMs: config.search.cacheTtlMs,
    generations: shared.generations,
  });
}

/** A random secret created on first use and kept in DATA_DIR, so zero configuration still signs URLs stably. */
function persistedSecret(dataDir: string, name: string): string {
  const path = join(dataDir, name);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    try {
      writeFileSync(path, secret, { flag: 'wx', mode: 0o600 });
      return secret;
    } catch {
      // Another process created it first: use theirs.
      return readFileSync(path, 'utf8').trim();
    }
  }
}

/** One handler per job name (the worker checks the map against the catalog at boot). */
export function jobHandlers(deps: Deps): JobHandlers {
  return {
    'document.convert': convertDocumentHandler(deps),
    'document.pages': renderPagesHandler(deps),
    'search.reindex': searchReindexHandler(deps),
    'credits.releaseReward': releaseRewardHandler(deps),
    'follow.fanout': followFanoutHandler(deps),
    'watermark.probe': markProbeHandler(deps),
  };
}
