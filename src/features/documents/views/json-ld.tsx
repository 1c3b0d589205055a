import type { PageContext } from '../../../web/context.ts';
import { isoDate } from '../../../web/format.ts';
import { jsonForScript } from '../../../web/render.ts';
import type { DocumentPage } from '../service.ts';

/** The IANA media type of each stored format (schema.org's encodingFormat wants a MIME type, not an extension). */
export const MIME_BY_FORMAT: Readonly<Record<string, string>> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  wps: 'application/vnd.ms-works',
  rtf: 'application/rtf',
  odt: 'application/vnd.oasis.opendocument.text',
  pdf: 'application/pdf',
  ofd: 'application/ofd',
  txt: 'text/plain',
  md: 'text/markdown',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ppt: 'application/vnd.ms-powerpoint',
  dps: 'application/vnd.ms-powerpoint',
  odp: 'application/vnd.oasis.opendocument.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  et: 'application/vnd.ms-excel',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  jpg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
};

/** The MIME type of a format (application/octet-stream for one this table does not know). */
export const mimeOf = (format: string) => MIME_BY_FORMAT[format] ?? 'application/octet-stream';

/**
 * Structured data for search engines (schema.org DigitalDocument), built from the free part only: the title, the
 * description or fragment the page already shows, counts, and an Offer in the site's credits for a paid document.
 */
export function JsonLd({
  page,
  description,
  url,
  ctx,
}: {
  page: DocumentPage;
  description: string;
  url: string;
  ctx: PageContext;
}) {
  const { doc } = page;
  const data = {
    '@context': 'https://schema.org',
    '@type': 'DigitalDocument',
    '@id': url,
    url,
    name: doc.title,
    description: description.slice(0, 200),
    encodingFormat: mimeOf(doc.format),
    fileFormat: mimeOf(doc.format),
    contentSize: `${doc.size_bytes} B`,
    numberOfPages: doc.page_count ?? undefined,
    datePublished: doc.published_at ? isoDate(doc.published_at) : undefined,
    inLanguage: 'zh-CN',
    author: { '@type': 'Person', name: doc.owner_name, url: `${ctx.publicUrl}/u/${doc.owner_id}` },
    isAccessibleForFree: doc.price === 0,
    genre: doc.category_name,
    interactionStatistic: {
      '@type': 'InteractionCounter',
      interactionType: 'https://schema.org/DownloadAction',
      userInteractionCount: doc.download_count,
    },
    // Priced in the site's own credits (文币), not a currency: the unit is named, not an ISO 4217 code.
    offers:
      doc.price > 0
        ? {
            '@type': 'Offer',
            url,
            price: doc.price,
            priceSpecification: { '@type': 'UnitPriceSpecification', price: doc.price, unitText: ctx.site.creditName },
            availability: 'https://schema.org/InStock',
            category: 'paid download',
          }
        : undefined,
    aggregateRating:
      doc.rating_count > 0
        ? {
            '@type': 'AggregateRating',
            ratingValue: Math.round(doc.rating_avg * 10) / 10,
            ratingCount: doc.rating_count,
            bestRating: 5,
            worstRating: 1,
          }
        : undefined,
  };
  return <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonForScript(data) }} />;
}
