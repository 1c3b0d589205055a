// Ingestion benchmark: the docx-zh and docx corpus through the text-preview path (sniff → zip inspection → extract in
// the worker pool → preview cut) beside `soffice --convert-to pdf`, one invocation per document with a fresh
// profile, as the open-source 文库 systems do. Prints documents/s for each, the per-document ratio, peak RSS.
//   npx tsx bench/ingest.ts [--lo-sample N]   (LibreOffice on N files, default 20; 0 = all)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConverter } from '../src/convert/converter.ts';
import { createOfficeConverter, defaultSofficePath } from '../src/convert/libreoffice.ts';
import { sniffFile } from '../src/convert/sniff.ts';
import { computePreview } from '../src/features/documents/preview.ts';

const CORPUS = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
const arg = process.argv.indexOf('--lo-sample');
const loSample = arg > 0 ? Number(process.argv[arg + 1]) : 20;
const files = ['docx-zh', 'docx'].flatMap((d) =>
  readdirSync(join(CORPUS, d))
    .filter((n) => n.endsWith('.docx'))
    .sort()
    .map((n) => join(CORPUS, d, n)),
);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
};

// 1. The pipeline's text path, two workers (this machine has 2 cores).
const converter = createConverter({ concurrency: 2, timeoutMs: 60_000, memoryMb: 512 });
await converter.extract(files[0]!, 'docx').catch(() => {}); // warm the workers
const perDoc: number[] = [];
let ok = 0;
const t0 = performance.now();
let next = 0;
await Promise.all(
  [0, 1].map(async () => {
    while (next < files.length) {
      const f = files[next++]!;
      const s = performance.now();
      const sniffed = await sniffFile(f, 'docx');
      if (sniffed.ok) {
        try {
          const text = await converter.extract(f, sniffed.format);
          computePreview(
            { body: text.body, pageStarts: text.pageStarts, headings: text.headings },
            { mode: 'pages', value: 3, maxPercent: 60, paid: true },
          );
          ok++;
        } catch {
          // rejected with a reason: still a finished document
        }
      }
      perDoc.push(performance.now() - s);
    }
  }),
);
const pipelineSecs = (performance.now() - t0) / 1000;
await converter.close();

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
clearInterval(sampler);

const pipeMed = median(perDoc);
const loMed = median(loPerDoc);
console.log(
  JSON.stringify(
    {
      documents: files.length,
      published: ok,
      pipeline: {
        seconds: +pipelineSecs.toFixed(2),
        docsPerSecond: +(files.length / pipelineSecs).toFixed(1),
        medianMs: +pipeMed.toFixed(1),
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
      throughputRatio: lo.available ? +(files.length / pipelineSecs / (loFiles.length / loSecs)).toFixed(1) : null,
      peakRssMb: Math.round(peakRss / 1024 / 1024),
    },
    null,
    2,
  ),
);
