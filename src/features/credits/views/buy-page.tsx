import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { CheckboxField, Form } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { DownloadTerms } from '../../documents/views/download-terms.tsx';
import type { getPurchaseQuote } from '../purchases.ts';

type Quote = Awaited<ReturnType<typeof getPurchaseQuote>>;

/** The purchase form's id. */
export const BUY_FORM = 'buy';

/**
 * 确认购买: price, balance before and after, the download terms (accepted once), and the confirm button. A refused
 * purchase (the terms not accepted, the document no longer for sale) comes back here with its sentence.
 */
export function BuyPage({
  ctx,
  quote,
  termsVersion,
  state,
}: {
  ctx: PageContext;
  quote: Quote;
  termsVersion: string;
  state?: FormState | undefined;
}) {
  const { doc, balance } = quote;
  const unit = ctx.site.creditName;
  const short = doc.price - balance;
  return (
    <Layout ctx={ctx} title={t('credits.buyTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card buy" aria-labelledby="buy-title">
        <h1 id="buy-title">{t('credits.buyTitle')}</h1>
        <dl class="buy__facts">
          <div>
            <dt>{t('credits.buyDoc')}</dt>
            <dd>
              <a href={`/d/${doc.id}`}>
                {doc.title}.{doc.format}
              </a>
            </dd>
          </div>
          <div>
            <dt>{t('credits.buyPrice')}</dt>
            <dd class="buy__price">{t('credits.amount', { amount: doc.price, unit })}</dd>
          </div>
          <div>
            <dt>{t('credits.buyBalance')}</dt>
            <dd class="buy__balance">{t('credits.amount', { amount: balance, unit })}</dd>
          </div>
          {short <= 0 && (
            <div>
              <dt>{t('credits.buyAfter')}</dt>
              <dd>{t('credits.amount', { amount: balance - doc.price, unit })}</dd>
            </div>
          )}
        </dl>
        <Form id={BUY_FORM} action={`/d/${doc.id}/buy`} csrf={ctx.csrfToken} state={state}>
          <fieldset class="terms-box">
            <legend>{t('credits.termsHeading')}</legend>
            <DownloadTerms documentId={doc.id} />
            {quote.termsAccepted ? (
              <p class="muted">{t('credits.termsAccepted', { version: termsVersion })}</p>
            ) : (
              <CheckboxField
                form={BUY_FORM}
                name="acceptTerms"
                label={t('credits.acceptTerms')}
                state={state}
                required
              />
            )}
          </fieldset>
          {short > 0 ? (
            <p class="buy__short" role="alert">
              {t('credits.needTopup', { amount: short, unit })}{' '}
              <a class="button button--primary" href="/my/wallet/topup">
                {t('credits.goTopup')}
              </a>
            </p>
          ) : (
            <p class="buy__actions">
              <button class="button button--primary button--large" type="submit" id="confirm-buy">
                {t('credits.confirmBuy')}
              </button>
              <a href={`/d/${doc.id}`}>{t('credits.backToDocument')}</a>
            </p>
          )}
        </Form>
      </section>
    </Layout>
  );
}
