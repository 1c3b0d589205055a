import { t } from '../../../i18n/t.ts';
import type { LibraryStatus } from '../service.ts';

/** The document's title: a link while its page is public, plain text once it is deleted or taken down. */
export function LibraryTitle({ id, title, linked }: { id: number; title: string; linked: boolean }) {
  return linked ? <a href={`/d/${id}`}>{title}</a> : <span class="library__title--gone">{title}</span>;
}

/** The status label and the (re-)download link when the document can still be downloaded. */
export function LibraryStatusCells({
  id,
  status,
  downloadable,
  label,
}: {
  id: number;
  status: LibraryStatus;
  downloadable: boolean;
  /** The link text: 重新下载 for purchases, 下载 for the download history. */
  label: string;
}) {
  return (
    <>
      <td>
        <span class={`library-status library-status--${status}`} data-library-status={status}>
          {t(`library.status.${status}`)}
        </span>
      </td>
      <td>
        {downloadable ? (
          <a class="button button--small" href={`/d/${id}/download`} rel="nofollow" data-redownload={id}>
            {label}
          </a>
        ) : (
          <span class="library__none">{t('library.unavailable')}</span>
        )}
      </td>
    </>
  );
}
