import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, notFound, unauthorized } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import { parseId, requireUser, safeNext } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, IdParams, Next, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as service from './service.ts';
import { FavoritesPage } from './views/favorites-page.tsx';

type ToggleRoute = { Params: { id: string }; Body: { folder?: string; next?: string } | null };
type PageRoute = { Querystring: { folder?: string; page?: string; notice?: string } };
type FolderRoute = { Params: { id: string }; Body: { name?: string; mode?: string } };

const NOTICES = {
  created: 'favorites.flash.created',
  renamed: 'favorites.flash.renamed',
  deleted: 'favorites.flash.deleted',
} as const;

/** Toggles that bump a document's revision: a burst from one address is refused before it churns page caches. */
const TOGGLE_LIMIT = { rateLimit: { max: 60, timeWindow: '1 minute' } };

/** 我的收藏 (/favorites), the 收藏 / 取消收藏 posts of documents, and the folder forms. */
export function favoriteRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const pageSchema = { querystring: Query({ folder: Opt(20), page: Opt(20), notice: Opt(20) }) };
    app.get<PageRoute>('/favorites', { schema: pageSchema }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const folderId = req.query.folder === undefined ? undefined : parseId(req.query.folder);
      if (req.query.folder !== undefined && !folderId) throw notFound('favorites.folderNotFound');
      const page = Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1);
      const data = await service.getFolderPage(deps, user, folderId, page);
      const notice = NOTICES[req.query.notice as keyof typeof NOTICES];
      const ctx = await web.pageContext(req, reply, notice ? { flash: t(notice) } : {});
      return sendPage(reply, h(FavoritesPage, { ctx, ...data }));
    });

    const toggle = { params: IdParams, querystring: NoQuery, body: ActionBody({ folder: Opt(20), next: Next }) };
    for (const action of ['favorite', 'unfavorite'] as const) {
      app.post<ToggleRoute>(`/d/:id/${action}`, { schema: toggle, config: TOGGLE_LIMIT }, async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const back = safeNext(req.body?.next, `/d/${id}`);
        const user = loggedInOrLogin(req, reply, back);
        if (!user) return reply;
        const result =
          action === 'favorite'
            ? await service.addFavorite(deps, user, id, service.parseFolderId(req.body?.folder))
            : await service.removeFavorite(deps, user, id);
        if (wantsJson(req))
          return reply
            .header('cache-control', 'no-store')
            .send({ ...result, countText: t('favorites.count', { n: result.count }) });
        return reply.redirect(back, 303);
      });
    }

    const create = { querystring: NoQuery, body: FormBody({ name: Opt(200) }) };
    app.post<FolderRoute>('/favorites/folders', { schema: create }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      return folderForm(req, reply, undefined, async () => {
        const id = await service.createFolder(deps, user, req.body.name);
        return `/favorites?folder=${id}&notice=created`;
      });
    });

    const rename = { params: IdParams, querystring: NoQuery, body: FormBody({ name: Opt(200) }) };
    app.post<FolderRoute>('/favorites/folders/:id/rename', { schema: rename }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      return folderForm(req, reply, id, async () => {
        await service.renameFolder(deps, user, id, req.body.name);
        return `/favorites?folder=${id}&notice=renamed`;
      });
    });

    const remove = { params: IdParams, querystring: NoQuery, body: FormBody({ mode: Opt(20) }) };
    app.post<FolderRoute>('/favorites/folders/:id/delete', { schema: remove }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      return folderForm(req, reply, id, async () => {
        await service.deleteFolder(deps, user, id, { removeDocuments: req.body.mode === 'remove' });
        return '/favorites?notice=deleted';
      });
    });
  };

  /**
   * Runs a folder form's action and redirects; a refusal (name taken, too long, too many folders) shows the page
   * again with the message, as a form does without script. JSON clients get the error as usual.
   */
  async function folderForm(
    req: FastifyRequest,
    reply: FastifyReply,
    folderId: number | undefined,
    act: () => Promise<string>,
  ) {
    try {
      const to = await act();
      if (wantsJson(req)) return reply.send({ ok: true, location: to });
      return reply.redirect(to, 303);
    } catch (err) {
      if (!(err instanceof AppError) || wantsJson(req) || err.status === 404) throw err;
      const data = await service
        .getFolderPage(deps, req.user!, folderId, 1)
        .catch(() => service.getFolderPage(deps, req.user!, undefined, 1));
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(FavoritesPage, { ctx, ...data, error: t(err.messageKey, err.params) }), err.status);
    }
  }
}

/**
 * The user behind a 收藏 post. A visitor (say, whose session ended while the page was open) is sent to log in and
 * back to where they were; a script gets 401.
 */
function loggedInOrLogin(req: FastifyRequest, reply: FastifyReply, back: string) {
  if (req.user) return req.user;
  if (wantsJson(req)) throw unauthorized();
  void reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
  return undefined;
}
