// Known-item relevance over the generated documents of bench/search.ts (issue 12): the same four query classes,
// drawn from randomly chosen documents, against a database that bench/search.ts built (ours and its `-naive` table,
// or with a postgres:// URL its PostgreSQL database and the naive ts_rank statement).
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { searchDocuments } from '../src/features/search/service.ts';
import { tsQuery } from '../src/search/postgres-search-index.ts';
import { indexText, queryPairs, segmentForIndex, segmentQuery } from '../src/search/segment.ts';
import { ftsQuery } from '../src/search/sqlite-search-index.ts';
import { evaluate, queriesFor } from './relevance-eval.ts';
import { generateDocument, loadParagraphs, mulberry32 } from './search-corpus.ts';
import { pgNaive } from './search-pg.ts';

const CORPUS = new URL('../../shared/corpus/text-zh/', import.meta.url).pathname;

/** The naive side of a SQLite bench database: its `-naive` FTS5 table (bm25), and phrase counts from it. */
function sqliteNaive(file: string) {
  const naiveDb = new SqliteDatabase(`${file}-naive`, { readonly: true });
  const naive = naiveDb.prepare(
    'SELECT rowid FROM bench_naive WHERE bench_naive MATCH ? ORDER BY bm25(bench_naive) LIMIT 10',
  );
  const phraseCount = naiveDb.prepare(
    'SELECT count(*) AS n FROM (SELECT rowid FROM bench_naive WHERE bench_naive MATCH ? LIMIT 2)',
  );
  return {
    label: 'naive FTS5 bm25',
    query: async (q: string) => {
      const tokens = segmentQuery(q);
      return tokens.length ? (naive.all(ftsQuery(tokens)) as Array<{ rowid: number }>).map((r) => r.rowid) : [];
    },
    occurrences: async (phrase: string) =>
      (phraseCount.get(`"${indexText(phrase).replaceAll('"', '""')}"`) as { n: number }).n,
    close: async () => {
      naiveDb.close();
    },
  };
}

/**
 * The naive side of a PostgreSQL bench database: ts_rank over the same tsvectors (search-pg.ts), and phrase counts
 * from the body vector's positions (`<->`, the phrase's search-mode tokens as the naive FTS5 phrase reads them), the
 * pair tier narrowing the rows PostgreSQL rechecks.
 */
async function postgresNaive(url: string, timeoutMs: number) {
  const naive = await pgNaive(url, timeoutMs);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`set statement_timeout = ${timeoutMs}`);
  return {
    label: 'naive ts_rank',
    query: (q: string) => naive.query(segmentQuery(q)),
    occurrences: async (phrase: string) => {
      const pairs = queryPairs(phrase);
      const r = await c.query(
        `select count(*)::int AS n from (select 1 from search_docs
           where pairs @@ to_tsquery('simple', $1) and body @@ to_tsquery('simple', $2) limit 2) m`,
        [
          pairs.length ? tsQuery(pairs) : tsQuery(segmentQuery(phrase)),
          tsQuery(segmentForIndex(phrase)).replaceAll(' & ', ' <-> '),
        ],
      );
      return Number(r.rows[0].n);
    },
    close: async () => {
      await naive.close();
      await c.end();
    },
  };
}

/**
 * `target` is bench/search.ts's database, a SQLite file or a postgres:// URL (document i of the stream has id i + 1,
 * as that bench builds it); `sample` documents are drawn with the seed. A phrase counts as unique when the naive
 * side's phrase query finds it in one document only. The free part is the bench's preview rule: the first 30 % of
 * the body.
 */
export async function runGenerated(
  target: string,
  opts: { seed: number; sample: number; chars: number; verbose: boolean; naiveTimeoutMs?: number },
) {
  const paras = loadParagraphs(CORPUS);
  const url = target.startsWith('postgres') ? target : `sqlite:${target}`;
  const side = url.startsWith('postgres')
    ? await postgresNaive(url, opts.naiveTimeoutMs ?? 15_000)
    : sqliteNaive(target);
  const database = openDatabase(url);
  const deps = buildDeps(
    loadConfig({ DATABASE_URL: url, DATA_DIR: '/tmp/wy-bench-search-data', SEARCH_CACHE_SIZE: '0' }),
    pino({ level: 'silent' }),
    database,
  );
  const titleOf = async (id: number) =>
    (await database.db.selectFrom('documents').select('title').where('id', '=', id).executeTakeFirst())?.title;
  try {
    const n = Number(
      (
        (await database.db
          .selectFrom('documents')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()) as {
          n: number;
        }
      ).n,
    );
    const rnd = mulberry32(opts.seed);
    const queries = [];
    for (let k = 0; k < opts.sample; k++) {
      const index = Math.floor(rnd() * n);
      const d = generateDocument(paras, index, opts.chars);
      const row = await database.db
        .selectFrom('documents')
        .select('title')
        .where('id', '=', index + 1)
        .executeTakeFirst();
      if (row?.title !== d.title) throw new Error(`document ${index + 1} is not generated document ${index}`);
      const free = d.body.slice(0, Math.floor(d.body.length * 0.3));
      queries.push(...(await queriesFor({ id: index + 1, title: d.title, free }, rnd, side.occurrences)));
    }
    console.log(
      `generated: ${n} documents (${target}), ${opts.sample} drawn, ${queries.length} queries, seed ${opts.seed}; ` +
        `naive side: ${side.label}`,
    );
    await evaluate(
      queries,
      async (q) => (await searchDocuments(deps, { q, page: 1, sort: 'relevance', filters: {} })).hits.map((h) => h.id),
      side.query,
      opts.verbose,
      titleOf,
    );
  } finally {
    await side.close();
    await database.close();
  }
}
