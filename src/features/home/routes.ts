import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { sendPage } from '../../web/render.ts';
import { NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { listPublishedDocuments } from '../documents/service.ts';
import { CategoryPage, HomePage, TextPage } from './views/home-pages.tsx';

const pageParam = (raw: string | undefined) => Math.min(1000, Math.max(1, Number.parseInt(raw ?? '1', 10) || 1));

/** Home, category lists and the static pages (search lives in features/search). */
export function homeRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.get('/', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const [latest, popular] = await Promise.all([
        listPublishedDocuments(deps, { order: 'latest', pageSize: 20 }),
        listPublishedDocuments(deps, { order: 'downloads', pageSize: 10 }),
      ]);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(HomePage, { ctx, latest: latest.rows, popular: popular.rows }));
    });

    // Category slugs are what addCategory accepts (features/site/service.ts).
    const categorySchema = {
      params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }) }),
      querystring: Query({ sort: Opt(20), page: Opt(20) }),
    };
    app.get<{ Params: { slug: string }; Querystring: { sort?: string; page?: string } }>(
      '/c/:slug',
      { schema: categorySchema },
      async (req, reply) => {
        const ctx = await web.pageContext(req, reply);
        const category = ctx.site.categories.find((c) => c.slug === req.params.slug);
        if (!category) throw notFound();
        const order = req.query.sort === 'downloads' ? 'downloads' : 'latest';
        const list = await listPublishedDocuments(deps, {
          order,
          categoryId: category.id,
          page: pageParam(req.query.page),
          pageSize: 20,
        });
        return sendPage(
          reply,
          h(CategoryPage, { ctx, category, docs: list.rows, order, page: list.page, pages: list.pages }),
        );
      },
    );

    const textPages = {
      '/about/terms': { title: 'about.termsTitle', body: ['terms.usage', 'terms.userContent', 'about.termsReport'] },
      '/about/copyright': { title: 'about.copyrightTitle', body: ['about.copyright1', 'about.copyright2'] },
      '/offline': { title: 'offline.title', body: ['offline.body'] },
    } as const;
    for (const [path, page] of Object.entries(textPages)) {
      app.get(path, { schema: { querystring: NoQuery } }, async (req, reply) => {
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(TextPage, { ctx, title: t(page.title), paragraphs: page.body.map((k) => t(k)) }));
      });
    }
  };
}
