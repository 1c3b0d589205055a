import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { type MessageKey, t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { requireStaff } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormRoute, IdParams, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import {
  changeRole,
  getUserForStaff,
  punishedUserOf,
  punishUser,
  revokePunishment,
  searchUsersForStaff,
} from './service.ts';
import { PUNISH_FORM, ROLE_FORM, revokeFormId, UserDetailPage, UsersPage } from './views/users-pages.tsx';

type Body = Record<string, string | undefined>;
const NOTICES = {
  punished: 'moderation.punished',
  revoked: 'moderation.revokedNotice',
  role: 'moderation.roleChanged',
};

/**
 * Renders /admin/users/:id again after a refused form on it (punish, role, and 全部下架 in documents/staff-routes):
 * the sentence in that form with what was typed.
 */
export function userDetailForm(web: WebContext, id: string | ((req: FastifyRequest) => string)) {
  const render = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
    requireStaff(req);
    const param = Number((req.params as { id: string }).id);
    // A punishment's 撤销 is posted to /admin/punishments/:id: its page is the punished user's.
    const userId = req.routeOptions.url?.startsWith('/admin/punishments/')
      ? await punishedUserOf(web.deps, param)
      : param;
    const detail = await getUserForStaff(web.deps, userId);
    reply.header('cache-control', 'private, no-store');
    const ctx = await web.pageContext(req, reply);
    return sendPage(reply, h(UserDetailPage, { ctx, detail, state }), status);
  };
  return { form: { id, render } };
}

/** The staff user list and one user's page: punish (ban/mute), lift a punishment, change the role (admin). */
export function moderationRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { q?: string; page?: string } }>(
      '/admin/users',
      { schema: { querystring: Query({ q: Opt(200), page: Opt(20) }) } },
      async (req, reply) => {
        requireStaff(req);
        const q = req.query.q ?? '';
        const page = Math.min(1000, Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1));
        const list = await searchUsersForStaff(deps, q, page);
        reply.header('cache-control', 'private, no-store');
        if (wantsJson(req)) return reply.send(list);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(UsersPage, { ctx, list, q, page }));
      },
    );

    app.get<{ Params: { id: string }; Querystring: { notice?: string } }>(
      '/admin/users/:id',
      { schema: { params: IdParams, querystring: Query({ notice: Opt(20) }) } },
      async (req, reply) => {
        requireStaff(req);
        const detail = await getUserForStaff(deps, Number(req.params.id));
        const key = NOTICES[req.query.notice as keyof typeof NOTICES];
        reply.header('cache-control', 'private, no-store');
        const ctx = await web.pageContext(req, reply, { flash: key ? t(key as MessageKey) : undefined });
        return sendPage(reply, h(UserDetailPage, { ctx, detail }));
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/users/:id/punish',
      {
        schema: { ...FormRoute({ kind: Opt(20), days: Opt(20), reason: Opt(2000) }), params: IdParams },
        config: userDetailForm(web, PUNISH_FORM),
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        const userId = Number(req.params.id);
        const id = await punishUser(deps, actor, {
          userId,
          kind: req.body.kind ?? '',
          days: Number(req.body.days ?? 'x'),
          reason: req.body.reason ?? '',
          ip: req.ip,
        });
        if (wantsJson(req)) return reply.status(201).send({ id });
        return reply.redirect(`/admin/users/${userId}?notice=punished`, 303);
      },
    );

    app.post<{ Params: { id: string } }>(
      '/admin/punishments/:id/revoke',
      {
        schema: { ...FormRoute({}), params: IdParams },
        // Lifted meanwhile (409): the user's page again with the sentence alone, not the error page.
        config: userDetailForm(web, (req) => revokeFormId((req.params as { id: string }).id)),
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        const punishmentId = Number(req.params.id);
        await revokePunishment(deps, actor, { punishmentId, ip: req.ip });
        if (wantsJson(req)) return reply.send({ ok: true });
        const back = req.headers.referer?.match(/\/admin\/users\/(\d+)/)?.[1];
        return reply.redirect(back ? `/admin/users/${back}?notice=revoked` : '/admin/users', 303);
      },
    );

    app.post<{ Params: { id: string }; Body: Body }>(
      '/admin/users/:id/role',
      { schema: { ...FormRoute({ role: Opt(20) }), params: IdParams }, config: userDetailForm(web, ROLE_FORM) },
      async (req, reply) => {
        const actor = requireStaff(req);
        const userId = Number(req.params.id);
        await changeRole(deps, actor, { userId, role: req.body.role ?? '', ip: req.ip });
        if (wantsJson(req)) return reply.send({ ok: true });
        return reply.redirect(`/admin/users/${userId}?notice=role`, 303);
      },
    );
  };
}
