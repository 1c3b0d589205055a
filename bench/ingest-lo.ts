// LibreOffice at bulk speed (issue 16, decision 0028), through `importFiles` — exactly `wenyuan import` — on fresh
// SQLite databases, in one run on the same files:
//   --legacy      the legacy, ooxml-other and other corpus (doc/xls/ppt/pptx/xlsx/odt/rtf/wps…): documents/s with the
//                 LibreOffice pool against one LibreOffice process per file, and whether every file ends the same way
//                 (rejected with the same code, or not rejected) in both;
//   --with-pages  the docx and docx-zh corpus: import throughput (upload → published) with page images on (pool) and
//                 text-only, and when the page images, following behind, were all done.
//   npx tsx bench/ingest.ts --legacy [--sample N] [--seed S] [--workers 2] [--pool N] [--order pool,oneshot] [--ocr]
//     [--chunk N]   (both modes in turn on each chunk of N files: the same load for both on a drifting machine;
//                    --pool: pool members, the site's default for the job slots unless given)
//   npx tsx bench/ingest.ts --with-pages [--sample N | --pages-sample N] [--seed S] [--oneshot-pages] [--pages-wait S]
//     (--pages-wait: how long to wait for the page images after the last file published; default until done)
//   (both flags: both benches in one run, docx first). Ctrl-C/SIGTERM closes the converters (no LibreOffice left)
//   and prints what was measured; the final report lists any process of the run still alive (`strayProcesses`).
// OCR is off unless --ocr: it would measure tesseract, not LibreOffice. --sample draws a fixed random sample.
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { expandPaths, type ImportResult } from '../src/features/documents/import.ts';
import { type BenchSite, onStop, openBenchSite, ownTmp, strayProcesses, waitDocumentJobs } from './bench-site.ts';
import { peakSpreadMb, peaksInMb, sampleRss } from './proc-rss.ts';

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
  /** From the first upload to the last file published or rejected (summed over chunks). */
  seconds: number;
  /** Until every document job (page images included) was done, or the wait (--pages-wait) ran out. */
  allJobsSeconds: number;
  /** Document jobs still queued or running when the wait ran out (0: all done). */
  jobsLeft: number;
  results: ImportResult[];
  office: { poolStarts: number; pooled: number; oneShot: number };
  pageImages: number;
}

const siteEnv = (env: Record<string, string>) => ({
  OCR: process.argv.includes('--ocr') ? 'tesseract' : 'none',
  ...env,
});

/** Imports `files` into `site`, then waits for the document jobs (at most --pages-wait seconds). */
async function importInto(site: BenchSite, files: string[]): Promise<Omit<RunResult, 'office'>> {
  const t0 = performance.now();
  let done = 0;
  const results = await site.importAll(files, () => {
    if (++done % 50 === 0) process.stderr.write(`  ${done}/${files.length}\n`);
  });
  const seconds = (performance.now() - t0) / 1000;
  const wait = opt('--pages-wait') ? Number(opt('--pages-wait')) * 1000 : undefined;
  const jobsLeft = await waitDocumentJobs(site.database.db, 100, wait);
  const allJobsSeconds = (performance.now() - t0) / 1000;
  const withImages = await site.database.db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('page_images', 'is not', null)
    .where('page_images', '!=', '[]')
    .executeTakeFirstOrThrow();
  return { seconds, allJobsSeconds, jobsLeft, results, pageImages: Number(withImages.n) };
}

