import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { sendPage } from '../../web/render.ts';
import type { WebContext } from '../../web/web-context.ts';
import { favoritedAmong } from '../favorites/service.ts';
import { FavoriteToggle } from '../favorites/views/favorite-button.tsx';
import { getSiteSettings } from '../site/service.ts';
import { apiSearchSchema, suggestSchema } from './api-schemas.ts';
import { normaliseQuery, SearchQuerySchema, type SearchQueryString, searchUrl, toSearchParams } from './params.ts';
import { searchDocuments, suggest } from './service.ts';
import { SearchPage } from './views/search-page.tsx';

/** /search (server-rendered, works without script), GET /api/search (same parameters, JSON), /api/suggest. */
export function searchRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const schema = { querystring: SearchQuerySchema };
    app.get<{ Querystring: SearchQueryString }>('/search', { schema }, async (req, reply) => {
      const ctx = await web.pageContext(req, reply);
      const query = normaliseQuery(req.query, ctx.site.categories);
      const results = await searchDocuments(deps, toSearchParams(query, ctx.site.categories));
      const shown = { ...query, page: results.page || 1 };
      // 收藏 on every result, in the state it has for this reader; back to this very page afterwards.
      const saved = await favoritedAmong(
        deps,
        ctx.user,
        results.hits.map((hit) => hit.id),
      );
      const next = searchUrl(shown);
      const hitActions = (documentId: number) =>
        h(FavoriteToggle, { ctx, documentId, favorited: saved.has(documentId), next });
      return sendPage(reply, h(SearchPage, { ctx, query: shown, results, hitActions }));
    });

    // Public; an API token with 'read' may call it too (a client that sends its token everywhere is not refused).
    const apiSearch = { schema: apiSearchSchema, config: { apiToken: 'read' as const } };
    app.get<{ Querystring: SearchQueryString }>('/api/search', apiSearch, async (req, reply) => {
      const site = await getSiteSettings(deps);
      const query = normaliseQuery(req.query, site.categories);
      const r = await searchDocuments(deps, toSearchParams(query, site.categories));
      const catSlug = new Map(site.categories.map((c) => [Number(c.id), c]));
      return reply.header('cache-control', 'no-store').send({
        q: r.q,
        tokens: r.tokens,
        total: r.total,
        capped: r.capped,
        partial: r.partial,
        page: r.page,
        pages: r.pages,
        sort: query.sort,
        canonical: searchUrl({ ...query, page: r.page || 1 }),
        hits: r.hits.map((hit) => ({
          id: hit.id,
          url: `/d/${hit.id}`,
          title: hit.title,
          category: catSlug.get(hit.categoryId)?.name ?? null,
          format: hit.format,
          pages: hit.pageCount,
          price: hit.price,
          downloads: hit.downloads,
          publishedAt: hit.publishedAt,
          uploader: { id: hit.ownerId, name: hit.ownerName },
          snippet: hit.snippet,
        })),
        facets: {
          categories: r.facets.categories.map((f) => ({
            slug: catSlug.get(f.id)?.slug ?? null,
            name: catSlug.get(f.id)?.name ?? null,
            count: f.count,
          })),
          formats: r.facets.formats,
          price: { free: r.facets.free, paid: r.facets.paid },
        },
        related: r.related,
      });
    });

    const apiSuggest = { schema: suggestSchema, config: { apiToken: 'read' as const } };
    app.get<{ Querystring: { q?: string } }>('/api/suggest', apiSuggest, async (req, reply) => {
      const items = await suggest(deps, req.query.q ?? '');
      return reply.header('cache-control', 'private, max-age=30').send({ q: req.query.q ?? '', items });
    });
  };
}
