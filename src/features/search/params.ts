import type { Static } from '@sinclair/typebox';
import { DOC_FORMATS } from '../../convert/sniff.ts';
import type { DocFormat } from '../../convert/types.ts';
import type { Category } from '../../db/schema.ts';
import type { SearchFilters, SearchSort } from '../../search/search-index.ts';
import { Opt, Query } from '../../web/schemas.ts';
import type { SearchParams } from './service.ts';

/**
 * The query string of /search and /api/search: each field one string (a repeated field is refused with 400 by
 * the route schema). Unknown fields and malformed single values are ignored, never an error.
 */
export const SearchQuerySchema = Query({
  q: Opt(1000),
  page: Opt(20),
  sort: Opt(20),
  cat: Opt(100),
  fmt: Opt(20),
  price: Opt(20),
  pmin: Opt(20),
  pmax: Opt(20),
  pages: Opt(20),
  since: Opt(20),
});
export type SearchQueryString = Static<typeof SearchQuerySchema>;

const SORTS: readonly SearchSort[] = ['relevance', 'latest', 'downloads', 'rating'];
/** Page-count buckets of the 页数 filter. */
export const PAGE_BUCKETS = { '1-5': [1, 5], '6-20': [6, 20], '21-': [21, undefined] } as const;
/** Upload-date windows of the 上传时间 filter, in days. */
export const SINCE_DAYS = { '7d': 7, '30d': 30, '365d': 365 } as const;

const int = (v: string | undefined) => {
  const n = Number.parseInt(v ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? Math.min(n, 1_000_000) : undefined;
};

/** The normalised parameters: only values that mean something survive, so URLs built from them are canonical. */
export interface NormalisedQuery {
  q: string;
  page: number;
  sort: SearchSort;
  cat?: string;
  /** A stored format (convert/sniff.ts DOC_FORMATS: docx, pdf, txt, doc, xls, ppt, wps, ofd…). */
  fmt?: DocFormat;
  price?: 'free' | 'paid';
  pmin?: number;
  pmax?: number;
  pages?: keyof typeof PAGE_BUCKETS;
  since?: keyof typeof SINCE_DAYS;
}

/** Parses the query string against the site's categories. */
export function normaliseQuery(qs: SearchQueryString, categories: readonly Category[]): NormalisedQuery {
  const out: NormalisedQuery = {
    q: (qs.q ?? '').replace(/\s+/g, ' ').trim().slice(0, 100),
    page: Math.min(100, Math.max(1, int(qs.page) ?? 1)),
    sort: SORTS.includes(qs.sort as SearchSort) ? (qs.sort as SearchSort) : 'relevance',
  };
  if (qs.cat && categories.some((c) => c.slug === qs.cat)) out.cat = qs.cat;
  if (DOC_FORMATS.has(qs.fmt as DocFormat)) out.fmt = qs.fmt as DocFormat;
  if (qs.price === 'free' || qs.price === 'paid') out.price = qs.price;
  if (out.price !== 'free') {
    out.pmin = int(qs.pmin);
    out.pmax = int(qs.pmax);
    if (out.pmin === undefined) delete out.pmin;
    if (out.pmax === undefined) delete out.pmax;
  }
  if (qs.pages && qs.pages in PAGE_BUCKETS) out.pages = qs.pages as NormalisedQuery['pages'];
  if (qs.since && qs.since in SINCE_DAYS) out.since = qs.since as NormalisedQuery['since'];
  return out;
}

/** The service's view of the same query. */
export function toSearchParams(n: NormalisedQuery, categories: readonly Category[], now = Date.now()): SearchParams {
  const filters: SearchFilters = {};
  if (n.cat) filters.categoryId = Number(categories.find((c) => c.slug === n.cat)!.id);
  if (n.fmt) filters.format = n.fmt;
  if (n.price) filters.paid = n.price;
  if (n.pmin !== undefined) filters.priceMin = n.pmin;
  if (n.pmax !== undefined) filters.priceMax = n.pmax;
  if (n.pages) {
    const [min, max] = PAGE_BUCKETS[n.pages];
    filters.pagesMin = min;
    if (max !== undefined) filters.pagesMax = max;
  }
  // Whole days, so the same URL asks the same question all day long (and the hot-query cache can answer it).
  if (n.since) filters.since = Math.floor(now / 86_400_000 - SINCE_DAYS[n.since]) * 86_400_000;
  return { q: n.q, page: n.page, sort: n.sort, filters };
}

/** The canonical URL of a search: fixed parameter order, defaults left out. `change` overrides some values. */
export function searchUrl(n: NormalisedQuery, change: Partial<NormalisedQuery> = {}, path = '/search'): string {
  const m = { ...n, ...change };
  const parts: Array<[string, string | number | undefined]> = [
    ['q', m.q],
    ['sort', m.sort === 'relevance' ? undefined : m.sort],
    ['cat', m.cat],
    ['fmt', m.fmt],
    ['price', m.price],
    ['pmin', m.pmin],
    ['pmax', m.pmax],
    ['pages', m.pages],
    ['since', m.since],
    ['page', m.page > 1 ? m.page : undefined],
  ];
  const qs = parts
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}
