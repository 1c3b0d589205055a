import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { listMyDownloads, listMyPurchases } from './service.ts';
import { DownloadsPage } from './views/downloads-page.tsx';
import { PurchasesPage } from './views/purchases-page.tsx';

const purchasesSchema = { querystring: Query({ before: Opt(20) }) };
const downloadsSchema = { querystring: Query({ page: Opt(20) }) };

/** A positive integer from the query string, or undefined (a bad cursor shows the first page). */
const positive = (raw: string | undefined) => {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** 我的购买 (/my/purchases) and 我的下载 (/my/downloads). */
export function libraryRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { before?: string } }>('/my/purchases', { schema: purchasesSchema }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const before = positive(req.query.before);
      const { items, next } = await listMyPurchases(deps, user, before);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(PurchasesPage, { ctx, items, next, first: before === undefined }));
    });

    app.get<{ Querystring: { page?: string } }>('/my/downloads', { schema: downloadsSchema }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      // Offset paging, bounded so a crafted page number cannot make the database skip millions of rows.
      const page = Math.min(positive(req.query.page) ?? 1, 500);
      const { items, hasMore } = await listMyDownloads(deps, user, page);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(DownloadsPage, { ctx, items, page, hasMore }));
    });
  };
}
