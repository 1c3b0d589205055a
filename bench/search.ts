/**
 * Search benchmark (issue 4). `npx tsx bench/search.ts --n 100000 [--chars 2400] [--db file] [--build-only]`
 *
 * 1. Generates N documents (default ~2 400 characters each: ≈ 2.4 G characters at a million, as in issue 4) from shared/corpus/text-zh (deterministic, streamed) into a SQLite file and builds the
 *    search index in batches of 1 000 per transaction; prints docs/s and index size. An existing file is reused.
 * 2. Builds the naive plain FTS5 table over the same segmented text in a second file (`<db>-naive`), in a child
 *    process running beside step 1 (this machine has two cores; the two builds share nothing but the generator).
 * 3. Starts the real server (`src/main.ts`, web role) on that file and runs 200 realistic queries end-to-end over
 *    HTTP (`GET /api/search?q=`, hot-query cache off), and the naive statement
 *    `SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10` for the same queries, interleaved.
 * 4. Prints p50/p95/p99 per query class for both, the speed-up, and the server's RSS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { searchDocuments } from '../src/features/search/service.ts';
import { buildIndexedDocument, documentPairs } from '../src/search/indexed-document.ts';
import { indexText, pairText, segmentQuery } from '../src/search/segment.ts';
import { createSqliteSearchIndex, ftsQuery } from '../src/search/sqlite-search-index.ts';
import { benchUploader } from './bench-site.ts';
import { benchQueries, GENRES, generateDocument, loadParagraphs } from './search-corpus.ts';

const CORPUS = new URL('../../shared/corpus/text-zh/', import.meta.url).pathname;
const ROOT = new URL('../', import.meta.url).pathname;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const N = Number(arg('n', '100000'));
const CHARS = Number(arg('chars', '2400'));
const DB = arg('db', `/tmp/wy-bench-search-${N}-${CHARS}.db`);
const NAIVE_DB = `${DB}-naive`;
const PORT = Number(arg('port', '3917'));
const BATCH = 1000;

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function build(paras: string[]): Promise<void> {
  const database = openDatabase(`sqlite:${DB}`);
  await migrate(database);
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
  const index = createSqliteSearchIndex(database);
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
  const bodyTokens = bodyTokenizer(paras, segParas);
  const pairParas = paras.map((p) => pairText(p));
  // The pair tier's text from the same paragraph cache (a line break ends every run), checked on the first 50.
  const pairsOf = (e: ReturnType<typeof buildIndexedDocument>, d: ReturnType<typeof generateDocument>) =>
    [pairText(e.title), pairText(e.meta), pairText(d.parts.head), ...d.parts.paragraphs.map((i) => pairParas[i]!)]
      .filter(Boolean)
      .join(' ');
  // A bench database can be rebuilt: no need to survive a power cut while loading it.
  await sql`PRAGMA synchronous = OFF`.execute(db);
  await sql`PRAGMA cache_size = -131072`.execute(db);
  const start = now - N * 30_000;
  let chars = 0;
  let indexMs = 0;
  const t0 = performance.now();
  for (let from = 0; from < N; from += BATCH) {
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
    if ((from / BATCH) % 50 === 0)
      console.log(`  ${from + docs.length} docs, ${(((from + docs.length) / indexMs) * 1000).toFixed(0)} docs/s`);
  }
  console.log(
    `index build: ${N} docs, ${(chars / 1e6).toFixed(0)} M chars in ${((performance.now() - t0) / 1000).toFixed(0)} s; ` +
      `our index ${((N / indexMs) * 1000).toFixed(0)} docs/s (title and summary segmented per document, body ` +
      'tokens from the paragraph cache)',
  );
  const t3 = performance.now();
  await sql`INSERT INTO search_head (search_head) VALUES ('optimize')`.execute(db);
  await sql`INSERT INTO search_body (search_body) VALUES ('optimize')`.execute(db);
  await sql`INSERT INTO search_pairs (search_pairs) VALUES ('optimize')`.execute(db);
  console.log(`optimize (merge segments) of our index: ${((performance.now() - t3) / 1000).toFixed(0)} s`);
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  await database.close();
}

/** Body tokens from the per-paragraph cache (checked against segmenting whole bodies for the first 50). */
function bodyTokenizer(paras: string[], segParas: string[]) {
  const bodyTokens = (d: ReturnType<typeof generateDocument>) =>
    [indexText(d.parts.head), ...d.parts.paragraphs.map((i) => segParas[i]!)].filter(Boolean).join(' ');
  for (let i = 0; i < 50; i++) {
    const d = generateDocument(paras, i, CHARS);
    if (bodyTokens(d) !== indexText(d.body)) throw new Error(`cached tokens differ for document ${i}`);
  }
  return bodyTokens;
}

/**
 * The naive baseline: one plain FTS5 table over the same segmented text (title + body), rowid = document id
 * (documents get ids 1..N in generation order). Written to a temporary file renamed when complete.
 */
