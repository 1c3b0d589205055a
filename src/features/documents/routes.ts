import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import type { PageContext, SessionUser } from '../../web/context.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import type { AnonymousPages, PageVersionTag } from '../../web/front-cache.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { multipartParts } from '../../web/multipart.ts';
import { negotiateCoding } from '../../web/page-cache.ts';
import { renderDocument, sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getCommentSection } from '../comments/service.ts';
import { favoriteStateFor } from '../favorites/service.ts';
import { FavoriteBox } from '../favorites/views/favorite-button.tsx';
import { ratingStateFor } from '../ratings/service.ts';
import { RatingBox } from '../ratings/views/rating-box.tsx';
import { getSiteSettings } from '../site/service.ts';
import { isRealNameVerified } from '../verification/service.ts';
import { downloadSchema, statusSchema, UploadForm, uploadSchema } from './api-schemas.ts';
import { BoughtButDeletedError } from './bought-deleted.ts';
import * as service from './service.ts';
import { TakenDownError } from './takedown.ts';
import { acceptUpload } from './upload.ts';
import { BoughtDeletedPage } from './views/bought-deleted-page.tsx';
import { ConfirmDeletePage } from './views/confirm-delete-page.tsx';
import { DocumentPageView } from './views/document-page.tsx';
import { MyDocumentsPage, statusLabel } from './views/my-documents-page.tsx';
import { TakenDownPage } from './views/taken-down-page.tsx';
import { UPLOAD_FORM, UploadPage } from './views/upload-page.tsx';

type ListQuery = { page?: string; notice?: string };
type DocumentPageRoute = { Params: { id: string }; Querystring: { purchased?: string } };

