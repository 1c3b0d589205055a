// OCR accuracy and speed, measured objectively (issue #16): corpus docx-zh documents are converted to PDF by
// LibreOffice, their pages rasterised at 150 dpi into image-only PDFs (pdf-lib, one PNG per page, no text layer),
// and the image-only PDFs read back by the OCR engine. The recognised text of each page is compared with the text
// layer of the LibreOffice PDF: character error rate = Levenshtein distance / characters of the original, both
// sides normalised the same way (ocr-compare.ts: NFKC, no whitespace). Prints the CER distribution (min, median,
// p90, max), the pages at or under 3 %, and seconds per page.
//
//   npx tsx bench/ocr.ts [--gongwen | --docs 12 [--only REGEX]] [--pages 2] [--engine tesseract] [--work DIR]
//        [--width PX] [--psm N] [--lang chi_sim] [--latin-lang chi_sim+eng] [--set name=value,…]
//                                                           (tesseract experiments; --latin-lang '' turns the
//                                                            second reading of mostly-Latin pages off)
//        [--red on] [--red-psm N] [--fix] [--png]        (decision 0032's parts one by one; --fix is on by default)
//        [--legacy]                          (the settings before decision 0036: Otsu, no --fix, chi_sim+eng)
//        [--tag NAME]                                       (names this run's texts in --work: <n>-p<page>.NAME.txt)
//
// --gongwen reads the 公文 of corpus docx-zh, chosen by content (GONGWEN below: 通知, 通告, 公告, 函, 请示, 报告,
// 纪要, 命令, 证明, 简报, 专报, 工作方案, 汇报材料, the 红头 templates, a 白皮书), every page up to --pages.
// --only picks corpus files by name; --dir docx reads the (mostly English) documents of corpus docx instead;
// --work keeps the prepared pages (image-only PDFs, page PNGs, true text) in DIR and reuses them on the next run, so
// engines are compared on the very same pixels without LibreOffice again; each page's recognised text is written
// beside it (<n>-p<page>.<engine>.txt) to look at the differences.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import { extractPdf } from '../src/convert/extract-pdf.ts';
import { analyzeGongwen } from '../src/convert/gongwen.ts';
import { createOfficeConverter, defaultSofficePath } from '../src/convert/libreoffice.ts';
import { createOcrEngine } from '../src/convert/ocr-engines.ts';
import { renderPdfPages } from '../src/convert/render-pdf.ts';
import { createRenderPool } from '../src/convert/render-process.ts';
import { DEFAULT_LIMITS } from '../src/convert/types.ts';
import { ocrCompareText } from '../src/testing/ocr-compare.ts';
import { CORPUS_DIR } from '../src/testing/paths.ts';
import { levenshtein } from '../src/testing/text-distance.ts';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '12' },
    // the corpus folder the documents come from (docx for English documents)
    dir: { type: 'string', default: 'docx-zh' },
    gongwen: { type: 'boolean', default: false },
    red: { type: 'string' },
    'red-psm': { type: 'string' },
    fix: { type: 'boolean', default: false },
    // the tesseract settings before decision 0036 (Otsu binarisation, no post-corrections), to compare with
    legacy: { type: 'boolean', default: false },
    png: { type: 'boolean', default: false },
    // name of this run's recognised texts in --work (<n>-p<page>.<tag>.txt), to diff two runs
    tag: { type: 'string' },
    pages: { type: 'string', default: '2' },
    only: { type: 'string' },
    engine: { type: 'string', default: 'tesseract' },
    work: { type: 'string' },
    // tesseract experiments: image width in pixels, page segmentation mode, languages, -c settings (a=1,b=2)
    width: { type: 'string' },
    psm: { type: 'string' },
    lang: { type: 'string' },
    'latin-lang': { type: 'string' },
    set: { type: 'string' },
  },
});
const DOCS = Number(values.docs);
const PAGES = Number(values.pages);
const DPI = 150;

/** One prepared document: its image-only PDF and the true text of each rasterised page. */
interface Prepared {
  file: string;
  gongwen: boolean;
  pdf: string;
  truth: string[];
}

