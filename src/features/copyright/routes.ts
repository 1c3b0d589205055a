import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, notFound } from '../../errors.ts';
import { type MessageKey, t } from '../../i18n/t.ts';
import { describeError, wantsJson } from '../../web/error-handler.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, MultipartBody, MultipartQuery, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { claimDocumentId, fileClaim, getClaimableDocument } from './claims.ts';
import { fileCounterNotice, getCounterNoticeTarget } from './counter-notices.ts';
import { fileNotice, withdrawFiling } from './notices.ts';
import { type FormPart, PROOF_MAX_BYTES, PROOF_MAX_FILES, type ReceivedForm, receiveForm } from './proof-files.ts';
import { getFilingView, listMyFilings } from './read.ts';
import { ClaimPage, CopyrightPage, CounterNoticePage } from './views/filing-forms.tsx';
import { FilingPage } from './views/filing-page.tsx';
import { MyFilingsPage } from './views/list-pages.tsx';

/** Flash sentences after a redirect to a filing's page. */
export const FILING_FLASH: Record<string, MessageKey> = {
  submitted: 'copyright.submitted',
  claimed: 'copyright.claimSubmitted',
  countered: 'copyright.counterSubmitted',
  withdrawn: 'copyright.withdrawnFlash',
  takenDown: 'copyright.staff.done.takenDown',
  rejected: 'copyright.staff.done.rejected',
  approved: 'copyright.staff.done.approved',
  restored: 'copyright.staff.done.restored',
  kept: 'copyright.staff.done.kept',
};

/** Filings per address per hour (notices, claims and counter-notices together, per route). */
const FILINGS_PER_HOUR = 30;

/** Maps @fastify/multipart parts to the library-neutral shape the services take; proof files capped per request. */
async function* multipartParts(req: FastifyRequest): AsyncIterable<FormPart> {
  for await (const part of req.parts({ limits: { files: PROOF_MAX_FILES, fileSize: PROOF_MAX_BYTES + 1 } })) {
    if (part.type === 'file') yield { type: 'file', name: part.fieldname, filename: part.filename, stream: part.file };
    else yield { type: 'field', name: part.fieldname, value: String(part.value ?? '') };
  }
}

/**
 * Reads a multipart filing form and runs `use` on it. A refusal (4xx) is shown on the form again — the sentence
 * above it, what was typed still in it — unless the client wants JSON; a success redirects (or answers 201).
 */
async function handleFiling(
  web: WebContext,
  req: FastifyRequest,
  reply: FastifyReply,
  use: (form: ReceivedForm) => Promise<{ id: number; redirect: string }>,
  renderForm: (values: ReadonlyMap<string, string>, error: string) => Promise<FastifyReply | undefined>,
) {
  let form: ReceivedForm | undefined;
  try {
    form = await receiveForm(web.deps, multipartParts(req), 'proof');
    const done = await use(form);
    if (wantsJson(req)) return reply.status(201).send({ id: done.id });
    return reply.redirect(done.redirect, 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500 || err.status === 401 || wantsJson(req)) throw err;
    reply.status(err.status);
    const page = await renderForm(form?.fields ?? new Map(), describeError(reply, err));
    if (!page) throw err;
    return page;
  }
}

