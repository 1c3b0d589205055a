// Known-item relevance over the generated documents of bench/search.ts (issue 12): the same four query classes,
// drawn from randomly chosen documents, against a database that bench/search.ts built (ours and its `-naive` table).
import SqliteDatabase from 'better-sqlite3';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { searchDocuments } from '../src/features/search/service.ts';
import { indexText, segmentQuery } from '../src/search/segment.ts';
import { ftsQuery } from '../src/search/sqlite-search-index.ts';
import { evaluate, queriesFor } from './relevance-eval.ts';
import { generateDocument, loadParagraphs, mulberry32 } from './search-corpus.ts';

const CORPUS = new URL('../../shared/corpus/text-zh/', import.meta.url).pathname;

/**
 * `file` is bench/search.ts's database (document i of the stream has id i + 1, as that bench builds it); `sample`
 * documents are drawn with the seed. A phrase counts as unique when the naive table's FTS5 phrase query finds it in
 * one document only. The free part is the bench's preview rule: the first 30 % of the body.
 */
export async function runGenerated(
  file: string,
  opts: { seed: number; sample: number; chars: number; verbose: boolean },
) {
  const paras = loadParagraphs(CORPUS);
  const naiveDb = new SqliteDatabase(`${file}-naive`, { readonly: true });
  const database = openDatabase(`sqlite:${file}`);
  const deps = buildDeps(
    loadConfig({ DATABASE_URL: `sqlite:${file}`, DATA_DIR: '/tmp/wy-bench-search-data', SEARCH_CACHE_SIZE: '0' }),
    pino({ level: 'silent' }),
    database,
  );
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
    const naive = naiveDb.prepare(
      'SELECT rowid FROM bench_naive WHERE bench_naive MATCH ? ORDER BY bm25(bench_naive) LIMIT 10',
    );
    const phraseCount = naiveDb.prepare(
      'SELECT count(*) AS n FROM (SELECT rowid FROM bench_naive WHERE bench_naive MATCH ? LIMIT 2)',
    );
    const occurrences = (phrase: string) =>
      (phraseCount.get(`"${indexText(phrase).replaceAll('"', '""')}"`) as { n: number }).n;
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
      queries.push(...queriesFor({ id: index + 1, title: d.title, free }, rnd, occurrences));
    }
    console.log(
      `generated: ${n} documents (${file}), ${opts.sample} drawn, ${queries.length} queries, seed ${opts.seed}`,
    );
    await evaluate(
      queries,
      async (q) => (await searchDocuments(deps, { q, page: 1, sort: 'relevance', filters: {} })).hits.map((h) => h.id),
      (q) => {
        const tokens = segmentQuery(q);
        return tokens.length ? (naive.all(ftsQuery(tokens)) as Array<{ rowid: number }>).map((r) => r.rowid) : [];
      },
      opts.verbose,
    );
  } finally {
    naiveDb.close();
    await database.close();
  }
}
