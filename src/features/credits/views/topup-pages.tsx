import type { TopupOrdersTable } from '../../../db/schema.ts';
import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { TOPUP_CHOICES } from '../topups.ts';

/** 充值: choose an amount, go to Alipay. */
export function TopupPage({ ctx, available }: { ctx: PageContext; available: boolean }) {
  const unit = ctx.site.creditName;
  return (
    <Layout ctx={ctx} title={t('credits.topupTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="topup-title">
        <h1 id="topup-title">{t('credits.topupTitle')}</h1>
        {!available ? (
          <p class="empty">{t('credits.topupUnavailable')}</p>
        ) : (
          <form class="form" method="post" action="/my/wallet/topup">
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <fieldset class="field">
              <legend>{t('credits.topupAmount')}</legend>
              <p class="field__hint">{t('credits.topupRate', { unit })}</p>
              {TOPUP_CHOICES.map((fen, i) => (
                <label class="choice" key={fen}>
                  <input type="radio" name="amount" value={String(fen)} checked={i === 0} />{' '}
                  {t('credits.topupOption', { yuan: fen / 100, credits: fen, unit })}
                </label>
              ))}
            </fieldset>
            <button class="button button--primary" type="submit" id="topup-submit">
              {t('credits.topupSubmit')}
            </button>
          </form>
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
