// LibreOffice at bulk speed (issue 16, decision 0028), through `importFiles` — exactly `wenyuan import` — on fresh
// SQLite databases, in one run on the same files:
//   --legacy      the legacy, ooxml-other and other corpus (doc/xls/ppt/pptx/xlsx/odt/rtf/wps…): documents/s with the
//                 LibreOffice pool against one LibreOffice process per file, and whether every file ends the same way
//                 (rejected with the same code, or not rejected) in both;
//   --with-pages  the docx and docx-zh corpus: import throughput (upload → published) with page images on (pool) and
//                 text-only, and when the page images, following behind, were all done.
//   npx tsx bench/ingest.ts --legacy [--sample N] [--seed S] [--workers 2] [--pool 1] [--order pool,oneshot] [--ocr]
//   npx tsx bench/ingest.ts --with-pages [--sample N] [--seed S] [--oneshot-pages]
// OCR is off unless --ocr: it would measure tesseract, not LibreOffice. --sample draws a fixed random sample.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildDeps } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { expandPaths, type ImportResult, importFiles } from '../src/features/documents/import.ts';
import { benchUploader, benchWorker } from './bench-site.ts';
import { peaksInMb, sampleRss } from './proc-rss.ts';

const CORPUS = process.env.CORPUS_DIR ?? fileURLToPath(new URL('../../shared/corpus/', import.meta.url));

const opt = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** A seeded shuffle (mulberry32), so a sample can be drawn again. */
function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.slice(0, n).sort();
}

interface RunResult {
  /** From the first upload to the last file published or rejected. */
  seconds: number;
  /** Until every document job (page images included) was done. */
  allJobsSeconds: number;
  results: ImportResult[];
  office: { poolStarts: number; pooled: number; oneShot: number };
  pageImages: number;
}

