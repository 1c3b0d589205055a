import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { MARKABLE_FORMATS } from '../formats.ts';

/**
 * What a paid document's download carries (decision 0019): a per-buyer mark (docx, PDF), the marked converted PDF
 * (office formats, when the operator requires marks), or the original as it is (formats that cannot carry one).
 */
export function MarkNotice({
  ctx,
  doc,
}: {
  ctx: PageContext;
  doc: { price: number; format: string; pdf_key: string | null };
}) {
  if (doc.price <= 0) return null;
  const kind = MARKABLE_FORMATS.has(doc.format) ? 'marked' : ctx.site.markRequired && doc.pdf_key ? 'pdfOnly' : 'asIs';
  return (
    <p class="download-box__mark muted" data-mark={kind}>
      {t(`watermark.notice.${kind}`)}
    </p>
  );
}
