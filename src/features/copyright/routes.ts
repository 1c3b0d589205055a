import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../errors.ts';
import { type MessageKey, t } from '../../i18n/t.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormRenderer, FormState } from '../../web/form-state.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { multipartParts } from '../../web/multipart.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, IdParams, MultipartBody, MultipartQuery, NoQuery, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { claimDocumentId, fileClaim, getClaimableDocument } from './claims.ts';
import { fileCounterNotice, getCounterNoticeTarget } from './counter-notices.ts';
import { fileNotice, withdrawFiling } from './notices.ts';
import { PROOF_MAX_BYTES, PROOF_MAX_FILES, type ReceivedForm, receiveForm } from './proof-files.ts';
import { getFilingView, listMyFilings } from './read.ts';
import {
  CLAIM_FORM,
  ClaimPage,
  COUNTER_FORM,
  CopyrightPage,
  CounterNoticePage,
  NOTICE_FORM,
} from './views/filing-forms.tsx';
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

/** A filing form's parts: the token first (web/multipart.ts), proof files capped per request. */
const filingParts = (req: FastifyRequest) =>
  multipartParts(req, { files: PROOF_MAX_FILES, fileSize: PROOF_MAX_BYTES + 1 });

/** Reads a multipart filing form and runs `use` on it; a success redirects (or answers 201 to JSON clients). */
async function handleFiling(
  web: WebContext,
  req: FastifyRequest,
  reply: FastifyReply,
  use: (form: ReceivedForm) => Promise<{ id: number; redirect: string }>,
) {
  const form = await receiveForm(web.deps, filingParts(req), 'proof');
  const done = await use(form);
  if (wantsJson(req)) return reply.status(201).send({ id: done.id });
  return reply.redirect(done.redirect, 303);
}

/** /copyright (explanation and notice form), the parties' filing pages, 认领 and counter-notices. */
export function copyrightRoutes(web: WebContext) {
  const { deps } = web;
  // Multipart (proof files): the token is the body's first field; a refusal is the form again (config.form).
  const multipart = (id: string, render: FormRenderer) => ({
    schema: { querystring: MultipartQuery, body: MultipartBody },
    config: {
      csrf: 'multipart' as const,
      form: { id, render },
      rateLimit: { max: FILINGS_PER_HOUR, timeWindow: '1 hour' },
    },
  });
  return async (app: FastifyInstance) => {
    const copyrightPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(CopyrightPage, { ctx, state }), status);
    };
    app.get('/copyright', { schema: { querystring: NoQuery } }, async (req, reply) => copyrightPage(req, reply));

    app.post('/copyright', multipart(NOTICE_FORM, copyrightPage), async (req, reply) => {
      const user = requireUser(req, reply)!;
      return handleFiling(web, req, reply, async (form) => {
        const id = await fileNotice(deps, user, form);
        return { id, redirect: `/copyright/notices/${id}?notice=submitted` };
      });
    });

    app.get('/copyright/notices', { schema: { querystring: NoQuery } }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const mine = await listMyFilings(deps, user);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(MyFilingsPage, { ctx, mine }));
    });

    // A filing's page for its parties, first shown or with the withdraw form refused.
    const filingPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const view = await getFilingView(deps, req.user!, Number((req.params as { id: string }).id));
      const notice = state ? undefined : (req.query as { notice?: string } | undefined)?.notice;
      const key = Object.hasOwn(FILING_FLASH, notice ?? '') ? FILING_FLASH[notice!] : undefined;
      const ctx = await web.pageContext(req, reply, { flash: key ? t(key) : undefined });
      return sendPage(reply, h(FilingPage, { ctx, view, state }), status);
    };
    const filingSchema = { params: IdParams, querystring: Query({ notice: Opt(20) }) };
    app.get<{ Params: { id: string }; Querystring: { notice?: string } }>(
      '/copyright/notices/:id',
      { schema: filingSchema },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return filingPage(req, reply);
      },
    );

    app.post<{ Params: { id: string } }>(
      '/copyright/notices/:id/withdraw',
      {
        schema: { params: IdParams, querystring: NoQuery, body: ActionBody() },
        config: { form: { id: 'withdraw', render: filingPage } },
      },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = Number(req.params.id);
        await withdrawFiling(deps, user, id);
        if (wantsJson(req)) return reply.send({ ok: true });
        return reply.redirect(`/copyright/notices/${id}?notice=withdrawn`, 303);
      },
    );

    // The claim form for a document; after a refusal, for the document the form named (when it can no longer be
    // claimed, the refusal's own page answers instead: web/error-handler.ts).
    const claimPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const user = req.user!;
      const raw = state ? state.values.doc : (req.query as { doc?: string } | undefined)?.doc;
      const doc = await getClaimableDocument(deps, user, claimDocumentId(raw));
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(ClaimPage, { ctx, doc, state }), status);
    };
    app.get<{ Querystring: { doc?: string } }>(
      '/copyright/claim',
      { schema: { querystring: Query({ doc: Opt(40) }) } },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return claimPage(req, reply);
      },
    );

    app.post('/copyright/claim', multipart(CLAIM_FORM, claimPage), async (req, reply) => {
      const user = requireUser(req, reply)!;
      return handleFiling(web, req, reply, async (form) => {
        const id = await fileClaim(deps, user, form);
        return { id, redirect: `/copyright/notices/${id}?notice=claimed` };
      });
    });

    const counterPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const id = parseId((req.params as { id?: string }).id);
      if (!id) throw notFound();
      const target = await getCounterNoticeTarget(deps, req.user!, id);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(CounterNoticePage, { ctx, target, state }), status);
    };
    app.get<{ Params: { id: string } }>(
      '/d/:id/counter-notice',
      { schema: { params: IdParams, querystring: NoQuery } },
      async (req, reply) => {
        if (!requireUser(req, reply)) return reply;
        return counterPage(req, reply);
      },
    );

    const counter = multipart(COUNTER_FORM, counterPage);
    app.post<{ Params: { id: string } }>(
      '/d/:id/counter-notice',
      { ...counter, schema: { ...counter.schema, params: IdParams } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = Number(req.params.id);
        return handleFiling(web, req, reply, async (form) => {
          const noticeId = await fileCounterNotice(deps, user, id, form);
          return { id: noticeId, redirect: `/copyright/notices/${noticeId}?notice=countered` };
        });
      },
    );
  };
}
