// `wenyuan migrate --to-database postgres://… --to-storage s3://…`: moves a whole site off the embedded default
// (SQLite + local files) onto PostgreSQL and an object store, ledger included. Resumable: every batch of rows is
// upserted by primary key together with the table's progress in one target transaction, and blobs already in the
// target store are skipped, so a run that was interrupted and started again continues and never duplicates. At the
// end it verifies counts, ledger sums per account, blob checksums and `ledger verify` on the target.
import { createHash } from 'node:crypto';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Deps } from '../../deps.ts';
import { GENERATION_KEYS } from '../../shared-state/generations.ts';
import type { BlobKey, BlobStore } from '../../storage/blob-store.ts';
import { reindexAll } from '../search/service.ts';
import { databaseHasContent, eachLimit, OperationError, PERSISTED_SECRETS } from './backup.ts';
import { requiredBlobKeys, type SiteFacts, siteFacts } from './facts.ts';
import {
  batchSize,
  countRows,
  planTables,
  readBatch,
  resetSequences,
  type TablePlan,
  type TableProgress,
  writeBatch,
} from './table-copy.ts';

// biome-ignore lint/suspicious/noExplicitAny: the progress table is not part of the site's schema.
type AnyDb = Kysely<any>;

/** The target's bookkeeping of the run: which source it copies from, and each table's progress. */
const PROGRESS = 'site_migration_progress';
const PARALLEL = 4;

type SiteDeps = Pick<Deps, 'config' | 'database' | 'blobs' | 'search' | 'log'>;

/** What a migration did, as the CLI prints it. */
export interface MigrationSummary {
  readonly resumed: boolean;
  readonly tables: number;
  readonly rows: number;
  readonly blobs: { copied: number; present: number; bytes: number };
  readonly secrets: number;
  readonly indexed: number;
  readonly facts: SiteFacts;
}

/** A step of the run, for progress output (and for tests that interrupt it at a chosen point). */
export type MigrationStep =
  | { readonly kind: 'rows'; readonly table: string; readonly rows: number }
  | { readonly kind: 'table'; readonly table: string; readonly rows: number }
  | { readonly kind: 'blob'; readonly key: string; readonly copied: boolean };

export interface MigrationOptions {
  /** Rows per batch (default 500). */
  readonly batch?: number;
  /** Where the target site's DATA_DIR is, if not the source's: the generated keys are copied there. */
  readonly toDataDir?: string;
  readonly signal?: AbortSignal;
  readonly onStep?: (step: MigrationStep) => void;
}

/** Which site a run copies from: the source database and store, without secrets. */
function sourceIdentity(config: Deps['config']): string {
  const db = config.database.url.replace(/\/\/[^@/]*@/, '//');
  const s3 = config.storage.s3;
  const store = s3 ? `s3://${s3.bucket}/${s3.prefix}` : `file:${config.storage.dir}`;
  return `${db} ${store}`;
}

async function readProgress(db: AnyDb, item: string): Promise<string | undefined> {
  const r = await db.selectFrom(PROGRESS).select('value').where('item', '=', item).executeTakeFirst();
  return r?.value as string | undefined;
}

async function saveProgress(db: AnyDb, item: string, value: unknown): Promise<void> {
  const v = JSON.stringify(value);
  const now = Date.now();
  await db
    .insertInto(PROGRESS)
    .values({ item, value: v, updated_at: now })
    .onConflict((oc) => oc.column('item').doUpdateSet({ value: v, updated_at: now }))
    .execute();
}

async function storeIsEmpty(blobs: BlobStore): Promise<boolean> {
  for await (const _ of blobs.list()) return false;
  return true;
}

/**
 * Starts a new run on an empty target, or recognises the target as this source's own earlier run (resume).
 * Anything else is refused: a migration never writes into a site it did not create.
 */
