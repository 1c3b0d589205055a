import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import { wantsJson } from '../../web/error-handler.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { IdParams, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as service from './service.ts';
import { FeedPage } from './views/feed-page.tsx';
import { FollowListPage } from './views/follow-list-page.tsx';

type ListRoute = { Params: { id: string }; Querystring: { before?: string } };

/** 关注动态 (/following) and the follower / following lists of every user. */
export function followingRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const cursorQuery = Query({ before: Opt(40) });
    app.get<{ Querystring: { before?: string } }>(
      '/following',
      { schema: { querystring: cursorQuery } },
      async (req, reply) => {
        const user = requireUser(req, reply);
        if (!user) return reply;
        const feed = await service.getFeed(deps, user, req.query.before);
        reply.header('cache-control', 'private, no-store');
        if (wantsJson(req)) return reply.send(feed);
        const follows = await service.countFollowing(deps, user);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(FeedPage, { ctx, feed, first: !req.query.before, follows }));
      },
    );

    for (const kind of ['followers', 'following'] as const) {
      app.get<ListRoute>(
        `/u/:id/${kind}`,
        { schema: { params: IdParams, querystring: cursorQuery } },
        async (req, reply) => {
          const id = parseId(req.params.id);
          if (!id) throw notFound();
          const list = await service.getFollowList(deps, kind, id, req.user, req.query.before);
          if (wantsJson(req)) return reply.send(list);
          const ctx = await web.pageContext(req, reply);
          return sendPage(reply, h(FollowListPage, { ctx, kind, list, first: !req.query.before }));
        },
      );
    }
  };
}
