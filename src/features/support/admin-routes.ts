import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { AppError, notFound } from '../../errors.ts';
import { type MessageKey, t } from '../../i18n/t.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { parseId, requireStaff } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, IdParams, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getConversation } from './service.ts';
import { listConversationsForStaff, replyAsStaff, setConversationStatus } from './staff.ts';
import { AdminConversationPage, AdminSupportPage } from './views/admin-support-pages.tsx';

const NOTICES: Record<string, MessageKey> = {
  replied: 'support.admin.replied',
  closed: 'support.admin.closedNotice',
  reopened: 'support.admin.reopenedNotice',
};

/** /admin/support: the operators' side of the 客服 inbox (moderators and admins). */
export function supportAdminRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    // Encapsulated: guards exactly these routes, before anything else runs (visitors 401 → login, users 403).
    app.addHook('onRequest', async (req) => {
      requireStaff(req);
    });

    const list = { querystring: Query({ status: Opt(20), page: Opt(20) }) };
    app.get<{ Querystring: { status?: string; page?: string } }>(
      '/admin/support',
      { schema: list },
      async (req, reply) => {
        const closed = req.query.status === 'closed';
        const page = Number.parseInt(req.query.page ?? '1', 10) || 1;
        const result = await listConversationsForStaff(deps, requireStaff(req), { closed, page });
        if (wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(result);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(AdminSupportPage, { ctx, list: result, closed }));
      },
    );

    const view = { params: IdParams, querystring: Query({ notice: Opt(20) }) };
    app.get<{ Params: { id: string }; Querystring: { notice?: string } }>(
      '/admin/support/:id',
      { schema: view },
      async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const conversation = await getConversation(deps, requireStaff(req), id);
        if (wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(conversation);
        const notice = req.query.notice ? NOTICES[req.query.notice] : undefined;
        const ctx = await web.pageContext(req, reply, { flash: notice ? t(notice) : undefined });
        return sendPage(reply, h(AdminConversationPage, { ctx, view: conversation }));
      },
    );

    const reply = { params: IdParams, querystring: NoQuery, body: FormBody({ body: Opt(50_000) }) };
    app.post<{ Params: { id: string }; Body: { body?: string } }>(
      '/admin/support/:id/reply',
      { schema: reply },
      async (req, res) => {
        const actor = requireStaff(req);
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        try {
          await replyAsStaff(deps, actor, id, req.body.body ?? '');
        } catch (err) {
          if (!(err instanceof AppError) || err.status >= 500 || wantsJson(req)) throw err;
          const conversation = await getConversation(deps, actor, id);
          const ctx = await web.pageContext(req, res);
          const error = describeError(res, err);
          return sendPage(res, h(AdminConversationPage, { ctx, view: conversation, error }), err.status);
        }
        if (wantsJson(req)) return res.status(201).send({ ok: true });
        return res.redirect(`/admin/support/${id}?notice=replied`, 303);
      },
    );

    const action = { params: IdParams, querystring: NoQuery, body: ActionBody() };
    for (const to of ['closed', 'open'] as const) {
      app.post<{ Params: { id: string } }>(
        to === 'closed' ? '/admin/support/:id/close' : '/admin/support/:id/reopen',
        { schema: action },
        async (req, res) => {
          const id = parseId(req.params.id);
          if (!id) throw notFound();
          await setConversationStatus(deps, requireStaff(req), { conversationId: id, to, ip: req.ip });
          if (wantsJson(req)) return res.send({ id, status: to });
          return res.redirect(`/admin/support/${id}?notice=${to === 'closed' ? 'closed' : 'reopened'}`, 303);
        },
      );
    }
  };
}
