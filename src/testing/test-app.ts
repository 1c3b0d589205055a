import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import pino from 'pino';
import { buildDeps, jobHandlers } from '../compose.ts';
import { loadConfig } from '../config.ts';
import { type Dialect, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import type { Deps } from '../deps.ts';
import { startWorker, type Worker } from '../jobs/worker.ts';
import type { Logger } from '../log.ts';
import type { Mailer } from '../mail/mailer.ts';
import { appParts } from '../routes.ts';
import type { SmsSender } from '../sms/sms-sender.ts';
import { createApp, type RateLimits } from '../web/app.ts';
import { rememberTestApp } from './app-registry.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

/** A whole app over a fresh database of one dialect, with a temp data directory and an in-process worker. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly deps: Deps;
  readonly tdb: TestDatabase;
  readonly dataDir: string;
  readonly worker: Worker | undefined;
  /** Every route the app registered (including the HEAD twins of GET routes and plugin routes), in order. */
  readonly routes: readonly RouteOptions[];
  close(): Promise<void>;
}

/** Builds a test app. `env` overrides configuration keys exactly as the environment would. */
export async function createTestApp(
  dialect: Dialect,
  opts: {
    env?: Record<string, string>;
    worker?: boolean;
    rateLimits?: Partial<RateLimits>;
    /** The logger the app and worker write to (default: pino at TEST_LOG_LEVEL, silent unless set). */
    log?: Logger;
    /**
     * The mail transport (default: from config — the null mailer unless `env.SMTP_URL` is set, e.g. to an
     * in-process capture server from testing/smtp-capture.ts).
     */
    mailer?: Mailer;
    /** The SMS sender (default: from config — console; testing/recording-sms.ts records codes for a test). */
    sms?: SmsSender;
    /**
     * Run over an existing database (migrated here) and data directory instead of fresh ones, e.g. a site restored
     * from a backup; close() then only closes them, the caller removes them.
     */
    existing?: { databaseUrl: string; dataDir: string };
  } = {},
): Promise<TestApp> {
  const tdb = opts.existing ? await openExisting(opts.existing.databaseUrl) : await createTestDatabase(dialect);
  const dataDir = opts.existing?.dataDir ?? mkdtempSync(join(tmpdir(), 'wy-data-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: tdb.url,
    LOG_LEVEL: 'silent',
    JOB_CONCURRENCY: '1',
    // Page images (pdf.js rendering, LibreOffice for docx) are slow and outlive short tests; their tests turn them on.
    PAGE_IMAGES: 'false',
    // OCR takes seconds per page; the OCR tests turn it on (and the quality tests see what a site without it does).
    OCR: 'none',
    ...opts.env,
  });
  const log = opts.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const built = buildDeps(config, log, tdb.database);
  const deps: Deps = { ...built, mailer: opts.mailer ?? built.mailer, sms: opts.sms ?? built.sms };
  const routes: RouteOptions[] = [];
  const app = await createApp(deps, appParts, {
    rateLimits: {
      authPerMinute: 1000,
      uploadsPerHour: 1000,
      uploadsPerAddressPerHour: 1000,
      reportsPerHour: 1000,
      apiTokenPerMinute: 100_000,
      ...opts.rateLimits,
    },
    onRoute: (route) => routes.push(route),
  });
  await app.ready();
  rememberTestApp(app, deps);
  const worker =
    opts.worker === false
      ? undefined
      : startWorker({
          queue: deps.queue,
          handlers: jobHandlers(deps),
          concurrency: 1,
          pollMs: 20,
          leaseMs: 30_000,
          backoffMs: 10,
          log,
        });
  return {
    app,
    deps,
    tdb,
    dataDir,
    worker,
    routes,
    async close() {
      await app.close();
      await worker?.stop(2000);
      await deps.converter.close();
      await deps.shared.close();
      await tdb.drop();
      if (!opts.existing) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An existing database as a TestDatabase whose drop() only closes it. */
async function openExisting(url: string): Promise<TestDatabase> {
  const database = openDatabase(url, { poolSize: 20 });
  await migrate(database);
  return { url, database, drop: () => database.close() };
}