async function claimTarget(source: SiteDeps, target: SiteDeps, plans: readonly TablePlan[]): Promise<boolean> {
  const db = target.database.db as AnyDb;
  const identity = sourceIdentity(source.config);
  await sql`create table if not exists ${sql.table(PROGRESS)} (item text primary key, value text not null,
    updated_at bigint not null)`.execute(db);
  const run = await readProgress(db, 'run');
  if (run) {
    const from = (JSON.parse(run) as { source: string }).source;
    if (from !== identity)
      throw new OperationError(`the target holds a migration from another site (${from}): use an empty target`);
    return true;
  }
  const found: string[] = [];
  if (await databaseHasContent(target)) found.push('the database has users, documents or ledger entries');
  if (!(await storeIsEmpty(target.blobs))) found.push('the blob store is not empty');
  if (found.length) throw new OperationError(`the target is not empty (${found.join('; ')}): migrate into a new one`);
  // The target's own migrations seeded some rows (categories, settings); the source has its own copies of them.
  await db.transaction().execute(async (trx) => {
    await sql`truncate ${sql.join(plans.map((p) => sql.table(p.name)))} restart identity cascade`.execute(trx);
    await saveProgress(trx, 'run', { source: identity, startedAt: new Date().toISOString() });
  });
  return false;
}

/** Copies one table from where an earlier run stopped. */
async function copyTable(source: Database, target: Database, plan: TablePlan, opts: MigrationOptions) {
  const item = `table:${plan.name}`;
  const raw = await readProgress(target.db as AnyDb, item);
  const progress: TableProgress = raw ? JSON.parse(raw) : { after: null, rows: 0, done: false };
  if (progress.done) return progress.rows;
  const limit = batchSize(plan, opts.batch ?? 500);
  for (;;) {
    opts.signal?.throwIfAborted();
    const rows = await readBatch(source, plan, progress.after, limit);
    const last = rows.at(-1);
    const next: TableProgress = {
      after: last ? plan.key.map((k) => last[k]) : progress.after,
      rows: progress.rows + rows.length,
      done: rows.length < limit,
    };
    await writeBatch(target, plan, rows, (trx) => saveProgress(trx, item, next));
    Object.assign(progress, next);
    opts.onStep?.({ kind: next.done ? 'table' : 'rows', table: plan.name, rows: next.rows });
    if (next.done) return next.rows;
  }
}

