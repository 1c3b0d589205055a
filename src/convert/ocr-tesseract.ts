// OCR with Debian's tesseract (tesseract-ocr + tesseract-ocr-chi-sim): the pages of a PDF are drawn by the converter
// pool (pdf.js on @napi-rs/canvas, the same time and memory caps as page images; optionally render-ocr.ts: lossless, the red
// type lifted off into a stacked layer of ordinary type size, decision 0032), and each image is read by one
// `tesseract` child process with
// - a timeout that kills it,
// - an address-space cap (prlimit --as; tesseract maps about what it uses, unlike LibreOffice),
// - one thread (OMP_THREAD_LIMIT=1: the machine's cores belong to the job slots, not to one page),
// - simplified Chinese (chi_sim, which reads Latin type in Chinese text too; a page it finds mostly Latin is read
//   again with chi_sim+eng, decision 0038),
// - page segmentation mode 4 (one column of text of varying sizes, as a 公文 page is): mode 3's automatic layout cut
//   justified single-column pages into false columns and scrambled their reading order (decision 0027).
// Its TSV output (words with boxes and confidences) is turned into lines, the red layer's lines put back by their
// height on the page, known confusions corrected where the context decides (ocr-lines.ts), and the lines into
// paragraphs: tesseract puts a space between CJK characters and separates blocks by blank lines; lines of a block
// are joined like wrapped lines of a PDF.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinParagraphs, joinWrapped, splitParagraphs } from './normalize.ts';
import type { OcrEngine } from './ocr.ts';
import { fixBrackets, fixPageNumber, linesToText, mergeRed, type OcrLine, parseTsv } from './ocr-lines.ts';
import type { RenderedPage, RenderRequest, RenderResult } from './render-pdf.ts';
import { finishExtraction } from './result.ts';
import { ConversionError, DEFAULT_LIMITS, type ExtractedText } from './types.ts';

/** How tesseract is run. */
export interface TesseractOptions {
  /** The tesseract executable; a path that does not exist means "not installed". */
  tesseractPath?: string;
  /** Languages (tessdata names) of the first reading of every page; `chi_sim` by default (decision 0038). */
  languages?: string;
  /**
   * Languages of a second reading for a page the first finds mostly Latin (LATIN_PAGE); `chi_sim+eng` by default,
   * `''` for none. Skipped when equal to `languages` or not installed.
   */
  latinLanguages?: string;
  /** Longest one page may take. */
  pageTimeoutMs?: number;
  /** Address-space cap of one tesseract process, in MB. */
  memoryMb?: number;
  /** Width of the page images in pixels (A4 at about 200 dpi by default). */
  width?: number;
  /** Page segmentation mode (4 by default: one column of text of varying sizes). */
  psm?: number;
  /** Read the red type apart (render-ocr.ts, ocr-layers.ts); off by default (decision 0032: not better yet). */
  redLayer?: boolean;
  /** Page segmentation mode for the stacked red layer (6 by default: one block of lines). */
  redPsm?: number;
  /** Pages drawn as PNG for OCR (render-ocr.ts); off by default: drawn as the page images are (WebP), decision 0032. */
  lossless?: boolean;
  /** Post-corrections of known confusions (ocr-lines.ts fixDashes, fixBrackets, fixPageNumber); on unless false
   *  (decision 0036). */
  corrections?: boolean;
  /** `-c name=value` settings, over DEFAULT_SETTINGS. */
  settings?: Record<string, string>;
  /** Renders PDF pages to images (the converter pool's `render`). */
  render(req: RenderRequest): Promise<RenderResult>;
}

/** Pages drawn by one render child (its time limit is the conversion's). */
const PAGES_PER_RENDER = 4;

const DEFAULTS = {
  tesseractPath: '/usr/bin/tesseract',
  languages: 'chi_sim',
  latinLanguages: 'chi_sim+eng',
  pageTimeoutMs: 60_000,
  memoryMb: 1024,
};

/**
 * Tesseract settings the site runs with: Sauvola binarisation (thresholding_method 2) instead of Otsu over the whole
 * page — on 50 scanned 公文 pages it lowered the character error rate (decision 0036: weighted 4.73 → 4.37 % with the
 * corrections, median 4.12 → 3.79 %) and took less time per page.
 */
export const DEFAULT_SETTINGS: Readonly<Record<string, string>> = { thresholding_method: '2' };

