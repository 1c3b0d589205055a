// C0/C1 controls except tab and line feed (so CR goes too), lone surrogates, noncharacters and stray BOMs. A tab is
// kept here and turned into a space below so table cells and TOC leaders stay separated. Built from a string because
// a literal full of control-character escapes is exactly what the linter warns about.
const JUNK = new RegExp(
  '[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\uFEFF\\uFFFE\\uFFFF\\uFFF9-\\uFFFC]' +
    '|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]',
  'g',
);
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;

/** Cleans one paragraph: NFC, no control characters, tabs as spaces, trimmed (including U+3000). */
export function normalizeParagraph(text: string): string {
  return text.replace(JUNK, '').replace(/\t/g, ' ').normalize('NFC').trim();
}

/** Splits raw text on any line break (LF, CR, CRLF, U+2028/2029, VT, FF) into cleaned, non-empty paragraphs. */
export function splitParagraphs(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(LINE_BREAK)) {
    const p = normalizeParagraph(line);
    if (p) out.push(p);
  }
  return out;
}

/** The body built from paragraphs, with where each paragraph starts in it. */
export interface Body {
  body: string;
  paragraphs: string[];
  /** UTF-16 offset in `body` of each entry of `paragraphs`. */
  offsets: number[];
}

/** Joins already-clean, non-empty paragraphs with '\n' and records their offsets. */
export function joinParagraphs(paragraphs: string[]): Body {
  const offsets: number[] = [];
  let at = 0;
  for (const p of paragraphs) {
    offsets.push(at);
    at += p.length + 1;
  }
  return { body: paragraphs.join('\n'), paragraphs, offsets };
}

/** Counts non-whitespace code points (a CJK character, a Latin letter and an emoji each count once). */
export function countChars(body: string): number {
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    // The low half of a surrogate pair belongs to the code point already counted.
    if (c >= 0xdc00 && c <= 0xdfff && i > 0 && isHighSurrogate(body.charCodeAt(i - 1))) continue;
    if (!isWhitespace(c)) n++;
  }
  return n;
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

// The same set as the JavaScript `\s` class, without a regex per character (bodies can be megabytes).
function isWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

// Titles that tools write without the author meaning them.
const JUNK_TITLES = [
  /^microsoft (office )?(word|powerpoint|excel) ?- ?/i,
  /^(untitled|title|document|doc|new document|无标题|无标题文档|未命名|未命名文档|标题|文档|新建文档|新建 microsoft word 文档)\s*\d*$/i,
  /^(powerpoint 演示文稿|幻灯片 ?\d+|slide ?\d+)$/i,
  // Office's and LibreOffice's defaults for a deck or workbook nobody named (the corpus run published 14 decks as
  // "PowerPoint Presentation", 10 sheets as "Sheet1", 2 as "No Slide Title").
  /^(powerpoint presentation|presentation ?\d+|no slide title|sheet ?\d+|book ?\d+|工作表 ?\d+|工作簿 ?\d+)$/i,
  // Layout placeholders and print headers that reached a Title property or a deck's first line (the 2026-12-02
  // corpus run: "Title Placeholder", "* Global Slide Footer 1", "Chart Title", a sheet's "Printed 12/02/2026 …"
  // that changes with every print, a .doc titled "a1" — a cell reference).
  /^(title placeholder|click to (add|edit) (master )?title( style)?|chart title|slide title|单击此处(添加|编辑)(母版)?标题(样式)?|点击(此处)?添加标题)$/i,
  /^[*•]?\s*global slide footer ?\d*$/i,
  /^printed \d{1,2}\/\d{1,2}\/\d{2,4}\b/i,
  /^[a-z]\d$/i,
  /^[\s\d\p{P}\p{S}]*$/u,
  // A 发文字号 placeholder styled as the title in 公文 templates: 〔2020〕号, 〔2020〕XX号.
  /^[〔［[(（]\s*\d{4}\s*[〕］\])）]\s*[\p{L}\p{N}]{0,8}\s*号$/u,
];
// A bare file name as title keeps its stem: '关于印发某办法的通知.doc' is still a fair title.
const FILE_EXTENSION = /\.(docx?|wps|pdf|txt|rtf|odt|pptx?|xlsx?|md|html?|tex|dvi|ps)$/i;

/** Cleans a title the file states about itself; undefined when it is empty or obviously tool-generated junk. */
export function cleanTitle(raw: string | null | undefined): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const t = normalizeParagraph(normalizeParagraph(raw.replace(/\s+/g, ' ')).replace(FILE_EXTENSION, ''));
  // One character ('号', '1') is a leftover, never a title.
  if (!t || t.length > 200 || [...t].length < 2) return undefined;
  if (JUNK_TITLES.some((re) => re.test(t))) return undefined;
  return t;
}

/**
 * Joins two pieces of one paragraph that a line wrap separated: nothing between CJK (or other full-width)
 * characters or after a hyphen, one space between Latin words.
 */
export function joinWrapped(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  const last = a.codePointAt(a.length - 1) ?? 0;
  const first = b.codePointAt(0) ?? 0;
  if (last >= 0x2000 || first >= 0x2000 || a.endsWith('-') || a.endsWith(' ') || b.startsWith(' ')) return a + b;
  return `${a} ${b}`;
}
