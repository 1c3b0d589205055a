// Whole-database copies for `wenyuan backup` / `restore`: SQLite through its online backup API, PostgreSQL through
// pg_dump/pg_restore (Debian's postgresql-client, the same major version as the server or newer).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { loadPg } from './pg-module.ts';

const run = promisify(execFile);

/** The file of a `sqlite:` database URL. */
export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length);
  if (!path || path === ':memory:') throw new Error('an in-memory SQLite database cannot be backed up or restored');
  return path;
}

/**
 * Copies a live SQLite database to `dest` with SQLite's online backup, all pages in one step: the copy is one
 * consistent snapshot (a read transaction), and in WAL mode the site's writers carry on meanwhile.
 */
export async function backupSqlite(url: string, dest: string): Promise<void> {
  const db = new SqliteDatabase(sqlitePath(url), { fileMustExist: true });
  try {
    await db.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
}

/** Puts a backed-up SQLite file in place of the database (the site must be stopped): no -wal/-shm of the old one. */
export function restoreSqlite(url: string, file: string): void {
  const path = sqlitePath(url);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  copyFileSync(file, path);
}

/** libpq connection for the pg tools: the URL without its password, which goes in PGPASSWORD (not on argv). */
function pgTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

async function toolMajor(tool: 'pg_dump' | 'pg_restore'): Promise<number> {
  try {
    const { stdout } = await run(tool, ['--version']);
    const m = /(\d+)(?:\.\d+)?/.exec(stdout);
    if (!m) throw new Error(`cannot read the version of ${tool}: ${stdout.trim()}`);
    return Number(m[1]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        `${tool} not found: install PostgreSQL's client tools (Debian: apt-get install postgresql-client)`,
      );
    throw err;
  }
}

async function serverMajor(url: string): Promise<number> {
  const client = new (loadPg().Client)({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ v: string }>('show server_version_num');
    return Math.floor(Number(r.rows[0]?.v) / 10000);
  } finally {
    await client.end();
  }
}

/** pg_dump refuses a newer server; say which client to install instead of failing halfway. */
async function checkTool(tool: 'pg_dump' | 'pg_restore', url: string): Promise<void> {
  const [mine, server] = await Promise.all([toolMajor(tool), serverMajor(url)]);
  if (mine < server)
    throw new Error(
      `${tool} ${mine} is older than the PostgreSQL ${server} server: install postgresql-client-${server}`,
    );
}

function spawnTool(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      if (err.length < 8000) err += d;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${tool} failed (${signal ?? code}): ${err.trim()}`)),
    );
  });
}

/** A custom-format pg_dump of the database: one snapshot (repeatable read) while the site keeps writing. */
export async function dumpPostgres(url: string, dest: string): Promise<void> {
  await checkTool('pg_dump', url);
  const { dbname, env } = pgTarget(url);
  await spawnTool(
    'pg_dump',
    ['--format=custom', '--no-owner', '--no-privileges', `--file=${dest}`, `--dbname=${dbname}`],
    env,
  );
}

/** Loads a pg_dump archive into an empty database; stops at the first error. */
export async function restorePostgres(url: string, file: string): Promise<void> {
  await checkTool('pg_restore', url);
  const { dbname, env } = pgTarget(url);
  await spawnTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${dbname}`, file], env);
}

/** Empties a PostgreSQL database for `restore --force`: its public schema goes, with every table in it. */
export async function resetPostgres(url: string): Promise<void> {
  const client = new (loadPg().Client)({ connectionString: url });
  await client.connect();
  try {
    await client.query('drop schema if exists public cascade');
    await client.query('create schema public');
  } finally {
    await client.end();
  }
}

/** A new, empty database on the same server (to verify a dump by restoring it); drop() removes it. */
export async function createScratchPostgres(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wy_verify_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new (loadPg().Client)({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(`create database ${name}`);
  } catch (err) {
    throw new Error(`cannot create a scratch database to verify the dump (the role needs CREATEDB): ${String(err)}`);
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