function buildNaive(paras: string[]): void {
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
  );
  const insert = raw.prepare('INSERT INTO bench_naive (rowid, text) VALUES (?, ?)');
  const t0 = performance.now();
  for (let from = 0; from < N; from += BATCH) {
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

function sizes(file: string): void {
  const raw = new SqliteDatabase(file, { readonly: true });
  const rows = raw
    .prepare(
      `SELECT CASE WHEN name LIKE 'search_head%' THEN 'title/summary tier' WHEN name LIKE 'search_body%' THEN 'body tier'
         WHEN name LIKE 'search_pairs%' THEN 'pair tier' WHEN name LIKE 'search_excerpts%' THEN 'excerpts' WHEN name LIKE 'bench_naive%' THEN 'naive FTS5'
         ELSE 'other tables' END AS part, sum(pgsize) AS bytes FROM dbstat GROUP BY part ORDER BY bytes DESC`,
    )
    .all() as Array<{ part: string; bytes: number }>;
  for (const r of rows) console.log(`  size ${r.part}: ${mb(r.bytes)}`);
  raw.close();
}

/** The node flags `npm start` runs the server with (package.json), so the bench measures the same process. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const m = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+(?:--import tsx src\/main\.ts|dist\/main\.js)/.exec(start);
  if (!m) throw new Error(`unexpected start script: ${start}`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

async function startServer(): Promise<ChildProcess> {
  const dataDir = `/tmp/wy-bench-search-data`;
  mkdirSync(dataDir, { recursive: true });
  const flags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? startFlags();
  console.log(`server: node ${[...flags, '--import', 'tsx', 'src/main.ts'].join(' ')}`);
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${DB}`,
      DATA_DIR: dataDir,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      WENYUAN_ROLE: 'web',
      LOG_LEVEL: 'warn',
      SEARCH_CACHE_SIZE: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${PORT}/api/search?q=warmup`);
      if (r.ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}

/** Reads a file once so its pages are in the OS page cache; returns what it did. */
function warm(file: string): string {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(16 << 20);
  let total = 0;
  const t = performance.now();
  for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) total += n;
  closeSync(fd);
  return `read ${file.slice(file.lastIndexOf('/') + 1)} (${mb(total)}) in ${((performance.now() - t) / 1000).toFixed(1)} s`;
}

function rssMb(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k: string) => Number(status.match(new RegExp(`${k}:\\s+(\\d+)`))?.[1] ?? 0) / 1024;
  return `RSS ${get('VmRSS').toFixed(0)} MB (peak ${get('VmHWM').toFixed(0)} MB)`;
}

async function main(): Promise<void> {
  const paras = loadParagraphs(CORPUS);
  if (process.argv.includes('--naive-only')) return buildNaive(paras);
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
  // Sizes are printed when the files are built, or with --sizes (dbstat reads every page: minutes for 20 GB).
  if (!reusing || process.argv.includes('--sizes')) {
    sizes(DB);
    sizes(NAIVE_DB);
  }
  if (process.argv.includes('--build-only')) return;

  const queries = benchQueries(paras);
  const naiveDb = new SqliteDatabase(NAIVE_DB, { readonly: true });
  // A build stopped part-way (a busy machine) still holds whole batches: report what is really there.
  const mainDb = new SqliteDatabase(DB, { readonly: true });
  const docCount = (mainDb.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
  mainDb.close();
  const naiveCount = (naiveDb.prepare('SELECT count(*) AS n FROM bench_naive').get() as { n: number }).n;
  if (docCount !== N) console.log(`partial build: ${docCount} documents indexed, ${naiveCount} in the naive table`);
  const naive = naiveDb.prepare(
    'SELECT rowid FROM bench_naive WHERE bench_naive MATCH ? ORDER BY bm25(bench_naive) LIMIT 10',
  );
  const server = await startServer();
  console.log(`server up, ${rssMb(server.pid!)}`);
  // The same service in this process, without HTTP: separates the search from the cost of a request (on a busy
  // machine a request waits for two processes to be scheduled).
  const local = openDatabase(`sqlite:${DB}`);
  const deps = buildDeps(
    loadConfig({ DATABASE_URL: `sqlite:${DB}`, DATA_DIR: '/tmp/wy-bench-search-data', SEARCH_CACHE_SIZE: '0' }),
    pino({ level: 'silent' }),
    local,
  );
  // A few unrelated queries first, so neither side pays for opening the file.
  for (const q of ['公文', '范文', '通知']) {
    await fetch(`http://127.0.0.1:${PORT}/api/search?q=${encodeURIComponent(q)}`);
    naive.all(ftsQuery(segmentQuery(q)));
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
  // otherwise evict the pages the next query of ours needs (and the other way round).
  console.log(`page cache: ${warm(DB)}`);
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
  console.log(`page cache: ${warm(NAIVE_DB)}`);
  for (const { q, cls } of queries) {
    const t = performance.now();
    naive.all(ftsQuery(segmentQuery(q)));
    record(cls, 'naive', performance.now() - t);
  }
  const p = (xs: number[]) =>
    `p50 ${pct(xs, 50).toFixed(1)} p95 ${pct(xs, 95).toFixed(1)} p99 ${pct(xs, 99).toFixed(1)}`;
  const line = (name: string, x: Times) =>
    `${name.padEnd(7)} HTTP ${p(x.ours)} | in-process ${p(x.service)} | naive SQL ${p(x.naive)} | ` +
    `empty request ${p(x.floor)} ms | p95 speed-up ${(pct(x.naive, 95) / pct(x.ours, 95)).toFixed(1)}× HTTP, ` +
    `${(pct(x.naive, 95) / pct(x.service, 95)).toFixed(1)}× in-process`;
  console.log(
    `\n${docCount} documents, ${queries.length} queries, each once per side, hot-query cache off (HTTP: GET /api/search end to end; ` +
      'in-process: the same searchDocuments call without HTTP; naive: the SQL statement only)',
  );
  for (const [cls, x] of byClass) console.log(line(cls, x));
  console.log(line('all', all));
  console.log(`worst ours: ${worst.q} ${worst.ms.toFixed(1)} ms; server ${rssMb(server.pid!)}`);
  server.kill('SIGTERM');
  naiveDb.close();
  await local.close();
}

await main();
