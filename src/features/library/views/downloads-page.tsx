import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import type { DownloadItem } from '../service.ts';
import { LibraryStatusCells, LibraryTitle } from './library-parts.tsx';

/** 我的下载: the documents the reader downloaded, free and bought, with the last time and a download link. */
export function DownloadsPage({
  ctx,
  items,
  page,
  hasMore,
}: {
  ctx: PageContext;
  items: readonly DownloadItem[];
  page: number;
  hasMore: boolean;
}) {
  return (
    <Layout ctx={ctx} title={t('library.downloadsTitle')} head={<meta name="robots" content="noindex" />}>
      <section class="card library" aria-labelledby="downloads-title">
        <h1 id="downloads-title">{t('library.downloadsTitle')}</h1>
        <p class="library__intro">
          {t('library.downloadsIntro')} <a href="/my/purchases">{t('nav.purchases')}</a>
        </p>
        {items.length === 0 ? (
          <p class="empty">{t('library.downloadsEmpty')}</p>
        ) : (
          <table class="library-table" id="downloads">
            <thead>
              <tr>
                <th scope="col">{t('library.col.title')}</th>
                <th scope="col">{t('library.col.kind')}</th>
                <th scope="col">{t('library.col.downloadedAt')}</th>
                <th scope="col" class="num">
                  {t('library.col.times')}
                </th>
                <th scope="col">{t('library.col.status')}</th>
                <th scope="col">{t('library.col.action')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.documentId} id={`download-${d.documentId}`}>
                  <td>
                    <LibraryTitle id={d.documentId} title={d.title} linked={d.linked} />
                  </td>
                  <td>{d.bought ? t('library.bought') : t('library.free')}</td>
                  <td>{formatDateTime(d.lastAt)}</td>
                  <td class="num">{d.times}</td>
                  <LibraryStatusCells
                    id={d.documentId}
                    status={d.status}
                    downloadable={d.downloadable}
                    label={t('library.download')}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav class="pager" aria-label={t('list.pager')}>
          {page > 1 && <a href={`/my/downloads?page=${page - 1}`}>{t('list.prev')}</a>}
          {hasMore && (
            <a href={`/my/downloads?page=${page + 1}`} rel="next">
              {t('list.next')}
            </a>
          )}
        </nav>
      </section>
    </Layout>
  );
}
