import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, notFound, onField } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { formatBytes, formatDate } from '../../web/format.ts';
import { parseId, requireUser, safeNext } from '../../web/guards.ts';
import { readFirstFile } from '../../web/multipart.ts';
import { sendPage } from '../../web/render.ts';
import {
  ActionBody,
  FormBody,
  IdParams,
  MultipartBody,
  MultipartQuery,
  Next,
  NoQuery,
  Opt,
  PageQuery,
  Query,
} from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { listPublishedDocuments } from '../documents/service.ts';
import { AVATAR_MAX_BYTES, AVATAR_MAX_PIXELS, removeAvatar, setAvatar } from './avatar.ts';
import { sendAvatar } from './avatar-response.ts';
import { NICKNAME_CHANGE_DAYS } from './nickname.ts';
import * as service from './service.ts';
import { ProfilePage } from './views/profile-pages.tsx';
import { AVATAR_FORM, PROFILE_FORM, ProfileSettingsPage, type SettingsView } from './views/settings-page.tsx';

type FollowRoute = { Params: { id: string }; Body: { next?: string } | null };
type ProfileRoute = { Params: { id: string }; Querystring: { page?: string } };
type SettingsRoute = { Body: { displayName?: string; bio?: string; followsHidden?: string } };

const NOTICES: Record<string, 'profile.saved' | 'profile.avatar.saved' | 'profile.avatar.removed'> = {
  saved: 'profile.saved',
  avatar: 'profile.avatar.saved',
  avatarRemoved: 'profile.avatar.removed',
};

/** Uploader profiles, follow/unfollow, avatars and the profile settings form. */
export function userRoutes(web: WebContext) {
  const { deps } = web;

  /** The settings page, first shown or with one of its forms refused (FormState: which, and what was typed). */
  async function showSettings(req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) {
    const user = req.user!;
    const saved = await service.getProfileSettings(deps, user);
    const view: SettingsView = {
      userId: user.id,
      displayName: saved.displayName,
      bio: saved.bio,
      followsHidden: saved.followsHidden,
      avatarKey: saved.avatarKey,
      nextNameChange: saved.nextNameChange === undefined ? undefined : formatDate(saved.nextNameChange),
      nameChangeDays: NICKNAME_CHANGE_DAYS,
      avatarMax: formatBytes(AVATAR_MAX_BYTES),
      avatarMegapixels: AVATAR_MAX_PIXELS / 1e6,
    };
    const notice = state ? undefined : (req.query as { notice?: string } | undefined)?.notice;
    const flash = notice && NOTICES[notice] ? t(NOTICES[notice]!) : undefined;
    const ctx = await web.pageContext(req, reply, { flash });
    reply.header('cache-control', 'private, no-store');
    return sendPage(reply, h(ProfileSettingsPage, { ctx, view, state }), status);
  }

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
        followingCount: Number(profile.following_count),
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
    const followLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };
    for (const action of ['follow', 'unfollow'] as const) {
      app.post<FollowRoute>(`/u/:id/${action}`, { schema: followSchema, config: followLimit }, async (req, reply) => {
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

    // `v` (the start of the content hash) makes a versioned, immutable URL; without it the answer revalidates.
    const avatarSchema = { params: IdParams, querystring: Query({ v: Opt(64) }) };
    app.get<{ Params: { id: string }; Querystring: { v?: string } }>(
      '/u/:id/avatar',
      { schema: avatarSchema },
      async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        return sendAvatar(deps, req, reply, id);
      },
    );

    app.get<{ Querystring: { notice?: string } }>(
      '/settings/profile',
      { schema: { querystring: Query({ notice: Opt(20) }) } },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return showSettings(req, reply);
      },
    );

    const settings = {
      querystring: NoQuery,
      body: FormBody({ displayName: Opt(200), bio: Opt(2000), followsHidden: Opt(10) }),
    };
    const settingsConfig = {
      form: { id: PROFILE_FORM, render: showSettings },
      rateLimit: { max: 30, timeWindow: '1 hour' },
    };
    app.post<SettingsRoute>('/settings/profile', { schema: settings, config: settingsConfig }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      await service.updateMyProfile(deps, user, {
        displayName: req.body.displayName ?? '',
        bio: req.body.bio ?? '',
        followsHidden: req.body.followsHidden === '1',
      });
      if (wantsJson(req)) return reply.send({ ok: true });
      return reply.redirect('/settings/profile?notice=saved', 303);
    });

    // Multipart: the CSRF token is the body's first field. The size cap stops reading at 5 MB.
    app.post(
      '/settings/avatar',
      {
        schema: { querystring: MultipartQuery, body: MultipartBody },
        config: {
          csrf: 'multipart',
          form: { id: AVATAR_FORM, render: showSettings },
          rateLimit: { max: 20, timeWindow: '1 hour' },
        },
      },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        await onField('avatar', async () => {
          const bytes = await readFirstFile(req, AVATAR_MAX_BYTES);
          if (!bytes?.length) throw new AppError(400, 'bad_request', 'image.missing');
          await setAvatar(deps, user, bytes);
        });
        if (wantsJson(req)) return reply.send({ ok: true });
        return reply.redirect('/settings/profile?notice=avatar', 303);
      },
    );

    app.post(
      '/settings/avatar/remove',
      { schema: { querystring: NoQuery, body: ActionBody() } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        await removeAvatar(deps, user);
        if (wantsJson(req)) return reply.send({ ok: true });
        return reply.redirect('/settings/profile?notice=avatarRemoved', 303);
      },
    );
  };
}
