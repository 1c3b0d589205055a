// A page estimate for text that has no pages of its own (txt, docx without a stated page count), modelled on the
// GB/T 9704 layout of Chinese official documents: 28 characters per line, 22 lines per page. A full-width character
// takes one column, a half-width one (ASCII, Latin) half a column. Lines are filled greedily, character by
// character, so a page break can fall inside a paragraph at the exact offset where its line begins.

/** Columns per line in the GB/T 9704 layout. */
export const COLUMNS_PER_LINE = 28;
/** Lines per page in the GB/T 9704 layout. */
export const LINES_PER_PAGE = 22;

/** Width of one code point in columns: 1 for CJK and other full-width forms, 0.5 for everything narrower. */
export function charColumns(cp: number): number {
  if (cp < 0x2000) return 0.5;
  // Half-width katakana/hangul and half-width symbols in the forms block.
  if ((cp >= 0xff61 && cp <= 0xffdc) || (cp >= 0xffe8 && cp <= 0xffee)) return 0.5;
  return 1;
}

/** Display width of a string in columns (see `charColumns`). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charColumns(ch.codePointAt(0)!);
  return w;
}

// Calls `onLine(offset)` with the body offset of every line start, in order; returns the number of lines.
// `onParagraph(index)` may return how many blank lines to skip first (to honour an explicit page break).
function walkLines(
  paragraphs: readonly string[],
  onLine: (offset: number) => void,
  onParagraph?: (index: number, lines: number) => number,
): number {
  let lines = 0;
  let base = 0;
  for (let index = 0; index < paragraphs.length; index++) {
    const p = paragraphs[index]!;
    lines += onParagraph?.(index, lines) ?? 0;
    onLine(base);
    lines++;
    let used = 0;
    for (let i = 0; i < p.length; ) {
      const cp = p.codePointAt(i)!;
      const w = charColumns(cp);
      if (used + w > COLUMNS_PER_LINE) {
        onLine(base + i);
        lines++;
        used = 0;
      }
      used += w;
      i += cp > 0xffff ? 2 : 1;
    }
    base += p.length + 1;
  }
  return lines;
}

/** Number of lines the paragraphs fill in the GB/T 9704 layout (each paragraph at least one). */
export function countLines(paragraphs: readonly string[]): number {
  return walkLines(paragraphs, () => {});
}

/**
 * Page starts for paragraphs laid out in the GB/T 9704 layout. Offsets are into `paragraphs.join('\n')`; the first
 * is always 0 and there is always at least one page. Paragraphs whose index is in `breaksBefore` (an explicit page
 * break in the source) begin a new page.
 */
export function estimatePageStarts(paragraphs: readonly string[], breaksBefore?: ReadonlySet<number>): number[] {
  const starts: number[] = [];
  let line = 0;
  walkLines(
    paragraphs,
    (offset) => {
      if (line % LINES_PER_PAGE === 0) starts.push(offset);
      line++;
    },
    (index) => {
      if (index === 0 || !breaksBefore?.has(index) || line % LINES_PER_PAGE === 0) return 0;
      const skip = LINES_PER_PAGE - (line % LINES_PER_PAGE);
      line += skip;
      return skip;
    },
  );
  return starts.length > 0 ? starts : [0];
}

/**
 * Page starts for a document that states its own page count but not where pages begin: pages are spread over the
 * laid-out lines in proportion, so page k begins at line floor(k * lines / pageCount). When there are fewer lines
 * than pages (pages of images), several pages begin at the same offset; the list is never decreasing.
 */
export function distributePageStarts(paragraphs: readonly string[], pageCount: number): number[] {
  const total = countLines(paragraphs);
  const pages = Math.max(1, Math.floor(pageCount));
  const bodyEnd = paragraphs.length === 0 ? 0 : paragraphs.reduce((n, p) => n + p.length + 1, -1);
  const starts: number[] = [];
  let line = 0;
  let nextPage = 0;
  let nextLine = 0;
  walkLines(paragraphs, (offset) => {
    while (nextPage < pages && nextLine <= line) {
      starts.push(offset);
      nextPage++;
      nextLine = Math.floor((nextPage * total) / pages);
    }
    line++;
  });
  // Pages beyond the last line of text (only possible with no text at all, or rounding) start at the end.
  while (starts.length < pages) starts.push(starts.length === 0 ? 0 : bodyEnd);
  return starts;
}
