import { t } from '../../../i18n/t.ts';
import type { Preview } from '../preview.ts';

/**
 * The free text, page by page. Headings detected at conversion become headings here.
 * Everything rendered comes from `preview.pages`, which holds only text before the cut.
 */
export function PreviewText({
  preview,
  title,
  partial,
}: {
  preview: Preview;
  title: string;
  /** The page shown only up to the cut, if any: its footer says so. */
  partial?: number | undefined;
}) {
  const headingAt = new Map(preview.headings.map((h) => [h.offset, h.level]));
  return (
    <div class="preview-text">
      {preview.pages.map((page) => {
        let offset = page.start;
        const paragraphs = page.text.split('\n').map((para) => {
          const start = offset;
          offset += para.length + 1;
          return { start, para };
        });
        return (
          <section class="preview-page" key={page.number} aria-label={t('document.pageLabel', { n: page.number })}>
            {paragraphs
              .filter((p) => p.para.trim())
              .map(({ start, para }) => {
                // 公文 open with their title as the first paragraph; show it as the page's title line.
                if (start === 0 && para.trim() === title) {
                  return (
                    <p class="preview-title" key={start}>
                      {para}
                    </p>
                  );
                }
                const level = headingAt.get(start);
                if (level === 0 || level === 1) return <h2 key={start}>{para}</h2>;
                if (level !== undefined) return <h3 key={start}>{para}</h3>;
                return <p key={start}>{para}</p>;
              })}
            <p class="preview-page__number" aria-hidden="true">
              {page.number === partial
                ? t('document.pagePartial', { n: page.number })
                : t('document.pageNumber', { n: page.number })}
            </p>
          </section>
        );
      })}
    </div>
  );
}
