import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDate } from '../../../web/format.ts';
import { BarChart } from '../../../web/views/bar-chart.tsx';
import { Form, Submit, TextField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { MIN_PAYOUT } from '../payouts.ts';
import type { getEarnings } from '../wallet.ts';

type Earnings = Awaited<ReturnType<typeof getEarnings>>;

/** The payout request form's id. */
export const PAYOUT_FORM = 'payout';

/** 我的收益: balance, per-month chart, per-document table, payout request (real-name verified only), payouts. */
export function EarningsPage({
  ctx,
  earnings,
  sharePercent,
  state,
}: {
  ctx: PageContext;
  earnings: Earnings;
  sharePercent: number;
  /** A refused payout request, shown again in its form. */
  state?: FormState | undefined;
}) {
  const unit = ctx.site.creditName;
  return (
    <Layout ctx={ctx} title={t('credits.earningsTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="earnings-title">
        <h1 id="earnings-title">{t('credits.earningsTitle')}</h1>
        <p class="wallet__balance">
          {t('credits.earningsBalance')}：<strong id="earnings-balance">{earnings.balance}</strong> {unit}
        </p>
        <p class="muted">{t('credits.shareNote', { percent: sharePercent })}</p>
      </section>
      <section class="card" aria-labelledby="by-month">
        <h2 id="by-month">{t('credits.byMonth')}</h2>
        <BarChart
          label={t('credits.chartLabel', { unit })}
          bars={earnings.months.map((m) => ({
            label: m.month.slice(5),
            value: m.total,
            title: t('credits.monthValue', { month: m.month, amount: m.total, unit }),
          }))}
        />
      </section>
      <section class="card" aria-labelledby="by-doc">
        <h2 id="by-doc">{t('credits.byDocument')}</h2>
        {earnings.perDocument.length === 0 ? (
          <p class="empty">{t('credits.noEarnings')}</p>
        ) : (
          <table class="ledger-table">
            <thead>
              <tr>
                <th scope="col">{t('credits.col.document')}</th>
                <th scope="col" class="num">
                  {t('credits.col.sales')}
                </th>
                <th scope="col" class="num">
                  {t('credits.col.earned')}
                </th>
              </tr>
            </thead>
            <tbody>
              {earnings.perDocument.map((d) => (
                <tr key={d.id}>
                  <td>{d.status === 'deleted' ? d.title : <a href={`/d/${d.id}`}>{d.title}</a>}</td>
                  <td class="num">{d.sales}</td>
                  <td class="num">{d.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="payout-title">
        <h2 id="payout-title">{t('credits.payoutTitle')}</h2>
        {earnings.verified ? (
          <Form id={PAYOUT_FORM} action="/my/earnings/payout" csrf={ctx.csrfToken} state={state} class="form">
            <TextField
              form={PAYOUT_FORM}
              name="amount"
              label={t('credits.payoutAmount', { unit })}
              state={state}
              type="number"
              min={MIN_PAYOUT}
              max={Math.max(MIN_PAYOUT, earnings.balance)}
              step="1"
              inputMode="numeric"
              required
            />
            <Submit label={t('credits.payoutSubmit')} />
          </Form>
        ) : (
          <p class="empty">
            {t('credits.payoutNeedsVerification')}{' '}
            <a href="/account/verification">{t('verification.uploadHintLink')}</a>
          </p>
        )}
        <h3>{t('credits.payouts')}</h3>
        {earnings.payouts.length === 0 ? (
          <p class="empty">{t('credits.noneYet')}</p>
        ) : (
          <ul class="admin-list">
            {earnings.payouts.map((p) => (
              <li key={p.id}>
                {formatDate(Number(p.created_at))} · {t('credits.amount', { amount: Number(p.amount), unit })} ·{' '}
                {t(`credits.payoutStatus.${p.status}`)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}
