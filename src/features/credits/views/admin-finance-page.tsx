import { isMessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { FIRST_UPLOAD_MIN_CHARS, type RewardSettings } from '../rewards.ts';
import type { getFinanceOverview } from '../wallet.ts';

type Overview = Awaited<ReturnType<typeof getFinanceOverview>>;

/** The admin finance overview: totals, system accounts, payouts to decide, grants, refunds, reward settings. */
export function AdminFinancePage({
  ctx,
  overview,
  rewards,
  sharePercent,
  rewardHoldDays,
  requestKey,
}: {
  ctx: PageContext;
  overview: Overview;
  rewards: RewardSettings;
  sharePercent: number;
  rewardHoldDays: number;
  requestKey: string;
}) {
  const unit = ctx.site.creditName;
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  const kind = (k: string) => (isMessageKey(`credits.kind.${k}`) ? t(`credits.kind.${k}` as 'credits.kind.grant') : k);
  return (
    <Layout ctx={ctx} title={t('credits.adminTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('credits.adminTitle')}</h1>
        <p class="muted">{t('credits.platformShare', { percent: sharePercent })}</p>
        <h2>{t('credits.totals')}</h2>
        <table class="ledger-table">
          <thead>
            <tr>
              <th scope="col">{t('credits.col.account')}</th>
              <th scope="col" class="num">
                {t('credits.col.accounts')}
              </th>
              <th scope="col" class="num">
                {t('credits.col.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {overview.byKind.map((k) => (
              <tr key={k.kind}>
                <td>{t(`credits.accountKind.${k.kind as 'wallet'}`)}</td>
                <td class="num">{k.n}</td>
                <td class="num">{k.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>{t('credits.systemAccounts')}</h2>
        <ul class="admin-list">
          {overview.system.map((a) => (
            <li key={a.code}>
              <code>{a.code}</code> · {a.balance}
            </li>
          ))}
        </ul>
      </section>

      <section class="card">
        <h2>{t('credits.pendingPayouts')}</h2>
        {overview.payouts.length === 0 ? (
          <p class="empty">{t('credits.noneYet')}</p>
        ) : (
          <ul class="admin-list">
            {overview.payouts.map((p) => (
              <li key={p.id}>
                #{p.id} · <a href={`/u/${p.user_id}`}>{p.display_name}</a> ·{' '}
                {t('credits.amount', { amount: p.amount, unit })} · {t(`credits.payoutStatus.${p.status}`)} ·{' '}
                {formatDate(Number(p.created_at))}
                <form class="form--inline" method="post" action={`/admin/finance/payouts/${p.id}`}>
                  {csrf}
                  {p.status === 'requested' && (
                    <button class="button" name="action" value="approve" type="submit">
                      {t('credits.approve')}
                    </button>
                  )}
                  {p.status === 'approved' && (
                    <button class="button" name="action" value="paid" type="submit">
                      {t('credits.markPaid')}
                    </button>
                  )}
                  <button class="button button--danger" name="action" value="reject" type="submit">
                    {t('credits.reject')}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card">
        <h2>{t('credits.grantTitle')}</h2>
        <form class="form form--inline" method="post" action="/admin/finance/grant">
          {csrf}
          <input type="hidden" name="requestKey" value={requestKey} />
          <label for="grant-user">{t('credits.grantUser')}</label>
          <input id="grant-user" name="userId" type="number" min="1" required />
          <label for="grant-amount">{t('credits.grantAmount', { unit })}</label>
          <input id="grant-amount" name="amount" type="number" min="1" required />
          <label for="grant-reason">{t('credits.grantReason')}</label>
          <input id="grant-reason" name="reason" required minLength={2} maxLength={200} />
          <button class="button button--primary" type="submit">
            {t('credits.grantSubmit')}
          </button>
        </form>
      </section>

      <section class="card">
        <h2>{t('credits.refundTitle')}</h2>
        {overview.purchases.length === 0 ? (
          <p class="empty">{t('credits.noneYet')}</p>
        ) : (
          <ul class="admin-list">
            {overview.purchases.map((p) => (
              <li key={p.id}>
                #{p.id} · {p.title} · {p.display_name} · {t('credits.amount', { amount: p.price, unit })} ·{' '}
                {t(`credits.status.${p.status}`)}
                {p.status === 'active' && (
                  <form class="form--inline" method="post" action="/admin/finance/refund">
                    {csrf}
                    <input type="hidden" name="purchaseId" value={String(p.id)} />
                    <label class="visually-hidden" for={`refund-reason-${p.id}`}>
                      {t('credits.refundReason')}
                    </label>
                    <input id={`refund-reason-${p.id}`} name="reason" placeholder={t('credits.refundReason')} />
                    <button class="button button--danger" type="submit">
                      {t('credits.refund')}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card">
        <h2>{t('credits.rewardsTitle')}</h2>
        <form class="form" method="post" action="/admin/finance/rewards">
          {csrf}
          <div class="field">
            <label for="reward-signin">{t('credits.rewardSignin', { unit })}</label>
            <input id="reward-signin" name="signin" type="number" min="0" value={String(rewards.signin)} />
          </div>
          <div class="field">
            <label for="reward-first">
              {t('credits.rewardFirstUpload', { unit, min: FIRST_UPLOAD_MIN_CHARS, days: rewardHoldDays })}
            </label>
            <input id="reward-first" name="firstUpload" type="number" min="0" value={String(rewards.firstUpload)} />
          </div>
          <button class="button button--primary" type="submit">
            {t('common.save')}
          </button>
        </form>
      </section>

      <section class="card">
        <h2>{t('credits.recentTx')}</h2>
        {overview.recent.length === 0 ? (
          <p class="empty">{t('credits.noneYet')}</p>
        ) : (
          <ul class="admin-list">
            {overview.recent.map((r) => (
              <li key={r.id}>
                #{r.id} · {formatDate(Number(r.created_at))} · {kind(r.kind)} · {r.display_name ?? '—'}
                {r.memo && ` · ${r.memo}`}
              </li>
            ))}
          </ul>
        )}
        <h2>{t('credits.rejectedNotifies')}</h2>
        {overview.notifies.length === 0 ? (
          <p class="empty">{t('credits.noneYet')}</p>
        ) : (
          <ul class="admin-list">
            {overview.notifies.map((n) => (
              <li key={n.id}>
                {formatDate(Number(n.created_at))} · {n.out_trade_no ?? '—'} · {n.reason}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}