/** Upload, document page, delete, download and the uploader's status list. */
export function documentRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    const byId = { params: IdParams, querystring: NoQuery };
    // The upload page, first shown or after a refused submit (FormState: the sentence and what was typed).
    const uploadPage = async (
      req: FastifyRequest,
      reply: FastifyReply,
      state: FormState | undefined,
      status: number,
    ) => {
      const ctx = await web.pageContext(req, reply);
      const priceHint = service.uploadPriceHint(deps, ctx.site.maxPrice);
      const canSell = await isRealNameVerified(deps, ctx.user!.id);
      const maxBytes = deps.config.upload.maxBytes;
      return sendPage(reply, h(UploadPage, { ctx, maxBytes, priceHint, canSell, state }), status);
    };

    app.get('/upload', { schema: { querystring: NoQuery } }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      return uploadPage(req, reply, undefined, 200);
    });

    app.post(
      '/upload',
      {
        schema: uploadSchema,
        config: {
          csrf: 'multipart',
          form: { id: UPLOAD_FORM, render: uploadPage },
          rateLimit: { max: web.limits.uploadsPerAddressPerHour, timeWindow: '1 hour' },
          apiToken: 'upload',
          apiBody: { contentType: 'multipart/form-data', schema: UploadForm },
        },
      },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        // Per user, before a byte of the file is read: an office behind one address is not one uploader.
        await service.assertMayUpload(deps, user, web.limits.uploadsPerHour);
        const id = await acceptUpload(deps, user.id, multipartParts(req));
        if (wantsJson(req)) return reply.status(201).send({ id, status: 'uploaded' });
        return reply.redirect(`/my/documents?notice=uploaded#doc-${id}`, 303);
      },
    );

    const myDocuments = { querystring: Query({ page: Opt(20), notice: Opt(20) }) };
    app.get<{ Querystring: ListQuery }>('/my/documents', { schema: myDocuments }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const page = Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1);
      const docs = await service.listMyDocuments(deps, user, page);
      const flash =
        req.query.notice === 'uploaded'
          ? t('upload.accepted')
          : req.query.notice === 'deleted'
            ? t('document.deleted')
            : undefined;
      const ctx = await web.pageContext(req, reply, { flash });
      return sendPage(reply, h(MyDocumentsPage, { ctx, docs, page }));
    });

    const statusRoute = { schema: statusSchema, config: { apiToken: 'read' as const } };
    app.get<{ Params: { id: string } }>('/api/documents/:id/status', statusRoute, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const doc = await service.getDocumentStatus(deps, id, user);
      return reply.header('cache-control', 'no-store').send({
        id: doc.id,
        status: doc.status,
        label: t(`status.${doc.status}`),
        reason: statusLabel(doc).reason ?? null,
        pages: doc.page_count,
      });
    });

    const documentPage = { params: IdParams, querystring: Query({ purchased: Opt(20) }) };
    app.get<DocumentPageRoute>('/d/:id', { schema: documentPage }, async (req, reply) => {
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      try {
        if (req.user) {
          const page = await service.getDocumentPage(deps, id, req.user);
          const autoDownload = req.query.purchased === '1' && page.purchased;
          const ctx = await web.pageContext(req, reply, autoDownload ? { flash: t('credits.purchased') } : {});
          const boxes = await engagementBoxes(web, ctx, page, req.user);
          const comments = await commentsOf(web, page, req.user);
          return sendPage(reply, h(DocumentPageView, { ctx, page, autoDownload, ...boxes, comments }));
        }
        return await sendAnonymousDocumentPage(web, id, req, reply);
      } catch (err) {
        if (err instanceof BoughtButDeletedError && !wantsJson(req)) {
          const ctx = await web.pageContext(req, reply);
          const view = h(BoughtDeletedPage, { ctx, documentId: err.documentId, fileName: err.fileName });
          return sendPage(reply, view, 410);
        }
        // A taken-down document: the notice page (never cached: only published pages are), JSON clients the error.
        if (!(err instanceof TakenDownError) || wantsJson(req)) throw err;
        const ctx = await web.pageContext(req, reply);
        const owner = req.user?.id === err.ownerId ? { documentId: id, note: err.note } : undefined;
        const message = t(err.messageKey, err.params);
        return sendPage(reply, h(TakenDownPage, { ctx, status: err.status, message, owner }), err.status);
      }
    });

    app.get<{ Params: { id: string } }>('/d/:id/delete', { schema: byId }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const doc = await service.getDeletableDocument(deps, id, user);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(ConfirmDeletePage, { ctx, doc }));
    });

    const deleteAction = { ...byId, body: ActionBody() };
    app.post<{ Params: { id: string } }>('/d/:id/delete', { schema: deleteAction }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      await service.deleteDocument(deps, id, user);
      if ((req.headers.accept ?? '').includes('application/json')) return reply.send({ id, status: 'deleted' });
      return reply.redirect('/my/documents?notice=deleted', 303);
    });

    const downloadRoute = { schema: downloadSchema, config: { apiToken: 'read' as const } };
    app.get<{ Params: { id: string } }>('/d/:id/download', downloadRoute, async (req, reply) => {
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      if (!req.user) return reply.redirect(`/login?next=${encodeURIComponent(`/d/${id}`)}`, 303);
      // Authorised downloads get a short-lived URL bound to this user (served by the credits routes, with ranges);
      // a paid document not bought yet goes to the purchase confirmation instead.
      const next = await service.authorizeDownload(deps, id, req.user, req.ip);
      return reply.header('cache-control', 'private, no-store').redirect(next, 303);
    });
  };
}

/**
 * The 收藏 and 评分 boxes of a document page: the counts come with the document row (its revision covers them for
 * the anonymous cache); the viewer's side is one call to each feature (no query for a visitor).
 */
async function engagementBoxes(
  web: WebContext,
  ctx: PageContext,
  page: service.DocumentPage,
  viewer: SessionUser | undefined,
  form?: FormState,
) {
  const { doc } = page;
  if (doc.status !== 'published') return {};
  const [favorite, rating] = await Promise.all([
    favoriteStateFor(web.deps, viewer, doc.id),
    ratingStateFor(web.deps, viewer, doc),
  ]);
  return {
    favorite: h(FavoriteBox, { ctx, documentId: doc.id, count: doc.favorite_count, state: favorite }),
    rating: h(RatingBox, {
      ctx,
      documentId: doc.id,
      avg: doc.rating_avg,
      count: doc.rating_count,
      state: rating,
      form,
    }),
  };
}

/**
 * Renders a logged-in reader's document page again after a refused form on it (the 评分 form: `ratings/routes.ts`),
 * the sentence beside the refused field and what was chosen.
 */
