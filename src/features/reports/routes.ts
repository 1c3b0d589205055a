import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { AppError, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormBody, IdParams, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { fileCommentReport, getCommentReportTarget } from './comment-reports.ts';
import { fileReport, getReportTarget } from './service.ts';
import { CommentReportPage } from './views/comment-report-page.tsx';
import { ReportPage } from './views/report-page.tsx';

type ReportFormRoute = { Params: { id: string }; Querystring: { done?: string } };

/** 违规举报 form and submission. */
export function reportRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const form = { params: IdParams, querystring: Query({ done: Opt(20) }) };
    const submit = {
      params: IdParams,
      querystring: NoQuery,
      body: FormBody({ reason: Opt(200), detail: Opt(10_000) }),
    };
    app.get<ReportFormRoute>('/d/:id/report', { schema: form }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const doc = await getReportTarget(deps, id);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(ReportPage, { ctx, doc, done: req.query.done === '1' }));
    });

    app.post<{ Params: { id: string }; Body: { reason?: string; detail?: string } }>(
      '/d/:id/report',
      { schema: submit, config: { rateLimit: { max: web.limits.reportsPerHour, timeWindow: '1 hour' } } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const values = { reason: req.body.reason ?? '', detail: req.body.detail ?? '' };
        try {
          const reportId = await fileReport(deps, user, { documentId: id, ...values });
          if ((req.headers.accept ?? '').includes('application/json')) return reply.status(201).send({ id: reportId });
          return reply.redirect(`/d/${id}/report?done=1`, 303);
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 400) throw err;
          const doc = await getReportTarget(deps, id);
          const ctx = await web.pageContext(req, reply);
          return sendPage(reply, h(ReportPage, { ctx, doc, done: false, values, error: t(err.messageKey) }), 400);
        }
      },
    );

    // 举报评论: the same form and rules for a comment (its own reasons; one open report per reader and comment).
    app.get<ReportFormRoute>('/comments/:id/report', { schema: form }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const comment = await getCommentReportTarget(deps, id);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(CommentReportPage, { ctx, comment, done: req.query.done === '1' }));
    });

    app.post<{ Params: { id: string }; Body: { reason?: string; detail?: string } }>(
      '/comments/:id/report',
      { schema: submit, config: { rateLimit: { max: web.limits.reportsPerHour, timeWindow: '1 hour' } } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const values = { reason: req.body.reason ?? '', detail: req.body.detail ?? '' };
        try {
          const reportId = await fileCommentReport(deps, user, { commentId: id, ...values });
          if ((req.headers.accept ?? '').includes('application/json')) return reply.status(201).send({ id: reportId });
          return reply.redirect(`/comments/${id}/report?done=1`, 303);
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 400) throw err;
          const comment = await getCommentReportTarget(deps, id);
          const ctx = await web.pageContext(req, reply);
          const page = h(CommentReportPage, { ctx, comment, done: false, values, error: t(err.messageKey) });
          return sendPage(reply, page, 400);
        }
      },
    );
  };
}
