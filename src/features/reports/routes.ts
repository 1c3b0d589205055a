import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormBody, IdParams, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { fileCommentReport, getCommentReportTarget } from './comment-reports.ts';
import { fileReport, getReportTarget } from './service.ts';
import { CommentReportPage } from './views/comment-report-page.tsx';
import { REPORT_FORM } from './views/report-form.tsx';
import { ReportPage } from './views/report-page.tsx';

type ReportFormRoute = { Params: { id: string }; Querystring: { done?: string } };
type ReportRoute = { Params: { id: string }; Body: { reason?: string; detail?: string } };

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
    // A report page, first shown, after a submit (?done=1), or with the refused submit (FormState).
    const reportPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const id = parseId((req.params as { id?: string }).id);
      if (!id) throw notFound();
      const done = !state && (req.query as { done?: string } | undefined)?.done === '1';
      const ctx = await web.pageContext(req, reply);
      if (req.routeOptions.url?.startsWith('/comments/')) {
        const comment = await getCommentReportTarget(deps, id);
        return sendPage(reply, h(CommentReportPage, { ctx, comment, done, state }), status);
      }
      const doc = await getReportTarget(deps, id);
      return sendPage(reply, h(ReportPage, { ctx, doc, done, state }), status);
    };
    const config = {
      form: { id: REPORT_FORM, render: reportPage },
      rateLimit: { max: web.limits.reportsPerHour, timeWindow: '1 hour' },
    };
    const json = (req: FastifyRequest) => (req.headers.accept ?? '').includes('application/json');

    app.get<ReportFormRoute>('/d/:id/report', { schema: form }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      return reportPage(req, reply);
    });

    app.post<ReportRoute>('/d/:id/report', { schema: submit, config }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const values = { reason: req.body.reason ?? '', detail: req.body.detail ?? '' };
      const reportId = await fileReport(deps, user, { documentId: id, ...values });
      if (json(req)) return reply.status(201).send({ id: reportId });
      return reply.redirect(`/d/${id}/report?done=1`, 303);
    });

    // 举报评论: the same form and rules for a comment (its own reasons; one open report per reader and comment).
    app.get<ReportFormRoute>('/comments/:id/report', { schema: form }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      return reportPage(req, reply);
    });

    app.post<ReportRoute>('/comments/:id/report', { schema: submit, config }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const values = { reason: req.body.reason ?? '', detail: req.body.detail ?? '' };
      const reportId = await fileCommentReport(deps, user, { commentId: id, ...values });
      if (json(req)) return reply.status(201).send({ id: reportId });
      return reply.redirect(`/comments/${id}/report?done=1`, 303);
    });
  };
}
