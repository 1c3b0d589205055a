import { cutExact, normalizeText } from './segment.ts';

/** A run of snippet text; `hit` runs are shown highlighted. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/**
 * A highlighted passage of `source` around the first place the query tokens cluster. `source` must be free text
 * (the excerpt before the preview cut): this function only ever quotes from it.
 */
export function makeSnippet(source: string, tokens: string[], maxChars = 120): SnippetPart[] {
  const text = source.replace(/\s+/g, ' ').trim();
  if (!text) return [];
  const lower = text.toLowerCase();
  const needles = tokens.map((t) => t.toLowerCase()).filter(Boolean);
  // The window start: the first occurrence of the rarest-looking (longest) token that occurs at all.
  let anchor = -1;
  for (const n of [...needles].sort((a, b) => b.length - a.length)) {
    const at = lower.indexOf(n);
    if (at >= 0) {
      anchor = at;
      break;
    }
  }
  const start = anchor < 0 ? 0 : Math.max(0, anchor - Math.floor(maxChars / 4));
  const end = Math.min(text.length, start + maxChars);
  const window = text.slice(start, end);
  const parts = highlight(window, needles);
  if (start > 0) parts.unshift({ text: '…', hit: false });
  if (end < text.length) parts.push({ text: '…', hit: false });
  return parts;
}

/** Query tokens of one character match only a whole word of one character (城 never lights up inside 城市). */
const MIN_INNER = 2;
/** A query token cut differently in the text (文明城市 as 文明 + 城市) is found over at most this many words. */
const MAX_RUN = 6;

/**
 * Splits `text` into plain and highlighted runs, whole jieba words only: a word is highlighted when it is a query
 * token, contains one of two characters or more, or belongs to a run of words that together spell a token. A
 * single-character token never lights up inside another word (城 in 城市), nor alone: a highlighted run is at least
 * two characters (创城攻坚 as a whole when the query is 创城攻坚; no lone 城 anywhere).
 */
export function highlight(text: string, needles: string[]): SnippetPart[] {
  const tokens = [...new Set(needles.map(normalizeText).filter(Boolean))];
  const marks = new Uint8Array(text.length);
  const words = wordsOf(text);
  const norm = words.map((w) => normalizeText(w.text));
  for (let i = 0; i < words.length; i++) {
    const w = norm[i]!;
    if (tokens.some((t) => t === w || (t.length >= MIN_INNER && w.includes(t)))) {
      marks.fill(1, words[i]!.start, words[i]!.end);
      continue;
    }
    let run = w;
    for (let j = i + 1; j < Math.min(words.length, i + MAX_RUN); j++) {
      run += norm[j];
      if (tokens.includes(run)) {
        marks.fill(1, words[i]!.start, words[j]!.end);
        break;
      }
      if (!tokens.some((t) => t.startsWith(run))) break;
    }
  }
  const parts: SnippetPart[] = [];
  let i = 0;
  while (i < text.length) {
    const hit = marks[i] === 1;
    let j = i + 1;
    while (j < text.length && (marks[j] === 1) === hit) j++;
    // A lone character is no evidence of a match (jieba cuts 创城攻坚 into 创/城/攻坚; 城 alone is noise).
    const lone = hit && [...text.slice(i, j)].length < MIN_INNER;
    const last = parts[parts.length - 1];
    if (last && last.hit === (hit && !lone)) last.text += text.slice(i, j);
    else parts.push({ text: text.slice(i, j), hit: hit && !lone });
    i = j;
  }
  return parts;
}

/** The jieba words of `text` with their offsets (one per UTF-16 unit in the unlikely case the cut does not join back). */
function wordsOf(text: string): Array<{ text: string; start: number; end: number }> {
  let pieces = cutExact(text);
  if (pieces.join('') !== text) pieces = text.split('');
  const out: Array<{ text: string; start: number; end: number }> = [];
  let at = 0;
  for (const piece of pieces) {
    out.push({ text: piece, start: at, end: at + piece.length });
    at += piece.length;
  }
  return out;
}
