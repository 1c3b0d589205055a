import { joinWrapped, normalizeParagraph } from './normalize.ts';

/** The fields of a pdf.js text item the layout heuristics use (marked-content items have no `str`). */
export interface PdfTextItem {
  str: string;
  hasEOL: boolean;
  /** [a, b, c, d, x, y] in PDF user space (y grows upwards). */
  transform: number[];
  width: number;
  height: number;
}

/** One visual line of a page: its text and where it sits. */
export interface PdfLine {
  text: string;
  x0: number;
  x1: number;
  y: number;
  /** Font size (largest on the line). */
  size: number;
}

/**
 * Groups pdf.js text items into lines: a line ends at an item with `hasEOL`, or when the next item sits clearly
 * higher or lower (pdf.js does not always mark the end of a line before a jump, e.g. from a header to a footer).
 */
export function itemsToLines(items: ReadonlyArray<PdfTextItem | object>): PdfLine[] {
  const lines: PdfLine[] = [];
  let cur: PdfLine | undefined;
  let inked = false;
  const end = () => {
    if (cur && inked) lines.push({ ...cur, text: cur.text.replace(/ {2,}/g, ' ') });
    cur = undefined;
    inked = false;
  };
  for (const raw of items) {
    if (!('str' in raw)) continue;
    const item = raw as PdfTextItem;
    const t = item.transform;
    const x = t[4] ?? 0;
    const y = t[5] ?? 0;
    const size = Math.hypot(t[2] ?? 0, t[3] ?? 0) || item.height || 0;
    if (item.str) {
      if (cur && inked && Math.abs(y - cur.y) > Math.max(cur.size, size, 1) * 0.6) end();
      if (!cur) cur = { text: '', x0: x, x1: x, y, size };
      cur.text += item.str;
      // Whitespace items can be wide (pdf.js fills gaps with them); only ink decides where a line starts and ends.
      if (item.str.trim()) {
        if (!inked) Object.assign(cur, { x0: x, x1: x, y, size });
        inked = true;
        cur.x0 = Math.min(cur.x0, x);
        cur.x1 = Math.max(cur.x1, x + (item.width || 0));
        cur.size = Math.max(cur.size, size);
      }
    }
    if (item.hasEOL) end();
  }
  end();
  return lines;
}

/**
 * Joins wrapped lines back into paragraphs, by layout: a line that stops well short of the right edge ends its
 * paragraph; an indented line, a wider vertical gap, a jump upwards or a change of font size starts a new one.
 * Returns the paragraph texts (not yet normalised).
 */
export function linesToParagraphs(lines: readonly PdfLine[]): string[] {
  if (lines.length === 0) return [];
  const size = median(lines.map((l) => l.size)) || 10;
  const left = percentile(
    lines.map((l) => l.x0),
    0.1,
  );
  const right = percentile(
    lines.map((l) => l.x1),
    0.9,
  );
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i - 1]!.y - lines[i]!.y;
    if (gap > 0) gaps.push(gap);
  }
  const lineGap = median(gaps) || size * 1.5;
  // A narrow text block (a table column, a caption) is not worth reflowing.
  const reflow = right - left >= 8 * size;
  const out: string[] = [];
  let para = lines[0]!.text.trim();
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1]!;
    const cur = lines[i]!;
    const gap = prev.y - cur.y;
    const breaks =
      !reflow ||
      prev.x1 < right - 2 * size ||
      cur.x0 > left + 1.5 * size ||
      gap <= 0 ||
      gap > lineGap * 1.6 ||
      Math.abs(cur.size - prev.size) > 0.2 * size;
    if (breaks) {
      out.push(para);
      para = cur.text.trim();
    } else {
      para = joinWrapped(para, cur.text.trim());
    }
  }
  out.push(para);
  return out;
}

/**
 * The first page's title by type size ("the first large line"): among the lines in the top half of the page, the
 * first one set in the largest type, with the lines right under it in the same type (a title wrapped over two or
 * three lines), when that type is clearly larger than the page's body text (≥ 1.3 × the size most characters have).
 * Undefined when nothing stands out, or the candidate is no title: a letter or digit alone (a drop cap, a big page
 * number), a sentence, or longer than 80 characters. `top` is the page's upper edge, `bottom` its lower (user space).
 */
export function largeTitleLine(lines: readonly PdfLine[], top: number, bottom: number): string | undefined {
  if (lines.length < 2) return undefined;
  // The body size: the size that most characters are set in (a count by characters, not by lines).
  const bySize = new Map<number, number>();
  for (const l of lines) {
    const k = Math.round(l.size * 2) / 2;
    bySize.set(k, (bySize.get(k) ?? 0) + [...l.text.replace(/\s/g, '')].length);
  }
  const body = [...bySize.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const half = bottom + (top - bottom) / 2;
  const upper = lines.filter((l) => l.y >= half && /\p{L}.*\p{L}/su.test(l.text));
  const biggest = Math.max(0, ...upper.map((l) => l.size));
  if (biggest < body * 1.3) return undefined;
  // Reading order from the top; the first line in the largest type, and the same type right below it.
  const ordered = [...upper].sort((a, b) => b.y - a.y || a.x0 - b.x0);
  const first = ordered.findIndex((l) => l.size >= biggest * 0.92);
  let title = ordered[first]!.text.trim();
  let prev = ordered[first]!;
  for (const l of ordered.slice(first + 1, first + 3)) {
    if (Math.abs(l.size - prev.size) > prev.size * 0.08 || prev.y - l.y > prev.size * 2.2) break;
    title = joinWrapped(title, l.text.trim());
    prev = l;
  }
  title = normalizeParagraph(title);
  // Letter-spaced Chinese ("逻 辑 导 论") is one word.
  if (/^\p{Script=Han}(?: \p{Script=Han})+$/u.test(title)) title = title.replace(/ /g, '');
  const ink = title.replace(/\s/g, '');
  const letters = ink.match(/\p{L}/gu)?.length ?? 0;
  const tokens = title.split(/\s+/);
  if (
    // Formula variables ("f x dx f x dx"): most words a single Latin letter.
    (tokens.length >= 3 && tokens.filter((t) => /^[a-z]$/i.test(t)).length * 2 >= tokens.length) ||
    [...title].length > 80 ||
    /[。；;，,：:]$|。/u.test(title) ||
    // A formula set large (∫, =, ≥, empty brackets), or mostly not letters.
    /[=∫∑∏√∂≥≤±]|\(\s*\)/u.test(title) ||
    letters < ink.length * 0.5 ||
    // A numbered section or outline item ("1 Introduction", "1.1 Data", "（一）主要概念") is the body's, not the title.
    /^(?:\d{1,2}(?:\.\d+)*\s|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、．.])/u.test(title)
  )
    return undefined;
  return title;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
}
