// The text-quality gate (issue 17, decision 0022): before a document is published, is its extracted text something a
// reader can read? It measures the text — dictionary words (jieba, the search segmenter), private-use and replacement
// characters, Latin-1 "soup" (the mojibake of Chinese fonts without a ToUnicode map, or binary shown as text),
// plausible Latin words, repeated-glyph runs — and decides:
//   publish  as extracted;
//   repair   fake-bold triples collapsed ("实实实变变变" → "实变"), Symbol/Wingdings private-use characters mapped,
//            boxes (unmappable private-use and U+FFFD) dropped, then measured again;
//   reject   with a reason: 'unreadable' (文字无法识别), 'tooShort' (内容过少, the operator's minimum), or
//            'virusSignature' (the EICAR test string).
// Pure and synchronous; the pipeline calls it on the main thread, and only a bounded sample is segmented.
import { cutWords } from '../search/segment.ts';
import { countChars } from './normalize.ts';
import { minhash } from './similarity.ts';
import { isPrivateUse, mapPrivateUse } from './symbol-pua.ts';
import type { ExtractedText } from './types.ts';

/** What was repaired in a text. */
export type Repair = 'fakeBold' | 'symbolFont' | 'boxes';

/** Why a text is refused. */
export type QualityRejection = 'unreadable' | 'tooShort' | 'virusSignature';

/** The measurements behind a verdict (counts of non-white-space code points). */
export interface TextMetrics {
  chars: number;
  cjk: number;
  /** CJK characters inside multi-character dictionary words (jieba, on the sample). */
  cjkInWords: number;
  /** CJK characters segmented (the sample). */
  cjkSampled: number;
  /** Multi-character dictionary words of CJK characters (the sample). */
  cjkWords: number;
  asciiAlnum: number;
  latinWords: number;
  plausibleLatinWords: number;
  /** Placeholder masks — tokens of nothing but X ("XX厅", "XXXX年XX月", an anonymised "XXXXX XXXX"): neither Latin
   *  words nor non-words (the sample). */
  placeholders: number;
  /** Letters of any script (\p{L}). */
  letters: number;
  /** Latin-1 supplement / Latin Extended letters and signs outside everyday use (× ÷ ° ± · § are not counted). */
  soup: number;
  /** The part of `soup` no European language writes inside words (¡ ¢ £ ¤ ¥ ¦ ¨ ª « ¬ ¯ ´ ¶ ¸ º » ¿ ˘ ˛ ƒ …): the
   *  signature of a Chinese font's codes shown as Latin-1. */
  symbolSoup: number;
  privateUse: number;
  replacement: number;
  /** Other symbols and punctuation. */
  symbols: number;
  /** An OCR text only: the share of its characters the engine read with confidence (ExtractedText.ocrConfidence). */
  ocrConfident?: number;
  /** An OCR text only: the share of its characters that the engine read with confidence *and* that form words —
   *  Chinese dictionary words, plausible Latin words of three letters or more. */
  ocrConfidentWords?: number;
}

/** The gate's decision. */
export type QualityVerdict =
  | { action: 'publish'; text: ExtractedText; metrics: TextMetrics; repairs: [] }
  | { action: 'repair'; text: ExtractedText; metrics: TextMetrics; repairs: Repair[] }
  | {
      action: 'reject';
      code: QualityRejection;
      params: Record<string, number>;
      metrics: TextMetrics;
      repairs: Repair[];
    };

/** The operator's setting: fewer readable characters than this is 内容过少. */
export interface QualityOptions {
  minChars: number;
}

export const DEFAULT_MIN_CHARS = 10;

// The EICAR antivirus test file (68 bytes, optionally followed by white space).
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

// Signs of Latin-1 supplement that ordinary Chinese and English documents use.
const EVERYDAY_LATIN1 = new Set([0xa0, 0xa7, 0xa9, 0xae, 0xb0, 0xb1, 0xb7, 0xd7, 0xf7, 0x2c6, 0x2c7, 0x2c9, 0x2d9]);

function isCjk(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x20000 && c <= 0x2ebef) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x2f00 && c <= 0x2fdf) // Kangxi radicals (⼤ for 大, as some PDFs encode it)
  );
}

const LETTER = /\p{L}/u;
const WS = /\s/u;

