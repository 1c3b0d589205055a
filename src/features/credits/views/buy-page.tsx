import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { DownloadTerms } from '../../documents/views/download-terms.tsx';
import type { getPurchaseQuote } from '../purchases.ts';

type Quote = Awaited<ReturnType<typeof getPurchaseQuote>>;

/** 确认购买: price, balance before and after, the download terms (accepted once), and the confirm button. */
export function BuyPage({ ctx, quote, termsVersion }: { ctx: PageContext; quote: Quote; termsVersion: string }) {
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
        <form class="form" method="post" action={`/d/${doc.id}/buy`}>
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <fieldset class="terms-box">
            <legend>{t('credits.termsHeading')}</legend>
            <DownloadTerms documentId={doc.id} />
            {quote.termsAccepted ? (
              <p class="muted">{t('credits.termsAccepted', { version: termsVersion })}</p>
            ) : (
              <label class="checkbox">
                <input type="checkbox" name="acceptTerms" value="1" required /> {t('credits.acceptTerms')}
              </label>
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
        </form>
      </section>
    </Layout>
  );
}
