// `wenyuan backup <dir>`: a consistent copy of the database, every blob by key, and the keys generated into
// DATA_DIR — verified (checksums of every file; the database copy restored into a scratch database where
// `ledger verify` must pass and every blob a live document needs must be in the backup) before it reports success.
import { createHash } from 'node:crypto';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { openDatabase } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { backupSqlite, createScratchPostgres, dumpPostgres, restorePostgres } from '../../db/snapshot.ts';
import type { Deps } from '../../deps.ts';
import type { BlobKey } from '../../storage/blob-store.ts';
import { requiredBlobKeys, type SiteFacts, siteFacts } from './facts.ts';
import { hashFile, type Manifest, type ManifestFile, writeManifest } from './manifest.ts';

type BackupDeps = Pick<Deps, 'config' | 'database' | 'blobs' | 'log'>;

/**
 * Files compose.ts generates into DATA_DIR when their variables are unset. Without the PII keys a restored site
 * cannot open the real-name data it holds, so they travel with the backup (which is therefore secret, mode 0700).
 */
export const PERSISTED_SECRETS = ['download-url.secret', 'pii-encryption.key', 'pii-lookup.key'] as const;

/** How many blobs are copied at once (object stores answer each request with some latency). */
const PARALLEL = 4;

/** Thrown for an operator's mistake or a failed verification: the CLI prints the message, no stack. */
export class OperationError extends Error {
  override readonly name = 'OperationError';
}

/** What a backup holds, as the CLI prints it. */
export interface BackupSummary {
  readonly dir: string;
  readonly dialect: 'sqlite' | 'postgres';
  readonly database: ManifestFile;
  readonly blobs: { files: number; bytes: number };
  readonly secrets: number;
  readonly facts: SiteFacts;
}

/** Runs `fn` over `items` with at most `n` in flight. */
export async function eachLimit<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** Where blob `key` lives inside a backup directory. */
export const blobFile = (dir: string, key: string) => join(dir, 'blobs', key);