/** Counts classes of characters over the whole text (one pass). */
function countClasses(
  body: string,
): Omit<TextMetrics, 'cjkInWords' | 'cjkSampled' | 'cjkWords' | 'latinWords' | 'plausibleLatinWords' | 'placeholders'> {
  const m = {
    chars: 0,
    cjk: 0,
    asciiAlnum: 0,
    letters: 0,
    soup: 0,
    symbolSoup: 0,
    privateUse: 0,
    replacement: 0,
    symbols: 0,
  };
  for (const ch of body) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x20 || WS.test(ch)) continue;
    m.chars++;
    if (LETTER.test(ch)) m.letters++;
    if (c < 0x80) {
      if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) m.asciiAlnum++;
      else m.symbols++;
    } else if (isCjk(c)) m.cjk++;
    else if (isPrivateUse(c)) m.privateUse++;
    else if (c === 0xfffd) m.replacement++;
    else if (c >= 0x80 && c <= 0x2ff && !EVERYDAY_LATIN1.has(c)) {
      m.soup++;
      if ((c >= 0xa1 && c <= 0xbf) || (c >= 0x2d8 && c <= 0x2dd) || c === 0x192) m.symbolSoup++;
    } else if (!LETTER.test(ch)) m.symbols++;
  }
  return m;
}

// Up to this many characters are segmented: a start, a middle and an end window of a long text.
const SAMPLE = 12_000;

function sample(body: string): string {
  if (body.length <= SAMPLE * 3) return body;
  const mid = Math.floor(body.length / 2);
  return `${body.slice(0, SAMPLE)}\n${body.slice(mid - SAMPLE / 2, mid + SAMPLE / 2)}\n${body.slice(-SAMPLE)}`;
}

// A Latin word a reader could read: a vowel, no run of five consonants, no letter three times in a row.
const PLAUSIBLE = /^(?=.*[aeiouy])(?!.*[bcdfghjklmnpqrstvwxz]{5})(?!.*(.)\1\1)[a-z]+$/;

/** Measures a text (segmenting only a sample of a long one). */
export function measureText(body: string): TextMetrics {
  const classes = countClasses(body);
  let cjkInWords = 0;
  let cjkSampled = 0;
  let cjkWords = 0;
  let latinWords = 0;
  let plausibleLatinWords = 0;
  let placeholders = 0;
  // Letter-spaced Chinese ("逻 辑 导 论", common in PDFs and OCR layers) is segmented as the words it spells.
  const spaced = sample(body).replace(/(?<=\p{Script=Han}) +(?=\p{Script=Han})/gu, '');
  for (const token of cutWords(spaced)) {
    let cjk = 0;
    for (const ch of token) if (isCjk(ch.codePointAt(0)!)) cjk++;
    if (cjk > 0) {
      cjkSampled += cjk;
      if (cjk >= 2) {
        cjkInWords += cjk;
        cjkWords++;
      }
    } else if (/^x{2,}$/.test(token)) placeholders++;
    else if (/^[a-z]{2,}$/.test(token)) {
      latinWords++;
      if (token.length <= 24 && PLAUSIBLE.test(token)) plausibleLatinWords++;
    }
  }
  return { ...classes, cjkInWords, cjkSampled, cjkWords, latinWords, plausibleLatinWords, placeholders };
}

/**
 * Collapses fake bold in one paragraph: a glyph drawn k times over itself (k ≥ 2) comes out as k copies of each
 * character. A stretch of at least three consecutive runs (four for k = 2) whose lengths share a divisor k ≥ 2, with
 * letters in it, is divided by k; a lone doubled character (常常, 看看) or a row of digits is left alone.
 */
export function collapseFakeBold(paragraph: string): { text: string; collapsed: number } {
  const chars = [...paragraph];
  const runs: Array<{ ch: string; n: number }> = [];
  for (const ch of chars) {
    const last = runs.at(-1);
    if (last && last.ch === ch) last.n++;
    else runs.push({ ch, n: 1 });
  }
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const out: string[] = [];
  let collapsed = 0;
  let i = 0;
  while (i < runs.length) {
    // The longest stretch from i of runs with n ≥ 2 sharing a divisor ≥ 2.
    let g = 0;
    let j = i;
    while (j < runs.length && runs[j]!.n >= 2 && !WS.test(runs[j]!.ch)) {
      const next = gcd(g, runs[j]!.n);
      if (next < 2) break;
      g = next;
      j++;
    }
    const stretch = runs.slice(i, j);
    const letters = stretch.filter((r) => LETTER.test(r.ch)).length;
    if (stretch.length >= (g === 2 ? 4 : 3) && letters * 2 >= stretch.length) {
      for (const r of stretch) {
        out.push(r.ch.repeat(r.n / g));
        collapsed += r.n - r.n / g;
      }
      i = j;
    } else {
      out.push(runs[i]!.ch.repeat(runs[i]!.n));
      i++;
    }
  }
  return { text: out.join(''), collapsed };
}

