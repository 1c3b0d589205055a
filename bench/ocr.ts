// OCR accuracy and speed, measured objectively (issue #16): corpus docx-zh documents are converted to PDF by
// LibreOffice, their pages rasterised at 150 dpi into image-only PDFs (pdf-lib, one PNG per page, no text layer),
// and the image-only PDFs read back by the OCR engine. The recognised text of each page is compared with the text
// layer of the LibreOffice PDF: character error rate = Levenshtein distance / characters of the original, both
// without whitespace. Prints the CER distribution, the share of 公文 pages at or under 3 %, and seconds per page.
//
//   npx tsx bench/ocr.ts [--docs 12] [--pages 2]
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import { extractPdf } from '../src/convert/extract-pdf.ts';
import { analyzeGongwen } from '../src/convert/gongwen.ts';
import { createOfficeConverter, defaultSofficePath } from '../src/convert/libreoffice.ts';
import { createTesseractOcr } from '../src/convert/ocr-tesseract.ts';
import { renderPdfPages } from '../src/convert/render-pdf.ts';
import { DEFAULT_LIMITS } from '../src/convert/types.ts';
import { CORPUS_DIR } from '../src/testing/paths.ts';
import { levenshtein } from '../src/testing/text-distance.ts';

const { values } = parseArgs({
  options: { docs: { type: 'string', default: '12' }, pages: { type: 'string', default: '2' } },
});
const DOCS = Number(values.docs);
const PAGES = Number(values.pages);
const DPI = 150;

const office = createOfficeConverter({
  sofficePath: defaultSofficePath(),
  timeoutMs: 120_000,
  memoryMb: 1024,
  concurrency: 1,
});
if (!office.available) throw new Error('LibreOffice is not installed');
const ocr = createTesseractOcr({ render: renderPdfPages, width: 1654, pageTimeoutMs: 180_000 });
if (!ocr.available) throw new Error('tesseract with chi_sim is not installed (apt-get install tesseract-ocr-chi-sim)');

const dir = `${CORPUS_DIR}docx-zh/`;
const files = (await readdir(dir)).filter((f) => f.endsWith('.docx')).sort();
// Spread over the folder, not the first few of one source.
const step = Math.max(1, Math.floor(files.length / DOCS));
const picked = files.filter((_, i) => i % step === 0).slice(0, DOCS);

const work = await mkdtemp(join(tmpdir(), 'wenyuan-ocr-bench-'));
const failures: string[] = [];
const rows: Array<{ file: string; page: number; chars: number; cer: number; seconds: number; gongwen: boolean }> = [];
try {
  for (const file of picked) {
    let pdf: { pdf: string; dir: string };
    try {
      pdf = await office.toPdf(dir + file, 'docx');
    } catch (err) {
      console.log(`skip ${file}: ${(err as Error).message}`);
      continue;
    }
    try {
      const original = await extractPdf(pdf.pdf, DEFAULT_LIMITS);
      // A 公文 by its structure: a 发文字号 or 主送 line, or numbered 一、/（一） headings.
      const structure = analyzeGongwen(original.body);
      const gongwen = !!(structure.docNumber || structure.addressee || structure.outline.length >= 2);
      const imagePdf = await rasterise(pdf.pdf, join(work, `${rows.length}.pdf`));
      const started = performance.now();
      const recognised = await ocr.recognize(imagePdf.path, { maxPages: imagePdf.pages }).catch((err: Error) => {
        failures.push(`${file}: ${err.message}`);
        return undefined;
      });
      if (!recognised) continue;
      const seconds = (performance.now() - started) / 1000 / imagePdf.pages;
      for (let p = 0; p < imagePdf.pages; p++) {
        const want = squeeze(pageText(original, p));
        const got = squeeze(pageText(recognised, p));
        if (want.length < 20) continue;
        const cer = levenshtein(want, got) / want.length;
        rows.push({ file, page: p + 1, chars: want.length, cer, seconds, gongwen });
        console.log(
          `${file} p${p + 1}: ${want.length} chars, CER ${(cer * 100).toFixed(2)} %, ${seconds.toFixed(1)} s`,
        );
      }
    } finally {
      await rm(pdf.dir, { recursive: true, force: true });
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const cers = rows.map((r) => r.cer).sort((a, b) => a - b);
const q = (p: number) => cers[Math.min(cers.length - 1, Math.floor(p * (cers.length - 1) + 0.5))] ?? Number.NaN;
const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const gw = rows.filter((r) => r.gongwen);
const chars = rows.reduce((s, r) => s + r.chars, 0);
const weighted = rows.reduce((s, r) => s + r.cer * r.chars, 0) / Math.max(1, chars);
console.log(`\npages ${rows.length} (公文 pages ${gw.length}), ${chars} characters, ${DPI} dpi image-only PDFs`);
console.log(
  `CER p10 ${pct(q(0.1))}  p50 ${pct(q(0.5))}  p90 ${pct(q(0.9))}  max ${pct(q(1))}  weighted ${pct(weighted)}`,
);
console.log(
  `公文 pages at or under 3 %: ${gw.filter((r) => r.cer <= 0.03).length}/${gw.length}; ` +
    `all pages at or under 3 %: ${rows.filter((r) => r.cer <= 0.03).length}/${rows.length}`,
);
if (failures.length) console.log(`not read (${failures.length}): ${failures.join('; ')}`);
const secs = rows.map((r) => r.seconds).sort((a, b) => a - b);
console.log(
  `seconds per page (render + tesseract, one thread): median ${(secs[Math.floor(secs.length / 2)] ?? 0).toFixed(1)}`,
);

/** The first PAGES pages of `pdfPath`, drawn at DPI, as an image-only PDF of the same page size. */
async function rasterise(pdfPath: string, out: string): Promise<{ path: string; pages: number }> {
  const imgDir = await mkdtemp(join(work, 'img-'));
  const source = await PDFDocument.load(await readFile(pdfPath));
  const sizes = source.getPages().map((p) => p.getSize());
  const width = Math.round(((sizes[0]?.width ?? 595) / 72) * DPI);
  const rendered = await renderPdfPages({
    pdfPath,
    pages: PAGES,
    outDir: imgDir,
    width,
    maxHeight: 20_000,
    watermark: '',
    maxPages: 2000,
  });
  const doc = await PDFDocument.create();
  for (const page of rendered.pages) {
    // pdf-lib embeds PNG and JPEG; the renderer writes WebP where it can.
    const img = await loadImage(await readFile(page.file));
    const canvas = createCanvas(img.width, img.height);
    canvas.getContext('2d').drawImage(img, 0, 0);
    const png = await doc.embedPng(await canvas.encode('png'));
    const size = sizes[page.number - 1] ?? { width: 595, height: 842 };
    doc.addPage([size.width, size.height]).drawImage(png, { x: 0, y: 0, width: size.width, height: size.height });
  }
  await writeFile(out, await doc.save());
  return { path: out, pages: rendered.pages.length };
}

function pageText(t: { body: string; pageStarts: number[] }, p: number): string {
  const start = t.pageStarts[p];
  if (start === undefined) return '';
  return t.body.slice(start, t.pageStarts[p + 1] ?? t.body.length);
}

function squeeze(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '');
}
