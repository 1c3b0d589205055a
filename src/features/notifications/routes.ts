import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { jsonResponses } from '../../web/api-schemas.ts';
import { wantsJson } from '../../web/error-handler.ts';
import { requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, NoQuery, PageQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { listNotifications, markAllNotificationsRead, openNotification, unreadCount } from './service.ts';
import { NotificationsPage } from './views/notifications-page.tsx';

const unreadSchema = {
  querystring: NoQuery,
  tags: ['notifications'],
  summary: 'Unread 站内信 count / 未读站内信数',
  response: jsonResponses({ 200: Type.Object({ unread: Type.Integer() }, { description: 'unread count / 未读数' }) }),
};

const pageOf = (raw: string | undefined) => Math.min(1000, Math.max(1, Number.parseInt(raw ?? '1', 10) || 1));

/** 站内信: the notification centre, opening one (marks it read and follows its link), marking all read. */
export function notificationRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { page?: string } }>(
      '/notifications',
      { schema: { querystring: PageQuery } },
      async (req, reply) => {
        const user = requireUser(req, reply);
        if (!user) return reply;
        const page = pageOf(req.query.page);
        const list = await listNotifications(deps, user, page);
        reply.header('cache-control', 'private, no-store');
        if (wantsJson(req)) return reply.send({ ...list, unread: await unreadCount(deps, user.id) });
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(NotificationsPage, { ctx, list, page }));
      },
    );

    const unreadRoute = { schema: unreadSchema, config: { apiToken: 'read' as const } };
    app.get('/api/notifications/unread', unreadRoute, async (req, reply) => {
      const user = requireUser(req, reply)!;
      return reply.header('cache-control', 'private, no-store').send({ unread: await unreadCount(deps, user.id) });
    });

    app.post<{ Params: { id: string } }>(
      '/notifications/:id/open',
      { schema: { params: IdParams, querystring: NoQuery, body: ActionBody() } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const link = await openNotification(deps, user, Number(req.params.id));
        if (wantsJson(req)) return reply.send({ link });
        return reply.redirect(link, 303);
      },
    );

    app.post(
      '/notifications/read-all',
      { schema: { querystring: NoQuery, body: ActionBody() } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        await markAllNotificationsRead(deps, user);
        if (wantsJson(req)) return reply.send({ unread: 0 });
        return reply.redirect('/notifications', 303);
      },
    );
  };
}
