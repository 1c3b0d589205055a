import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AppError, badRequest, notFound, onField } from '../../errors.ts';
import type { FormRoute as FormOf, FormState } from '../../web/form-state.ts';
import { parseId, requireAdmin } from '../../web/guards.ts';
import { sendPage } from '../../web/render.ts';
import { FormRoute, IdParams, Opt, Query } from '../../web/schemas.ts';
import type { WebContext } from '../../web/web-context.ts';
import { grantCredits } from './grants.ts';
import { decidePayout } from './payouts.ts';
import { refundPurchase } from './refunds.ts';
import { getRewardSettings, updateRewardSettings } from './rewards.ts';
import { AdminFinancePage } from './views/admin-finance-page.tsx';
import { getFinanceOverview } from './wallet.ts';

type Body = Record<string, string | undefined>;
type PayoutRoute = { Params: { id: string }; Body: Body };
const int = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : Number(v));
const grantSchema = FormRoute({ userId: Opt(20), amount: Opt(20), reason: Opt(2000), requestKey: Opt(100) });
const refundSchema = FormRoute({ purchaseId: Opt(20), reason: Opt(2000) });
const payoutSchema = { ...FormRoute({ action: Opt(20), note: Opt(2000) }), params: IdParams };
const rewardsSchema = FormRoute({ signin: Opt(20), firstUpload: Opt(20) });

/** The admin finance console under /admin/finance. Every route requires an admin. */
export function creditsAdminRoutes(web: WebContext) {
  const { deps } = web;
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', async (req) => {
      requireAdmin(req);
    });

    // The finance console, first shown or with one of its forms refused (FormState says which).
    const financePage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
      const [overview, rewards] = await Promise.all([getFinanceOverview(deps), getRewardSettings(deps)]);
      const ctx = await web.pageContext(req, reply);
      return sendPage(
        reply,
        h(AdminFinancePage, {
          ctx,
          overview,
          rewards,
          sharePercent: deps.config.credits.platformSharePercent,
          rewardHoldDays: deps.config.credits.rewardHoldDays,
          requestKey: crypto.randomUUID(),
          state,
        }),
        status,
      );
    };
    const form = (id: FormOf['id']) => ({ form: { id, render: financePage } });
    const bodyField = (name: string) => (req: FastifyRequest) => (req.body as Body | undefined)?.[name] ?? '';

    const financeSchema = { querystring: Query({ notice: Opt(20) }) };
    app.get<{ Querystring: { notice?: string } }>('/admin/finance', { schema: financeSchema }, async (req, reply) =>
      financePage(req, reply),
    );

    const grantRoute = { schema: grantSchema, config: form('grant') };
    app.post<{ Body: Body }>('/admin/finance/grant', grantRoute, async (req, reply) => {
      const admin = requireAdmin(req);
      // An id that names nobody is the form's mistake, said beside the field (not a 404 page).
      const unknownUser = () => badRequest('credits.grantUserUnknown').on('userId');
      const userId = parseId(req.body.userId);
      if (!userId) throw unknownUser();
      try {
        await grantCredits(deps, admin, {
          userId,
          amount: Number(req.body.amount),
          reason: req.body.reason ?? '',
          requestKey: req.body.requestKey || undefined,
        });
      } catch (err) {
        if (err instanceof AppError && err.status === 404) throw unknownUser();
        if (err instanceof AppError && !err.field) {
          err.on(err.messageKey === 'credits.grantReasonRequired' ? 'reason' : 'amount');
        }
        throw err;
      }
      return reply.redirect('/admin/finance', 303);
    });

    const refundRoute = { schema: refundSchema, config: form((req) => `refund-${bodyField('purchaseId')(req)}`) };
    app.post<{ Body: Body }>('/admin/finance/refund', refundRoute, async (req, reply) => {
      const admin = requireAdmin(req);
      const id = parseId(req.body.purchaseId);
      if (!id) throw notFound();
      await onField('reason', () => refundPurchase(deps, admin, id, req.body.reason ?? ''));
      return reply.redirect('/admin/finance', 303);
    });

    const payoutRoute = {
      schema: payoutSchema,
      config: form((req) => `payout-${(req.params as { id?: string } | undefined)?.id ?? ''}`),
    };
    app.post<PayoutRoute>('/admin/finance/payouts/:id', payoutRoute, async (req, reply) => {
      const admin = requireAdmin(req);
      const id = parseId(req.params.id);
      const action = req.body.action;
      if (!id || (action !== 'approve' && action !== 'reject' && action !== 'paid')) throw notFound();
      await decidePayout(deps, admin, id, action, req.body.note ?? '');
      return reply.redirect('/admin/finance', 303);
    });

    app.post<{ Body: Body }>(
      '/admin/finance/rewards',
      { schema: rewardsSchema, config: form('rewards') },
      async (req, reply) => {
        await updateRewardSettings(deps, { signin: int(req.body.signin), firstUpload: int(req.body.firstUpload) });
        return reply.redirect('/admin/finance', 303);
      },
    );
  };
}
