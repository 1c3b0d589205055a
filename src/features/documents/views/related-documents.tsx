import { t } from '../../../i18n/t.ts';
import { FormatBadge } from '../../../web/views/format-badge.tsx';
import type { RelatedDocument } from '../../search/service.ts';

/** 相关文档 beside a document: similar documents by text, titles only (nothing from any document's paid part). */
export function RelatedDocuments({ docs, creditName }: { docs: readonly RelatedDocument[]; creditName: string }) {
  if (docs.length === 0) return null;
  return (
    <section class="card related-docs" aria-labelledby="related-title">
      <h2 id="related-title">{t('search.relatedDocuments')}</h2>
      <ul>
        {docs.map((d) => (
          <li key={d.id}>
            <FormatBadge format={d.format} />
            <a href={`/d/${d.id}`}>{d.title}</a>
            <span class="related-docs__meta">
              {d.pageCount !== null && <span>{t('document.pageCount', { n: d.pageCount })}</span>}
              <span>
                {d.price > 0 ? t('document.priceLabel', { price: d.price, unit: creditName }) : t('document.free')}
              </span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
