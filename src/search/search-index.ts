/** What the index holds for one published document. Every text here is free to show; `body` is only matched. */
export interface IndexedDocument {
  id: number;
  title: string;
  /** Description, category name and the opening of the free part: the summary tier. */
  meta: string;
  /** The full text: matched, never quoted. */
  body: string;
  /** The free part (before the preview cut), the only text a snippet may quote. */
  excerpt: string;
  /** The same texts already run through `indexText` (bulk loaders segment once and reuse the tokens). */
  segmented?: { title: string; meta: string; body: string; pairs?: string };
}

/** Filters on the results; each narrows the candidate set in SQL. */
export interface SearchFilters {
  categoryId?: number;
  /** A stored format (any the pipeline accepts: docx, pdf, txt, doc, xls, ppt, wps, ofd…). */
  format?: string;
  /** 'free' = price 0, 'paid' = price > 0. */
  paid?: 'free' | 'paid';
  priceMin?: number;
  priceMax?: number;
  pagesMin?: number;
  pagesMax?: number;
  /** Published at or after (ms since epoch). */
  since?: number;
}

export type SearchSort = 'relevance' | 'latest' | 'downloads' | 'rating';

/** A query already segmented by `segmentQuery`. */
export interface SearchRequest {
  tokens: string[];
  filters: SearchFilters;
  sort: SearchSort;
  /** 'all' (default): every token must match; 'any': one is enough (related documents). */
  match?: 'all' | 'any';
  /** Adjacent-word pairs of the runs typed without a space (`queryPairs`): read from the pair tier, all required. */
  pairs?: string[];
}

/** One candidate as a backend found it: which tiers it matched (1/0) and what ranking reads of it. */
export interface Candidate {
  id: number;
  head: number;
  body: number;
  /** 1 when the document holds every pair of the query (the phrase as typed, up to how jieba cut it). */
  pair: number;
  title: string;
  description: string;
  categoryId: number;
  format: string;
  price: number;
  pageCount: number;
  publishedAt: number;
  downloads: number;
  ratingAvg: number;
  ratingCount: number;
  /** The Bayesian rating (search/rating-score.ts): what 评分最高 orders by. */
  ratingScore: number;
}

/** Candidates for a query; `capped` when a tier stopped at its window (more documents match than were ranked). */
export interface CandidateSet {
  candidates: Candidate[];
  capped: boolean;
}

/** The search port: SQLite FTS5 or PostgreSQL tsvector, chosen once in compose.ts. */
export interface SearchIndex {
  /** Adds or replaces documents (one transaction per call: pass batches). */
  upsert(docs: IndexedDocument[]): Promise<void>;
  /** Removes documents (deleted, taken down, unpublished). Unknown ids are ignored. */
  remove(ids: number[]): Promise<void>;
  /** Empties the index (reindex starts here). */
  clear(): Promise<void>;
  /** The candidate window for a query, filters applied. Ranking across tiers is `rankCandidates`' job. */
  candidates(req: SearchRequest): Promise<CandidateSet>;
  /** Documents whose title holds every token, the last one as a word prefix (newest first). */
  titlePrefix(tokens: string[], limit: number): Promise<number[]>;
  /**
   * Drops cached windows: ranking metadata they carry (a rating) changed without an index write. The cache wrapper
   * tells the other processes too (search/cached-search-index.ts).
   */
  invalidate(): void;
  /** Bumped on every write: caches key on it. */
  readonly generation: number;
}

/**
 * How many matches each tier reads at most, newest first: ranking never scores every match of a common word.
 * When a tier has fewer matches than its window (the usual case for specific queries), ranking is exact.
 */
export const HEAD_WINDOW = 200;
export const BODY_WINDOW = 200;
/** The pair tier's window: documents holding a typed phrase are few, so this is nearly always every one of them. */
export const PAIR_WINDOW = 200;

/**
 * When a tier's newest-first window is full, the 评分最高 sort also reads that tier's best-rated matches: the
 * RATED_SCAN best-rated documents (filters applied, from the partial index on rating_score) that are among the tier's
 * newest RATED_DEPTH matches, best first, up to RATED_WINDOW. A well-rated older document is found although newer
 * matches filled the window; the cost is one bounded doclist walk (row ids only) per tier, whatever the query.
 */
export const RATED_WINDOW = 200;
export const RATED_SCAN = 2000;
export const RATED_DEPTH = 20_000;

/**
 * The body tier's window, given how many title/summary matches the head tier found. When the head window is full,
 * those matches fill every first page (a title match outranks a body-only one), so only the newest few body-only
 * matches are read: common-word queries then stop a long doclist walk early.
 */
export function bodyWindow(headMatches: number): number {
  return headMatches >= HEAD_WINDOW ? 50 : BODY_WINDOW;
}
