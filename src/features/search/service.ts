import type { Deps } from '../../deps.ts';
import { buildIndexedDocument } from '../../search/indexed-document.ts';
import { excerptEvidence, rankCandidates, type WindowEvidence, windowEvidence } from '../../search/rank.ts';
import type { Candidate, SearchFilters, SearchSort } from '../../search/search-index.ts';
import { keywords, queryPairs, segmentQuery } from '../../search/segment.ts';
import { makeSnippet, type SnippetPart } from '../../search/snippet.ts';
import { computePreview } from '../documents/preview.ts';
import { getSiteSettings } from '../site/service.ts';
import * as repo from './repo.ts';

type SearchDeps = Pick<Deps, 'database' | 'search'>;

export const PAGE_SIZE = 10;
/** Words that say little on their own; dropped when no document holds every word of a query. */
const FILLER_WORDS = new Set([
  '以及',
  '或者',
  '应当',
  '关于',
  '进一步',
  '有关',
  '我们',
  '一个',
  '没有',
  '可以',
  '进行',
]);
const MAX_QUERY_CHARS = 100;

/** A search as the routes parsed it. */
export interface SearchParams {
  q: string;
  page: number;
  sort: SearchSort;
  filters: SearchFilters;
}

/** One result card: metadata, and a snippet quoted from the free part only. */
export interface SearchHit {
  id: number;
  title: string;
  categoryId: number;
  format: string;
  pageCount: number | null;
  price: number;
  downloads: number;
  publishedAt: number | null;
  ownerId: number;
  ownerName: string;
  snippet: SnippetPart[];
}

/** Counts per filter value over the ranked window. */
export interface Facets {
  categories: Array<{ id: number; count: number }>;
  formats: Array<{ format: string; count: number }>;
  free: number;
  paid: number;
}

/** A page of results and what the page around them needs. */
export interface SearchResults {
  q: string;
  tokens: string[];
  hits: SearchHit[];
  total: number;
  /** More documents match than were ranked: `total` is a lower bound ("超过 N"). */
  capped: boolean;
  page: number;
  pages: number;
  facets: Facets;
  related: string[];
  /** True when no document held every word and these results hold some of them. */
  partial: boolean;
  /** Popular queries for the empty state. */
  popular: string[];
}

/** Trims, collapses whitespace and caps a raw query. */
export function cleanQuery(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_CHARS);
}

/**
 * Searches published documents.
 * 1. Segment the query with the indexing segmenter. 2. Ask the index for the candidate window (filters applied).
 * 3. Rank the window (relevance blended with popularity and freshness, or the chosen sort). 4. Facet counts over
 * the window. 5. Load the page's cards and quote snippets from the free excerpts. 6. Remember the query for
 * suggestions when it matched a title or summary (never when only paid text matched).
 */
export async function searchDocuments(deps: SearchDeps, params: SearchParams): Promise<SearchResults> {
  const q = cleanQuery(params.q);
  const tokens = segmentQuery(q);
  const { db } = deps.database;
  const empty: SearchResults = {
    q,
    tokens,
    hits: [],
    total: 0,
    capped: false,
    page: 1,
    pages: 0,
    facets: { categories: [], formats: [], free: 0, paid: 0 },
    related: [],
    partial: false,
    popular: [],
  };
  if (tokens.length === 0) return { ...empty, popular: await repo.topQueries(db, 10) };

  let partial = false;
  const pairs = tokens.length >= 2 ? queryPairs(q) : [];
  let set = await deps.search.candidates({
    tokens,
    filters: params.filters,
    sort: params.sort,
    ...(pairs.length ? { pairs } : {}),
  });
  if (set.candidates.length === 0 && tokens.length > 1) {
    // Nothing holds every word: try the words that carry meaning (all of them, then any of them).
    const strong = tokens.filter((w) => [...w].length >= 2 && !FILLER_WORDS.has(w));
    for (const attempt of [
      strong.length < tokens.length && strong.length > 0 ? { tokens: strong, match: 'all' as const } : undefined,
      { tokens: strong.length > 0 ? strong : tokens, match: 'any' as const },
    ]) {
      if (!attempt) continue;
      set = await deps.search.candidates({ ...attempt, filters: params.filters, sort: params.sort });
      if (set.candidates.length > 0) break;
    }
    partial = set.candidates.length > 0;
  }
  const phrase = typedPhrase(q, tokens);
  const evidence = params.sort === 'relevance' ? await excerptWindow(deps, set.candidates, tokens, phrase) : undefined;
  const ranked = rankCandidates(set.candidates, params.sort, tokens, Date.now(), evidence);
  const total = ranked.length;
  const pages = Math.ceil(total / PAGE_SIZE);
  const page = Math.min(Math.max(1, params.page), Math.max(1, pages));
  const slice = ranked.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const hits = await loadHits(deps, slice, tokens, phrase);

  if (page === 1 && !partial && ranked.some((c) => c.head > 0)) await repo.recordQuery(db, q, Date.now());
  const [related, popular] = await Promise.all([
    repo.queriesContaining(db, tokens.filter((t) => t.length >= 2).slice(0, 4), q, 8),
    total === 0 ? repo.topQueries(db, 10) : Promise.resolve([]),
  ]);
  return { ...empty, hits, total, capped: set.capped, page, pages, facets: facets(ranked), related, partial, popular };
}

