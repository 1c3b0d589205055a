import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { requireStaff } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormRoute, IdParams, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { hideReportedComment } from './comment-reports.ts';
import { dismissReport, listReports, punishReportedUploader, takeDownReported, warnUploader } from './decisions.ts';
import { AdminReportsPage, type DecisionKind, reportFormId } from './views/admin-reports-page.tsx';

type Body = Record<string, string | undefined>;
type ListRoute = { Querystring: { status?: string; page?: string; notice?: string } };
const DONE = {
  dismiss: 'reports.admin.done.dismiss',
  takedown: 'reports.admin.done.takedown',
  warn: 'reports.admin.done.warn',
  punish: 'reports.admin.done.punish',
  hideComment: 'reports.admin.done.hideComment',
} as const;

/** /admin/reports: the queue of open reports and the decisions on them (moderators and admins). */
export function reportAdminRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const listSchema = { querystring: Query({ status: Opt(20), page: Opt(20), notice: Opt(20) }) };
    app.get<ListRoute>('/admin/reports', { schema: listSchema }, async (req, reply) => {
      requireStaff(req);
      const closed = req.query.status === 'closed';
      const page = Number.parseInt(req.query.page ?? '1', 10) || 1;
      const list = await listReports(deps, { closed, page });
      reply.header('cache-control', 'private, no-store');
      if (wantsJson(req)) return reply.send(list);
      const done = DONE[req.query.notice as keyof typeof DONE];
      const ctx = await web.pageContext(req, reply, { flash: done ? t(done) : undefined });
      return sendPage(reply, h(AdminReportsPage, { ctx, list, closed }));
    });

    const after = (reply: FastifyReply, req: FastifyRequest, action: string) =>
      wantsJson(req) ? reply.send({ ok: true }) : reply.redirect(`/admin/reports?notice=${action}`, 303);
    // A refused decision is the open queue again, the sentence in that report's form (opened) with what was typed;
    // a report decided meanwhile has no form left: the sentence alone, above the queue.
    const queue = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
      requireStaff(req);
      const list = await listReports(deps, { closed: false, page: 1 });
      reply.header('cache-control', 'private, no-store');
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(AdminReportsPage, { ctx, list, closed: false, state }), status);
    };
    const action = <F extends Record<string, ReturnType<typeof Opt>>>(kind: DecisionKind, fields: F) => ({
      schema: { ...FormRoute(fields), params: IdParams },
      config: {
        form: { id: (req: FastifyRequest) => reportFormId(kind, (req.params as { id: string }).id), render: queue },
      },
    });

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/reports/:id/dismiss',
      action('dismiss', { reason: Opt(2000) }),
      async (req, reply) => {
        const actor = requireStaff(req);
        const reportId = Number(req.params.id);
        await dismissReport(deps, actor, { reportId, reason: req.body.reason ?? '', ip: req.ip });
        return after(reply, req, 'dismiss');
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/reports/:id/takedown',
      action('takedown', { note: Opt(2000) }),
      async (req, reply) => {
        const actor = requireStaff(req);
        const reportId = Number(req.params.id);
        await takeDownReported(deps, actor, { reportId, note: req.body.note ?? '', ip: req.ip });
        return after(reply, req, 'takedown');
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/reports/:id/warn',
      action('warn', { message: Opt(2000) }),
      async (req, reply) => {
        const actor = requireStaff(req);
        const reportId = Number(req.params.id);
        await warnUploader(deps, actor, { reportId, message: req.body.message ?? '', ip: req.ip });
        return after(reply, req, 'warn');
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/reports/:id/hide-comment',
      action('hide-comment', { reason: Opt(2000) }),
      async (req, reply) => {
        const actor = requireStaff(req);
        const reportId = Number(req.params.id);
        await hideReportedComment(deps, actor, { reportId, reason: req.body.reason ?? '', ip: req.ip });
        return after(reply, req, 'hideComment');
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/reports/:id/punish',
      action('punish', { kind: Opt(20), days: Opt(20), reason: Opt(2000) }),
      async (req, reply) => {
        const actor = requireStaff(req);
        const reportId = Number(req.params.id);
        await punishReportedUploader(deps, actor, {
          reportId,
          kind: req.body.kind ?? '',
          days: Number(req.body.days ?? 'x'),
          reason: req.body.reason ?? '',
          ip: req.ip,
        });
        return after(reply, req, 'punish');
      },
    );
  };
}
