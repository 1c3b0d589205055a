import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';

/**
 * The one segmenter for indexing and querying. jieba's dictionary plus the 公文 vocabulary in `dict/gongwen.txt`
 * (one `word freq tag` per line; add words there, then `npx wenyuan reindex`). HMM is off on both sides so an
 * unknown word is cut the same way in a document and in a query.
 */
// The dictionary file is read here rather than through '@node-rs/jieba/dict', whose module keeps both the
// dictionary and the IDF table (≈ 11 MB) alive for the life of the process; jieba copies what it needs.
const jieba = Jieba.withDict(readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt')));
jieba.loadDict(readFileSync(new URL('./dict/gongwen.txt', import.meta.url)));

/** Full-width forms become half-width (ＡＢＣ１２３，→ ABC123,), Latin letters lower-case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

// A token worth indexing has at least one letter or digit (drops punctuation and whitespace runs).
const WORDLIKE = /[\p{L}\p{N}]/u;
// Inside a token only letters and digits survive: the index tokenizer would split on anything else anyway.
const NON_WORD = /[^\p{L}\p{N}]+/gu;

function clean(tokens: string[]): string[] {
  const out: string[] = [];
  for (const raw of tokens) {
    if (!WORDLIKE.test(raw)) continue;
    for (const part of raw.split(NON_WORD)) if (part) out.push(part);
  }
  return out;
}

/** Tokens to index: search mode, so a long word is findable by its parts as well (中华人民共和国 → 人民, 共和国…). */
export function segmentForIndex(text: string): string[] {
  return clean(jieba.cutForSearch(normalizeText(text), false));
}

/** Tokens of a query: the precise cut, every one of which the index also holds. Duplicates removed, order kept. */
export function segmentQuery(query: string): string[] {
  return [...new Set(clean(jieba.cut(normalizeText(query), false)))];
}

/** The pair tier reads this much of a text at most (PostgreSQL refuses a tsvector over 1 MB of lexemes). */
export const MAX_PAIR_CHARS = 100_000;

/**
 * Adjacent word pairs of the precise cut, each written as one term (the two words joined: 营商环境 + 建设 →
 * 营商环境建设), for the pair tier (decision 0030). Punctuation and white space break a run: no pair spans them.
 * Documents and queries are cut the same way, so a phrase typed as one run matches the pairs of its place in a text.
 */
export function pairTerms(text: string): string[] {
  const out: string[] = [];
  let prev: string | undefined;
  for (const raw of jieba.cut(normalizeText(text.slice(0, MAX_PAIR_CHARS)), false)) {
    if (!WORDLIKE.test(raw) || /\s/.test(raw)) {
      prev = undefined;
      continue;
    }
    for (const part of raw.split(NON_WORD)) {
      if (!part) continue;
      if (prev) out.push(prev + part);
      prev = part;
    }
  }
  return out;
}

/** Pair-tier text: the pairs space-separated, as the other tiers store tokens. */
export function pairText(text: string): string {
  return pairTerms(text).join(' ');
}

/** The pairs a query asks for: those of each run typed without a space (none for a single word). */
export function queryPairs(query: string): string[] {
  return [...new Set(pairTerms(query))];
}

/**
 * The precise cut of a text as jieba gives it (punctuation and white space included, nothing dropped), for measuring
 * how much of a text is made of dictionary words (the text-quality gate, convert/text-quality.ts).
 */
export function cutWords(text: string): string[] {
  return jieba.cut(normalizeText(text), false);
}

/**
 * The precise cut of a text exactly as written (no normalisation, so the pieces join back into `text` and their
 * offsets are offsets into it): the words a snippet highlights whole.
 */
export function cutExact(text: string): string[] {
  return jieba.cut(text, false);
}

/** Index text: tokens joined by spaces, which both FTS5 unicode61 and PostgreSQL's 'simple' parser split on. */
export function indexText(text: string): string {
  return segmentForIndex(text).join(' ');
}

/**
 * The `n` most telling words of a text, for related documents: frequent words of three characters or more first
 * (long words are specific: 文明城市, 营商环境), then two-character ones. No IDF table: it would cost 20 MB of
 * memory in every web process for a sidebar.
 */
export function keywords(text: string, n: number): string[] {
  const counts = new Map<string, number>();
  for (const w of clean(jieba.cut(normalizeText(text), false))) {
    const len = [...w].length;
    if (len < 2 || /^\p{N}+$/u.test(w)) continue;
    counts.set(w, (counts.get(w) ?? 0) + (len >= 3 ? 3 : 1));
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    .slice(0, n)
    .map(([w]) => w);
}
