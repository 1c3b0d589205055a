import { t } from '../../../i18n/t.ts';
import type { PageImage } from '../page-images.ts';
import type { Preview } from '../preview.ts';
import { PageImages } from './page-images.tsx';
import { PreviewText } from './preview-text.tsx';

/**
 * Formats whose look is the content (fixed layout: PDF and OFD, slides, sheets): their free pages are shown as page
 * images, which keep formulas, tables and scans intact where extracted text often scrambles them. Flowing-text
 * formats (docx, doc, wps, rtf, odt, txt, md) are shown as text, which reflows on a phone and can be copied —
 * what a 公文 writer came for. Decision 0023.
 */
export const IMAGE_FIRST_FORMATS: ReadonlySet<string> = new Set([
  'pdf',
  'ofd',
  'pptx',
  'ppt',
  'dps',
  'odp',
  'xlsx',
  'xls',
  'et',
  'ods',
  // Scans uploaded as images: the page is the scan.
  'jpg',
  'png',
  'tif',
]);

/** Which free pages are shown as images; every other free page is shown as text. */
export interface FreePartPlan {
  readonly images: readonly PageImage[];
}

/** The plan for a document: images of its visible free pages for image-first formats, none otherwise. */
export function freePartPlan(
  doc: { format: string },
  preview: Preview | undefined,
  visible: readonly PageImage[],
): FreePartPlan {
  if (!preview || !IMAGE_FIRST_FORMATS.has(doc.format)) return { images: [] };
  return { images: visible };
}

/**
 * The free part, each page once: the planned page images, the text of every other free page, and the cut notice
 * with counts that agree with the header's 页数 (total = the document's page count when known). The text of the
 * pages shown as images stays in the page inside a closed 文字版 disclosure — for screen readers, copying and
 * search engines — so it is there once, not repeated under the pictures.
 */
export function FreePart({
  doc,
  preview,
  plan,
}: {
  doc: { id: number; title: string; page_count: number | null };
  preview: Preview;
  plan: FreePartPlan;
}) {
  const imaged = new Set(plan.images.map((i) => i.n));
  const textPages = preview.pages.filter((p) => !imaged.has(p.number));
  const altPages = preview.pages.filter((p) => imaged.has(p.number));
  const partial = preview.pages.length > preview.fullyShownPages ? preview.pages.at(-1)?.number : undefined;
  const total = Math.max(doc.page_count ?? preview.totalPages, preview.pages.length);
  const shown = Math.min(preview.fullyShownPages, total);
  const counts = {
    total,
    shown,
    partial: partial ?? 0,
    pages: Math.max(0, total - shown),
    chars: preview.remainingChars,
  };
  const first = altPages[0]?.number;
  const last = altPages.at(-1)?.number;
  return (
    <>
      {plan.images.length > 0 && <PageImages doc={doc} images={plan.images} />}
      {altPages.length > 0 && (
        <details class="free-text-alt">
          <summary>
            {first === last
              ? t('document.textVersionOne', { n: first ?? 1 })
              : t('document.textVersion', { from: first ?? 1, to: last ?? 1 })}
          </summary>
          <PreviewText preview={{ ...preview, pages: altPages }} title={doc.title} partial={partial} />
        </details>
      )}
      {textPages.length > 0 && (
        <PreviewText preview={{ ...preview, pages: textPages }} title={doc.title} partial={partial} />
      )}
      {!preview.complete && (
        <div class="cut" role="note">
          <p class="cut__fade" aria-hidden="true" />
          <p class="cut__message">
            {partial === undefined
              ? t('document.cutFull', counts)
              : shown === 0
                ? t('document.cutFirstPartial', counts)
                : t('document.cutPartial', counts)}
          </p>
        </div>
      )}
    </>
  );
}
