// bench/search.ts on PostgreSQL (`--pg [URL]`, issue 12): the bench database, the bulk-load settings, index sizes,
// the page-cache warm-up and the naive tsvector statement. Our side always runs the production adapter
// (src/search/postgres-search-index.ts) and the production server; nothing here answers a search of ours.
import { sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/database.ts';
import { tsQuery } from '../src/search/postgres-search-index.ts';
import { mb } from './search-server.ts';

export const PG_DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/pgsearch_db';
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Creates the bench database when absent; true when it was created. */
export async function ensurePgDatabase(url: string): Promise<boolean> {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected database name ${name}`);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return false;
    await admin.query(`create database ${name}`);
    return true;
  } finally {
    await admin.end();
  }
}

/** Documents in a bench database whose load finished (its GIN indexes exist), else 0. */
export async function pgBuiltCount(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const gin = await c.query(
      "select count(*)::int AS n from pg_indexes where tablename = 'search_docs' and indexdef like '%gin%'",
    );
    if (gin.rows[0].n < 3) return 0;
    return (await c.query('select count(*)::int AS n from search_docs')).rows[0].n;
  } finally {
    await c.end();
  }
}

/**
 * Before the bulk load (a bench database can be rebuilt, so it need not survive a crash): commits do not wait for
 * the WAL flush, the two search tables are unlogged, and the GIN indexes are dropped — their definitions kept in
 * `bench_gin_defs` — to be built once at the end (as `optimize` merges the FTS5 segments on SQLite). Queries read
 * exactly the tables and indexes the migrations create.
 */
export async function pgBeforeLoad(url: string, database: Database): Promise<void> {
  const { db } = database;
  const name = new URL(url).pathname.slice(1);
  await sql`ALTER DATABASE ${sql.id(name)} SET synchronous_commit = off`.execute(db);
  await sql`ALTER TABLE search_docs SET UNLOGGED`.execute(db);
  await sql`ALTER TABLE search_excerpts SET UNLOGGED`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS bench_gin_defs (name text PRIMARY KEY, def text NOT NULL)`.execute(db);
  await sql`INSERT INTO bench_gin_defs SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename = 'search_docs' AND indexdef LIKE '%USING gin%' ON CONFLICT DO NOTHING`.execute(db);
  const defs = await sql<{ name: string }>`SELECT name FROM bench_gin_defs`.execute(db);
  for (const d of defs.rows) await sql`DROP INDEX IF EXISTS ${sql.id(d.name)}`.execute(db);
}

/**
 * After the load: the GIN indexes as the migrations define them, then VACUUM ANALYZE (statistics, visibility).
 * PostgreSQL 15 builds a GIN index on one core, and the pair index takes longer than the other two together (47 min
 * against 19 at a million documents), so it is built on a connection of its own beside them: the wall time is the
 * pair index's, not the sum (both cores of this machine busy).
 */
export async function pgAfterLoad(database: Database): Promise<void> {
  const { db } = database;
  const defs = (
    await sql<{ name: string; def: string }>`SELECT name, def FROM bench_gin_defs ORDER BY name`.execute(db)
  ).rows;
  const lanes = [defs.filter((d) => d.name.includes('pairs')), defs.filter((d) => !d.name.includes('pairs'))];
  await Promise.all(
    lanes.map((lane) =>
      db.connection().execute(async (c) => {
        await sql`SET maintenance_work_mem = '1GB'`.execute(c);
        for (const d of lane) {
          const t = performance.now();
          await sql.raw(d.def).execute(c);
          console.log(`  ${d.name}: built in ${((performance.now() - t) / 1000).toFixed(0)} s`);
        }
      }),
    ),
  );
  await sql`DROP TABLE bench_gin_defs`.execute(db);
  const t = performance.now();
  await sql`VACUUM (ANALYZE) search_docs, search_excerpts, documents`.execute(db);
  console.log(`  vacuum analyze: ${((performance.now() - t) / 1000).toFixed(0)} s`);
}

const RELATIONS = ['search_docs', 'search_excerpts', 'documents'];

/** Table (with its TOAST) and index sizes of what search reads. */
export async function pgSizes(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const rel of RELATIONS) {
      const r = await c.query(
        `select pg_table_size($1::regclass)::float8 AS t,
           (select pg_relation_size(reltoastrelid)::float8 from pg_class where oid = $1::regclass) AS toast`,
        [rel],
      );
      console.log(`  size ${rel}: ${mb(r.rows[0].t)} (TOAST ${mb(r.rows[0].toast ?? 0)})`);
      const ix = await c.query(
        'select indexrelid::regclass::text AS name, pg_relation_size(indexrelid)::float8 AS b from pg_index where indrelid = $1::regclass order by 2 desc',
        [rel],
      );
      for (const i of ix.rows) console.log(`    index ${i.name}: ${mb(i.b)}`);
    }
  } finally {
    await c.end();
  }
}

/**
 * Reads the search relations (tables, their TOAST, indexes) once into the OS page cache with pg_prewarm's 'read'
 * mode: the PostgreSQL counterpart of reading the SQLite file once before its phase. Largest relation first: where
 * the whole does not fit in memory (a million documents: ~30 GB, mostly the TOAST of the vectors, which only the
 * naive statement and weighted queries read), the small, hot ones — GIN indexes, narrow heaps — are read last and
 * stay.
 */
export async function pgWarm(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('create extension if not exists pg_prewarm');
    const rels = await c.query(
      `select c.oid::regclass::text AS name from pg_class c
       where c.oid in (select unnest(array[$1::regclass, $2::regclass, $3::regclass]::oid[]))
          or c.oid in (select reltoastrelid from pg_class where oid in ($1::regclass, $2::regclass, $3::regclass))
          or c.oid in (select indexrelid from pg_index where indrelid in ($1::regclass, $2::regclass, $3::regclass))
       order by pg_relation_size(c.oid) desc`,
      RELATIONS,
    );
    const t = performance.now();
    let blocks = 0;
    for (const r of rels.rows)
      blocks += Number((await c.query("select pg_prewarm($1, 'read') AS n", [r.name])).rows[0].n);
    return `pg_prewarm read ${rels.rowCount} relations (${mb(blocks * 8192)}) in ${((performance.now() - t) / 1000).toFixed(1)} s`;
  } finally {
    await c.end();
  }
}

/**
 * The naive PostgreSQL statement: the GIN-indexed tsvectors (title and summary weighted A/B, body) matched and
 * ordered by `ts_rank` over every match, first ten. Statements past `timeoutMs` are cancelled and reported as such.
 */
export async function pgNaive(url: string, timeoutMs: number) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`set statement_timeout = ${Math.floor(timeoutMs)}`);
  return {
    /** First ten document ids, or undefined when the statement ran past the timeout. */
    async query(tokens: string[]): Promise<number[] | undefined> {
      if (tokens.length === 0) return [];
      try {
        const r = await c.query(
          `select document_id AS id from search_docs, to_tsquery('simple', $1) q
           where head @@ q or body @@ q order by ts_rank(head || body, q) desc limit 10`,
          [tsQuery(tokens)],
        );
        return r.rows.map((x) => Number(x.id));
      } catch (err) {
        if ((err as { code?: string }).code === '57014') return undefined;
        throw err;
      }
    },
    close: () => c.end(),
  };
}
