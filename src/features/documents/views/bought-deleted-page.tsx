import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';

/** 410 for a buyer of a deleted document: the file they bought stays theirs, one click away. */
export function BoughtDeletedPage({
  ctx,
  documentId,
  fileName,
}: {
  ctx: PageContext;
  documentId: number;
  fileName: string;
}) {
  return (
    <Layout ctx={ctx} title={t('error.gone')} head={<meta name="robots" content="noindex" />}>
      <section class="card error-page" id="bought-deleted">
        <h1>410 · {t('error.gone')}</h1>
        <p class="error-page__message">{t('document.goneBought')}</p>
        <p>
          <a class="button button--primary" href={`/d/${documentId}/download`} rel="nofollow">
            {t('document.goneBoughtDownload')}
          </a>{' '}
          <span class="muted">{fileName}</span>
        </p>
        <p>
          <a href="/my/purchases">{t('document.goneBoughtPurchases')}</a>
        </p>
      </section>
    </Layout>
  );
}
