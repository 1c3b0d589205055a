// Ingestion benchmark (issue 3): the docx-zh and docx corpus through the whole pipeline on the text-preview path —
// upload (sniff, hash, blob store, queue), then the conversion job (zip inspection, extraction in the worker pool,
// near-duplicate signature, text stored, segmentation and search index, published) — exactly as `wenyuan import`
// runs it, on a fresh SQLite database; beside `soffice --convert-to pdf`, one invocation per document with a fresh
// profile, as the open-source 文库 systems do. Prints documents/s for each, the per-document ratio and peak RSS.
//   npx tsx bench/ingest.ts [--lo-sample N]   (LibreOffice on N files, default 20; 0 = all)
// Whole corpus, outcomes by code and peak RSS per process: npx tsx bench/ingest.ts --corpus (see ingest-corpus.ts).
// LibreOffice pool against one process per file, docx with page images: --legacy, --with-pages (see ingest-lo.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOfficeConverter, defaultSofficePath } from '../src/convert/libreoffice.ts';
import type { ImportResult } from '../src/features/documents/import.ts';
import { openBenchSite } from './bench-site.ts';
import { diffRuns, runCorpus } from './ingest-corpus.ts';
import { peaksInMb, sampleRss } from './proc-rss.ts';

if (process.argv.includes('--legacy') || process.argv.includes('--with-pages')) {
  const lo = await import('./ingest-lo.ts');
  await lo.runLoBenches({
    legacy: process.argv.includes('--legacy'),
    withPages: process.argv.includes('--with-pages'),
  });
  process.exit(0);
}
if (process.argv.includes('--corpus') || process.argv.includes('--diff')) {
  const d = process.argv.indexOf('--diff');
  await (d > 0 ? diffRuns(process.argv[d + 1]!, process.argv[d + 2]!) : runCorpus());
  process.exit(0);
}

const CORPUS = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
const arg = process.argv.indexOf('--lo-sample');
const loSample = arg > 0 ? Number(process.argv[arg + 1]) : 20;
const files = ['docx-zh', 'docx'].flatMap((d) =>
  readdirSync(join(CORPUS, d))
    .filter((n) => n.endsWith('.docx'))
    .sort()
    .map((n) => join(CORPUS, d, n)),
);

const rss = sampleRss(20);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
};

/** Every file through `importFiles` on a fresh database and blob store; `workers` conversions at a time. */
async function runPipeline(workers: number): Promise<{ seconds: number; results: ImportResult[] }> {
  // The text-preview path; a 60 s lease.
  const site = await openBenchSite('wy-bench-ingest-', { PAGE_IMAGES: 'false' }, workers, 60_000);
  try {
    const t0 = performance.now();
    const results = await site.importAll(files, () => {}, 5);
    const seconds = (performance.now() - t0) / 1000;
    await site.close();
    return { seconds, results };
  } finally {
    await site.close();
  }
}

const tally = (results: ImportResult[]) => {
  const out: Record<string, number> = {};
  for (const r of results) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
};

// 1. Throughput: two conversions at a time (this machine has 2 cores). 2. Per document: one at a time.
const parallel = await runPipeline(2);
const sequential = await runPipeline(1);
const perDoc = sequential.results.map((r) => r.ms);

// 2. LibreOffice, one process per document, fresh profile each time.
const lo = createOfficeConverter({
  sofficePath: defaultSofficePath(),
  timeoutMs: 180_000,
  memoryMb: 2048,
  concurrency: 1,
});
const loFiles =
  loSample > 0
    ? files.filter((_, i) => i % Math.max(1, Math.floor(files.length / loSample)) === 0).slice(0, loSample)
    : files;
const loPerDoc: number[] = [];
let loSecs = Number.NaN;
if (lo.available) {
  const { rm } = await import('node:fs/promises');
  const t1 = performance.now();
  for (const f of loFiles) {
    const s = performance.now();
    try {
      const { dir } = await lo.toPdf(f, 'docx');
      await rm(dir, { recursive: true, force: true });
    } catch {
      // timeouts and failures count with their time
    }
    loPerDoc.push(performance.now() - s);
  }
  loSecs = (performance.now() - t1) / 1000;
}
const peaks = rss.stop();

const pipeMed = median(perDoc);
const loMed = median(loPerDoc);
console.log(
  JSON.stringify(
    {
      documents: files.length,
      pipeline: {
        outcome: tally(parallel.results),
        seconds: +parallel.seconds.toFixed(2),
        docsPerSecond: +(files.length / parallel.seconds).toFixed(1),
        oneAtATime: { seconds: +sequential.seconds.toFixed(2), medianMs: +pipeMed.toFixed(1) },
      },
      libreoffice: lo.available
        ? {
            documents: loFiles.length,
            seconds: +loSecs.toFixed(2),
            docsPerSecond: +(loFiles.length / loSecs).toFixed(2),
            medianMs: +loMed.toFixed(0),
          }
        : 'not installed',
      perDocumentRatio: lo.available ? +(loMed / pipeMed).toFixed(1) : null,
      throughputRatio: lo.available ? +(files.length / parallel.seconds / (loFiles.length / loSecs)).toFixed(1) : null,
      ...peaksInMb(peaks),
    },
    null,
    2,
  ),
);
