import type { ComponentChildren } from 'preact';
import { t } from '../../../i18n/t.ts';
import type { SnippetPart } from '../../../search/snippet.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate } from '../../../web/format.ts';
import { Pager } from '../../../web/views/doc-list.tsx';
import { FormatBadge } from '../../../web/views/format-badge.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { type NormalisedQuery, PAGE_BUCKETS, SINCE_DAYS, searchUrl } from '../params.ts';
import type { SearchResults } from '../service.ts';

const SORT_LABELS = {
  relevance: 'search.sortRelevance',
  latest: 'search.sortLatest',
  downloads: 'search.sortDownloads',
  rating: 'search.sortRating',
} as const;
const PAGE_LABELS = { '1-5': 'search.pages1to5', '6-20': 'search.pages6to20', '21-': 'search.pages21plus' } as const;
const SINCE_LABELS = { '7d': 'search.since7d', '30d': 'search.since30d', '365d': 'search.since365d' } as const;

/** A snippet: plain runs as text, matched runs in <mark>. Every run is escaped by preact. */
export function Snippet({ parts }: { parts: SnippetPart[] }) {
  if (parts.length === 0) return null;
  return <p class="search-hit__snippet">{parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : p.text))}</p>;
}

/** One filter group: "不限" plus one link per value, the current one marked. */
function FilterGroup(props: {
  title: string;
  current: string | undefined;
  any: string;
  options: Array<{ value: string; label: string; href: string; count?: number }>;
}) {
  return (
    <div class="search-filter">
      <h3>{props.title}</h3>
      <ul>
        <li>
          <a href={props.any} aria-current={props.current === undefined ? 'true' : undefined}>
            {t('search.filterAny')}
          </a>
        </li>
        {props.options.map((o) => (
          <li key={o.value}>
            <a href={o.href} aria-current={props.current === o.value ? 'true' : undefined}>
              {o.label}
              {o.count !== undefined && <span class="search-filter__count">{o.count}</span>}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** 搜索结果页: results with snippets from the free part, sort, filters with facet counts, related searches. */
export function SearchPage({
  ctx,
  query,
  results,
  hitActions,
}: {
  ctx: PageContext;
  query: NormalisedQuery;
  results: SearchResults;
  /** Buttons beside a result (收藏, from features/favorites), rendered by the route. */
  hitActions?: (documentId: number) => ComponentChildren;
}) {
  const r = results;
  const cats = new Map(ctx.site.categories.map((c) => [Number(c.id), c]));
  const at = (change: Partial<NormalisedQuery>) => searchUrl(query, { page: 1, ...change });
  const filtered = !!(query.cat || query.fmt || query.price || query.pmin || query.pmax || query.pages || query.since);
  const title = query.q ? t('search.titleFor', { q: query.q }) : t('nav.search');
  const facets = query.q && (r.total > 0 || filtered) && (
    <section class="card search-filters" aria-label={t('search.filters')}>
      <h2>{t('search.filters')}</h2>
      <FilterGroup
        title={t('search.filterCategory')}
        current={query.cat}
        any={at({ cat: undefined })}
        options={r.facets.categories.flatMap((f) => {
          const c = cats.get(f.id);
          return c ? [{ value: c.slug, label: c.name, href: at({ cat: c.slug }), count: f.count }] : [];
        })}
      />
      <FilterGroup
        title={t('search.filterFormat')}
        current={query.fmt}
        any={at({ fmt: undefined })}
        options={r.facets.formats.map((f) => ({
          value: f.format,
          label: f.format.toUpperCase(),
          href: at({ fmt: f.format as NormalisedQuery['fmt'] }),
          count: f.count,
        }))}
      />
      <FilterGroup
        title={t('search.filterPrice')}
        current={query.price}
        any={at({ price: undefined, pmin: undefined, pmax: undefined })}
        options={[
          { value: 'free', label: t('search.free'), href: at({ price: 'free' }), count: r.facets.free },
          { value: 'paid', label: t('search.paid'), href: at({ price: 'paid' }), count: r.facets.paid },
        ]}
      />
      <FilterGroup
        title={t('search.filterPages')}
        current={query.pages}
        any={at({ pages: undefined })}
        options={(Object.keys(PAGE_BUCKETS) as Array<keyof typeof PAGE_BUCKETS>).map((k) => ({
          value: k,
          label: t(PAGE_LABELS[k]),
          href: at({ pages: k }),
        }))}
      />
      <FilterGroup
        title={t('search.filterDate')}
        current={query.since}
        any={at({ since: undefined })}
        options={(Object.keys(SINCE_DAYS) as Array<keyof typeof SINCE_DAYS>).map((k) => ({
          value: k,
          label: t(SINCE_LABELS[k]),
          href: at({ since: k }),
        }))}
      />
      {filtered && (
        <p>
          <a href={searchUrl({ q: query.q, sort: query.sort, page: 1 })}>{t('search.clearFilters')}</a>
        </p>
      )}
    </section>
  );
  return (
    <Layout
      ctx={ctx}
      title={title}
      canonical={searchUrl(query)}
      head={<meta name="robots" content="noindex, follow" />}
      aside={facets || undefined}
    >
      <section class="card search-results">
        <h1>{title}</h1>
        <form class="search-page-form" action="/search" method="get">
          <input type="search" name="q" value={query.q} maxLength={100} aria-label={t('nav.search')} />
          {query.sort !== 'relevance' && <input type="hidden" name="sort" value={query.sort} />}
          <button type="submit" class="button button--primary">
            {t('nav.search')}
          </button>
        </form>
        {query.q && r.total > 0 && (
          <>
            <p class="search-count">
              {r.capped ? t('search.countCapped', { n: r.total }) : t('search.count', { n: r.total })}
            </p>
            {r.partial && <p class="search-partial">{t('search.partial')}</p>}
            <nav class="sort-nav" aria-label={t('list.sort')}>
              {(Object.keys(SORT_LABELS) as Array<keyof typeof SORT_LABELS>).map((s) => (
                <a key={s} href={at({ sort: s })} aria-current={query.sort === s ? 'page' : undefined}>
                  {t(SORT_LABELS[s])}
                </a>
              ))}
            </nav>
            <ol class="search-hits">
              {r.hits.map((hit) => (
                <li class="search-hit" key={hit.id}>
                  <h2 class="search-hit__title">
                    <FormatBadge format={hit.format} />
                    <a href={`/d/${hit.id}`}>{hit.title}</a>
                  </h2>
                  <Snippet parts={hit.snippet} />
                  <p class="search-hit__meta">
                    {cats.get(hit.categoryId) && (
                      <a href={`/c/${cats.get(hit.categoryId)!.slug}`}>{cats.get(hit.categoryId)!.name}</a>
                    )}
                    {hit.pageCount !== null && <span>{t('document.pageCount', { n: hit.pageCount })}</span>}
                    <span>
                      {hit.price > 0
                        ? t('document.priceLabel', { price: hit.price, unit: ctx.site.creditName })
                        : t('document.free')}
                    </span>
                    <span>{t('list.downloads', { n: hit.downloads })}</span>
                    <a href={`/u/${hit.ownerId}`}>{t('search.uploader', { name: hit.ownerName })}</a>
                    {hit.publishedAt && <time>{formatDate(hit.publishedAt)}</time>}
                  </p>
                  {hitActions && <div class="search-hit__actions">{hitActions(hit.id)}</div>}
                </li>
              ))}
            </ol>
            {r.pages > 1 && <Pager base={searchUrl({ ...query, page: 1 })} page={r.page} hasNext={r.page < r.pages} />}
          </>
        )}
        {query.q && r.total === 0 && (
          <div class="search-empty">
            <p class="empty">{t('search.empty', { q: query.q })}</p>
            <p>{t('search.emptyTips')}</p>
            {filtered && (
              <p>
                <a href={searchUrl({ q: query.q, sort: query.sort, page: 1 })}>{t('search.clearFilters')}</a>
              </p>
            )}
            <p>{t('search.browseCategories')}</p>
            <ul class="category-grid">
              {ctx.site.categories.map((c) => (
                <li key={c.id}>
                  <a href={`/c/${c.slug}`}>{c.name}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
        {!query.q && <p class="empty">{t('search.prompt')}</p>}
        {r.related.length > 0 && <QueryLinks title={t('search.related')} queries={r.related} />}
        {r.popular.length > 0 && <QueryLinks title={t('search.popular')} queries={r.popular} />}
      </section>
    </Layout>
  );
}

function QueryLinks({ title, queries }: { title: string; queries: string[] }) {
  return (
    <nav class="search-related" aria-label={title}>
      <h2>{title}</h2>
      <ul>
        {queries.map((q) => (
          <li key={q}>
            <a href={searchUrl({ q, page: 1, sort: 'relevance' })}>{q}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
