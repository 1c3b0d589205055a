import { t } from '../../../i18n/t.ts';
import { visiblePageImages } from '../page-images.ts';
import type { Preview } from '../preview.ts';

/**
 * Images of the free pages, above the text preview (which stays, for screen readers and search engines): lazy,
 * with their size so the page does not jump as they load. Nothing when the document has none.
 */
export function PageImages({
  doc,
  preview,
}: {
  doc: { id: number; title: string; page_images: string | null; page_count: number | null };
  preview: Preview | undefined;
}) {
  const images = visiblePageImages(doc, preview);
  if (images.length === 0) return null;
  return (
    <section class="page-images" aria-label={t('document.pageImages')}>
      {images.map((img) => (
        <img
          key={img.n}
          class="page-images__page"
          src={`/d/${doc.id}/pages/${img.n}.${img.f}`}
          width={img.w}
          height={img.h}
          loading={img.n === 1 ? 'eager' : 'lazy'}
          decoding="async"
          alt={t('document.pageImageAlt', { title: doc.title, n: img.n })}
        />
      ))}
    </section>
  );
}
