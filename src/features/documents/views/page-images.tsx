import { t } from '../../../i18n/t.ts';
import type { PageImage } from '../page-images.ts';

/** The URL of a page image, versioned by its content key so it can be cached for good (page-images.ts). */
export const pageImageUrl = (documentId: number, img: PageImage) =>
  `/d/${documentId}/pages/${img.n}.${img.f}?v=${img.key.slice(-12)}`;

/**
 * Images of the free pages: the first one eager (it is the top of the document, usually in the first screen), the
 * rest lazy; each with its size so the page does not jump, and srcset/sizes so the browser knows the file is
 * `w` pixels wide and shown at most at the column's width (it picks no larger download than it needs).
 */
export function PageImages({ doc, images }: { doc: { id: number; title: string }; images: readonly PageImage[] }) {
  if (images.length === 0) return null;
  return (
    <section class="page-images" aria-label={t('document.pageImages')}>
      {images.map((img, i) => {
        const src = pageImageUrl(doc.id, img);
        return (
          <img
            key={img.n}
            class="page-images__page"
            src={src}
            srcSet={`${src} ${img.w}w`}
            sizes={`(max-width: 900px) calc(100vw - 3rem), ${Math.min(img.w, 800)}px`}
            width={img.w}
            height={img.h}
            loading={i === 0 ? 'eager' : 'lazy'}
            fetchpriority={i === 0 ? 'high' : undefined}
            decoding="async"
            alt={t('document.pageImageAlt', { title: doc.title, n: img.n })}
          />
        );
      })}
    </section>
  );
}
