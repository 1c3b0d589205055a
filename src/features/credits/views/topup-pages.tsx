import type { TopupOrdersTable } from '../../../db/schema.ts';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Form, RadioField, RefusalNotice, Submit } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { TOPUP_CHOICES } from '../topups.ts';

/** The top-up form's id. */
export const TOPUP_FORM = 'topup';

/** 充值: choose an amount, go to Alipay (a refused choice comes back with its sentence beside the amounts). */
export function TopupPage({
  ctx,
  available,
  state,
}: {
  ctx: PageContext;
  available: boolean;
  state?: FormState | undefined;
}) {
  const unit = ctx.site.creditName;
  return (
    <Layout ctx={ctx} title={t('credits.topupTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="topup-title">
        <h1 id="topup-title">{t('credits.topupTitle')}</h1>
        <RefusalNotice state={state} shown={available ? [TOPUP_FORM] : []} />
        {!available ? (
          <p class="empty">{t('credits.topupUnavailable')}</p>
        ) : (
          <Form id={TOPUP_FORM} action="/my/wallet/topup" csrf={ctx.csrfToken} state={state}>
            <RadioField
              form={TOPUP_FORM}
              name="amount"
              label={t('credits.topupAmount')}
              state={state}
              value={String(TOPUP_CHOICES[0])}
              hint={t('credits.topupRate', { unit })}
              options={TOPUP_CHOICES.map((fen) => ({
                value: String(fen),
                label: t('credits.topupOption', { yuan: fen / 100, credits: fen, unit }),
              }))}
            />
            <Submit id="topup-submit" label={t('credits.topupSubmit')} />
          </Form>
        )}
        <p>
          <a href="/my/wallet">{t('credits.backToWallet')}</a>
        </p>
      </section>
    </Layout>
  );
}

type Order = Pick<TopupOrdersTable, 'status' | 'amount'>;

/** Where Alipay sends the buyer back: the order as our ledger sees it (the notify is what credits, not this page). */
export function TopupReturnPage({ ctx, order }: { ctx: PageContext; order: Order }) {
  const unit = ctx.site.creditName;
  const message =
    order.status === 'paid'
      ? t('credits.topupPaid', { credits: Number(order.amount), unit })
      : order.status === 'closed'
        ? t('credits.topupClosed')
        : t('credits.topupPending');
  return (
    <Layout ctx={ctx} title={t('credits.topupReturnTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('credits.topupReturnTitle')}</h1>
        <p class={`topup-status topup-status--${order.status}`} role="status" id="topup-status">
          {message}
        </p>
        <p>
          <a class="button" href="/my/wallet">
            {t('credits.backToWallet')}
          </a>
        </p>
      </section>
    </Layout>
  );
}
