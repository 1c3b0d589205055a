import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { type MarkPlanDoc, markNotice } from '../mark-state.ts';

const REASONS = new Set(['tooLarge', 'encrypted', 'unreadable']);

/**
 * What a paid document's download carries (decision 0019, mark-state.ts): a per-buyer mark (docx, PDF), the marked
 * converted PDF (when the operator requires marks), the original as it is (formats that cannot carry one, or a file
 * that cannot be marked — 此文件无法加水印, with the reason), or nothing for sale when marks are required and none
 * can be made; 待检测 while a docx or PDF has not been probed (probe.ts).
 */
export function MarkNotice({ ctx, doc }: { ctx: PageContext; doc: MarkPlanDoc }) {
  const kind = markNotice(doc, ctx.site.markRequired);
  if (kind === 'free') return null;
  const reason = doc.mark_state && REASONS.has(doc.mark_state) ? doc.mark_state : 'unreadable';
  return (
    <p class="download-box__mark muted" data-mark={kind}>
      {t(`watermark.notice.${kind}`, { reason: t(`watermark.reason.${reason as 'unreadable'}`) })}
    </p>
  );
}
