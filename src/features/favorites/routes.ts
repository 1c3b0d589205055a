import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, conflict, notFound, unauthorized } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormRenderer, FormState } from '../../web/form-state.ts';
import { parseId, requireUser, safeNext } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, IdParams, Next, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import * as service from './service.ts';
import { moveFormId, removeFormId, toggleFormId } from './views/favorite-button.tsx';
import { DELETE_FOLDER_FORM, FavoritesPage, NEW_FOLDER_FORM, RENAME_FOLDER_FORM } from './views/favorites-page.tsx';

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

    // A refused 收藏 / 移到 (too many favourites, a folder that is not or no longer the reader's) is 我的收藏 again:
    // the folder page (and page number) it was sent from, the sentence beside that row's folder select (which offers
    // the folders there are now); from any other page (a document, search results), the default folder with the
    // sentence and a link back there (`next`, checked as the redirect is). A script keeps its status.
    const togglePage: FormRenderer = async (req, reply, state, status) => {
      if (!req.user) throw notFound();
      const { id, back } = toggleTarget(req);
      const from = favoritesPageOf(back);
      const data = await service
        .getFolderPage(deps, req.user, from?.folderId, from?.page ?? 1)
        .catch(() => service.getFolderPage(deps, req.user!, undefined, 1));
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(FavoritesPage, { ctx, ...data, state, back: back || `/d/${id}` }), status);
    };
    const toggleForm = (action: 'favorite' | 'unfavorite') => ({
      id: (req: FastifyRequest) => {
        const { id, back } = toggleTarget(req);
        if (action === 'unfavorite') return removeFormId(id);
        // The only 收藏 form on 我的收藏 is a row's 移到.
        return favoritesPageOf(back) ? moveFormId(id) : toggleFormId(id);
      },
      render: togglePage,
    });

    const toggle = { params: IdParams, querystring: NoQuery, body: ActionBody({ folder: Opt(20), next: Next }) };
    for (const action of ['favorite', 'unfavorite'] as const) {
      const config = { ...TOGGLE_LIMIT, form: toggleForm(action) };
      app.post<ToggleRoute>(`/d/:id/${action}`, { schema: toggle, config }, async (req, reply) => {
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const back = safeNext(req.body?.next, `/d/${id}`);
        const user = loggedInOrLogin(req, reply, back);
        if (!user) return reply;
        const result =
          action === 'favorite'
            ? await addFromForm(req, () => service.addFavorite(deps, user, id, service.parseFolderId(req.body?.folder)))
            : await service.removeFavorite(deps, user, id);
        if (wantsJson(req))
          return reply
            .header('cache-control', 'no-store')
            .send({ ...result, countText: t('favorites.count', { n: result.count }) });
        return reply.redirect(back, 303);
      });
    }

    // A refused folder form is 我的收藏 again (the folder it was sent from, or the default one for a new folder)
    // with the sentence in that form and the name typed.
    const folderPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
      if (!req.user) throw notFound();
      const folderId = parseId((req.params as { id?: string }).id) ?? undefined;
      const data = await service
        .getFolderPage(deps, req.user, folderId, 1)
        .catch(() => service.getFolderPage(deps, req.user!, undefined, 1));
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(FavoritesPage, { ctx, ...data, state }), status);
    };
    const formOf = (id: string) => ({ form: { id, render: folderPage } });
    const done = (req: FastifyRequest, reply: FastifyReply, to: string) =>
      wantsJson(req) ? reply.send({ ok: true, location: to }) : reply.redirect(to, 303);

    const create = { querystring: NoQuery, body: FormBody({ name: Opt(200) }) };
    app.post<FolderRoute>(
      '/favorites/folders',
      { schema: create, config: formOf(NEW_FOLDER_FORM) },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = await service.createFolder(deps, user, req.body.name);
        return done(req, reply, `/favorites?folder=${id}&notice=created`);
      },
    );

    const rename = { params: IdParams, querystring: NoQuery, body: FormBody({ name: Opt(200) }) };
    app.post<FolderRoute>(
      '/favorites/folders/:id/rename',
      { schema: rename, config: formOf(RENAME_FOLDER_FORM) },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await service.renameFolder(deps, user, id, req.body.name);
        return done(req, reply, `/favorites?folder=${id}&notice=renamed`);
      },
    );

    const remove = { params: IdParams, querystring: NoQuery, body: FormBody({ mode: Opt(20) }) };
    app.post<FolderRoute>(
      '/favorites/folders/:id/delete',
      { schema: remove, config: formOf(DELETE_FOLDER_FORM) },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        await service.deleteFolder(deps, user, id, { removeDocuments: req.body.mode === 'remove' });
        return done(req, reply, '/favorites?notice=deleted');
      },
    );
  };
}

/** The document of a 收藏 post and where it was sent from (`next`, checked as the redirect is; '' when absent). */
function toggleTarget(req: FastifyRequest) {
  const id = parseId((req.params as { id?: string }).id) ?? 0;
  const next = (req.body as { next?: unknown } | null | undefined)?.next;
  return { id, back: next === undefined ? '' : safeNext(next, '') };
}

/** The folder and page of a 我的收藏 address (`/favorites?folder=3&page=2`), or undefined for any other page. */
function favoritesPageOf(back: string): { folderId: number | undefined; page: number } | undefined {
  if (!back) return undefined;
  const url = new URL(back, 'http://local');
  if (url.pathname !== '/favorites') return undefined;
  const folder = url.searchParams.get('folder');
  const page = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
  return { folderId: folder === null ? undefined : (parseId(folder) ?? undefined), page: page > 0 ? page : 1 };
}

/**
 * 收藏 into a folder from a page form: a folder that is not the reader's (deleted meanwhile, say) is a refusal of
 * that form, its sentence beside the folder select. A JSON client keeps its 400 or 404.
 */
async function addFromForm<T>(req: FastifyRequest, add: () => Promise<T>): Promise<T> {
  try {
    return await add();
  } catch (err) {
    if (wantsJson(req) || !(err instanceof AppError) || err.messageKey !== 'favorites.folderNotFound') throw err;
    throw conflict('favorites.folderNotFound').on('folder');
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