const engineName = values.engine === 'paddle' ? 'paddle' : 'tesseract';
const tesseract = {
  ...(values.width ? { width: Number(values.width) } : {}),
  ...(values.psm ? { psm: Number(values.psm) } : {}),
  ...(values.lang ? { languages: values.lang } : {}),
  ...(values['latin-lang'] !== undefined ? { latinLanguages: values['latin-lang'] } : {}),
  ...(values.legacy
    ? { settings: { thresholding_method: '0' }, corrections: false, languages: 'chi_sim+eng', latinLanguages: '' }
    : {}),
  ...(values.set
    ? { settings: Object.fromEntries(values.set.split(',').map((kv) => kv.split('=') as [string, string])) }
    : {}),
  ...(values.red === 'on' ? { redLayer: true, lossless: true } : {}),
  ...(values['red-psm'] ? { redPsm: Number(values['red-psm']) } : {}),
  ...(values.fix ? { corrections: true } : {}),
  ...(values.png ? { lossless: true } : {}),
};
// Pages drawn for OCR as on the site: in capped render children (the converter's defaults: CONVERT_MEMORY_MB 512 +
// 512 MB resident, 60 s); the time limit is doubled for a machine shared by several engineers.
const renders = createRenderPool({ rssMb: 1024, heapMb: 512, timeoutMs: 120_000 }, 1);
const ocr = createOcrEngine(engineName, { render: (req) => renders.render(req), pageTimeoutMs: 180_000, tesseract });
if (!ocr?.available) throw new Error(`OCR engine ${engineName} is not available here`);

/**
 * The 公文 of corpus docx-zh, chosen by reading them: the GongwenAssistant 红头 templates (通知, 通告, 公告, 函, 会议纪要,
 * 命令, 请示/事项, 信息/简报, 证明, the A4/A5 红头), the drafting tool's demo 公文 (通知, 报告, 纪要, 简报, 专报,
 * 工作方案, 汇报材料), the formatters' 公文 fixtures (public service guide, 测试文案, 测试文本4) and the State Council
 * Information Office's 白皮书 on the Diaoyu Islands.
 */
const GONGWEN =
  /^(gongwenassistant__|odd__demo__|agengcc__|gfsgongwen__|odf__测试文本__|.*钓鱼岛是中国固有领土_白皮书)/;

const dir = `${CORPUS_DIR}${values.dir}/`;
const only = values.gongwen ? GONGWEN : values.only ? new RegExp(values.only) : undefined;
const files = (await readdir(dir)).filter((f) => f.endsWith('.docx') && (!only || only.test(f))).sort();
// Spread over the folder, not the first few of one source.
const step = values.gongwen ? 1 : Math.max(1, Math.floor(files.length / DOCS));
const picked = values.gongwen ? files : files.filter((_, i) => i % step === 0).slice(0, DOCS);

