import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { wantsJson } from '../../web/error-handler.ts';
import { requireAdmin } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { type AuditFilter, listAudit, listAuditActions } from './service.ts';
import { AuditPage } from './views/audit-page.tsx';

type AuditQuery = Record<'actor' | 'action' | 'type' | 'target' | 'from' | 'to' | 'page', string | undefined>;
const positive = (v: string | undefined) => (v && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : undefined);
const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

/** /admin/audit: the append-only record of staff actions, filterable; administrators only. */
export function auditRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const querystring = Query({
      actor: Opt(20),
      action: Opt(100),
      type: Opt(50),
      target: Opt(20),
      from: Opt(20),
      to: Opt(20),
      page: Opt(20),
    });
    app.get<{ Querystring: AuditQuery }>('/admin/audit', { schema: { querystring } }, async (req, reply) => {
      requireAdmin(req);
      const q = req.query;
      const filter: AuditFilter = {
        actorId: positive(q.actor),
        action: q.action || undefined,
        targetType: q.type || undefined,
        targetId: positive(q.target),
        from: day(q.from),
        to: day(q.to),
      };
      const page = Math.min(1000, positive(q.page) ?? 1);
      const [result, actions] = await Promise.all([listAudit(deps, filter, page), listAuditActions(deps)]);
      reply.header('cache-control', 'private, no-store');
      if (wantsJson(req)) return reply.send(result);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(AuditPage, { ctx, result, actions, filter, page }));
    });
  };
}
