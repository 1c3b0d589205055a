import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { t } from '../../i18n/t.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { contentDisposition } from '../../web/content-disposition.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormRoute, FormState } from '../../web/form-state.ts';
import { requireStaff } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParam, IdParams, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { approveClaim } from './claims.ts';
import { decideCounterNotice, rejectFiling, takeDownNoticeDocuments } from './notices.ts';
import { getFilingView, getProofFile, listFilingQueue } from './read.ts';
import { FILING_FLASH } from './routes.ts';
import { FilingPage } from './views/filing-page.tsx';
import { FilingQueuePage } from './views/list-pages.tsx';

type Reason = { reason?: string } | null;
const reasonBody = ActionBody({ reason: Opt(2000) });

/** After a staff action: JSON `{ok}` or back to the filing's staff page with a sentence. */
function done(req: FastifyRequest, reply: FastifyReply, id: number, notice: keyof typeof FILING_FLASH) {
  if (wantsJson(req)) return reply.send({ ok: true });
  return reply.redirect(`/admin/notices/${id}?notice=${notice}`, 303);
}

/** /admin/notices: the staff queue of copyright notices and claims, their pages, decisions and proof files. */
export function copyrightAdminRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { filter?: string; page?: string } }>(
      '/admin/notices',
      { schema: { querystring: Query({ filter: Opt(20), page: Opt(20) }) } },
      async (req, reply) => {
        requireStaff(req);
        const filter = req.query.filter === 'all' ? 'all' : 'open';
        const page = Math.min(1000, Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1));
        const queue = await listFilingQueue(deps, filter, page);
        if (wantsJson(req)) return reply.header('cache-control', 'private, no-store').send(queue);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(FilingQueuePage, { ctx, queue, filter, page }));
      },
    );

    // A filing's staff page, first shown or with one of its decision forms refused (FormState: which, what was typed).
    const filingPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const staff = requireStaff(req);
      const view = await getFilingView(deps, staff, Number((req.params as { id: string }).id));
      const notice = state ? undefined : (req.query as { notice?: string } | undefined)?.notice;
      const key = Object.hasOwn(FILING_FLASH, notice ?? '') ? FILING_FLASH[notice!] : undefined;
      const ctx = await web.pageContext(req, reply, { flash: key ? t(key) : undefined });
      return sendPage(reply, h(FilingPage, { ctx, view, state }), status);
    };
    const form = (id: FormRoute['id']) => ({ form: { id, render: filingPage } });
    const docForm = (decision: string) =>
      form((req) => `${decision}-${(req.params as { docId?: string }).docId ?? ''}`);

    app.get<{ Params: { id: string }; Querystring: { notice?: string } }>(
      '/admin/notices/:id',
      { schema: { params: IdParams, querystring: Query({ notice: Opt(20) }) } },
      async (req, reply) => filingPage(req, reply),
    );

    // Proof and evidence files: staff only, always a download, never sniffed or rendered by the browser.
    app.get<{ Params: { id: string } }>(
      '/admin/notices/files/:id',
      { schema: { params: IdParams, querystring: NoQuery } },
      async (req, reply) => {
        const staff = requireStaff(req);
        const file = await getProofFile(deps, staff, Number(req.params.id));
        const key = parseBlobKey(file.blob_key);
        const size = await deps.blobs.size(key);
        if (size === undefined) return reply.callNotFound();
        return reply
          .header('content-type', file.mime)
          .header('content-disposition', contentDisposition(file.filename))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('content-length', size)
          .send(deps.blobs.read(key));
      },
    );

    const action = { params: IdParams, querystring: NoQuery, body: reasonBody };
    const takeDown = { schema: action, config: form('take-down') };
    app.post<{ Params: { id: string } }>('/admin/notices/:id/take-down', takeDown, async (req, reply) => {
      const staff = requireStaff(req);
      const id = Number(req.params.id);
      await takeDownNoticeDocuments(deps, staff, { noticeId: id, ip: req.ip });
      return done(req, reply, id, 'takenDown');
    });

    app.post<{ Params: { id: string }; Body: Reason }>(
      '/admin/notices/:id/reject',
      { schema: action, config: form('reject') },
      async (req, reply) => {
        const staff = requireStaff(req);
        const id = Number(req.params.id);
        await rejectFiling(deps, staff, { noticeId: id, reason: req.body?.reason ?? '', ip: req.ip });
        return done(req, reply, id, 'rejected');
      },
    );

    app.post<{ Params: { id: string }; Body: Reason }>(
      '/admin/notices/:id/approve',
      { schema: action, config: form('approve') },
      async (req, reply) => {
        const staff = requireStaff(req);
        const id = Number(req.params.id);
        await approveClaim(deps, staff, { noticeId: id, reason: req.body?.reason ?? '', ip: req.ip });
        return done(req, reply, id, 'approved');
      },
    );

    const docAction = {
      params: Type.Object({ id: IdParam, docId: IdParam }),
      querystring: NoQuery,
      body: reasonBody,
    };
    for (const [path, decision] of [
      ['restore', 'restore'],
      ['keep-down', 'keep'],
    ] as const) {
      app.post<{ Params: { id: string; docId: string }; Body: Reason }>(
        `/admin/notices/:id/documents/:docId/${path}`,
        { schema: docAction, config: docForm(path === 'restore' ? 'restore' : 'keep') },
        async (req, reply) => {
          const staff = requireStaff(req);
          const id = Number(req.params.id);
          await decideCounterNotice(deps, staff, {
            noticeId: id,
            documentId: Number(req.params.docId),
            decision,
            reason: req.body?.reason ?? '',
            ip: req.ip,
          });
          return done(req, reply, id, decision === 'restore' ? 'restored' : 'kept');
        },
      );
    }
  };
}
