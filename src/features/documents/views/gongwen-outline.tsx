import { analyzeGongwen } from '../../../convert/gongwen.ts';
import { t } from '../../../i18n/t.ts';
import type { Preview } from '../preview.ts';

/**
 * What the free part of a 公文 says about itself (发文字号, 主送, 落款, 成文日期) and its table of contents: computed
 * from the free text only, so nothing past the cut can appear here.
 */
export function GongwenOutline({ preview }: { preview: Preview | undefined }) {
  if (!preview) return null;
  const s = analyzeGongwen(preview.freeText, preview.headings);
  const meta: Array<[string, string | undefined]> = [
    [t('gongwen.docNumber'), s.docNumber],
    [t('gongwen.addressee'), s.addressee],
    [t('gongwen.signature'), s.signature],
    [t('gongwen.date'), s.date],
  ];
  const shown = meta.filter(([, v]) => v);
  if (shown.length === 0 && s.outline.length < 2) return null;
  return (
    <section class="gongwen-outline" aria-label={t('gongwen.toc')}>
      {shown.length > 0 && (
        <dl class="gongwen-outline__meta">
          {shown.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {s.outline.length >= 2 && (
        <nav class="gongwen-outline__toc">
          <h2>{t('gongwen.toc')}</h2>
          <ol>
            {s.outline.slice(0, 60).map((o) => (
              <li key={o.offset} class={`gongwen-outline__item gongwen-outline__item--l${Math.min(4, o.level)}`}>
                {o.text}
              </li>
            ))}
          </ol>
        </nav>
      )}
    </section>
  );
}
