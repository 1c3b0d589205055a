import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { AppError, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { parseId, requireUser, safeNext } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, IdParams, Next, NoQuery, Opt, PageQuery } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { listPublishedDocuments } from '../documents/service.ts';
import * as service from './service.ts';
import { ProfilePage, ProfileSettingsPage } from './views/profile-pages.tsx';

type FollowRoute = { Params: { id: string }; Body: { next?: string } | null };
type ProfileRoute = { Params: { id: string }; Querystring: { page?: string } };
type SettingsRoute = { Body: { displayName?: string; bio?: string } };

/** Uploader profiles, follow/unfollow, avatars and the profile settings form. */
export function userRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const byId = { params: IdParams, querystring: NoQuery };
    const profile = { params: IdParams, querystring: PageQuery };
    app.get<ProfileRoute>('/u/:id', { schema: profile }, async (req, reply) => {
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const { profile, following } = await service.getProfile(deps, id, req.user);
      const page = Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1);
      const list = await listPublishedDocuments(deps, { order: 'latest', ownerId: id, page, pageSize: 20 });
      const ctx = await web.pageContext(req, reply);
      const user = {
        id: profile.id,
        name: profile.display_name,
        bio: profile.bio,
        avatarKey: profile.avatar_key,
        verified: profile.real_name_verified === 1,
        provider: profile.is_provider === 1,
        followers: profile.follower_count,
        joinedAt: profile.created_at,
      };
      return sendPage(
        reply,
        h(ProfilePage, {
          ctx,
          user,
          following,
          docs: list.rows,
          total: list.total,
          page: list.page,
          pages: list.pages,
        }),
      );
    });

    const followSchema = { ...byId, body: ActionBody({ next: Next }) };
    for (const action of ['follow', 'unfollow'] as const) {
      app.post<FollowRoute>(`/u/:id/${action}`, { schema: followSchema }, async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        if (action === 'follow') await service.followUser(deps, user, id);
        else await service.unfollowUser(deps, user, id);
        if ((req.headers.accept ?? '').includes('application/json'))
          return reply.send({ following: action === 'follow' });
        return reply.redirect(safeNext(req.body?.next, `/u/${id}`), 303);
      });
    }

    app.get<{ Params: { id: string } }>('/u/:id/avatar', { schema: byId }, async (req, reply) => {
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const { profile } = await service.getProfile(deps, id, undefined);
      if (!profile.avatar_key) throw notFound();
      return reply
        .type('image/png')
        .header('cache-control', 'public, max-age=3600')
        .send(deps.blobs.read(parseBlobKey(profile.avatar_key)));
    });

    app.get('/settings/profile', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const { profile } = await service.getProfile(deps, user.id, user);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(ProfileSettingsPage, { ctx, displayName: profile.display_name, bio: profile.bio }));
    });

    const settings = { querystring: NoQuery, body: FormBody({ displayName: Opt(200), bio: Opt(2000) }) };
    app.post<SettingsRoute>('/settings/profile', { schema: settings }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const input = { displayName: req.body.displayName ?? '', bio: req.body.bio ?? '' };
      try {
        await service.updateMyProfile(deps, user, input);
        return reply.redirect(`/u/${user.id}`, 303);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const ctx = await web.pageContext(req, reply);
        return sendPage(
          reply,
          h(ProfileSettingsPage, { ctx, ...input, error: t(err.messageKey, err.params) }),
          err.status,
        );
      }
    });
  };
}
