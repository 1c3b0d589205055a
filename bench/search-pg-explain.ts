/**
 * Where a PostgreSQL search spends its time (issue 12). `npx tsx bench/search-pg-explain.ts URL [--per-class 3]
 * [--explain-ms 5] [--q 工作]`: runs the bench's queries (a few per class, or `--q`) through the production service
 * on a `bench/search.ts --pg` database, with every statement the service sends logged with its duration; statements
 * slower than `--explain-ms` are run again under `EXPLAIN (ANALYZE, BUFFERS)` and their plans printed.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import type { DB } from '../src/db/schema.ts';
import { searchDocuments } from '../src/features/search/service.ts';
import { benchQueries, loadParagraphs } from './search-corpus.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const URL_ = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/pgsearch_db';
const PER_CLASS = Number(arg('per-class', '3'));
const EXPLAIN_MS = Number(arg('explain-ms', '5'));
const ONE = arg('q', '');

type Logged = { sql: string; params: readonly unknown[]; ms: number };
let log: Logged[] = [];
const pool = new pg.Pool({ connectionString: URL_, max: 4 });
const db = new Kysely<DB>({
  dialect: new PostgresDialect({ pool }),
  log: (e) => {
    if (e.level === 'query') log.push({ sql: e.query.sql, params: e.query.parameters, ms: e.queryDurationMillis });
  },
});
const database: Database = { db, dialect: 'postgres', close: () => db.destroy() };
const deps = buildDeps(
  loadConfig({ DATABASE_URL: URL_, DATA_DIR: '/tmp/wy-bench-search-data', SEARCH_CACHE_SIZE: '0' }),
  pino({ level: 'silent' }),
  database,
);

const queries = ONE
  ? [{ q: ONE, cls: 'one' }]
  : (() => {
      const all = benchQueries(
        loadParagraphs(arg('corpus', new URL('../../shared/corpus/text-zh/', import.meta.url).pathname)),
      );
      const per = new Map<string, number>();
      return all.filter(({ cls }) => {
        const k = per.get(cls) ?? 0;
        per.set(cls, k + 1);
        return k < PER_CLASS;
      });
    })();

const client = await pool.connect();
for (const { q, cls } of queries) {
  log = [];
  const t = performance.now();
  await searchDocuments(deps, { q, page: 1, sort: 'relevance', filters: {} });
  const total = performance.now() - t;
  console.log(`\n== ${cls} ${q}: ${total.toFixed(1)} ms, ${log.length} statements`);
  for (const s of log) {
    console.log(`  ${s.ms.toFixed(1).padStart(7)} ms  ${s.sql.replace(/\s+/g, ' ').slice(0, 150)}`);
    if (s.ms < EXPLAIN_MS) continue;
    // The tier statements run with plain index and sequential scans off (postgres-search-index.ts): the same here.
    const tier = s.sql.includes('recent AS');
    if (tier) await client.query('BEGIN; SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off');
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params as unknown[]);
    if (tier) await client.query('COMMIT');
    for (const r of plan.rows) console.log(`           | ${r['QUERY PLAN']}`);
  }
}
client.release();
await db.destroy();
