import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import type { PurchaseItem } from '../service.ts';
import { LibraryStatusCells, LibraryTitle } from './library-parts.tsx';

/** 我的购买: every bought document with what was paid, when, where it stands and a free re-download. */
export function PurchasesPage({
  ctx,
  items,
  next,
  first,
}: {
  ctx: PageContext;
  items: readonly PurchaseItem[];
  /** The keyset cursor of the next page, when there is one. */
  next: number | undefined;
  /** True on the first page (no cursor). */
  first: boolean;
}) {
  const unit = ctx.site.creditName;
  return (
    <Layout ctx={ctx} title={t('library.purchasesTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card library" aria-labelledby="purchases-title">
        <h1 id="purchases-title">{t('library.purchasesTitle')}</h1>
        <p class="library__intro">
          {t('library.purchasesIntro')} <a href="/my/downloads">{t('nav.downloads')}</a> ·{' '}
          <a href="/my/wallet">{t('nav.wallet')}</a>
        </p>
        {items.length === 0 ? (
          <p class="empty">{t('library.purchasesEmpty')}</p>
        ) : (
          <table class="library-table" id="purchases">
            <thead>
              <tr>
                <th scope="col">{t('library.col.title')}</th>
                <th scope="col" class="num">
                  {t('library.col.price')}
                </th>
                <th scope="col">{t('library.col.boughtAt')}</th>
                <th scope="col">{t('library.col.status')}</th>
                <th scope="col">{t('library.col.action')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.purchaseId} id={`purchase-${p.purchaseId}`} data-document-id={p.documentId}>
                  <td>
                    <LibraryTitle id={p.documentId} title={p.title} linked={p.linked} />
                  </td>
                  <td class="num">{t('library.paid', { n: p.price, unit })}</td>
                  <td>{formatDateTime(p.boughtAt)}</td>
                  <LibraryStatusCells
                    id={p.documentId}
                    status={p.status}
                    downloadable={p.downloadable}
                    label={t('library.redownload')}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav class="pager" aria-label={t('list.pager')}>
          {!first && <a href="/my/purchases">{t('library.first')}</a>}
          {next !== undefined && (
            <a href={`/my/purchases?before=${next}`} rel="next">
              {t('list.next')}
            </a>
          )}
        </nav>
      </section>
    </Layout>
  );
}
