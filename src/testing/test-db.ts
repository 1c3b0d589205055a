import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, type Dialect, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

/** Postgres for tests: `TEST_DATABASE_URL` (set by scripts/test.mjs and .ci/run when a server answers). */
const PG_URL = process.env.TEST_DATABASE_URL;

/** The dialects every integration test runs on here. */
export const DIALECTS: readonly Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** A fresh, migrated, empty database of one dialect, and how to throw it away. */
export interface TestDatabase {
  readonly url: string;
  readonly database: Database;
  drop(): Promise<void>;
}

/** Creates an isolated database: a temp SQLite file, or a new Postgres database on the test server. */
export async function createTestDatabase(
  dialect: Dialect,
  opts: {
    migrate?: boolean;
    /** PostgreSQL connections (default 20; the server's own default is 10). */
    poolSize?: number;
  } = {},
): Promise<TestDatabase> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'wy-db-'));
    url = `sqlite:${join(dir, 'test.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    if (!PG_URL) throw new Error('TEST_DATABASE_URL is not set');
    const name = `wy_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const database = openDatabase(url, { poolSize: opts.poolSize ?? 20 });
  if (opts.migrate !== false) await migrate(database);
  let dropped = false;
  return {
    url,
    database,
    async drop() {
      if (dropped) return;
      dropped = true;
      await database.close().catch(() => {});
      await cleanup();
    },
  };
}