async function importRun(files: string[], env: Record<string, string>, workers: number): Promise<RunResult> {
  const site = await openBenchSite('wy-bench-lo-', siteEnv(env), workers);
  try {
    const r = await importInto(site, files);
    const office = site.deps.converter.officeStats();
    await site.close();
    return { ...r, office };
  } finally {
    await site.close();
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

/** The files, or the sample `sampleFlag` asks for (--sample for both benches; --pages-sample for the docx one). */
function pick(dirs: string[], files: string[], sampleFlag = '--sample'): { files: string[]; sampled: string } {
  const given = opt(sampleFlag) ?? opt('--sample');
  const n = given ? Number(given) : 0;
  const seed = Number(opt('--seed') ?? 16);
  if (n > 0 && n < files.length) {
    return { files: sample(files, n, seed), sampled: `random sample of ${n} of ${files.length} (seed ${seed})` };
  }
  return { files, sampled: `all ${files.length} files of ${dirs.join(', ')}` };
}

/** The load average (1, 5, 15 min) now, for the record beside a figure. */
const load = () => loadavg().map((x) => +x.toFixed(2));

/** --legacy and/or --with-pages, one after the other in this process; a stop (Ctrl-C) prints what was measured. */
export async function runLoBenches(which: { legacy: boolean; withPages: boolean }): Promise<void> {
  ownTmp('wy-bench-lo');
  const out: Record<string, unknown> = {};
  onStop(() => ({ ...out, cutShort: true, loadAtStop: load() }));
  // docx with page images first: it has a bounded length (--pages-wait); the legacy comparison reports each chunk
  // as it ends, so a run stopped during it still compares both modes on the chunks done.
  if (which.withPages) out.withPages = await runWithPages();
  if (which.legacy) {
    out.legacy = await runLegacy((partial) => {
      out.legacy = partial;
    });
  }
  console.log(JSON.stringify({ ...out, strayProcesses: strayProcesses() }, null, 2));
}

/** The site's default pool size for this many job slots (config.ts). */
function defaultPool(workers: number): string {
  return String(loadConfig({ JOB_CONCURRENCY: String(workers) }).convert.officePool);
}

async function runLegacy(progress: (partial: object) => void): Promise<object> {
  const dirs = ['legacy', 'ooxml-other', 'other'];
  const { files, sampled } = pick(dirs, await expandPaths(dirs.map((d) => join(CORPUS, d))));
  const workers = Number(opt('--workers') ?? 2);
  const poolSize = opt('--pool') ?? defaultPool(workers);
  const order = (opt('--order') ?? 'pool,oneshot').split(',');
  // --chunk N: the files in chunks of N, each imported by both modes in turn (the order swapped every chunk), both
  // sites open throughout: on a shared machine whose load drifts, both modes then see the same load, and a run cut
  // short still compares the two on the same files.
  const chunk = Number(opt('--chunk') ?? files.length) || files.length;
  console.error(`legacy: ${sampled}; ${workers} job slots; chunks of ${chunk}; order ${order.join(' then ')}`);
  const rss = sampleRss(200);
  const sites: Record<string, BenchSite> = {};
  for (const mode of order) {
    const env = { PAGE_IMAGES: 'false', LIBREOFFICE_POOL: mode === 'pool' ? poolSize : '0' };
    sites[mode] = await openBenchSite(`wy-bench-lo-${mode}-`, siteEnv(env), workers);
  }
  const runs: Record<string, RunResult> = {};
  for (const mode of order) {
    runs[mode] = {
      seconds: 0,
      allJobsSeconds: 0,
      jobsLeft: 0,
      results: [],
      office: sites[mode]!.deps.converter.officeStats(),
      pageImages: 0,
    };
  }
  const loads: number[][] = [];
  const report = (done: string[]) => {
    const pool = runs.pool!;
    const one = runs.oneshot!;
    const byFile = (rs: ImportResult[]) => new Map(rs.map((r) => [r.file, r]));
    const a = byFile(pool.results);
    const b = byFile(one.results);
    const differ: string[] = [];
    const codeOnly: string[] = [];
    for (const f of done) {
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
      docsPerSecond: perSecond(done.length, r.seconds),
      outcome: tally(r.results),
      libreoffice: r.office,
    });
    const peaks = rss.peek();
    return {
      files: sampled,
      compared: done.length,
      chunk,
      workers,
      pool: { size: Number(poolSize), ...summary(pool) },
      oneProcessPerFile: summary(one),
      speedup: +(one.seconds / pool.seconds).toFixed(2),
      publishedRejectedIdentical: differ.length === 0,
      differentOutcomes: differ,
      sameOutcomeOtherCode: codeOnly,
      loadAverageAtChunkStarts: loads,
      ...peaksInMb(peaks),
      peakRssMbSpread: peakSpreadMb(peaks),
    };
  };
  try {
    for (let i = 0; i * chunk < files.length; i++) {
      const part = files.slice(i * chunk, (i + 1) * chunk);
      loads.push(load());
      for (const mode of i % 2 ? [...order].reverse() : order) {
        console.error(`chunk ${i + 1}: ${mode}, ${part.length} files…`);
        const r = await importInto(sites[mode]!, part);
        const run = runs[mode]!;
        run.seconds += r.seconds;
        run.results.push(...r.results);
        run.office = sites[mode]!.deps.converter.officeStats();
      }
      const sofar = report(files.slice(0, (i + 1) * chunk));
      progress(sofar);
      process.stderr.write(
        `chunk ${i + 1} done: ${sofar.compared} files, pool ${sofar.pool.seconds} s, one-shot ${sofar.oneProcessPerFile.seconds} s, load ${load().join(' ')}\n`,
      );
    }
    for (const site of Object.values(sites)) await site.close();
    rss.stop();
    return report(files);
  } finally {
    for (const site of Object.values(sites)) await site.close();
  }
}

async function runWithPages(): Promise<object> {
  const dirs = ['docx-zh', 'docx'];
  const all = (await expandPaths(dirs.map((d) => join(CORPUS, d)))).filter((f) => f.endsWith('.docx'));
  const { files, sampled } = pick(dirs, all, '--pages-sample');
  const workers = Number(opt('--workers') ?? 2);
  console.error(`docx: ${sampled}; ${workers} job slots`);
  const rss = sampleRss(200);
  const loads: Record<string, number[][]> = {};
  const timed = async (name: string, env: Record<string, string>) => {
    console.error(`${name}…`);
    const before = load();
    const r = await importRun(files, env, workers);
    loads[name] = [before, load()];
    return r;
  };
  const text = await timed('text only', { PAGE_IMAGES: 'false' });
  const pages = await timed('with page images (pool)', {
    PAGE_IMAGES: 'true',
    LIBREOFFICE_POOL: opt('--pool') ?? defaultPool(workers),
  });
  const oneShot = process.argv.includes('--oneshot-pages')
    ? await timed('with page images (one process per file)', { PAGE_IMAGES: 'true', LIBREOFFICE_POOL: '0' })
    : undefined;
  const peaks = rss.stop();
  const summary = (r: RunResult, name: string) => ({
    publishSeconds: +r.seconds.toFixed(1),
    docsPerSecond: perSecond(files.length, r.seconds),
    allJobsDoneSeconds: +r.allJobsSeconds.toFixed(1),
    documentJobsLeftAfterWait: r.jobsLeft,
    documentsWithPageImages: r.pageImages,
    outcome: tally(r.results),
    libreoffice: r.office,
    loadAverageStartEnd: loads[name],
  });
  return {
    files: sampled,
    workers,
    textOnly: summary(text, 'text only'),
    withPagesPool: summary(pages, 'with page images (pool)'),
    ...(oneShot ? { withPagesOneProcessPerFile: summary(oneShot, 'with page images (one process per file)') } : {}),
    publishSlowdown: +(pages.seconds / text.seconds).toFixed(2),
    ...peaksInMb(peaks),
    peakRssMbSpread: peakSpreadMb(peaks),
  };
}
