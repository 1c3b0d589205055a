import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import { type MessageKey, t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireStaff } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, IdParams, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getConversation } from './service.ts';
import { listConversationsForStaff, replyAsStaff, setConversationStatus } from './staff.ts';
import {
  AdminConversationPage,
  AdminSupportPage,
  STAFF_REPLY_FORM,
  STAFF_STATUS_FORM,
} from './views/admin-support-pages.tsx';

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

    // A conversation, first shown or with its reply or status form refused (FormState: which, and what was typed).
    const conversationPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const id = parseId((req.params as { id?: string }).id);
      if (!id) throw notFound();
      const conversation = await getConversation(deps, requireStaff(req), id);
      if (!state && wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(conversation);
      const key = state ? undefined : (req.query as { notice?: string } | undefined)?.notice;
      const notice = key ? NOTICES[key] : undefined;
      const ctx = await web.pageContext(req, reply, { flash: notice ? t(notice) : undefined });
      return sendPage(reply, h(AdminConversationPage, { ctx, view: conversation, state }), status);
    };
    const form = (id: string) => ({ form: { id, render: conversationPage } });

    const view = { params: IdParams, querystring: Query({ notice: Opt(20) }) };
    app.get<{ Params: { id: string } }>('/admin/support/:id', { schema: view }, async (req, reply) =>
      conversationPage(req, reply),
    );

    const reply = { params: IdParams, querystring: NoQuery, body: FormBody({ body: Opt(50_000) }) };
    app.post<{ Params: { id: string }; Body: { body?: string } }>(
      '/admin/support/:id/reply',
      { schema: reply, config: form(STAFF_REPLY_FORM) },
      async (req, res) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await replyAsStaff(deps, requireStaff(req), id, req.body.body ?? '');
        if (wantsJson(req)) return res.status(201).send({ ok: true });
        return res.redirect(`/admin/support/${id}?notice=replied`, 303);
      },
    );

    const action = { params: IdParams, querystring: NoQuery, body: ActionBody() };
    for (const to of ['closed', 'open'] as const) {
      app.post<{ Params: { id: string } }>(
        to === 'closed' ? '/admin/support/:id/close' : '/admin/support/:id/reopen',
        { schema: action, config: form(STAFF_STATUS_FORM) },
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
