import { RATING_PRIOR_MEAN } from './rating-score.ts';
import type { Candidate, SearchSort } from './search-index.ts';

const DAY = 86_400_000;

/**
 * Weights of the blend (docs/decisions/0005-search.md). Relevance comes from where the words are — the title
 * first, then description and summary, then the body — weighted by how specific each word is; popularity and
 * freshness break near-ties. Nothing here needs collection statistics, so no query ever scans a whole doclist.
 */
export const WEIGHTS = {
  title: 3,
  description: 1,
  headTier: 1.5,
  bodyTier: 1,
  downloads: 0.6,
  rating: 0.4,
  freshness: 0.8,
  /** BM25 over the candidate's free excerpt (term counts, window IDF, excerpt length): up to 2.2 × this. */
  excerpt: 1,
  /** The query, typed as one run of several words, occurs as such in the excerpt. */
  phrase: 3,
  /** The document holds every adjacent pair of the typed words (pair tier): the phrase, anywhere in it. */
  pair: 2,
} as const;

/**
 * What the free excerpt of one candidate says about a query: how often each query token occurs in it (counted up
 * to MAX_COUNT), its length, and whether the typed phrase occurs in it as written.
 */
export interface ExcerptEvidence {
  counts: number[];
  length: number;
  phrase: boolean;
}

const MAX_COUNT = 10;

/** Reads one excerpt for the query (lower-cased as the tokens are). */
export function excerptEvidence(excerpt: string, tokens: string[], phrase: string | undefined): ExcerptEvidence {
  const e = excerpt.toLowerCase();
  const counts = tokens.map((t) => {
    let n = 0;
    for (let at = e.indexOf(t); at >= 0 && n < MAX_COUNT; at = e.indexOf(t, at + t.length)) n++;
    return n;
  });
  return { counts, length: e.length, phrase: phrase ? e.includes(phrase) : false };
}

/** Per-candidate evidence with what the window as a whole says (IDF of each token within the window). */
export interface WindowEvidence {
  byId: Map<number, ExcerptEvidence>;
  idf: number[];
  meanLength: number;
}

/**
 * IDF of each token over the candidate window's excerpts (BM25's formula, the window as the collection): a token
 * every candidate's excerpt holds says nothing about which candidate is meant; one only a few hold says much.
 */
export function windowEvidence(byId: Map<number, ExcerptEvidence>, tokens: string[]): WindowEvidence {
  const n = byId.size;
  const df = tokens.map(() => 0);
  let lengths = 0;
  for (const ev of byId.values()) {
    lengths += ev.length;
    ev.counts.forEach((c, i) => {
      if (c > 0) df[i]!++;
    });
  }
  const idf = df.map((d) => Math.log(1 + (n - d + 0.5) / (d + 0.5)));
  return { byId, idf, meanLength: n ? lengths / n : 1 };
}

const K1 = 1.2;
const B = 0.75;

/** BM25 of a candidate's excerpt, normalised by the IDF mass of the query (0..K1 + 1), plus the phrase bonus. */
export function excerptScore(id: number, tokens: string[], w: WindowEvidence): number {
  const ev = w.byId.get(id);
  if (!ev) return 0;
  let score = 0;
  let mass = 0;
  tokens.slice(0, w.idf.length).forEach((t, i) => {
    const idf = w.idf[i]! * wordWeight(t);
    mass += idf;
    const tf = ev.counts[i] ?? 0;
    score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * ev.length) / (w.meanLength || 1)));
  });
  return (WEIGHTS.excerpt * score) / (mass || 1) + (ev.phrase ? WEIGHTS.phrase : 0);
}

/**
 * How specific a word is, without an IDF table: in Chinese, longer words are rarer (文明城市 vs 工作); a single
 * character says little. Latin words and numbers count by their length too.
 */
export function wordWeight(word: string): number {
  const n = [...word].length;
  return n <= 1 ? 0.3 : n === 2 ? 1 : n === 3 ? 1.6 : 2.2;
}

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0 && n < 3; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}

/** The text-match part of a candidate's score (0 when nothing matched anywhere). */
export function textScore(c: Candidate, tokens: string[]): number {
  // Lower case only: NFKC over hundreds of titles per query costs more than the rare full-width title loses.
  const title = c.title.toLowerCase();
  const description = c.description.toLowerCase();
  let total = 0;
  let inTitle = 0;
  for (const t of tokens) total += wordWeight(t);
  let titleScore = 0;
  let descriptionScore = 0;
  for (const t of tokens) {
    const w = wordWeight(t);
    const tf = occurrences(title, t);
    if (tf > 0) inTitle += w;
    // Saturating in the count, as bm25's k1 does: a second mention adds less than the first.
    titleScore += (w * (tf * 2.2)) / (tf + 1.2);
    if (description.includes(t)) descriptionScore += w;
  }
  // Shorter titles that hold the words are about them (bm25's length normalisation, on the title).
  const titleLength = [...title].length;
  const focus = inTitle > 0 ? 1 / (1 + Math.max(0, titleLength - 12) / 40) : 0;
  const norm = total || 1;
  return (
    (WEIGHTS.title * titleScore * focus + WEIGHTS.description * descriptionScore) / norm +
    WEIGHTS.headTier * c.head +
    WEIGHTS.bodyTier * c.body +
    WEIGHTS.pair * c.pair
  );
}

/** Relevance blended with popularity and freshness; higher is better. */
export function blendedScore(c: Candidate, tokens: string[], now: number, evidence?: WindowEvidence): number {
  const popularity = (WEIGHTS.downloads * Math.log10(1 + c.downloads)) / 4;
  // The Bayesian score against its prior: 0 when unrated, up to +0.4 for many 5-star votes, negative for poor ones.
  const rating = (WEIGHTS.rating * (c.ratingScore - RATING_PRIOR_MEAN)) / (5 - RATING_PRIOR_MEAN);
  const freshness = WEIGHTS.freshness * Math.exp(-Math.max(0, now - c.publishedAt) / (365 * DAY));
  const excerpt = evidence ? excerptScore(c.id, tokens, evidence) : 0;
  return textScore(c, tokens) + excerpt + popularity + rating + freshness;
}

/** Orders the candidate window by the chosen sort; ties fall back to the newer document. */
export function rankCandidates(
  cands: Candidate[],
  sort: SearchSort,
  tokens: string[],
  now = Date.now(),
  evidence?: WindowEvidence,
): Candidate[] {
  const key = (c: Candidate): number => {
    switch (sort) {
      case 'relevance':
        return blendedScore(c, tokens, now, evidence);
      case 'latest':
        return c.publishedAt;
      case 'downloads':
        return c.downloads;
      case 'rating':
        return c.ratingScore;
    }
  };
  return cands
    .map((c) => ({ c, k: key(c) }))
    .sort((a, b) => b.k - a.k || b.c.publishedAt - a.c.publishedAt || b.c.id - a.c.id)
    .map((x) => x.c);
}