/** Most tokens the excerpt evidence counts (a long pasted query: its first words). */
const EVIDENCE_TOKENS = 8;

/** A query typed as one run of several words (no space): it is also looked for as written (decision 0030). */
function typedPhrase(q: string, tokens: string[]): string | undefined {
  return tokens.length >= 2 && !/\s/.test(q) ? q.toLowerCase() : undefined;
}

/**
 * What the candidates' free excerpts say about the query (term counts, window IDF, the typed phrase), for the
 * relevance sort (decision 0030).
 */
async function excerptWindow(
  deps: SearchDeps,
  cands: Candidate[],
  tokens: string[],
  phrase: string | undefined,
): Promise<WindowEvidence | undefined> {
  // One word: its count in a free excerpt reorders little, and reading every excerpt of a full window is most of the
  // cost of a common-word query (decision 0030).
  if (cands.length < 2 || tokens.length < 2) return undefined;
  const words = tokens.slice(0, EVIDENCE_TOKENS);
  const rows = await repo.findExcerpts(
    deps.database.db,
    cands.map((c) => c.id),
  );
  const byId = new Map(rows.map((r) => [r.id, excerptEvidence(r.excerpt, words, phrase)]));
  return windowEvidence(byId, words);
}

async function loadHits(
  deps: SearchDeps,
  slice: Candidate[],
  tokens: string[],
  phrase: string | undefined,
): Promise<SearchHit[]> {
  const rows = await repo.findHits(
    deps.database.db,
    slice.map((c) => c.id),
  );
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const hits: SearchHit[] = [];
  for (const c of slice) {
    const r = byId.get(c.id);
    if (!r) continue; // deleted or taken down since the window was cached
    hits.push({
      id: Number(r.id),
      title: r.title,
      categoryId: Number(r.category_id),
      format: r.format,
      pageCount: r.page_count,
      price: r.price,
      downloads: r.download_count,
      publishedAt: r.published_at,
      ownerId: Number(r.owner_id),
      ownerName: r.owner_name,
      snippet: makeSnippet(r.excerpt ?? '', tokens, 120, phrase),
    });
  }
  return hits;
}

function facets(cands: Candidate[]): Facets {
  const cats = new Map<number, number>();
  const formats = new Map<string, number>();
  let free = 0;
  for (const c of cands) {
    cats.set(c.categoryId, (cats.get(c.categoryId) ?? 0) + 1);
    formats.set(c.format, (formats.get(c.format) ?? 0) + 1);
    if (c.price === 0) free++;
  }
  const byCount = <K>(m: Map<K, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    categories: byCount(cats).map(([id, count]) => ({ id: Number(id), count })),
    formats: byCount(formats).map(([format, count]) => ({ format, count })),
    free,
    paid: cands.length - free,
  };
}

