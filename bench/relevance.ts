/**
 * Known-item relevance (issue 12). `npx tsx bench/relevance.ts [--pg] [--seed 12] [--db URL] [--verbose]`
 *
 * 1. Imports the docx-zh documents of ../shared/corpus into a fresh site through `importFiles` (exactly
 *    `wenyuan import`: the real pipeline, page images off) on SQLite, or on a new PostgreSQL database with `--pg`.
 *    `--db URL` keeps that database and reuses it when it already holds published documents (reindexed with this
 *    tree's indexer first, so an index change needs no new import).
 * 2. Builds, per published document, known-item queries from its free text (the text before the preview cut, cut
 *    by jieba at word boundaries as a person types them), seeded: (a) the exact title; (b) a phrase: three
 *    consecutive words typed without spaces, 5–12 characters; (c) two words from two different paragraphs, typed
 *    with a space; (d) a phrase as in (b) that occurs in this one document only (the first of up to 40 draws).
 *    `--generated FILE [--sample 200] [--chars 2400]`: the same classes over the generated documents of a database
 *    bench/search.ts built (bench/relevance-generated.ts), drawn from randomly chosen documents; FILE may be the
 *    postgres:// URL of a `bench/search.ts --pg` database (naive side: ts_rank, cancelled after --naive-timeout-ms).
 * 3. Runs every query through the real search service (`searchDocuments`, hot-query cache off) and through the naive
 *    statement `SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10` on an FTS5 table of the same
 *    documents (title and full text, the same jieba tokens), and prints success@1, success@10 and MRR (over the
 *    first ten) per class for both, and the mean in-process time of ours.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { importFiles } from '../src/features/documents/import.ts';
import { computePreview } from '../src/features/documents/preview.ts';
import * as searchRepo from '../src/features/search/repo.ts';
import { reindexAll, searchDocuments } from '../src/features/search/service.ts';
import { getSiteSettings } from '../src/features/site/service.ts';
import { WEIGHTS } from '../src/search/rank.ts';
import { indexText, normalizeText, segmentQuery } from '../src/search/segment.ts';
import { ftsQuery } from '../src/search/sqlite-search-index.ts';
import { benchUploader, benchWorker, waitDocumentJobs } from './bench-site.ts';
import { evaluate, type KnownDoc, queriesFor } from './relevance-eval.ts';
import { runGenerated } from './relevance-generated.ts';
import { mulberry32 } from './search-corpus.ts';

const CORPUS = process.env.CORPUS_DIR ?? fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const opt = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SEED = Number(opt('--seed') ?? 12);
const PG = process.argv.includes('--pg');
const VERBOSE = process.argv.includes('--verbose');
// --weights excerpt=0,pair=0: ranking weights changed for this run (measures what each part of the ranking adds).
for (const kv of opt('--weights')?.split(',') ?? []) {
  const [k, v] = kv.split('=');
  if (!(k! in WEIGHTS)) throw new Error(`unknown weight ${k}`);
  (WEIGHTS as Record<string, number>)[k!] = Number(v);
}

interface Doc extends KnownDoc {
  body: string;
}

/** A database URL to use: `--db` (created when absent), or a throw-away one. */
async function openSite(): Promise<{ url: string; drop: () => Promise<void> }> {
  const given = opt('--db');
  const pgName = (url: string) => new URL(url).pathname.slice(1);
  const createPg = async (name: string) => {
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`create database ${name}`);
    await admin.end();
  };
  if (given) {
    if (given.startsWith('postgres')) await createPg(pgName(given));
    return { url: given, drop: async () => {} };
  }
  if (!PG) {
    const dir = mkdtempSync(join(tmpdir(), 'wy-relevance-'));
    return { url: `sqlite:${join(dir, 'site.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `wy_relevance_${randomBytes(4).toString('hex')}`;
  await createPg(name);
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const admin = new pg.Client({ connectionString: PG_ADMIN });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function ingest(deps: ReturnType<typeof buildDeps>): Promise<void> {
  const { db } = deps.database;
  const { user, category } = await benchUploader(db);
  const log = pino({ level: 'silent' });
  const worker = benchWorker(deps, 2, log);
  const dir = join(CORPUS, 'docx-zh');
  const files = readdirSync(dir)
    .sort()
    .map((f) => join(dir, f));
  const t0 = performance.now();
  await importFiles(
    deps,
    files,
    { userId: Number(user.id), categoryId: Number(category.id), price: 0, concurrency: 3, pollMs: 20 },
    () => {},
  );
  await waitDocumentJobs(db);
  await worker.stop(5000);
  console.log(`imported ${files.length} files in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** Published documents with their text and free part (the preview rule the index used). */
async function loadDocs(deps: ReturnType<typeof buildDeps>): Promise<Doc[]> {
  const site = await getSiteSettings(deps);
  const docs: Doc[] = [];
  let after = 0;
  for (;;) {
    const ids = await searchRepo.listPublishedIdsAfter(deps.database.db, after, 500);
    if (ids.length === 0) break;
    for (const id of ids) {
      const src = await searchRepo.findIndexSource(deps.database.db, id);
      if (!src?.body) continue;
      const preview = computePreview(
        { body: src.body, pageStarts: JSON.parse(src.page_starts ?? '[0]'), headings: [] },
        {
          mode: src.preview_mode ?? site.previewMode,
          value: src.preview_value ?? site.previewValue,
          maxPercent: site.previewMaxPercent,
          paid: src.price > 0,
        },
      );
      docs.push({ id, title: src.title, body: src.body, free: preview.freeText });
    }
    after = ids[ids.length - 1]!;
  }
  return docs;
}

async function main(): Promise<void> {
  const site = await openSite();
  const database = openDatabase(site.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'wy-relevance-data-'));
  try {
    await migrate(database);
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: site.url,
      JOB_CONCURRENCY: '2',
      PAGE_IMAGES: 'false',
      SEARCH_CACHE_SIZE: '0',
    });
    const deps = buildDeps(config, pino({ level: 'silent' }), database);
    const published = await searchRepo.listPublishedIdsAfter(database.db, 0, 1);
    if (published.length === 0) await ingest(deps);
    else {
      // The index of a kept database is rebuilt with this tree's indexer (a ranking or index change in between).
      const t = performance.now();
      const n = await reindexAll(deps);
      console.log(`reusing ${site.url}: ${n} documents reindexed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    await deps.converter.close();
    const docs = await loadDocs(deps);

    // The naive statement's table: the same documents, title and full text, the same jieba tokens.
    const naiveDb = new SqliteDatabase(':memory:');
    naiveDb.exec('CREATE VIRTUAL TABLE naive USING fts5(text)');
    const insert = naiveDb.prepare('INSERT INTO naive (rowid, text) VALUES (?, ?)');
    for (const d of docs) insert.run(d.id, `${indexText(d.title)} ${indexText(d.body)}`);
    const naive = naiveDb.prepare('SELECT rowid FROM naive WHERE naive MATCH ? ORDER BY bm25(naive) LIMIT 10');

    const bodies = docs.map((d) => normalizeText(`${d.title}\n${d.body}`));
    const occurrences = (phrase: string) => {
      const p = normalizeText(phrase);
      return bodies.reduce((n, b) => n + (b.includes(p) ? 1 : 0), 0);
    };
    const rnd = mulberry32(SEED);
    const queries = [];
    for (const d of docs) queries.push(...(await queriesFor(d, rnd, occurrences)));
    const outsideExcerpt = queries.filter(
      (q) =>
        q.cls !== 'title' &&
        !docs
          .find((d) => d.id === q.target)!
          .free.slice(0, 4000)
          .includes(q.q.split(' ')[0]!),
    ).length;
    console.log(
      `weights ${JSON.stringify(WEIGHTS)}\n${PG ? 'postgres' : 'sqlite'}: ${docs.length} published documents, ${queries.length} queries, seed ${SEED} ` +
        `(${outsideExcerpt} queries whose first word is not in the first 4 000 characters of the free part)`,
    );

    await evaluate(
      queries,
      async (q) => (await searchDocuments(deps, { q, page: 1, sort: 'relevance', filters: {} })).hits.map((h) => h.id),
      (q) => {
        const tokens = segmentQuery(q);
        return tokens.length ? (naive.all(ftsQuery(tokens)) as Array<{ rowid: number }>).map((r) => r.rowid) : [];
      },
      VERBOSE,
    );
    naiveDb.close();
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    await site.drop();
  }
}

const generated = opt('--generated');
if (generated)
  await runGenerated(generated, {
    seed: SEED,
    sample: Number(opt('--sample') ?? 200),
    chars: Number(opt('--chars') ?? 2400),
    verbose: VERBOSE,
    naiveTimeoutMs: Number(opt('--naive-timeout-ms') ?? 15_000),
  });
else await main();