export function documentPageForm(web: WebContext) {
  return async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
    const id = parseId((req.params as { id?: string }).id);
    if (!id || !req.user) throw notFound();
    const page = await service.getDocumentPage(web.deps, id, req.user);
    const ctx = await web.pageContext(req, reply);
    const boxes = await engagementBoxes(web, ctx, page, req.user, state);
    const comments = await commentsOf(web, page, req.user);
    return sendPage(reply, h(DocumentPageView, { ctx, page, autoDownload: false, ...boxes, comments }), status);
  };
}

/** The first page of a published document's comments, for this viewer (none on other states' pages). */
function commentsOf(web: WebContext, page: service.DocumentPage, viewer: FastifyRequest['user']) {
  return page.doc.status === 'published' ? getCommentSection(web.deps, page.doc.id, viewer) : undefined;
}

/**
 * The ETag of a published document's anonymous page, from one indexed lookup of the document, uploader and site
 * revisions (plus the asset versions); undefined when the document is not published.
 */
export async function anonymousPageVersion(web: WebContext, id: number): Promise<PageVersionTag | undefined> {
  return toPageVersionTag(web, id, await service.getDocumentPageVersion(web.deps, id));
}

/** As anonymousPageVersion, synchronously where the database allows; null = not published, undefined = ask async. */
export function anonymousPageVersionSync(web: WebContext, id: number): PageVersionTag | null | undefined {
  const version = service.getDocumentPageVersionSync(web.deps, id);
  if (version === undefined) return undefined;
  return toPageVersionTag(web, id, version ?? undefined) ?? null;
}

function toPageVersionTag(
  web: WebContext,
  id: number,
  version: Awaited<ReturnType<typeof service.getDocumentPageVersion>>,
): PageVersionTag | undefined {
  if (version?.status !== 'published') return undefined;
  return {
    etag: `W/"d${id}-${version.rev}-${version.owner_rev}-${version.site_rev}-${web.assets.css}${web.assets.js}"`,
    siteRev: Number(version.site_rev),
  };
}

/** Headers of every anonymous document page response. */
export const ANONYMOUS_PAGE_HEADERS = {
  'cache-control': 'public, max-age=0, must-revalidate',
  vary: 'Cookie, Accept-Encoding',
  'content-type': 'text/html; charset=utf-8',
} as const;

/** The document page's versions and headers, for the front cache (plugged in by the composition root). */
export const anonymousDocumentPages: AnonymousPages = {
  version: anonymousPageVersion,
  versionSync: anonymousPageVersionSync,
  headers: ANONYMOUS_PAGE_HEADERS,
};

/**
 * The anonymous document page, the bulk of a 文库's traffic: a matching ETag answers 304, a cached render is sent
 * as is (already compressed), and only a miss renders. Hits are usually answered earlier still, by the front
 * cache (web/front-cache.ts); this is the path that fills the cache.
 */
async function sendAnonymousDocumentPage(web: WebContext, id: number, req: FastifyRequest, reply: FastifyReply) {
  const version = await anonymousPageVersion(web, id);
  if (!version) {
    // 404/410 and unpublished states take the ordinary path (they are rare and must not be cached as pages).
    await service.getDocumentPage(web.deps, id, undefined);
    throw notFound();
  }
  const { etag } = version;
  reply.headers(ANONYMOUS_PAGE_HEADERS).header('etag', etag);
  if (req.headers['if-none-match'] === etag) return reply.status(304).send();
  const key = `/d/${id}`;
  let page = web.pageCache.get(key, etag);
  if (!page) {
    // Settings cached in this process may be older than the revision in the ETag; make sure they are not.
    await getSiteSettings(web.deps, { minRev: version.siteRev });
    const view = await service.getDocumentPage(web.deps, id, undefined);
    const ctx = await web.pageContext(req, reply);
    const boxes = await engagementBoxes(web, ctx, view, undefined);
    const comments = await commentsOf(web, view, undefined);
    page = web.pageCache.set(
      key,
      etag,
      Buffer.from(renderDocument(h(DocumentPageView, { ctx, page: view, ...boxes, comments }))),
    );
  }
  const coding = negotiateCoding(req.headers['accept-encoding']);
  if (coding !== 'identity') reply.header('content-encoding', coding);
  return reply.send(page.encoded(coding));
}