/** Suggestions while typing: popular queries starting with the text, then titles holding it (as a word prefix). */
export async function suggest(
  deps: SearchDeps,
  raw: string,
  limit = 8,
): Promise<Array<{ text: string; kind: 'query' | 'title'; href: string }>> {
  const q = cleanQuery(raw);
  if (!q) return [];
  const { db } = deps.database;
  const queries = await repo.queriesByPrefix(db, q, Math.ceil(limit / 2));
  const tokens = segmentQuery(q);
  const ids = tokens.length ? await deps.search.titlePrefix(tokens, limit) : [];
  const titles = await repo.findTitles(db, ids);
  const order = new Map(ids.map((id, i) => [id, i]));
  titles.sort((a, b) => (order.get(Number(a.id)) ?? 0) - (order.get(Number(b.id)) ?? 0));
  const out = [
    ...queries.map((text) => ({ text, kind: 'query' as const, href: `/search?q=${encodeURIComponent(text)}` })),
    ...titles.map((r) => ({ text: r.title, kind: 'title' as const, href: `/d/${r.id}` })),
  ];
  return out.slice(0, limit);
}

/** A related document as the document page lists it. */
export interface RelatedDocument {
  id: number;
  title: string;
  format: string;
  pageCount: number | null;
  price: number;
}

/**
 * Related documents (相关文档) by text similarity: the document's most distinctive words (title, description and
 * the free part — what the page itself shows) as an any-word query, best first, the document itself left out.
 */
export async function relatedDocuments(
  deps: SearchDeps,
  doc: { id: number; title: string; description: string },
  freeText: string,
  limit = 6,
): Promise<RelatedDocument[]> {
  const words = [...new Set([...segmentQuery(doc.title), ...keywords(`${doc.description}\n${freeText}`, 6)])]
    .filter((w) => [...w].length >= 2)
    .slice(0, 10);
  if (words.length === 0) return [];
  const set = await deps.search.candidates({ tokens: words, filters: {}, sort: 'relevance', match: 'any' });
  const ranked = rankCandidates(
    set.candidates.filter((c) => c.id !== doc.id),
    'relevance',
    words,
  ).slice(0, limit);
  const rows = await repo.findHits(
    deps.database.db,
    ranked.map((c) => c.id),
  );
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ranked.flatMap((c) => {
    const r = byId.get(c.id);
    return r ? [{ id: Number(r.id), title: r.title, format: r.format, pageCount: r.page_count, price: r.price }] : [];
  });
}

/**
 * Brings one document's index entry in step with the database: published documents are (re)indexed with the free
 * part under the current preview rule; anything else is removed. Call after publish, edit, takedown and delete.
 */
export async function syncDocumentIndex(deps: SearchDeps, id: number): Promise<void> {
  const src = await repo.findIndexSource(deps.database.db, id);
  if (src?.status !== 'published' || src.body === null) {
    await deps.search.remove([id]);
    return;
  }
  const site = await getSiteSettings(deps);
  const preview = computePreview(
    { body: src.body, pageStarts: JSON.parse(src.page_starts ?? '[0]'), headings: [] },
    {
      mode: src.preview_mode ?? site.previewMode,
      value: src.preview_value ?? site.previewValue,
      maxPercent: site.previewMaxPercent,
      paid: src.price > 0,
    },
  );
  await deps.search.upsert([
    buildIndexedDocument({
      id,
      title: src.title,
      description: src.description,
      categoryName: src.category_name,
      body: src.body,
      freeText: preview.freeText,
    }),
  ]);
}

/** Rebuilds the whole index from the documents table (`wenyuan reindex`, or after a preview rule change). */
export async function reindexAll(
  deps: SearchDeps,
  opts: { clear?: boolean; batch?: number; onProgress?: (done: number) => void } = {},
): Promise<number> {
  if (opts.clear !== false) await deps.search.clear();
  let after = 0;
  let done = 0;
  for (;;) {
    const ids = await repo.listPublishedIdsAfter(deps.database.db, after, opts.batch ?? 200);
    if (ids.length === 0) break;
    for (const id of ids) await syncDocumentIndex(deps, id);
    after = ids[ids.length - 1]!;
    done += ids.length;
    opts.onProgress?.(done);
  }
  return done;
}