/** Repairs one paragraph: fake bold, private-use characters, replacement characters; counts what it drops. */
function repairParagraph(p: string, found: Set<Repair>, boxes = { dropped: 0 }): string {
  let text = p;
  const bold = collapseFakeBold(text);
  if (bold.collapsed > 0) {
    found.add('fakeBold');
    text = bold.text;
  }
  if (/[\ue000-\uf8ff\u{f0000}-\u{10ffff}]/u.test(text)) {
    const pua = mapPrivateUse(text);
    if (pua.mapped > 0) found.add('symbolFont');
    if (pua.dropped > 0) found.add('boxes');
    boxes.dropped += pua.dropped;
    text = pua.text;
  }
  if (text.includes('\ufffd')) {
    found.add('boxes');
    boxes.dropped += text.split('\ufffd').length - 1;
    text = text.replace(/\ufffd/g, '').trim();
  }
  return text;
}

/**
 * Rewrites an extraction paragraph by paragraph (`fn` returns the new paragraph, '' to drop it), keeping page starts
 * and headings on their paragraphs; the character count and the MinHash signature are recomputed.
 */
export function mapParagraphs(text: ExtractedText, fn: (paragraph: string, index: number) => string): ExtractedText {
  const oldStarts: number[] = [];
  const newStarts: number[] = [];
  const paragraphs: string[] = [];
  let at = 0;
  let newAt = 0;
  text.body.split('\n').forEach((p, i) => {
    const fixed = fn(p, i);
    oldStarts.push(at);
    newStarts.push(newAt);
    at += p.length + 1;
    if (fixed) {
      paragraphs.push(fixed);
      newAt += fixed.length + 1;
    }
  });
  const body = paragraphs.join('\n');
  // An offset maps to the start of its paragraph in the new text (page starts and headings are paragraph starts).
  const map = (offset: number) => {
    let lo = 0;
    let hi = oldStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (oldStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return Math.min(body.length, newStarts[lo] ?? 0);
  };
  const out: ExtractedText = {
    ...text,
    body,
    pageStarts: text.pageStarts.map((s, i) => (i === 0 ? 0 : map(s))),
    charCount: countChars(body),
    headings: text.headings.map((h) => ({ ...h, offset: map(h.offset) })),
  };
  const signature = minhash(body);
  if (signature) out.signature = signature;
  else delete out.signature;
  return out;
}

/** Repairs a whole extraction paragraph by paragraph, keeping page starts and headings on their paragraphs. */
export function repairText(text: ExtractedText): { text: ExtractedText; repairs: Repair[]; dropped: number } {
  const found = new Set<Repair>();
  const boxes = { dropped: 0 };
  const repaired = mapParagraphs(text, (p) => repairParagraph(p, found, boxes));
  if (found.size === 0) return { text, repairs: [], dropped: 0 };
  repaired.headings = repaired.headings.map((h) => ({ ...h, text: repairParagraph(h.text, new Set()) }));
  if (text.title) {
    const title = repairParagraph(text.title, new Set());
    if (title) repaired.title = title;
    else delete repaired.title;
  }
  return { text: repaired, repairs: [...found].sort(), dropped: boxes.dropped };
}

/** An OCR text with less than this share of its characters read with confidence, and less than
 *  MIN_OCR_CONFIDENT_WORDS of them read with confidence in words, is noise (decision 0022). */
export const MIN_OCR_CONFIDENT = 0.5;
export const MIN_OCR_CONFIDENT_WORDS = 0.04;

/** Characters of a text that form words: CJK characters in multi-character dictionary words, letters of plausible
 *  Latin words of three letters or more (jieba, as measureText). */
export function wordChars(text: string): number {
  let n = 0;
  const spaced = text.replace(/(?<=\p{Script=Han}) +(?=\p{Script=Han})/gu, '');
  for (const token of cutWords(spaced)) {
    let cjk = 0;
    for (const ch of token) if (isCjk(ch.codePointAt(0)!)) cjk++;
    if (cjk >= 2) n += cjk;
    else if (cjk === 0 && /^[a-z]{3,24}$/.test(token) && PLAUSIBLE.test(token)) n += token.length;
  }
  return n;
}

/** Why a measured text cannot be read, if it cannot. */
function unreadable(m: TextMetrics): boolean {
  // Nothing at all is 内容过少, not unreadable.
  if (m.chars === 0) return false;
  // OCR that was unsure of most of what it read, and whose sure part holds hardly a word: letters guessed from a
  // drawing, a grid, cell borders, a photo's texture (POI 41139.xls, a chart of letters in cells: 18 % read with
  // confidence, 1 % in words — "TTTTTTT", "|Z", "8", "中"). Such noise passes the measures below — short "words" with
  // a vowel, a few Chinese characters. A page of type, even an exam full of formulas, is read mostly with confidence;
  // a poor scan that tesseract is unsure of (杨李林量子2017春期末: 36 %) still has words in what it is sure of (8 %:
  // "求归一化常数", "可能结果和相应的"), and a clean scan of figures is read with confidence though it has few words.
  if (
    m.ocrConfident !== undefined &&
    m.ocrConfident < MIN_OCR_CONFIDENT &&
    (m.ocrConfidentWords ?? 0) < MIN_OCR_CONFIDENT_WORDS
  )
    return true;
  // Private-use or replacement characters left.
  if ((m.privateUse + m.replacement) / m.chars > 0.2) return true;
  // Mojibake and binary shown as text: letters that are mostly Latin-1 soup ("Îãëàâëåíèå", "ÐÏà¡±á"), or a good
  // share of it with the signs no language writes in words ("5p!ìÍI£¢!Å§6œ", a Chinese font without ToUnicode).
  if (m.letters >= 5 && m.soup / m.letters > 0.5) return true;
  if (m.soup >= 8 && m.soup / Math.max(1, m.letters) > 0.1 && m.symbolSoup / m.soup > 0.15) return true;
  // Hardly anything a script writes words in: symbol and punctuation soup ("¦¦¦K", OCR noise).
  const wordish = m.chars - m.soup - m.privateUse - m.replacement - m.symbols;
  // (A table of contents is mostly dot leaders, but its words are words.)
  if (wordish / m.chars < 0.4 && m.plausibleLatinWords + m.cjkInWords < 30) return true;
  // Chinese characters that form no words: a font whose codes were mapped to the wrong characters.
  if (m.cjkSampled >= 60 && m.cjk >= m.chars * 0.4 && m.cjkInWords / m.cjkSampled < 0.3) return true;
  // Placeholders where the words should be: a sheet anonymised to "XXXXX XXXX XXX", a template that is only blanks.
  // (A template's masks among real words — "XX厅厅长" in a seating plan — are neither; segmented as "xx" they used to
  // count as 170 implausible Latin words and got the plan called unreadable.)
  if (m.placeholders >= 30 && m.placeholders > m.plausibleLatinWords + m.cjkWords) return true;
  // Latin letters that form no words: OCR noise, base64, binary.
  if (m.latinWords >= 30 && m.asciiAlnum >= m.chars * 0.5 && m.plausibleLatinWords / m.latinWords < 0.5) return true;
  return false;
}

/** The gate: publish, repair or reject an extraction. */
export function assessText(
  text: ExtractedText,
  opts: QualityOptions = { minChars: DEFAULT_MIN_CHARS },
): QualityVerdict {
  if (text.body.includes(EICAR)) {
    return { action: 'reject', code: 'virusSignature', params: {}, metrics: measureText(''), repairs: [] };
  }
  const { text: fixed, repairs, dropped } = repairText(text);
  const metrics: TextMetrics = measureText(fixed.body);
  if (text.ocrConfidence) {
    metrics.ocrConfident = text.ocrConfidence.share;
    metrics.ocrConfidentWords = wordChars(text.ocrConfidence.words) / Math.max(1, metrics.chars);
  }
  // Mostly boxes: what is left after dropping them is fragments, not the document.
  if (dropped > countChars(text.body) * 0.2)
    return { action: 'reject', code: 'unreadable', params: {}, metrics, repairs };
  if (metrics.chars < opts.minChars) {
    return {
      action: 'reject',
      code: 'tooShort',
      params: { chars: metrics.chars, min: opts.minChars },
      metrics,
      repairs,
    };
  }
  if (unreadable(metrics)) return { action: 'reject', code: 'unreadable', params: {}, metrics, repairs };
  return repairs.length > 0
    ? { action: 'repair', text: fixed, metrics, repairs }
    : { action: 'publish', text, metrics, repairs: [] };
}
