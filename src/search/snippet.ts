import { cutExact, normalizeText } from './segment.ts';

/** A run of snippet text; `hit` runs are shown highlighted. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/**
 * A highlighted passage of `source` centred on the match: the typed `phrase` where it occurs as written, otherwise
 * the place where most of the query's words come together (the longer words weigh more). `source` must be free text
 * (the excerpt before the preview cut): this function only ever quotes from it.
 */
export function makeSnippet(source: string, tokens: string[], maxChars = 120, phrase?: string): SnippetPart[] {
  const text = source.replace(/\s+/g, ' ').trim();
  if (!text) return [];
  const lower = text.toLowerCase();
  const needles = tokens.map((t) => t.toLowerCase()).filter(Boolean);
  const typed = phrase?.toLowerCase().replace(/\s+/g, ' ').trim();
  const at = typed ? lower.indexOf(typed) : -1;
  const centre = at >= 0 ? at + Math.floor(typed!.length / 2) : clusterCentre(lower, needles, maxChars);
  let start = centre < 0 ? 0 : Math.max(0, centre - Math.floor(maxChars / 2));
  const end = Math.min(text.length, start + maxChars);
  start = Math.max(0, Math.min(start, end - maxChars));
  const window = text.slice(start, end);
  const parts = highlight(window, at >= 0 ? [...needles, typed!] : needles);
  if (start > 0) parts.unshift({ text: '…', hit: false });
  if (end < text.length) parts.push({ text: '…', hit: false });
  return parts;
}

/** Occurrences of each word looked at, at most (a snippet source is a few thousand characters). */
const MAX_OCCURRENCES = 40;

/**
 * The middle of the passage of `span` characters holding the most of the query: each distinct word found in it
 * counts by its length (words of one character count only as part of nothing, i.e. not at all). -1 when none occurs.
 */
function clusterCentre(lower: string, needles: string[], span: number): number {
  const hits: Array<{ at: number; end: number; word: number }> = [];
  const words = [...new Set(needles)].filter((n) => [...n].length >= 2);
  words.forEach((n, word) => {
    for (let at = lower.indexOf(n), k = 0; at >= 0 && k < MAX_OCCURRENCES; at = lower.indexOf(n, at + 1), k++)
      hits.push({ at, end: at + n.length, word });
  });
  if (hits.length === 0) return -1;
  hits.sort((a, b) => a.at - b.at);
  let best = { score: -1, from: 0, to: 0 };
  for (let i = 0; i < hits.length; i++) {
    const seen = new Set<number>();
    let score = 0;
    let to = hits[i]!.end;
    for (let j = i; j < hits.length && hits[j]!.end - hits[i]!.at <= span; j++) {
      const h = hits[j]!;
      if (!seen.has(h.word)) {
        seen.add(h.word);
        score += [...words[h.word]!].length;
      }
      to = h.end;
    }
    if (score > best.score) best = { score, from: hits[i]!.at, to };
  }
  return Math.floor((best.from + best.to) / 2);
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
