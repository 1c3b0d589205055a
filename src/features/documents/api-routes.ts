import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../web/guards.ts';
import type { WebContext } from '../../web/web-context.ts';
import { myDocumentsSchema } from './api-schemas.ts';
import { listMyDocuments } from './service.ts';
import { statusLabel } from './views/my-documents-page.tsx';

/** Rows per page of GET /api/my/documents (the service's page size). */
const PAGE_SIZE = 20;

/** The documents' JSON-only routes (the upload, status and download routes answer JSON in routes.ts). */
export function documentApiRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    // 我的文档 for programs: what a bulk uploader polls instead of one status per document.
    app.get<{ Querystring: { page?: string } }>(
      '/api/my/documents',
      { schema: myDocumentsSchema, config: { apiToken: 'read' } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const page = Math.max(1, Math.min(100_000, Number.parseInt(req.query.page ?? '1', 10) || 1));
        const rows = await listMyDocuments(deps, user, page);
        return reply.header('cache-control', 'private, no-store').send({
          page,
          pageSize: PAGE_SIZE,
          documents: rows.map((d) => ({
            id: Number(d.id),
            title: d.title,
            format: d.format,
            status: d.status,
            label: statusLabel(d).label,
            reason: statusLabel(d).reason ?? null,
            pages: d.page_count === null ? null : Number(d.page_count),
            price: Number(d.price),
            downloads: Number(d.download_count),
            createdAt: Number(d.created_at),
            url: `/d/${Number(d.id)}`,
          })),
        });
      },
    );
  };
}