/** The database copy opened in a scratch place: its facts, the blobs it needs and its newest migration. */
async function inspectCopy(deps: BackupDeps, file: string) {
  const scratchDir = mkdtempSync(join(tmpdir(), 'wy-verify-'));
  const scratch =
    deps.database.dialect === 'sqlite'
      ? { url: `sqlite:${join(scratchDir, 'copy.db')}`, drop: async () => {} }
      : await createScratchPostgres(deps.config.database.url);
  try {
    if (deps.database.dialect === 'sqlite') copyFileSync(file, join(scratchDir, 'copy.db'));
    else await restorePostgres(scratch.url, file);
    const database = openDatabase(scratch.url, { poolSize: 2 });
    try {
      const migration = await newestMigration(database);
      // The copy comes from this code: migrating is a no-op unless the site ran older code, and then it proves
      // the copy upgrades.
      await migrate(database);
      const { facts, report } = await siteFacts({ database });
      const required = await requiredBlobKeys({ database });
      return { facts, report, required, migration };
    } finally {
      await database.close();
    }
  } finally {
    await scratch.drop();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** The last migration applied to a database (Kysely's bookkeeping table), or undefined before any. */
export async function newestMigration(database: Pick<Deps, 'database'>['database']): Promise<string | undefined> {
  try {
    const r = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(
      database.db,
    );
    return r.rows[0]?.name;
  } catch {
    return undefined;
  }
}

/** Copies one blob out of the store, checking that its bytes hash to its key. */
async function copyBlob(deps: BackupDeps, dir: string, key: BlobKey) {
  const dest = blobFile(dir, key);
  mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(deps.blobs.read(key), meter, createWriteStream(dest, { flags: 'wx', mode: 0o600 }));
  const sha256 = hash.digest('hex');
  if (sha256 !== key.slice(key.indexOf('/') + 1))
    throw new OperationError(`blob ${key} is corrupt in the store: its bytes hash to ${sha256}`);
  return { key, size, sha256 };
}

/** Checks every file a manifest lists against its checksum (the backup as written to disk, or before a restore). */
export async function verifyBackupFiles(dir: string, m: Pick<Manifest, 'database' | 'blobs' | 'secrets'>) {
  const check = async (path: string, want: { size: number; sha256: string }, what: string) => {
    if (!existsSync(path)) throw new OperationError(`${what} is missing from the backup (${path})`);
    const got = await hashFile(path);
    if (got.sha256 !== want.sha256 || got.size !== want.size)
      throw new OperationError(`${what} does not match its checksum in the manifest (${path})`);
  };
  await check(join(dir, m.database.name), m.database, 'the database copy');
  for (const s of m.secrets) await check(join(dir, 'secrets', s.name), s, `secret ${s.name}`);
  await eachLimit(m.blobs, PARALLEL, async (b) => {
    if (b.sha256 !== b.key.slice(b.key.indexOf('/') + 1)) throw new OperationError(`blob ${b.key}: wrong checksum`);
    await check(blobFile(dir, b.key), b, `blob ${b.key}`);
  });
}

/** Takes and verifies a backup into `dir` (new or empty) while the site runs. */
export async function createBackup(deps: BackupDeps, dir: string): Promise<BackupSummary> {
  if (existsSync(dir) && readdirSync(dir).length)
    throw new OperationError(`${dir} is not empty: back up into a new directory`);
  mkdirSync(join(dir, 'blobs'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  const { dialect } = deps.database;
  const { url } = deps.config.database;

  // 1. The database first: blobs are immutable, so every blob this snapshot references is still in the store
  //    afterwards (the collector only removes blobs of documents dead for BLOB_GC_GRACE_DAYS).
  const dbName = dialect === 'sqlite' ? 'database.sqlite' : 'database.pgdump';
  if (dialect === 'sqlite') await backupSqlite(url, join(dir, dbName));
  else await dumpPostgres(url, join(dir, dbName));
  const database: ManifestFile = { name: dbName, ...(await hashFile(join(dir, dbName))) };
  deps.log.info({ module: 'backup', size: database.size }, 'database copied');

  // 2. Every blob by key, hashed on the way.
  const keys: BlobKey[] = [];
  for await (const b of deps.blobs.list()) keys.push(b.key);
  keys.sort();
  const blobs: Manifest['blobs'][number][] = [];
  await eachLimit(keys, PARALLEL, async (key) => {
    blobs.push(await copyBlob(deps, dir, key));
  });
  blobs.sort((a, b) => a.key.localeCompare(b.key));
  deps.log.info({ module: 'backup', files: blobs.length }, 'blobs copied');

  // 3. Keys generated into DATA_DIR.
  const secrets: ManifestFile[] = [];
  for (const name of PERSISTED_SECRETS) {
    const from = join(deps.config.dataDir, name);
    if (!existsSync(from)) continue;
    copyFileSync(from, join(dir, 'secrets', name));
    secrets.push({ name, ...(await hashFile(join(dir, 'secrets', name))) });
  }

  // 4. Verification: the files as written, then the database copy restored into a scratch database.
  await verifyBackupFiles(dir, { database, blobs, secrets });
  const copy = await inspectCopy(deps, join(dir, dbName));
  if (!copy.report.ok)
    throw new OperationError(`ledger verify failed on the backup copy: ${JSON.stringify(copy.facts.ledger)}`);
  const have = new Set(blobs.map((b) => b.key));
  const missing = [...copy.required].filter((k) => !have.has(k));
  if (missing.length)
    throw new OperationError(
      `${missing.length} blob(s) the site needs are not in the store: ${missing.slice(0, 5).join(', ')}`,
    );

  const manifest: Manifest = {
    format: 'wenyuan-backup',
    version: 1,
    createdAt: new Date().toISOString(),
    dialect,
    database,
    migration: copy.migration,
    blobs,
    secrets,
    facts: copy.facts,
  };
  await writeManifest(dir, manifest);
  const bytes = blobs.reduce((s, b) => s + b.size, 0);
  return { dir, dialect, database, blobs: { files: blobs.length, bytes }, secrets: secrets.length, facts: copy.facts };
}

/** Whether the database has any of a site's content (users, documents, ledger). Tables missing = empty. */
export async function databaseHasContent(deps: Pick<Deps, 'database'>): Promise<boolean> {
  const { db } = deps.database;
  for (const table of ['users', 'documents', 'ledger_transactions'] as const) {
    const r = await db
      .selectFrom(table)
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirst()
      .catch(() => undefined); // no such table yet
    if (r && Number(r.n) > 0) return true;
  }
  return false;
}
