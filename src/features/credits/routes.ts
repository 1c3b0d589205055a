import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { isImageFormat } from '../../convert/types.ts';
import { notFound, onField } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { ApiErrorSchema, BinarySchema, RedirectResponse } from '../../web/api-schemas.ts';
import { parseByteRange } from '../../web/byte-range.ts';
import { contentDisposition } from '../../web/content-disposition.ts';
import { wantsJson } from '../../web/error-handler.ts';
import type { FormState } from '../../web/form-state.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { ActionBody, FormBody, IdParams, NoQuery, Opt, Query, Str } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getSiteSettings } from '../site/service.ts';
import { markedDownload } from '../watermark/service.ts';
import { resolveDownload } from './downloads.ts';
import { requestPayout } from './payouts.ts';
import { getPurchaseQuote, purchaseDocument, TERMS_VERSION } from './purchases.ts';
import { dailySignIn } from './rewards.ts';
import { getTopupOrder, handlePaymentNotify, startTopup } from './topups.ts';
import { BUY_FORM, BuyPage } from './views/buy-page.tsx';
import { EarningsPage, PAYOUT_FORM } from './views/earnings-page.tsx';
import { TOPUP_FORM, TopupPage, TopupReturnPage } from './views/topup-pages.tsx';
import { WalletPage } from './views/wallet-page.tsx';
import { getEarnings, getWallet, HISTORY_FILTERS, type HistoryFilter } from './wallet.ts';

type Body = Record<string, string | undefined>;
const page = (raw: string | undefined) => Math.max(1, Number.parseInt(raw ?? '1', 10) || 1);
type BuyRoute = { Params: { id: string }; Body: Body | null };
type WalletQuery = { kind?: string; page?: string; notice?: string; n?: string };
type NotifyRoute = { Params: { provider: string }; Body: Record<string, string> };
type ReturnQuery = { out_trade_no?: string };

const byId = { params: IdParams, querystring: NoQuery };
const buySchema = { ...byId, body: ActionBody({ acceptTerms: Opt(20) }) };
// Token format is the service's to judge (an expired or forged link gets its own message).
const downloadSchema = {
  params: Type.Object({ token: Str(200) }),
  querystring: NoQuery,
  tags: ['documents'],
  summary: 'The signed download URL: the original file / 签名下载地址',
  description: 'Bound to the user it was issued to (send the same credentials); supports `Range`.',
  response: {
    200: { description: 'the file', content: { 'application/octet-stream': { schema: BinarySchema } } },
    206: { description: 'the requested range', content: { 'application/octet-stream': { schema: BinarySchema } } },
    302: RedirectResponse('to a pre-signed object-store URL (STORAGE_PRESIGN)'),
    '4xx': ApiErrorSchema,
  },
};
const walletSchema = { querystring: Query({ kind: Opt(20), page: Opt(20), notice: Opt(20), n: Opt(20) }) };
const amountForm = { querystring: NoQuery, body: FormBody({ amount: Opt(20) }) };
// The provider's return URL carries its own signed parameters too; only out_trade_no is read.
const topupReturn = { querystring: Query({ out_trade_no: Opt(100) }) };
// Server to server: every field one string (a repeated field is refused); the signature is checked by the service.
const notifySchema = {
  params: Type.Object({ provider: Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }) }),
  querystring: NoQuery,
  body: Type.Record(Type.String(), Str(100_000)),
};
const noticeQuery = { querystring: Query({ notice: Opt(20) }) };

