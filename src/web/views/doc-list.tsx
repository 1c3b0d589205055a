import { t } from '../../i18n/t.ts';
import { formatDate } from '../format.ts';
import { FormatBadge } from './format-badge.tsx';

/** The fields a document card shows. */
export interface DocCard {
  id: number;
  title: string;
  format: string;
  page_count: number | null;
  price: number;
  download_count: number;
  published_at: number | null;
  owner_name: string;
  owner_id: number;
}

/** A list of document cards. */
export function DocList({ docs, creditName, empty }: { docs: readonly DocCard[]; creditName: string; empty?: string }) {
  if (docs.length === 0) return <p class="empty">{empty ?? t('list.empty')}</p>;
  return (
    <ul class="doc-list">
      {docs.map((d) => (
        <li class="doc-list__item" key={d.id}>
          <FormatBadge format={d.format} />
          <a class="doc-list__title" href={`/d/${d.id}`}>
            {d.title}
          </a>
          <span class="doc-list__meta">
            {d.page_count !== null && <span>{t('document.pageCount', { n: d.page_count })}</span>}
            <span>
              {d.price > 0 ? t('document.priceLabel', { price: d.price, unit: creditName }) : t('document.free')}
            </span>
            <span>{t('list.downloads', { n: d.download_count })}</span>
            <a href={`/u/${d.owner_id}`}>{d.owner_name}</a>
            {d.published_at && <time>{formatDate(d.published_at)}</time>}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Previous / next links keeping the rest of the query. */
export function Pager({ base, page, hasNext }: { base: string; page: number; hasNext: boolean }) {
  const sep = base.includes('?') ? '&' : '?';
  return (
    <nav class="pager" aria-label={t('list.pager')}>
      {page > 1 && (
        <a href={`${base}${sep}page=${page - 1}`} rel="prev">
          {t('list.prev')}
        </a>
      )}
      <span>{t('list.pageN', { n: page })}</span>
      {hasNext && (
        <a href={`${base}${sep}page=${page + 1}`} rel="next">
          {t('list.next')}
        </a>
      )}
    </nav>
  );
}
