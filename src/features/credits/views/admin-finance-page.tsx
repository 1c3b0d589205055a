import { isMessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { type FormState, stateFor } from '../../../web/form-state.ts';
import { formatDate } from '../../../web/format.ts';
import { Form, Submit, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { FIRST_UPLOAD_MIN_CHARS, type RewardSettings } from '../rewards.ts';
import type { getFinanceOverview } from '../wallet.ts';

type Overview = Awaited<ReturnType<typeof getFinanceOverview>>;

/** A system account's name in words (platform:revenue → 平台收入); an unknown code is shown as is. */
function systemAccount(code: string): string {
  const key = `credits.systemAccount.${code}`;
  return isMessageKey(key) ? t(key) : code;
}

/** A transaction's memo: the reward it was (签到, 首次上传) in words, or the note an operator typed. */
function memo(text: string): string {
  const key = `credits.memo.${text}`;
  return isMessageKey(key) ? t(key) : t('credits.memoOther', { memo: text });
}

/** The admin finance overview: totals, system accounts, payouts to decide, grants, refunds, reward settings. */
export function AdminFinancePage({
  ctx,
  overview,
  rewards,
  sharePercent,
  rewardHoldDays,
  requestKey,
  state,
}: {
  ctx: PageContext;
  overview: Overview;
  rewards: RewardSettings;
  sharePercent: number;
  rewardHoldDays: number;
  requestKey: string;
  /** A refused form of this page (grant, refund-<id>, payout-<id>, rewards), shown again. */
  state?: FormState | undefined;
}) {
  const unit = ctx.site.creditName;
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
              {systemAccount(a.code)} · {a.balance}
            </li>
          ))}
        </ul>
        <p class="muted">{t('credits.systemAccountHint')}</p>
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
                <Form
                  id={`payout-${p.id}`}
                  class="form--inline"
                  action={`/admin/finance/payouts/${p.id}`}
                  csrf={ctx.csrfToken}
                  state={state}
                >
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
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card">
        <h2>{t('credits.grantTitle')}</h2>
        <Form id="grant" action="/admin/finance/grant" csrf={ctx.csrfToken} state={state}>
          <input type="hidden" name="requestKey" value={stateFor(state, 'grant')?.values.requestKey ?? requestKey} />
          <TextField
            form="grant"
            name="userId"
            label={t('credits.grantUser')}
            state={state}
            type="number"
            min="1"
            required
          />
          <TextField
            form="grant"
            name="amount"
            label={t('credits.grantAmount', { unit })}
            state={state}
            type="number"
            min="1"
            required
          />
          <TextField
            form="grant"
            name="reason"
            label={t('credits.grantReason')}
            state={state}
            required
            minLength={2}
            maxLength={200}
          />
          <Submit label={t('credits.grantSubmit')} />
        </Form>
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
                  <Form
                    id={`refund-${p.id}`}
                    class="form form--inline"
                    action="/admin/finance/refund"
                    csrf={ctx.csrfToken}
                    state={state}
                  >
                    <input type="hidden" name="purchaseId" value={String(p.id)} />
                    <TextField form={`refund-${p.id}`} name="reason" label={t('credits.refundReason')} state={state} />
                    <Submit kind="danger" label={t('credits.refund')} />
                  </Form>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card">
        <h2>{t('credits.rewardsTitle')}</h2>
        <Form id="rewards" action="/admin/finance/rewards" csrf={ctx.csrfToken} state={state}>
          <TextField
            form="rewards"
            name="signin"
            label={t('credits.rewardSignin', { unit })}
            state={state}
            value={rewards.signin}
            type="number"
            min="0"
          />
          <TextField
            form="rewards"
            name="firstUpload"
            label={t('credits.rewardFirstUpload', { unit, min: FIRST_UPLOAD_MIN_CHARS, days: rewardHoldDays })}
            state={state}
            value={rewards.firstUpload}
            type="number"
            min="0"
          />
          <Submit label={t('common.save')} />
        </Form>
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
                {r.memo && ` · ${memo(r.memo)}`}
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