/** Purchase, signed downloads, 我的钱包, 充值 (and the provider's notify), 我的收益 with payouts. */
export function creditsRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>('/d/:id/buy', { schema: byId }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const quote = await getPurchaseQuote(deps, user, id);
      if (quote.own || quote.purchase?.status === 'active' || quote.doc.price <= 0)
        return reply.redirect(`/d/${id}/download`, 303);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(BuyPage, { ctx, quote, termsVersion: TERMS_VERSION }));
    });

    // A refused purchase is the confirmation again with the sentence (the terms box beside its own); a document
    // gone or taken down meanwhile is the error page (the quote refuses it too).
    const buyPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status: number) => {
      const id = parseId((req.params as { id?: string }).id);
      if (!id || !req.user) throw notFound();
      const quote = await getPurchaseQuote(deps, req.user, id);
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(BuyPage, { ctx, quote, termsVersion: TERMS_VERSION, state }), status);
    };
    app.post<BuyRoute>(
      '/d/:id/buy',
      { schema: buySchema, config: { form: { id: BUY_FORM, render: buyPage } } },
      async (req, reply) => {
        const user = requireUser(req, reply)!;
        const id = parseId(req.params.id);
        if (!id) throw notFound();
        const result = await purchaseDocument(deps, user, id, { acceptTerms: req.body?.acceptTerms === '1' });
        if (wantsJson(req)) return reply.send(result);
        return reply.redirect(`/d/${id}?purchased=1`, 303);
      },
    );

    // The signed, user-bound download URL: the original file, with ranges for resumable downloads.
    const downloadRoute = { schema: downloadSchema, config: { apiToken: 'read' as const } };
    app.get<{ Params: { token: string } }>('/dl/:token', downloadRoute, async (req, reply) => {
      const doc = await resolveDownload(deps, req.user, req.params.token);
      // A buyer's paid download carries a per-buyer mark (decision 0019): made here, never stored, so it is never
      // pre-signed and has no byte ranges (a Range header is ignored: the whole marked file, 200).
      const marked = await markedDownload(deps, doc.id, req.user);
      if (marked) {
        reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', contentDisposition(`${doc.title}.${marked.format}`))
          .header('cache-control', 'private, no-store')
          .header('accept-ranges', 'none')
          .header('x-content-type-options', 'nosniff');
        if (marked.length !== undefined) reply.header('content-length', marked.length);
        return reply.send(marked.body);
      }
      // An image upload is sent as its scan PDF (re-encoded pixels): the photo's EXIF — camera, time, GPS position
      // of the uploader — stays on the server.
      const scan = isImageFormat(doc.format) && doc.pdf_key ? doc.pdf_key : undefined;
      const key = parseBlobKey(scan ?? doc.blob_key);
      const size = await deps.blobs.size(key);
      if (size === undefined) throw notFound();
      const disposition = contentDisposition(`${doc.title}.${scan ? 'pdf' : doc.format}`);
      if (deps.config.storage.presign && deps.blobs.presignDownload) {
        // The bytes come from the object store directly; the link is not bound to the user, so it lives one minute.
        const url = await deps.blobs.presignDownload(key, {
          contentDisposition: disposition,
          contentType: 'application/octet-stream',
          expiresInSeconds: 60,
        });
        return reply.header('cache-control', 'private, no-store').redirect(url, 302);
      }
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', disposition)
        .header('cache-control', 'private, no-store')
        .header('accept-ranges', 'bytes')
        .header('x-content-type-options', 'nosniff');
      const range = parseByteRange(req.headers.range, size);
      if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${size}`).send();
      if (range) {
        return reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
          .header('content-length', range.end - range.start + 1)
          .send(deps.blobs.read(key, range));
      }
      return reply.header('content-length', size).send(deps.blobs.read(key));
    });

    app.get<{ Querystring: WalletQuery }>('/my/wallet', { schema: walletSchema }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const filter = (HISTORY_FILTERS as readonly string[]).includes(req.query.kind ?? '')
        ? (req.query.kind as HistoryFilter)
        : 'all';
      const p = page(req.query.page);
      const wallet = await getWallet(deps, user, { filter, page: p });
      const n = Number.parseInt(req.query.n ?? '0', 10) || 0;
      const flash =
        req.query.notice === 'signin'
          ? t('credits.signinOk', { n, unit: (await getSiteSettings(deps)).creditName })
          : req.query.notice === 'signed'
            ? t('credits.signinAgain')
            : undefined;
      const ctx = await web.pageContext(req, reply, { flash });
      return sendPage(reply, h(WalletPage, { ctx, wallet, filter, page: p }));
    });

    const signinSchema = { querystring: NoQuery, body: ActionBody() };
    app.post('/my/wallet/signin', { schema: signinSchema }, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const r = await dailySignIn(deps, user);
      if (wantsJson(req)) return reply.send(r);
      return reply.redirect(r.credited ? `/my/wallet?notice=signin&n=${r.amount}` : '/my/wallet?notice=signed', 303);
    });

    // 充值, first shown or with a refused choice (the sentence beside the amounts, the choice kept).
    const topupPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(TopupPage, { ctx, available: !!deps.payments, state }), status);
    };
    app.get('/my/wallet/topup', { schema: { querystring: NoQuery } }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      return topupPage(req, reply);
    });

    const topupRoute = { schema: amountForm, config: { form: { id: TOPUP_FORM, render: topupPage } } };
    app.post<{ Body: Body }>('/my/wallet/topup', topupRoute, async (req, reply) => {
      const user = requireUser(req, reply)!;
      const { payUrl } = await onField('amount', () => startTopup(deps, user, Number(req.body?.amount ?? '')));
      return reply.redirect(payUrl, 303);
    });

    app.get<{ Querystring: ReturnQuery }>('/my/wallet/topup/return', { schema: topupReturn }, async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const order = await getTopupOrder(deps, user, req.query.out_trade_no ?? '');
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(TopupReturnPage, { ctx, order }));
    });

    // Server-to-server from the provider: no session and no CSRF token — the signature is the authentication.
    app.post<NotifyRoute>(
      '/payments/:provider/notify',
      { schema: notifySchema, config: { csrf: false } },
      async (req, reply) => {
        const provider = deps.payments;
        if (!provider || provider.name !== req.params.provider) throw notFound();
        // The schema guarantees an object of single strings.
        const outcome = await handlePaymentNotify(deps, provider, req.body);
        return reply.type('text/plain; charset=utf-8').send(outcome.ack);
      },
    );

    // 我的收益, first shown or with a refused payout request (the sentence beside the amount, the amount kept).
    const earningsPage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const earnings = await getEarnings(deps, req.user!);
      const notice = (req.query as { notice?: string } | undefined)?.notice;
      const flash = !state && notice === 'payout' ? t('credits.payoutRequested') : undefined;
      const ctx = await web.pageContext(req, reply, { flash });
      const sharePercent = deps.config.credits.platformSharePercent;
      return sendPage(reply, h(EarningsPage, { ctx, earnings, sharePercent, state }), status);
    };

    app.get<{ Querystring: { notice?: string } }>('/my/earnings', { schema: noticeQuery }, async (req, reply) => {
      if (!requireUser(req, reply)) return reply;
      return earningsPage(req, reply);
    });

    const payoutRoute = { schema: amountForm, config: { form: { id: PAYOUT_FORM, render: earningsPage } } };
    app.post<{ Body: Body }>('/my/earnings/payout', payoutRoute, async (req, reply) => {
      const user = requireUser(req, reply)!;
      await onField('amount', () => requestPayout(deps, user, Number(req.body?.amount ?? '')));
      if (wantsJson(req)) return reply.send({ ok: true });
      return reply.redirect('/my/earnings?notice=payout', 303);
    });
  };
}
