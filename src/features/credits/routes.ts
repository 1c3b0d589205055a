import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { badRequest, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { parseByteRange } from '../../web/byte-range.ts';
import { contentDisposition } from '../../web/content-disposition.ts';
import { wantsJson } from '../../web/error-handler.ts';
import { parseId, requireUser } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import type { WebContext } from '../../web/web-context.ts';
import { getSiteSettings } from '../site/service.ts';
import { resolveDownload } from './downloads.ts';
import { requestPayout } from './payouts.ts';
import { getPurchaseQuote, purchaseDocument, TERMS_VERSION } from './purchases.ts';
import { dailySignIn } from './rewards.ts';
import { getTopupOrder, handlePaymentNotify, startTopup } from './topups.ts';
import { BuyPage } from './views/buy-page.tsx';
import { EarningsPage } from './views/earnings-page.tsx';
import { TopupPage, TopupReturnPage } from './views/topup-pages.tsx';
import { WalletPage } from './views/wallet-page.tsx';
import { getEarnings, getWallet, HISTORY_FILTERS, type HistoryFilter } from './wallet.ts';

type Body = Record<string, string | undefined>;
const page = (raw: string | undefined) => Math.max(1, Number.parseInt(raw ?? '1', 10) || 1);

/** Purchase, signed downloads, 我的钱包, 充值 (and the provider's notify), 我的收益 with payouts. */
export function creditsRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>('/d/:id/buy', async (req, reply) => {
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

    app.post<{ Params: { id: string }; Body: Body }>('/d/:id/buy', async (req, reply) => {
      const user = requireUser(req, reply)!;
      const id = parseId(req.params.id);
      if (!id) throw notFound();
      const result = await purchaseDocument(deps, user, id, { acceptTerms: req.body?.acceptTerms === '1' });
      if (wantsJson(req)) return reply.send(result);
      return reply.redirect(`/d/${id}?purchased=1`, 303);
    });

    // The signed, user-bound download URL: the original file, with ranges for resumable downloads.
    app.get<{ Params: { token: string } }>('/dl/:token', async (req, reply) => {
      const doc = await resolveDownload(deps, req.user, req.params.token);
      const key = parseBlobKey(doc.blob_key);
      const size = await deps.blobs.size(key);
      if (size === undefined) throw notFound();
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', contentDisposition(`${doc.title}.${doc.format}`))
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

    app.get<{ Querystring: { kind?: string; page?: string; notice?: string; n?: string } }>(
      '/my/wallet',
      async (req, reply) => {
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
      },
    );

    app.post('/my/wallet/signin', async (req, reply) => {
      const user = requireUser(req, reply)!;
      const r = await dailySignIn(deps, user);
      if (wantsJson(req)) return reply.send(r);
      return reply.redirect(r.credited ? `/my/wallet?notice=signin&n=${r.amount}` : '/my/wallet?notice=signed', 303);
    });

    app.get('/my/wallet/topup', async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(TopupPage, { ctx, available: !!deps.payments }));
    });

    app.post<{ Body: Body }>('/my/wallet/topup', async (req, reply) => {
      const user = requireUser(req, reply)!;
      const amount = Number(req.body?.amount ?? '');
      if (!Number.isSafeInteger(amount)) throw badRequest('credits.topupAmountInvalid', { min: 1, max: 5000 });
      const { payUrl } = await startTopup(deps, user, amount);
      return reply.redirect(payUrl, 303);
    });

    app.get<{ Querystring: { out_trade_no?: string } }>('/my/wallet/topup/return', async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const order = await getTopupOrder(deps, user, String(req.query.out_trade_no ?? ''));
      const ctx = await web.pageContext(req, reply);
      return sendPage(reply, h(TopupReturnPage, { ctx, order }));
    });

    // Server-to-server from the provider: no session and no CSRF token — the signature is the authentication.
    app.post<{ Params: { provider: string }; Body: Record<string, string> }>(
      '/payments/:provider/notify',
      { config: { csrf: false } },
      async (req, reply) => {
        const provider = deps.payments;
        if (!provider || provider.name !== req.params.provider) throw notFound();
        const body = Object.fromEntries(Object.entries(req.body ?? {}).map(([k, v]) => [k, String(v)]));
        const outcome = await handlePaymentNotify(deps, provider, body);
        return reply.type('text/plain; charset=utf-8').send(outcome.ack);
      },
    );

    app.get<{ Querystring: { notice?: string } }>('/my/earnings', async (req, reply) => {
      const user = requireUser(req, reply);
      if (!user) return reply;
      const earnings = await getEarnings(deps, user);
      const flash = req.query.notice === 'payout' ? t('credits.payoutRequested') : undefined;
      const ctx = await web.pageContext(req, reply, { flash });
      return sendPage(
        reply,
        h(EarningsPage, { ctx, earnings, sharePercent: deps.config.credits.platformSharePercent }),
      );
    });

    app.post<{ Body: Body }>('/my/earnings/payout', async (req, reply) => {
      const user = requireUser(req, reply)!;
      await requestPayout(deps, user, Number(req.body?.amount ?? ''));
      if (wantsJson(req)) return reply.send({ ok: true });
      return reply.redirect('/my/earnings?notice=payout', 303);
    });
  };
}
