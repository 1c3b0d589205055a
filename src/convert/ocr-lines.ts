// Tesseract's TSV output (one row per word with its box and confidence) → lines of text, the red layer's lines put
// back among the page's by their height on the page, and the post-corrections of confusions that are unambiguous
// in context (decision 0032). The text built from the lines has the form of tesseract's plain-text output (words
// separated by spaces, lines by a line break, paragraphs by a blank line), which ocrParagraphs turns into
// paragraphs.
import { pageY, type RedBand } from './ocr-layers.ts';

/** One recognised word with its box (pixels of the image read) and tesseract's confidence (0–100). */
export interface OcrWord {
  text: string;
  conf: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One line: its words, its box, and the paragraph it belongs to. */
export interface OcrLine {
  para: string;
  top: number;
  bottom: number;
  words: OcrWord[];
}

/** The lines of a TSV output, in tesseract's reading order. */
export function parseTsv(tsv: string): OcrLine[] {
  const lines = new Map<string, OcrLine>();
  for (const row of tsv.split('\n')) {
    const c = row.split('\t');
    // level page block par line word left top width height conf text
    if (c.length < 12 || c[0] !== '5') continue;
    const text = c.slice(11).join('\t').trim();
    if (!text) continue;
    const [left, top, width, height, conf] = c.slice(6, 11).map(Number) as [number, number, number, number, number];
    const para = `${c[2]}.${c[3]}`;
    const key = `${para}.${c[4]}`;
    let line = lines.get(key);
    if (!line) {
      line = { para, top, bottom: top + height, words: [] };
      lines.set(key, line);
    }
    line.top = Math.min(line.top, top);
    line.bottom = Math.max(line.bottom, top + height);
    line.words.push({ text, conf, left, top, width, height });
  }
  return [...lines.values()];
}

/** Lines of the red layer below this mean confidence are a seal's ring or a rule read as glyphs, not type. */
export const RED_MIN_CONF = 60;

/**
 * The red layer's lines (read from the stacked image) at their place among the page's lines: each becomes a
 * paragraph of its own before the first page line that lies below it. Lines read with low confidence are dropped.
 */
export function mergeRed(page: OcrLine[], red: OcrLine[], bands: RedBand[]): OcrLine[] {
  const placed = red
    .filter((l) => meanConf(l) >= RED_MIN_CONF && /[\p{L}\p{N}]/u.test(lineText(l)))
    .map((l, i) => ({ ...l, para: `red.${i}`, top: pageY(bands, l.top), bottom: pageY(bands, l.bottom) }))
    .sort((a, b) => a.top - b.top);
  const out: OcrLine[] = [];
  let r = 0;
  for (const line of page) {
    const mid = (line.top + line.bottom) / 2;
    while (r < placed.length && (placed[r]!.top + placed[r]!.bottom) / 2 < mid) out.push(placed[r++]!);
    out.push(line);
  }
  out.push(...placed.slice(r));
  return out;
}

function meanConf(l: OcrLine): number {
  return l.words.reduce((s, w) => s + w.conf, 0) / Math.max(1, l.words.length);
}

/** A line's words (with the post-corrections applied unless `corrections` is false), joined by spaces. */
export function lineText(l: OcrLine, corrections = true): string {
  return (corrections ? fixDashes(l.words, typeSize(l)) : l.words.map((w) => w.text)).join(' ');
}

/** The type size of a line: the median height of its word boxes that are not flat strokes (一, —, _). */
function typeSize(l: OcrLine): number {
  const tall = l.words
    .map((w) => w.height)
    .filter((h) => h > 0)
    .sort((a, b) => a - b);
  const h = tall[Math.floor(tall.length / 2)] ?? 0;
  return Math.max(h, 1);
}

/** Lines → text in the form of tesseract's plain output: a blank line between paragraphs. */
export function linesToText(lines: OcrLine[], corrections = true): string {
  let out = '';
  for (const [i, l] of lines.entries()) {
    if (i > 0) out += l.para === lines[i - 1]!.para ? '\n' : '\n\n';
    out += lineText(l, corrections);
  }
  return out;
}

/**
 * `——` (two em dashes, drawn as one unbroken rule two characters wide) is read by chi_sim as `一一`. The word 一一
 * (一一对应, 一一列举) is two strokes with the glyphs' side bearings between them; so a `一一` is taken as a dash when
 * the stroke runs on without that gap. Tesseract gives a box per word, and a word of CJK text is mostly one
 * character, so the check is made on two neighbouring words `一`, `一` against the line's type size `em`.
 */
export function fixDashes(words: OcrWord[], em: number): string[] {
  const out = words.map((w) => w.text);
  for (let i = 0; i + 1 < words.length; i++) {
    const w = words[i]!;
    const n = words[i + 1]!;
    if (w.text !== '一' || n.text !== '一') continue;
    const gap = n.left - (w.left + w.width);
    // Two 一 glyphs leave about a tenth to a fifth of the type size between their strokes; a dash none.
    if (gap <= em * 0.05) {
      out[i] = '—';
      out[i + 1] = '—';
      i++;
    }
  }
  return out;
}

/** A 公文 page number as tesseract reads it: a dash (一, _, -, ~ or —) before the digits, maybe one after. */
const PAGE_NUMBER = /^[一—－\-_~～]{1,2}(\d{1,4})[一—－\-_~～]{0,2}$/;

/**
 * A 公文's page number is printed `— 2 —` at the foot of the page (GB/T 9704: 一字线 on both sides); chi_sim reads
 * the dashes as 一, _ or -, or drops the second. The page's last line, when it is also its lowest and holds only a
 * dash and a number, is written as the page number it is. Any other line is left alone.
 */
export function fixPageNumber(lines: OcrLine[]): OcrLine[] {
  const last = lines.at(-1);
  if (!last || lines.some((l) => l.top > last.top)) return lines;
  const m = PAGE_NUMBER.exec(last.words.map((w) => w.text).join(''));
  if (!m) return lines;
  const w = last.words[0]!;
  const words = ['—', m[1]!, '—'].map((text) => ({ ...w, text }));
  return [...lines.slice(0, -1), { ...last, words }];
}

/**
 * Confusions fixed on the text where the context decides: `〈` opening what `）` closes is `（` (chi_sim reads the
 * full-width parenthesis as an angle bracket), and likewise `〉` closing what `（` opened is `）`. Book-title marks
 * 《》 and a `〈…〉` pair are left alone.
 */
export function fixBrackets(text: string): string {
  return text.replace(/〈([^〈〉（）()\n]{0,40})[）)]/g, '（$1）').replace(/[（(]([^〈〉（）()\n]{0,40})〉/g, '（$1）');
}