const work = values.work ?? (await mkdtemp(join(tmpdir(), 'wenyuan-ocr-bench-')));
await mkdir(work, { recursive: true });
const failures: string[] = [];
const rows: Array<{ file: string; page: number; chars: number; cer: number; seconds: number; gongwen: boolean }> = [];
let office: ReturnType<typeof createOfficeConverter> | undefined;
try {
  for (const [i, file] of picked.entries()) {
    const prepared = await prepare(i, file);
    if (!prepared) continue;
    const started = performance.now();
    const recognised = await ocr.recognize(prepared.pdf, { maxPages: prepared.truth.length }).catch((err: Error) => {
      failures.push(`${file}: ${err.message}`);
      return undefined;
    });
    if (!recognised) continue;
    const seconds = (performance.now() - started) / 1000 / prepared.truth.length;
    for (const [p, truth] of prepared.truth.entries()) {
      const want = ocrCompareText(truth);
      const text = pageText(recognised, p);
      await writeFile(join(work, `${i}-p${p + 1}.${values.tag ?? engineName}.txt`), text);
      const got = ocrCompareText(text);
      if (want.length < 20) continue;
      const cer = levenshtein(want, got) / want.length;
      rows.push({ file, page: p + 1, chars: want.length, cer, seconds, gongwen: prepared.gongwen });
      console.log(
        `${i} ${file} p${p + 1}${prepared.gongwen ? ' 公文' : ''}: ${want.length} chars, ` +
          `CER ${(cer * 100).toFixed(2)} %, ${seconds.toFixed(1)} s`,
      );
    }
  }
} finally {
  renders.close();
  if (!values.work) await rm(work, { recursive: true, force: true });
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
/** The CER distribution of some pages, and their CER weighted by characters (all their edits over all their text). */
const distribution = (of: typeof rows) => {
  const cers = of.map((r) => r.cer).sort((a, b) => a - b);
  const q = (p: number) => cers[Math.min(cers.length - 1, Math.floor(p * (cers.length - 1) + 0.5))] ?? Number.NaN;
  const n = of.reduce((s, r) => s + r.chars, 0);
  const weighted = of.reduce((s, r) => s + r.cer * r.chars, 0) / Math.max(1, n);
  return (
    `CER min ${pct(q(0))}  p10 ${pct(q(0.1))}  median ${pct(q(0.5))}  p90 ${pct(q(0.9))}  max ${pct(q(1))}  ` +
    `weighted ${pct(weighted)}`
  );
};
const gw = rows.filter((r) => r.gongwen);
const chars = rows.reduce((s, r) => s + r.chars, 0);
console.log(
  `\n${engineName}: pages ${rows.length} (公文 by structure ${gw.length}), ${chars} characters, ${DPI} dpi scans`,
);
console.log(`all pages: ${distribution(rows)}`);
console.log(`公文 by structure (${gw.reduce((s, r) => s + r.chars, 0)} characters): ${distribution(gw)}`);
console.log(
  `pages at or under 3 %: ${rows.filter((r) => r.cer <= 0.03).length}/${rows.length}; ` +
    `公文 by structure: ${gw.filter((r) => r.cer <= 0.03).length}/${gw.length}`,
);
if (failures.length) console.log(`not read (${failures.length}): ${failures.join('; ')}`);
const secs = rows.map((r) => r.seconds).sort((a, b) => a - b);
const total = rows.reduce((s, r) => s + r.seconds, 0);
console.log(
  `seconds per page (render + OCR, wall): median ${(secs[Math.floor(secs.length / 2)] ?? 0).toFixed(1)}, ` +
    `mean ${(total / Math.max(1, rows.length)).toFixed(1)}, max ${(secs.at(-1) ?? 0).toFixed(1)}`,
);

/** The image-only PDF and true page texts of corpus file number `i`, made once per work directory. */
async function prepare(i: number, file: string): Promise<Prepared | undefined> {
  const meta = join(work, `${i}.json`);
  if (existsSync(meta)) {
    const saved = JSON.parse(await readFile(meta, 'utf8')) as Prepared;
    if (saved.file === file) return saved;
  }
  office ??= createOfficeConverter({
    sofficePath: defaultSofficePath(),
    timeoutMs: 120_000,
    memoryMb: 1024,
    concurrency: 1,
  });
  if (!office.available) throw new Error('LibreOffice is not installed');
  let pdf: { pdf: string; dir: string };
  try {
    pdf = await office.toPdf(dir + file, 'docx');
  } catch (err) {
    console.log(`skip ${file}: ${(err as Error).message}`);
    return undefined;
  }
  try {
    const original = await extractPdf(pdf.pdf, DEFAULT_LIMITS).catch((err: Error) => {
      console.log(`skip ${file}: ${err.message}`);
    });
    if (!original) return undefined;
    // A 公文 by its structure: a 发文字号 or 主送 line, or numbered 一、/（一） headings.
    const structure = analyzeGongwen(original.body);
    const gongwen = !!(structure.docNumber || structure.addressee || structure.outline.length >= 2);
    const pages = await rasterise(pdf.pdf, join(work, `${i}.pdf`), i);
    const truth = Array.from({ length: pages }, (_, p) => pageText(original, p));
    const prepared: Prepared = { file, gongwen, pdf: join(work, `${i}.pdf`), truth };
    await writeFile(meta, JSON.stringify(prepared));
    return prepared;
  } finally {
    await rm(pdf.dir, { recursive: true, force: true });
  }
}

/** The first PAGES pages of `pdfPath`, drawn at DPI, as an image-only PDF of the same page size (and as PNGs). */
async function rasterise(pdfPath: string, out: string, i: number): Promise<number> {
  const imgDir = await mkdtemp(join(work, 'img-'));
  try {
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
      const bytes = await canvas.encode('png');
      await writeFile(join(work, `${i}-p${page.number}.png`), bytes);
      const png = await doc.embedPng(bytes);
      const size = sizes[page.number - 1] ?? { width: 595, height: 842 };
      doc.addPage([size.width, size.height]).drawImage(png, { x: 0, y: 0, width: size.width, height: size.height });
    }
    await writeFile(out, await doc.save());
    return rendered.pages.length;
  } finally {
    await rm(imgDir, { recursive: true, force: true });
  }
}

function pageText(t: { body: string; pageStarts: number[] }, p: number): string {
  const start = t.pageStarts[p];
  if (start === undefined) return '';
  return t.body.slice(start, t.pageStarts[p + 1] ?? t.body.length);
}