/** Streams one blob from the source store into the target, checking that its bytes hash to its key. */
async function copyBlob(source: BlobStore, target: BlobStore, key: BlobKey): Promise<number> {
  const tmp = target.tempPath('migrate');
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(source.read(key), meter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
  if (hash.digest('hex') !== key.slice(key.indexOf('/') + 1))
    throw new OperationError(`blob ${key} is corrupt in the source store: its bytes do not hash to its key`);
  await target.putFile(tmp, key);
  return size;
}

/** Every blob of the source, skipping those the target already has (a resumed run, or identical content). */
async function copyBlobs(source: BlobStore, target: BlobStore, opts: MigrationOptions) {
  const listed: { key: BlobKey; size: number }[] = [];
  for await (const b of source.list()) listed.push(b);
  listed.sort((a, b) => a.key.localeCompare(b.key));
  const out = { copied: 0, present: 0, bytes: 0, keys: listed.map((b) => b.key) };
  await eachLimit(listed, PARALLEL, async (b) => {
    opts.signal?.throwIfAborted();
    if ((await target.size(b.key)) === b.size) {
      out.present++;
      opts.onStep?.({ kind: 'blob', key: b.key, copied: false });
      return;
    }
    out.bytes += await copyBlob(source, target, b.key);
    out.copied++;
    opts.onStep?.({ kind: 'blob', key: b.key, copied: true });
  });
  return out;
}

/**
 * The generated keys (PII, download URLs) into the target's DATA_DIR, never over different ones. Call it before the
 * target's dependencies are built: building them generates fresh keys into a DATA_DIR that has none.
 */
export function copySecrets(fromDir: string, toDir: string | undefined): number {
  if (!toDir || toDir === fromDir) return 0;
  mkdirSync(toDir, { recursive: true, mode: 0o700 });
  let n = 0;
  for (const name of PERSISTED_SECRETS) {
    const from = join(fromDir, name);
    if (!existsSync(from)) continue;
    const to = join(toDir, name);
    if (existsSync(to)) {
      if (!readFileSync(to).equals(readFileSync(from)))
        throw new OperationError(
          `${to} exists and differs from the site's ${name}: the target could not read its data`,
        );
      continue;
    }
    copyFileSync(from, to);
    n++;
  }
  return n;
}

/** Each account's balance (unsettled credits included) and the sum of its entries, by code. */
async function ledgerSums(database: Database): Promise<Map<string, string>> {
  const r = await sql<{ code: string; entries: number; balance: number }>`select a.code,
      coalesce((select sum(e.amount) from ledger_entries e where e.account_id = a.id), 0) as entries,
      a.balance + coalesce((select sum(u.amount) from ledger_unsettled u where u.account_id = a.id), 0) as balance
    from ledger_accounts a`.execute(database.db);
  return new Map(r.rows.map((row) => [row.code, `${Number(row.entries)}/${Number(row.balance)}`]));
}

/** Compares the target with the source: every count, every account's sums, every blob's bytes, and the ledger. */
async function verifyTarget(source: SiteDeps, target: SiteDeps, plans: readonly TablePlan[], keys: BlobKey[]) {
  const problems: string[] = [];
  for (const p of plans) {
    // Rebuilding the search index bumps the cross-process search generation (a settings row the source may lack).
    const except = p.name === 'settings' ? { column: 'key', value: GENERATION_KEYS.search } : undefined;
    const [a, b] = [await countRows(source.database, p.name, except), await countRows(target.database, p.name, except)];
    if (a !== b) problems.push(`${p.name}: ${a} rows in the source, ${b} in the target`);
  }
  const [sa, sb] = [await ledgerSums(source.database), await ledgerSums(target.database)];
  for (const [code, v] of sa) if (sb.get(code) !== v) problems.push(`account ${code}: ${v} ≠ ${sb.get(code)}`);
  if (sa.size !== sb.size) problems.push(`${sa.size} ledger accounts in the source, ${sb.size} in the target`);
  await eachLimit(keys, PARALLEL, async (key) => {
    const hash = createHash('sha256');
    try {
      for await (const chunk of target.blobs.read(key)) hash.update(chunk as Buffer);
    } catch {
      problems.push(`blob ${key} is missing from the target store`);
      return;
    }
    if (hash.digest('hex') !== key.slice(key.indexOf('/') + 1)) problems.push(`blob ${key} reads back wrong`);
  });
  const have = new Set<string>(keys);
  for (const k of await requiredBlobKeys(target)) if (!have.has(k)) problems.push(`blob ${k} is needed but missing`);
  const before = await siteFacts(source);
  const after = await siteFacts(target);
  if (!after.report.ok) problems.push(`ledger verify failed on the target: ${JSON.stringify(after.facts.ledger)}`);
  if (JSON.stringify(after.facts) !== JSON.stringify(before.facts))
    problems.push(`facts differ: ${JSON.stringify(after.facts)} ≠ ${JSON.stringify(before.facts)}`);
  if (problems.length)
    throw new OperationError(`the target differs from the source:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return after.facts;
}

/**
 * Moves the site `source` (stopped: nothing may write to it meanwhile) into `target` (a PostgreSQL database, migrated,
 * and its store) and verifies the result.
 */
export async function migrateSite(
  source: SiteDeps,
  target: SiteDeps,
  opts: MigrationOptions = {},
): Promise<MigrationSummary> {
  if (target.database.dialect !== 'postgres')
    throw new OperationError('--to-database must be a postgres:// URL (the migration leaves the embedded default)');
  const plans = await planTables(source.database, target.database, new Set([PROGRESS]));
  const resumed = await claimTarget(source, target, plans);
  const log = source.log.child({ module: 'migrate' });
  log.info({ tables: plans.length, resumed }, 'copying tables');

  let rows = 0;
  for (const plan of plans) rows += await copyTable(source.database, target.database, plan, opts);
  await resetSequences(target.database, plans);
  log.info({ rows }, 'tables copied');

  const blobs = await copyBlobs(source.blobs, target.blobs, opts);
  log.info({ copied: blobs.copied, present: blobs.present }, 'blobs copied');
  const secrets = copySecrets(source.config.dataDir, opts.toDataDir);

  opts.signal?.throwIfAborted();
  const indexed = await reindexAll(target);
  const facts = await verifyTarget(source, target, plans, blobs.keys);
  await saveProgress(target.database.db as AnyDb, 'verified', { at: new Date().toISOString(), facts });
  return {
    resumed,
    tables: plans.length,
    rows,
    blobs: { copied: blobs.copied, present: blobs.present, bytes: blobs.bytes },
    secrets,
    indexed,
    facts,
  };
}
