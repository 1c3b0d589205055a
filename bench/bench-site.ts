// What the ingest and relevance benches share: the one uploader every file is imported as, a job worker over the
// real handlers polling fast (the benches measure conversion, not the poll interval), and for the ingest benches a
// whole throw-away site (data directory, SQLite database, config, deps, uploader, worker) with a stop handler that
// leaves no LibreOffice, page-render or OCR process behind — after a run, or after Ctrl-C / SIGTERM.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { buildDeps, jobHandlers } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { markedPids } from '../src/convert/office-process.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import type { DB } from '../src/db/schema.ts';
import { type ImportResult, importFiles } from '../src/features/documents/import.ts';
import { startWorker } from '../src/jobs/worker.ts';
import type { Logger } from '../src/log.ts';
import { descendants } from './proc-rss.ts';

/** Inserts the bench's uploader (no password: it never signs in) and returns it with the first category. */
export async function benchUploader(db: Kysely<DB>): Promise<{ user: { id: number }; category: { id: number } }> {
  const now = Date.now();
  const user = await db
    .insertInto('users')
    .values({
      email: 'bench@example.com',
      password_hash: 'x',
      display_name: '基准',
      created_at: now,
      updated_at: now,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const category = await db.selectFrom('categories').select('id').orderBy('id').executeTakeFirstOrThrow();
  return { user: { id: Number(user.id) }, category: { id: Number(category.id) } };
}

/** A worker running every job handler with `concurrency` slots. */
export function benchWorker(
  deps: ReturnType<typeof buildDeps>,
  concurrency: number,
  log: Logger,
  leaseMs = 600_000,
): ReturnType<typeof startWorker> {
  return startWorker({
    queue: deps.queue,
    handlers: jobHandlers(deps),
    concurrency,
    pollMs: 5,
    leaseMs,
    backoffMs: 10,
    log,
  });
}

/**
 * Waits until no document job (conversion, page images…) is queued or running (reward releases are days ahead), at
 * most `maxMs`; resolves with how many were left (0: all done).
 */
export async function waitDocumentJobs(
  db: Kysely<DB>,
  everyMs = 200,
  maxMs = Number.POSITIVE_INFINITY,
): Promise<number> {
  const until = Date.now() + maxMs;
  for (;;) {
    const left = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['queued', 'running'])
      .where('name', 'like', 'document.%')
      .executeTakeFirstOrThrow();
    if (Number(left.n) === 0 || Date.now() > until) return Number(left.n);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Gives this bench a temp directory of its own (TMPDIR, read when LibreOffice, render and OCR directories are made,
 * and inherited by those children), so that `strayProcesses` can find anything it started by that name. Call first.
 */
export function ownTmp(name: string): string {
  const dir = join(tmpdir(), `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.env.TMPDIR = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * tsx's esbuild service (one per thread that loads TypeScript): the bench's own runtime, which ends with it — or a
 * process already exiting (its command line is empty then; a converter thread's esbuild just after close()).
 */
function isEsbuildOrExiting(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline === '' || /(^|\/)esbuild\0/.test(cmdline);
  } catch {
    return true;
  }
}

/**
 * Processes this bench left: its descendants but tsx's esbuild services (the corpus run listed its four as strays),
 * and any process naming its own temp directory (`ownTmp`).
 */
export function strayProcesses(): number[] {
  const tmp = process.env.TMPDIR ?? '';
  const own = tmp.includes(`-${process.pid}`) ? markedPids(tmp) : [];
  return [...new Set([...descendants(process.pid).filter((p) => !isEsbuildOrExiting(p)), ...own])].sort(
    (a, b) => a - b,
  );
}

export interface BenchSite {
  dataDir: string;
  database: Database;
  deps: ReturnType<typeof buildDeps>;
  /** Imports `files` as `wenyuan import` does (one more upload in flight than job slots). */
  importAll(files: readonly string[], onResult: (r: ImportResult) => void, pollMs?: number): Promise<ImportResult[]>;
  /** Stops the worker and the converter (no LibreOffice/render process left), closes the database, removes the dir. */
  close(opts?: { keep?: boolean }): Promise<void>;
}

const open = new Set<BenchSite>();

/** A fresh site on SQLite in a temp directory: `env` over the bench defaults, `workers` job slots. */
export async function openBenchSite(
  prefix: string,
  env: Record<string, string>,
  workers: number,
  leaseMs?: number,
): Promise<BenchSite> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const url = `sqlite:${join(dataDir, 'bench.db')}`;
  const database = openDatabase(url);
  await migrate(database);
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: url,
    JOB_CONCURRENCY: String(workers),
    UPLOAD_MAX_BYTES: '100MB',
    ...env,
  });
  const log = pino({ level: 'silent' });
  const deps = buildDeps(config, log, database);
  const { user, category } = await benchUploader(database.db);
  const worker = benchWorker(deps, workers, log, leaseMs);
  let closed = false;
  const site: BenchSite = {
    dataDir,
    database,
    deps,
    importAll: (files, onResult, pollMs = 10) =>
      importFiles(
        deps,
        files,
        { userId: user.id, categoryId: category.id, price: 0, concurrency: workers + 1, pollMs },
        onResult,
      ),
    async close(opts) {
      if (closed) return;
      closed = true;
      open.delete(site);
      await worker.stop(5000);
      await deps.converter.close();
      await database.close();
      if (!opts?.keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  open.add(site);
  return site;
}

/**
 * On SIGINT/SIGTERM: closes the converters of every open site (LibreOffice pool members, one-shot runs and page
 * renders in flight are killed; at most 15 s), prints `report()` with the processes still left, and exits 130.
 */
export function onStop(report: () => object): void {
  const stop = async () => {
    process.stderr.write('stopping: closing the converters…\n');
    const closing = Promise.all([...open].map((s) => s.deps.converter.close().catch(() => {})));
    await Promise.race([closing, new Promise((r) => setTimeout(r, 15_000))]);
    console.log(JSON.stringify({ ...report(), strayProcesses: strayProcesses() }, null, 2));
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
