// The naive side of bench/search.ts on SQLite: one plain FTS5 table of the same tokens, built in a child process
// beside our index, and the body tokens both builds take from one per-paragraph cache.
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { indexText } from '../src/search/segment.ts';
import { generateDocument } from './search-corpus.ts';

/** Body tokens from the per-paragraph cache (checked against segmenting whole bodies for the first 50). */
export function bodyTokenizer(paras: string[], segParas: string[], chars: number) {
  const bodyTokens = (d: ReturnType<typeof generateDocument>) =>
    [indexText(d.parts.head), ...d.parts.paragraphs.map((i) => segParas[i]!)].filter(Boolean).join(' ');
  for (let i = 0; i < 50; i++) {
    const d = generateDocument(paras, i, chars);
    if (bodyTokens(d) !== indexText(d.body)) throw new Error(`cached tokens differ for document ${i}`);
  }
  return bodyTokens;
}

/**
 * The naive baseline: one plain FTS5 table over the same segmented text (title + body), rowid = document id
 * (documents get ids 1..N in generation order). Written to a temporary file renamed when complete.
 */
export function buildNaive(
  paras: string[],
  o: { n: number; chars: number; file: string; builtN: string; batch: number },
): void {
  const { n: N, chars: CHARS, file: NAIVE_DB, builtN: BUILT_N, batch: BATCH } = o;
  const tmp = `${NAIVE_DB}.tmp`;
  rmSync(tmp, { force: true });
  const raw = new SqliteDatabase(tmp);
  raw.pragma('journal_mode = OFF');
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -131072');
  raw.exec('CREATE VIRTUAL TABLE bench_naive USING fts5(text)');
  const bodyTokens = bodyTokenizer(
    paras,
    paras.map((p) => indexText(p)),
    CHARS,
  );
  const insert = raw.prepare('INSERT INTO bench_naive (rowid, text) VALUES (?, ?)');
  const t0 = performance.now();
  for (let from = 0; from < N; from += BATCH) {
    // The main build stopped early at BUILT_N documents: the naive table holds the same ones.
    if (existsSync(BUILT_N) && from >= Number(readFileSync(BUILT_N, 'utf8'))) break;
    raw.transaction(() => {
      for (let i = from; i < Math.min(N, from + BATCH); i++) {
        const d = generateDocument(paras, i, CHARS);
        insert.run(i + 1, `${indexText(d.title)} ${bodyTokens(d)}`);
      }
    })();
  }
  raw.exec("INSERT INTO bench_naive (bench_naive) VALUES ('optimize')");
  raw.close();
  renameSync(tmp, NAIVE_DB);
  console.log(
    `naive table: ${N} docs in ${((performance.now() - t0) / 1000).toFixed(0)} s (tokens from the same cache)`,
  );
}
