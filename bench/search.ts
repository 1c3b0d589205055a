/**
 * Search benchmark (issues 4, 12). `npx tsx bench/search.ts --n 100000 [--chars 2400] [--db file] [--build-only]
 * [--pg [URL]] [--stop-file F] [--naive-sample 50] [--naive-timeout-ms 30000]`
 *
 * 1. Generates N documents (default ~2 400 characters each: ≈ 2.4 G characters at a million, as in issue 4) from shared/corpus/text-zh (deterministic, streamed) into a SQLite file and builds the
 *    search index in batches of 1 000 per transaction; prints docs/s and index size. An existing file is reused.
 * 2. Builds the naive plain FTS5 table over the same segmented text in a second file (`<db>-naive`), in a child
 *    process running beside step 1 (this machine has two cores; the two builds share nothing but the generator).
 * 3. Starts the real server (`src/main.ts`, web role) on that file and runs 200 realistic queries end-to-end over
 *    HTTP (`GET /api/search?q=`, hot-query cache off), and the naive statement
 *    `SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10` for the same queries, interleaved.
 * 4. Prints p50/p95/p99 per query class for both, the speed-up, and the server's RSS.
 *
 * `--pg [URL]` (default postgres://postgres@127.0.0.1:5432/pgsearch_db, created when absent): the same documents
 * loaded through the production PostgreSQL adapter (bench/search-pg.ts: GIN indexes built after the load), the
 * server on that database, and the naive statement `… WHERE head @@ q OR body @@ q ORDER BY ts_rank(head || body, q)
 * DESC LIMIT 10` on the same tsvectors (the first `--naive-sample` queries of each class, cancelled after
 * `--naive-timeout-ms`). Creating the stop file (`--stop-file`, default `<db>.stop`) ends a build after the
 * current batch: the bench then measures the documents built so far (the naive SQLite table is cut to the same).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { searchDocuments } from '../src/features/search/service.ts';
import { buildIndexedDocument, documentPairs } from '../src/search/indexed-document.ts';
import { createPostgresSearchIndex } from '../src/search/postgres-search-index.ts';
import { indexText, pairText, segmentQuery } from '../src/search/segment.ts';
import { createSqliteSearchIndex, ftsQuery } from '../src/search/sqlite-search-index.ts';
import { benchUploader } from './bench-site.ts';
import { benchQueries, GENRES, generateDocument, loadParagraphs } from './search-corpus.ts';
import { bodyTokenizer, buildNaive } from './search-naive.ts';
import {
  ensurePgDatabase,
  PG_DEFAULT_URL,
  pgAfterLoad,
  pgBeforeLoad,
  pgBuiltCount,
  pgNaive,
  pgSizes,
  pgWarm,
} from './search-pg.ts';
import { rssMb, sizes, startServer, warm } from './search-server.ts';

const CORPUS = new URL('../../shared/corpus/text-zh/', import.meta.url).pathname;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const N = Number(arg('n', '100000'));
const CHARS = Number(arg('chars', '2400'));
const DB = arg('db', `/tmp/wy-bench-search-${N}-${CHARS}.db`);
const NAIVE_DB = `${DB}-naive`;
const pgAt = process.argv.indexOf('--pg');
const PG_URL =
  pgAt < 0 ? undefined : process.argv[pgAt + 1]?.startsWith('postgres') ? process.argv[pgAt + 1]! : PG_DEFAULT_URL;
/** What the server and the in-process service open. */
const URL_OURS = PG_URL ?? `sqlite:${DB}`;
const STOP = arg('stop-file', PG_URL ? `/tmp/wy-bench-search-${new URL(PG_URL).pathname.slice(1)}.stop` : `${DB}.stop`);
/** Written by a build that stopped early: how many documents it holds (the naive child stops there too). */
const BUILT_N = `${DB}.n`;
const NAIVE_SAMPLE = Number(arg('naive-sample', PG_URL ? '10' : '50'));
const NAIVE_TIMEOUT_MS = Number(arg('naive-timeout-ms', '30000'));
const PORT = Number(arg('port', '3917'));
const BATCH = 1000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function build(paras: string[]): Promise<void> {
  const database = openDatabase(URL_OURS);
  await migrate(database);
  if (PG_URL) await pgBeforeLoad(PG_URL, database);
  const { db } = database;
  const now = Date.now();
  const { user } = await benchUploader(db);
  const categoryIds: number[] = [];
  for (const [i, name] of GENRES.entries()) {
    const row = await db
      .insertInto('categories')
      .values({ slug: `bench-${i}`, name, sort_order: i, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    categoryIds.push(Number(row.id));
  }
  const index = PG_URL ? createPostgresSearchIndex(database) : createSqliteSearchIndex(database);
  // Bodies are made of corpus paragraphs, and jieba never joins words across a line break, so a body's tokens are
  // its paragraphs' tokens: segment each paragraph once (timed and reported) instead of a million bodies.
  const tSeg = performance.now();
  const segParas = paras.map((p) => indexText(p));
  const segMs = performance.now() - tSeg;
  const segChars = paras.reduce((n, p) => n + p.length, 0);
  console.log(
    `segmentation (cutForSearch, this machine now): ${(segChars / 1e6).toFixed(1)} M chars in ${(segMs / 1000).toFixed(1)} s = ` +
      `${((segChars * 3) / 1e6 / (segMs / 1000)).toFixed(1)} MB/s`,
  );
  const bodyTokens = bodyTokenizer(paras, segParas, CHARS);
  const pairParas = paras.map((p) => pairText(p));
  // The pair tier's text from the same paragraph cache (a line break ends every run), checked on the first 50.
  const pairsOf = (e: ReturnType<typeof buildIndexedDocument>, d: ReturnType<typeof generateDocument>) =>
    [pairText(e.title), pairText(e.meta), pairText(d.parts.head), ...d.parts.paragraphs.map((i) => pairParas[i]!)]
      .filter(Boolean)
      .join(' ');
  // A bench database can be rebuilt: no need to survive a power cut while loading it.
  if (!PG_URL) {
    await sql`PRAGMA synchronous = OFF`.execute(db);
    await sql`PRAGMA cache_size = -131072`.execute(db);
  }
  const start = now - N * 30_000;
  let chars = 0;
  let indexMs = 0;
  const t0 = performance.now();
  let built = 0;
  for (let from = 0; from < N; from += BATCH) {
    if (existsSync(STOP)) {
      console.log(`stop file ${STOP}: the build ends at ${from} documents`);
      if (!PG_URL) writeFileSync(BUILT_N, String(from));
      break;
    }
    const docs = [];
    for (let i = from; i < Math.min(N, from + BATCH); i++) docs.push(generateDocument(paras, i, CHARS));
    const rows = docs.map((d) => ({
      owner_id: Number(user.id),
      category_id: categoryIds[d.categoryIndex]!,
      title: d.title,
      description: d.description,
      format: d.format,
      original_name: `${d.title}.${d.format}`,
      blob_key: 'original/bench',
      size_bytes: d.body.length * 3,
      price: d.price,
      status: 'published' as const,
      title_auto: 0,
      rev: 1,
      page_count: Math.max(1, Math.ceil(d.body.length / 616)),
      char_count: d.body.length,
      download_count: d.downloads,
      created_at: start + d.index * 30_000,
      updated_at: start + d.index * 30_000,
      extracted_at: start + d.index * 30_000,
      published_at: start + d.index * 30_000,
    }));
    const ids = await db.insertInto('documents').values(rows).returning('id').execute();
    // Document i of the stream is id i + 1 (bench/relevance-generated.ts relies on it, as the naive table's rowid).
    ids.forEach((r, k) => {
      if (Number(r.id) !== from + k + 1) throw new Error(`document ${from + k} got id ${r.id}`);
    });
    const t = performance.now();
    // Segmentation is part of indexing (timed); the naive table then reuses the very same tokens.
    const entries = docs.map((d, k) => {
      const entry = buildIndexedDocument({
        id: Number(ids[k]!.id),
        title: d.title,
        description: d.description,
        categoryName: GENRES[d.categoryIndex]!,
        body: d.body,
        // The bench's preview rule: the first 30 % is free.
        freeText: d.body.slice(0, Math.floor(d.body.length * 0.3)),
      });
      entry.segmented = {
        title: indexText(entry.title),
        meta: indexText(entry.meta),
        body: bodyTokens(d),
        pairs: pairsOf(entry, d),
      };
      if (d.index < 50 && entry.segmented.pairs !== documentPairs(entry))
        throw new Error(`cached pairs differ for document ${d.index}`);
      return entry;
    });
    await index.upsert(entries);
    indexMs += performance.now() - t;
    for (const d of docs) chars += d.body.length;
    built = from + docs.length;
    if ((from / BATCH) % 50 === 0)
      console.log(`  ${from + docs.length} docs, ${(((from + docs.length) / indexMs) * 1000).toFixed(0)} docs/s`);
  }
  console.log(
    `index build: ${built} docs, ${(chars / 1e6).toFixed(0)} M chars in ${((performance.now() - t0) / 1000).toFixed(0)} s; ` +
      `our index ${((built / indexMs) * 1000).toFixed(0)} docs/s (title and summary segmented per document, body ` +
      'tokens from the paragraph cache)',
  );
  const t3 = performance.now();
  if (PG_URL) {
    await pgAfterLoad(database);
    console.log(`GIN indexes and vacuum: ${((performance.now() - t3) / 1000).toFixed(0)} s`);
    await database.close();
    return;
  }
  await sql`INSERT INTO search_head (search_head) VALUES ('optimize')`.execute(db);
  await sql`INSERT INTO search_body (search_body) VALUES ('optimize')`.execute(db);
  await sql`INSERT INTO search_pairs (search_pairs) VALUES ('optimize')`.execute(db);
  console.log(`optimize (merge segments) of our index: ${((performance.now() - t3) / 1000).toFixed(0)} s`);
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  await database.close();
}

/** The naive statement's side: a per-query runner over the same documents (undefined: cancelled at the timeout). */
interface Naive {
  run(q: string): Promise<number[] | undefined>;
  count: number;
  close(): Promise<void> | void;
}

/** Builds what is missing (our index, and on SQLite the naive table in a child); the documents it holds. */
async function ensureBuilt(paras: string[]): Promise<number> {
  if (PG_URL) {
    await ensurePgDatabase(PG_URL);
    let n = await pgBuiltCount(PG_URL);
    if (n === 0) {
      console.log(`building ${PG_URL}: ${N} documents of ~${CHARS} chars`);
      await build(paras);
      n = await pgBuiltCount(PG_URL);
      await pgSizes(PG_URL);
    } else {
      console.log(`reusing ${PG_URL}`);
      if (process.argv.includes('--sizes')) await pgSizes(PG_URL);
    }
    return n;
  }
  let naiveChild: ChildProcess | undefined;
  if (!existsSync(NAIVE_DB)) {
    console.log(`building ${NAIVE_DB} in a child process`);
    naiveChild = spawn(process.execPath, ['--import', 'tsx', ...process.argv.slice(1), '--naive-only'], {
      stdio: 'inherit',
    });
  }
  const reusing = existsSync(DB) && !naiveChild;
  if (!existsSync(DB)) {
    console.log(`building ${DB}: ${N} documents of ~${CHARS} chars`);
    await build(paras);
  } else console.log(`reusing ${DB}`);
  if (naiveChild && naiveChild.exitCode === null) await new Promise((resolve) => naiveChild.once('exit', resolve));
  if (!existsSync(NAIVE_DB)) throw new Error('the naive table was not built');
  const mainDb = new SqliteDatabase(DB, { readonly: true });
  const docCount = (mainDb.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
  mainDb.close();
  // A build stopped early: the naive child may have gone past it; cut its table to the same documents.
  const naiveDb = new SqliteDatabase(NAIVE_DB);
  if ((naiveDb.prepare('SELECT max(rowid) AS n FROM bench_naive').get() as { n: number }).n > docCount) {
    naiveDb.prepare('DELETE FROM bench_naive WHERE rowid > ?').run(docCount);
    naiveDb.exec("INSERT INTO bench_naive (bench_naive) VALUES ('optimize')");
  }
  naiveDb.close();
  // Sizes are printed when the files are built, or with --sizes (dbstat reads every page: minutes for 20 GB).
  if (!reusing || process.argv.includes('--sizes')) {
    sizes(DB);
    sizes(NAIVE_DB);
  }
  return docCount;
}

async function openNaive(): Promise<Naive> {
  if (PG_URL) {
    const naive = await pgNaive(PG_URL, NAIVE_TIMEOUT_MS);
    return { run: (q) => naive.query(segmentQuery(q)), count: await pgBuiltCount(PG_URL), close: naive.close };
  }
  const naiveDb = new SqliteDatabase(NAIVE_DB, { readonly: true });
  const stmt = naiveDb.prepare(
    'SELECT rowid FROM bench_naive WHERE bench_naive MATCH ? ORDER BY bm25(bench_naive) LIMIT 10',
  );
  return {
    run: async (q) => (stmt.all(ftsQuery(segmentQuery(q))) as Array<{ rowid: number }>).map((r) => r.rowid),
    count: (naiveDb.prepare('SELECT count(*) AS n FROM bench_naive').get() as { n: number }).n,
    close: () => {
      naiveDb.close();
    },
  };
}

async function main(): Promise<void> {
  const paras = loadParagraphs(CORPUS);
  if (process.argv.includes('--naive-only'))
    return buildNaive(paras, { n: N, chars: CHARS, file: NAIVE_DB, builtN: BUILT_N, batch: BATCH });
  const docCount = await ensureBuilt(paras);
  if (process.argv.includes('--build-only')) return;

  const queries = benchQueries(paras);
  const naive = await openNaive();
  if (docCount !== N) console.log(`partial build: ${docCount} documents indexed, ${naive.count} in the naive table`);
  const server = await startServer(URL_OURS, PORT);
  console.log(`server up, ${rssMb(server.pid!)}`);
  // The same service in this process, without HTTP: separates the search from the cost of a request (on a busy
  // machine a request waits for two processes to be scheduled).
  const local = openDatabase(URL_OURS);
  const deps = buildDeps(
    loadConfig({ DATABASE_URL: URL_OURS, DATA_DIR: '/tmp/wy-bench-search-data', SEARCH_CACHE_SIZE: '0' }),
    pino({ level: 'silent' }),
    local,
  );
  // A few unrelated queries first, so neither side pays for opening the file.
  for (const q of ['公文', '范文', '通知']) {
    await fetch(`http://127.0.0.1:${PORT}/api/search?q=${encodeURIComponent(q)}`);
    if (!PG_URL) await naive.run(q);
  }
  type Times = { ours: number[]; naive: number[]; service: number[]; floor: number[] };
  const byClass = new Map<string, Times>();
  const all: Times = { ours: [], naive: [], service: [], floor: [] };
  const record = (cls: string, key: keyof Times, ms: number) => {
    const c = byClass.get(cls) ?? { ours: [], naive: [], service: [], floor: [] };
    byClass.set(cls, c);
    c[key].push(ms);
    all[key].push(ms);
  };
  let worst = { q: '', ms: 0 };
  // Two phases, each over a page cache warmed with its own file (read once, sequentially): the two files together
  // are about the size of this machine's memory, and a naive query reading hundreds of MB of doclists would
  // otherwise evict the pages the next query of ours needs (and the other way round). PostgreSQL: both sides read
  // the same relations, warmed once.
  if (!process.argv.includes('--no-warm')) console.log(`page cache: ${PG_URL ? await pgWarm(PG_URL) : warm(DB)}`);
  // The server may have closed the idle keep-alive connection while the file was read: open a fresh one first.
  await fetch(`http://127.0.0.1:${PORT}/api/suggest?q=`).catch(() => {});
  await (await fetch(`http://127.0.0.1:${PORT}/api/suggest?q=`)).json();
  for (const [i, { q, cls }] of queries.entries()) {
    const http = async () => {
      const t = performance.now();
      const r = await fetch(`http://127.0.0.1:${PORT}/api/search?q=${encodeURIComponent(q)}`);
      await r.json();
      if (!r.ok) throw new Error(`${q}: ${r.status}`);
      const ms = performance.now() - t;
      record(cls, 'ours', ms);
      if (ms > worst.ms) worst = { q, ms };
    };
    const inProcess = async () => {
      const t = performance.now();
      await searchDocuments(deps, { q, page: 1, sort: 'relevance', filters: {} });
      record(cls, 'service', performance.now() - t);
    };
    // Alternate which of the two goes first, so neither always finds the other's pages in memory.
    if (i % 2 === 0) {
      await http();
      await inProcess();
    } else {
      await inProcess();
      await http();
    }
    // The floor: an HTTP request that does no search at all.
    const t = performance.now();
    await (await fetch(`http://127.0.0.1:${PORT}/api/suggest?q=`)).json();
    record(cls, 'floor', performance.now() - t);
  }
  const rssAfter = rssMb(server.pid!);
  if (!PG_URL) console.log(`page cache: ${warm(NAIVE_DB)}`);
  const perClass = new Map<string, number>();
  let cancelled = 0;
  for (const { q, cls } of queries) {
    const k = perClass.get(cls) ?? 0;
    if (k >= NAIVE_SAMPLE) continue;
    perClass.set(cls, k + 1);
    const t = performance.now();
    if ((await naive.run(q)) === undefined) cancelled++;
    record(cls, 'naive', performance.now() - t);
  }
  const p = (xs: number[]) =>
    `p50 ${pct(xs, 50).toFixed(1)} p95 ${pct(xs, 95).toFixed(1)} p99 ${pct(xs, 99).toFixed(1)}`;
  const line = (name: string, x: Times) =>
    `${name.padEnd(7)} HTTP ${p(x.ours)} | in-process ${p(x.service)} | naive SQL (${x.naive.length}) ${p(x.naive)} | ` +
    `empty request ${p(x.floor)} ms | p95 speed-up ${(pct(x.naive, 95) / pct(x.ours, 95)).toFixed(1)}× HTTP, ` +
    `${(pct(x.naive, 95) / pct(x.service, 95)).toFixed(1)}× in-process`;
  console.log(
    `\n${PG_URL ? 'postgres' : 'sqlite'}: ${docCount} documents, ${queries.length} queries, each once per side (naive: the first ` +
      `${NAIVE_SAMPLE} of each class${PG_URL ? `, cancelled after ${NAIVE_TIMEOUT_MS} ms: ${cancelled} were` : ''}), ` +
      'hot-query cache off (HTTP: GET /api/search end to end; in-process: the same searchDocuments call without HTTP; ' +
      'naive: the SQL statement only)',
  );
  for (const [cls, x] of byClass) console.log(line(cls, x));
  console.log(line('all', all));
  console.log(`worst ours: ${worst.q} ${worst.ms.toFixed(1)} ms; server after our queries ${rssAfter}`);
  server.kill('SIGTERM');
  await naive.close();
  await local.close();
}

await main();