async function importRun(files: string[], env: Record<string, string>, workers: number): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wy-bench-lo-'));
  const url = `sqlite:${join(dataDir, 'bench.db')}`;
  const database = openDatabase(url);
  try {
    await migrate(database);
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: url,
      JOB_CONCURRENCY: String(workers),
      UPLOAD_MAX_BYTES: '100MB',
      OCR: process.argv.includes('--ocr') ? 'tesseract' : 'none',
      ...env,
    });
    const log = pino({ level: 'silent' });
    const deps = buildDeps(config, log, database);
    const { user, category } = await benchUploader(database.db);
    const worker = benchWorker(deps, workers, log);
    const t0 = performance.now();
    let done = 0;
    const results = await importFiles(
      deps,
      files,
      { userId: Number(user.id), categoryId: Number(category.id), price: 0, concurrency: workers + 1, pollMs: 10 },
      () => {
        if (++done % 50 === 0) process.stderr.write(`  ${done}/${files.length}\n`);
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    for (;;) {
      const left = await database.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['queued', 'running'])
        .where('name', 'like', 'document.%')
        .executeTakeFirstOrThrow();
      if (Number(left.n) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const allJobsSeconds = (performance.now() - t0) / 1000;
    const withImages = await database.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('page_images', 'is not', null)
      .where('page_images', '!=', '[]')
      .executeTakeFirstOrThrow();
    await worker.stop(5000);
    const stats = deps.converter.officeStats();
    await deps.converter.close();
    return { seconds, allJobsSeconds, results, office: stats, pageImages: Number(withImages.n) };
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Rejected with its code, or not rejected (published, repaired, held or a duplicate): what must not change. */
const verdict = (r: ImportResult) => (r.status === 'rejected' ? `rejected ${r.code}` : 'accepted');
const tally = (rs: ImportResult[]) => {
  const t: Record<string, number> = {};
  for (const r of rs) t[r.status] = (t[r.status] ?? 0) + 1;
  return t;
};
const perSecond = (n: number, s: number) => +(n / s).toFixed(3);

function pick(dirs: string[], files: string[]): { files: string[]; sampled: string } {
  const n = opt('--sample') ? Number(opt('--sample')) : 0;
  const seed = Number(opt('--seed') ?? 16);
  if (n > 0 && n < files.length) {
    return { files: sample(files, n, seed), sampled: `random sample of ${n} of ${files.length} (seed ${seed})` };
  }
  return { files, sampled: `all ${files.length} files of ${dirs.join(', ')}` };
}

export async function runLegacy(): Promise<void> {
  const dirs = ['legacy', 'ooxml-other', 'other'];
  const { files, sampled } = pick(dirs, await expandPaths(dirs.map((d) => join(CORPUS, d))));
  const workers = Number(opt('--workers') ?? 2);
  const poolSize = opt('--pool') ?? '1';
  const order = (opt('--order') ?? 'pool,oneshot').split(',');
  console.error(`legacy: ${sampled}; ${workers} job slots; order ${order.join(' then ')}`);
  const rss = sampleRss(200);
  const runs: Record<string, RunResult> = {};
  for (const mode of order) {
    console.error(`${mode}…`);
    runs[mode] = await importRun(
      files,
      { PAGE_IMAGES: 'false', LIBREOFFICE_POOL: mode === 'pool' ? poolSize : '0' },
      workers,
    );
  }
  const peaks = rss.stop();
  const pool = runs.pool!;
  const one = runs.oneshot!;
  const byFile = (rs: ImportResult[]) => new Map(rs.map((r) => [r.file, r]));
  const a = byFile(pool.results);
  const b = byFile(one.results);
  const differ: string[] = [];
  const codeOnly: string[] = [];
  for (const f of files) {
    const p = a.get(f)!;
    const o = b.get(f)!;
    if (verdict(p) !== verdict(o)) {
      const cls = (r: ImportResult) => (r.status === 'rejected' ? 'rejected' : 'accepted');
      (cls(p) !== cls(o) ? differ : codeOnly).push(
        `${relative(CORPUS, f)}: pool ${verdict(p)} / one-shot ${verdict(o)}`,
      );
    }
  }
  const summary = (r: RunResult) => ({
    seconds: +r.seconds.toFixed(1),
    docsPerSecond: perSecond(files.length, r.seconds),
    outcome: tally(r.results),
    libreoffice: r.office,
  });
  console.log(
    JSON.stringify(
      {
        files: sampled,
        workers,
        pool: { size: Number(poolSize), ...summary(pool) },
        oneProcessPerFile: summary(one),
        speedup: +(one.seconds / pool.seconds).toFixed(2),
        publishedRejectedIdentical: differ.length === 0,
        differentOutcomes: differ,
        sameOutcomeOtherCode: codeOnly,
        ...peaksInMb(peaks),
      },
      null,
      2,
    ),
  );
}

export async function runWithPages(): Promise<void> {
  const dirs = ['docx-zh', 'docx'];
  const all = (await expandPaths(dirs.map((d) => join(CORPUS, d)))).filter((f) => f.endsWith('.docx'));
  const { files, sampled } = pick(dirs, all);
  const workers = Number(opt('--workers') ?? 2);
  console.error(`docx: ${sampled}; ${workers} job slots`);
  const rss = sampleRss(200);
  console.error('text only…');
  const text = await importRun(files, { PAGE_IMAGES: 'false' }, workers);
  console.error('with page images (pool)…');
  const pages = await importRun(files, { PAGE_IMAGES: 'true', LIBREOFFICE_POOL: opt('--pool') ?? '1' }, workers);
  let oneShot: RunResult | undefined;
  if (process.argv.includes('--oneshot-pages')) {
    console.error('with page images (one process per file)…');
    oneShot = await importRun(files, { PAGE_IMAGES: 'true', LIBREOFFICE_POOL: '0' }, workers);
  }
  const peaks = rss.stop();
  const summary = (r: RunResult) => ({
    publishSeconds: +r.seconds.toFixed(1),
    docsPerSecond: perSecond(files.length, r.seconds),
    allJobsDoneSeconds: +r.allJobsSeconds.toFixed(1),
    documentsWithPageImages: r.pageImages,
    outcome: tally(r.results),
    libreoffice: r.office,
  });
  console.log(
    JSON.stringify(
      {
        files: sampled,
        workers,
        textOnly: summary(text),
        withPagesPool: summary(pages),
        ...(oneShot ? { withPagesOneProcessPerFile: summary(oneShot) } : {}),
        publishSlowdown: +(pages.seconds / text.seconds).toFixed(2),
        ...peaksInMb(peaks),
      },
      null,
      2,
    ),
  );
}