/** A tesseract-backed OcrEngine; `available` is false when the binary or the Chinese data is missing. */
export function createTesseractOcr(opts: TesseractOptions): OcrEngine & {
  recognizeImage(path: string, run?: { psm?: number; tsv?: boolean; languages?: string }): Promise<string>;
} {
  const o = { ...DEFAULTS, ...opts, settings: { ...DEFAULT_SETTINGS, ...opts.settings } };
  const corrections = o.corrections !== false;
  const installed = existsSync(o.tesseractPath) ? installedLanguages(o.tesseractPath) : new Set<string>();
  const has = (languages: string) => languages.split('+').every((l) => installed.has(l));
  const available = has(o.languages);
  const latin =
    available && o.latinLanguages && o.latinLanguages !== o.languages && has(o.latinLanguages)
      ? o.latinLanguages
      : undefined;
  const prlimit = existsSync('/usr/bin/prlimit') ? '/usr/bin/prlimit' : undefined;

  /** Tesseract's output for one image: TSV (words with boxes), or plain text with `tsv: false`. */
  const recognizeImage = (
    image: string,
    run: { psm?: number; tsv?: boolean; languages?: string } = {},
  ): Promise<string> =>
    new Promise((resolve, reject) => {
      const settings = Object.entries(o.settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
      const psm = String(run.psm ?? o.psm ?? 4);
      const languages = run.languages ?? o.languages;
      const args = [image, 'stdout', '-l', languages, '--psm', psm, ...settings, ...(run.tsv ? ['tsv'] : [])];
      const [cmd, argv] = prlimit
        ? [prlimit, [`--as=${o.memoryMb * 1024 * 1024}`, '--', o.tesseractPath, ...args]]
        : [o.tesseractPath, args];
      const child = spawn(cmd, argv, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', OMP_THREAD_LIMIT: '1', LC_ALL: 'C.UTF-8' },
      });
      const out: Buffer[] = [];
      let size = 0;
      child.stdout.on('data', (b: Buffer) => {
        size += b.length;
        // A page of text is a few KB; megabytes of output is not text.
        if (size > 4 * 1024 * 1024) child.kill('SIGKILL');
        else out.push(b);
      });
      child.stderr.resume();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, o.pageTimeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new ConversionError('failed', { detail: `tesseract: ${err.message}` }, false));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) return reject(new ConversionError('timeout'));
        if (code !== 0) {
          // Killed by the kernel for the address-space cap shows as SIGABRT/SIGSEGV from a failed allocation.
          const oom = signal === 'SIGABRT' || signal === 'SIGSEGV' || code === 134 || code === 139;
          return reject(
            oom ? new ConversionError('outOfMemory') : new ConversionError('failed', { detail: `tesseract ${code}` }),
          );
        }
        resolve(Buffer.concat(out).toString('utf8'));
      });
    });

  /** The paragraphs of one drawn page: the page's lines with the red layer's put back, corrected; its words'
   *  characters, and those read with confidence, are added to `tally`. */
  const readPage = async (page: RenderedPage, tally: ConfidenceTally): Promise<string[]> => {
    let lines = parseTsv(await recognizeImage(page.file, { tsv: true }));
    // An English (or other Latin-script) page is read again with the English model too: chi_sim alone reads Latin
    // type, a little less well (decision 0038).
    if (latin && mostlyLatin(lines)) lines = parseTsv(await recognizeImage(page.file, { tsv: true, languages: latin }));
    const red = page.red
      ? mergeRed(
          lines,
          parseTsv(await recognizeImage(page.red.file, { psm: o.redPsm ?? 6, tsv: true })),
          page.red.bands,
        )
      : lines;
    tallyConfidence(red, tally);
    const paragraphs = ocrParagraphs(linesToText(corrections ? fixPageNumber(red) : red, corrections));
    return corrections ? paragraphs.map(fixBrackets) : paragraphs;
  };

  return {
    available,
    recognizeImage,
    async recognize(pdfPath, { maxPages }): Promise<ExtractedText> {
      if (!available) throw new ConversionError('unsupported', { ext: 'ocr' });
      const outDir = await mkdtemp(join(tmpdir(), 'wenyuan-ocr-'));
      try {
        const paragraphs: string[] = [];
        const pageStarts: number[] = [];
        const tally: ConfidenceTally = { chars: 0, confident: 0, words: [] };
        // A few pages per render child, each batch read before the next is drawn: the render's time limit holds
        // for a long scan too, and only a few page images are on disk at once.
        for (let from = 1; from <= maxPages; from += PAGES_PER_RENDER) {
          const rendered = await o.render({
            pdfPath,
            ...(o.lossless === true ? { source: 'ocr' as const, redLayer: o.redLayer === true } : {}),
            from,
            pages: Math.min(maxPages, from + PAGES_PER_RENDER - 1),
            outDir,
            width: o.width ?? 1654,
            maxHeight: 20_000,
            watermark: '',
            // The first `maxPages` pages are read; a longer scan is not refused for its length.
            maxPages: DEFAULT_LIMITS.maxPages,
          });
          for (const page of rendered.pages) {
            pageStarts.push(paragraphs.length);
            paragraphs.push(...(await readPage(page, tally)));
            await rm(page.file, { force: true });
            if (page.red) await rm(page.red.file, { force: true });
          }
          if (rendered.pageCount <= from + PAGES_PER_RENDER - 1) break;
        }
        const { body, offsets } = joinParagraphs(paragraphs);
        const starts = pageStarts.map((i) => (i < offsets.length ? offsets[i]! : body.length));
        const text = finishExtraction({ body, pageStarts: starts.length ? starts : [0] }, DEFAULT_LIMITS);
        return {
          ...text,
          flags: [...(text.flags ?? []), 'ocr'],
          ...(tally.chars > 0
            ? { ocrConfidence: { share: tally.confident / tally.chars, words: tally.words.join(' ') } }
            : {}),
        };
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
  };
}

/** A page whose letters are at least this share Latin (against Han) is read again with `latinLanguages`. */
export const LATIN_PAGE = 0.5;

/** Whether the Latin letters of these lines are at least LATIN_PAGE of their Latin and Han characters. */
export function mostlyLatin(lines: OcrLine[]): boolean {
  let latinChars = 0;
  let han = 0;
  for (const line of lines)
    for (const w of line.words) {
      latinChars += w.text.match(/[A-Za-z]/g)?.length ?? 0;
      han += w.text.match(/\p{Script=Han}/gu)?.length ?? 0;
    }
  return latinChars > 0 && latinChars >= LATIN_PAGE * (latinChars + han);
}

/** Characters recognised, and those in words tesseract read with at least CONFIDENT_WORD confidence (and those
 *  words). */
interface ConfidenceTally {
  chars: number;
  confident: number;
  words: string[];
}

/**
 * A word tesseract reads with this confidence (0–100) or more is one it is sure of. Type on a page reads at about 90
 * (the 北大 exam scans: the median word 82–93, one poor scan 68); a grid of letters, rules and cell borders (POI
 * 41139.xls) at a median of 44 (decision 0022).
 */
export const CONFIDENT_WORD = 60;

function tallyConfidence(lines: OcrLine[], tally: ConfidenceTally): void {
  for (const line of lines)
    for (const w of line.words) {
      const n = [...w.text.replace(/\s/g, '')].length;
      tally.chars += n;
      if (w.conf >= CONFIDENT_WORD) {
        tally.confident += n;
        tally.words.push(w.text);
      }
    }
}

/** The languages tesseract has data for (one `--list-langs` run). */
function installedLanguages(bin: string): Set<string> {
  const r = spawnSync(bin, ['--list-langs'], { encoding: 'utf8', timeout: 10_000 });
  return new Set(`${r.stdout}\n${r.stderr}`.split(/\s+/));
}

const CJK = '\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}]) +(?=[${CJK}])`, 'g');
// Between Chinese and digits or ASCII punctuation (tesseract often reads ： as :), no space either.
const SPACE_AFTER_CJK_BEFORE_DIGIT = new RegExp(
  `(?<=[${CJK}]) +(?=[0-9,.:;!?%)])|(?<=[0-9,.:;!?%(]) +(?=[${CJK}])`,
  'g',
);

/**
 * Tesseract's text → paragraphs: blocks are separated by blank lines; the lines of a block are wrapped lines of one
 * paragraph unless a line is short (it ended its paragraph) — the same judgement as for a PDF's lines. Spaces
 * tesseract puts between Chinese characters (and between Chinese and digits) are dropped.
 */
export function ocrParagraphs(raw: string): string[] {
  const out: string[] = [];
  for (const block of raw.replace(/\f/g, '\n\n').split(/\n\s*\n/)) {
    const lines = splitParagraphs(block).map((l) =>
      l.replace(SPACE_BETWEEN_CJK, '').replace(SPACE_AFTER_CJK_BEFORE_DIGIT, ''),
    );
    if (lines.length === 0) continue;
    const longest = Math.max(...lines.map((l) => l.length));
    let para = lines[0]!;
    for (let i = 1; i < lines.length; i++) {
      // The previous line stopped well short of the block's width: it ended a paragraph.
      if (lines[i - 1]!.length < longest * 0.8) {
        out.push(para);
        para = lines[i]!;
      } else para = joinWrapped(para, lines[i]!);
    }
    out.push(para);
  }
  return out.filter((p) => p.trim());
}
