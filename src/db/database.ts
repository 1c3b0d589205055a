import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Pool } from 'pg';
import { loadPg } from './pg-module.ts';
import type { DB } from './schema.ts';
import { walChangeStamp } from './wal-stamp.ts';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely handle, which dialect it speaks, and how to close it. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /**
   * SQLite only: runs one read synchronously on the cached statement. For the hottest read (the anonymous page's
   * version check), where a promise chain per request costs more than the query.
   */
  readonly getSync?: <T>(compiledSql: string, params: readonly unknown[]) => T | undefined;
  /**
   * SQLite in WAL mode only: a value that changes whenever any connection commits (db/wal-stamp.ts), undefined when
   * it cannot be read. Equal stamps before and after a read mean nothing was committed in between.
   */
  readonly changeStamp?: () => string | undefined;
  close(): Promise<void>;
}

/**
 * A comment that marks SQL to run as a named prepared statement on PostgreSQL (parsed and planned once per
 * connection, not on every call). Only for hot statements whose text is fixed (a handful): each distinct marked
 * text becomes one prepared statement on every pooled connection, so a marked text built from variable input would
 * grow without bound (capped below). Put it at the very start of the SQL, or right after `select ` (Kysely's
 * `modifyFront`). A comment to SQLite.
 */
export const PREPARED = '/* prepared */';
const MAX_PREPARED_TEXTS = 100;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Opens SQLite (`sqlite:/path/file.db`, `sqlite::memory:`) or PostgreSQL (`postgres://…`). */
export function openDatabase(url: string, opts: { poolSize?: number } = {}): Database {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, opts.poolSize ?? 10);
  throw new Error(`unsupported database url: ${url}`);
}

/**
 * Kysely prepares every query afresh, and better-sqlite3 compiles the SQL again each time; on the hot anonymous
 * page path that was half of the request's CPU. Statements are reusable (they are only run with all()/run(), never
 * left iterating), so keep the most recent ones by SQL text.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 256) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

function openSqlite(path: string): Database {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // A new database file is the owner's alone (SQLite gives its -wal and -shm files the same mode).
    try {
      closeSync(openSync(path, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const sqlite = new SqliteDatabase(path);
  // WAL lets readers run beside one writer and lets web and worker processes share the file;
  // busy_timeout makes a second process wait for the write lock instead of failing at once.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const cached = withStatementCache(sqlite);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cached }) });
  // Only a file really in WAL mode has a wal-index to read (a filesystem without shared memory keeps another mode).
  const stamp =
    path !== ':memory:' && sqlite.pragma('journal_mode', { simple: true }) === 'wal' ? walChangeStamp(path) : undefined;
  return {
    db,
    dialect: 'sqlite',
    getSync: <T>(compiledSql: string, params: readonly unknown[]) =>
      cached.prepare(compiledSql).get(...params) as T | undefined,
    changeStamp: stamp?.read,
    close: async () => {
      stamp?.close();
      await db.destroy();
    },
  };
}

function openPostgres(url: string, max: number): Database {
  const pg = loadPg();
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Millisecond timestamps and counters are int8; they fit in a double, so read them as numbers.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle pooled connection can be closed by the server (restart, failover, pg_terminate_backend). pg then emits
  // 'error' on the pool, which would crash the process if unhandled; the pool has already dropped that client and
  // opens a new one on demand, so note it and carry on.
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') process.emitWarning(`idle PostgreSQL connection lost: ${err.message}`);
  });
  prepareMarkedStatements(pool);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * Runs SQL marked with PREPARED as named prepared statements: on a hot path (a purchase posts in one large
 * statement) parsing and planning were as much of PostgreSQL's work as executing (decision 0017). Kysely calls
 * `client.query(text, values)`; the pool's new clients get a `query` that names marked texts.
 */
function prepareMarkedStatements(pool: Pool): void {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED_TEXTS) {
      name = `wy_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      names.set(text, name);
    }
    return name;
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const marked = (text: unknown): text is string =>
      typeof text === 'string' && (text.startsWith(PREPARED) || text.startsWith(`select ${PREPARED}`));
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const [text, values] = args;
      const name = args.length <= 2 && marked(text) && (values === undefined || Array.isArray(values)) && nameOf(text);
      return name ? query({ name, text, values }) : query(...args);
    };
  });
}