/** /copyright (explanation and notice form), the parties' filing pages, 认领 and counter-notices. */
export function copyrightRoutes(web: WebContext) {
  const { deps } = web;
  const multipart = {
    schema: { querystring: MultipartQuery, body: MultipartBody },
    config: { rateLimit: { max: FILINGS_PER_HOUR, timeWindow: '1 hour' } },
  };
  return async (app: FastifyInstance) => {
    app.get('/copyright', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(CopyrightPage, { ctx, values: new Map() }));
    });

    app.post('/copyright', multipart, async (req, reply) => {
      const user = requireUser(req, reply)!;
      return handleFiling(
        web,
        req,
        reply,
        async (form) => {
          const id = await fileNotice(deps, user, form);
          return { id, redirect: `/copyright/notices/${id}?notice=submitted` };
        },
        async (values, error) => {
          const ctx = await web.pageContext(req, reply);
          return sendPage(reply, h(CopyrightPage, { ctx, values, error }), reply.statusCode);
        },
      );
    });

    app.get('/copyright/notices', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const mine = await listMyFilings(deps, user);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(MyFilingsPage, { ctx, mine }));
    });

    const filingSchema = { params: IdParams, querystring: Query({ notice: Opt(20) }) };
    app.get<{ Params: { id: string }; Querystring: { notice?: string } }>(
      '/copyright/notices/:id',
      { schema: filingSchema },
      async (req, reply) => {
        const user = requireUser(req, reply);
        if (!user) return reply;
        const view = await getFilingView(deps, user, Number(req.params.id));
        const key = Object.hasOwn(FILING_FLASH, req.query.notice ?? '') ? FILING_FLASH[req.query.notice!] : undefined;
        const ctx = await web.pageContext(req, reply, { flash: key ? t(key) : undefined });
        return sendPage(reply, h(FilingPage, { ctx, view }));
      },
    );

    app.post<{ Params: { id: string } }>(
      '/copyright/notices/:id/withdraw',
      { schema: { params: IdParams, querystring: NoQuery, body: ActionBody() } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = Number(req.params.id);
        await withdrawFiling(deps, user, id);
        if (wantsJson(req)) return reply.send({ ok: true });
        return reply.redirect(`/copyright/notices/${id}?notice=withdrawn`, 303);
      },
    );

    app.get<{ Querystring: { doc?: string } }>(
      '/copyright/claim',
      { schema: { querystring: Query({ doc: Opt(40) }) } },
      async (req, reply) => {
        const user = requireUser(req, reply);
        if (!user) return reply;
        const doc = await getClaimableDocument(deps, user, claimDocumentId(req.query.doc));
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(ClaimPage, { ctx, doc, values: new Map() }));
      },
    );

    app.post('/copyright/claim', multipart, async (req, reply) => {
      const user = requireUser(req, reply)!;
      return handleFiling(
        web,
        req,
        reply,
        async (form) => {
          const id = await fileClaim(deps, user, form);
          return { id, redirect: `/copyright/notices/${id}?notice=claimed` };
        },
        async (values, error) => {
          // The form again when the document can still be claimed; otherwise the refusal alone is the answer.
          const doc = await getClaimableDocument(deps, user, claimDocumentId(values.get('doc'))).catch(() => undefined);
          if (!doc) return undefined;
          const ctx = await web.pageContext(req, reply);
          return sendPage(reply, h(ClaimPage, { ctx, doc, values, error }), reply.statusCode);
        },
      );
    });

    app.get<{ Params: { id: string } }>(
      '/d/:id/counter-notice',
      { schema: { params: IdParams, querystring: NoQuery } },
      async (req, reply) => {
        const user = requireUser(req, reply);
        if (!user) return reply;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const target = await getCounterNoticeTarget(deps, user, id);
        const ctx = await web.pageContext(req, reply);
        return sendPage(reply, h(CounterNoticePage, { ctx, target, values: new Map() }));
      },
    );

    app.post<{ Params: { id: string } }>(
      '/d/:id/counter-notice',
      { ...multipart, schema: { ...multipart.schema, params: IdParams } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = Number(req.params.id);
        return handleFiling(
          web,
          req,
          reply,
          async (form) => {
            const noticeId = await fileCounterNotice(deps, user, id, form);
            return { id: noticeId, redirect: `/copyright/notices/${noticeId}?notice=countered` };
          },
          async (values, error) => {
            const target = await getCounterNoticeTarget(deps, user, id);
            const ctx = await web.pageContext(req, reply);
            return sendPage(reply, h(CounterNoticePage, { ctx, target, values, error }), reply.statusCode);
          },
        );
      },
    );
  };
}
