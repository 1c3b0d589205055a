import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import type { TraceResult } from '../trace.ts';

/** The lines a trace result reads as (shared by the page and the CLI). */
export function describeTrace(result: TraceResult): string[] {
  if (result.status === 'unmarked') return [t('watermark.result.unmarked')];
  if (result.status === 'forged') return [t('watermark.result.forged', { ids: result.claimedIds.join('、') })];
  const lines = [t('watermark.result.marked', { n: result.purchases.length })];
  for (const p of result.purchases) {
    lines.push(
      p.known
        ? t('watermark.result.purchase', {
            id: p.purchaseId,
            buyer: p.buyer ?? '',
            buyerId: p.buyerId ?? 0,
            documentId: p.documentId ?? 0,
            title: p.title ?? '',
            date: p.date ?? '',
            refunded: p.refunded ? t('watermark.result.refunded') : '',
            carriers: p.carriers.map((c) => t(`watermark.carrier.${c}`)).join('、'),
          })
        : t('watermark.result.unknown', { id: p.purchaseId }),
    );
  }
  if (result.forgedIds.length) lines.push(t('watermark.result.alsoForged', { ids: result.forgedIds.join('、') }));
  return lines;
}

/** 下载溯源: the upload form, the switches, and the result of the last trace. */
export function TracePage({
  ctx,
  settings,
  result,
  saved,
}: {
  ctx: PageContext;
  settings: { visible: boolean; required: boolean };
  result?: TraceResult;
  saved?: boolean;
}) {
  const csrf = encodeURIComponent(ctx.csrfToken ?? '');
  return (
    <Layout ctx={ctx} title={t('watermark.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/trace" />
      <section class="card" aria-labelledby="trace-title">
        <h1 id="trace-title">{t('watermark.title')}</h1>
        <p class="muted">{t('watermark.intro')}</p>
        <form method="post" action={`/admin/trace?_csrf=${csrf}`} enctype="multipart/form-data">
          <label>
            {t('watermark.file')} <input type="file" name="file" required />
          </label>{' '}
          <button type="submit">{t('watermark.submit')}</button>
        </form>
        {result && (
          <output id="trace-result" class={result.status === 'marked' ? 'notice' : 'notice notice--warn'}>
            {describeTrace(result).map((line) => (
              <p key={line}>{line}</p>
            ))}
          </output>
        )}
      </section>
      <section class="card" aria-labelledby="mark-settings">
        <h2 id="mark-settings">{t('watermark.settingsTitle')}</h2>
        {saved && <p class="notice">{t('watermark.saved')}</p>}
        <form method="post" action="/admin/trace/settings">
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <p>
            <label>
              <input type="checkbox" name="visible" value="1" checked={settings.visible} /> {t('watermark.visible')}
            </label>
          </p>
          <p>
            <label>
              <input type="checkbox" name="required" value="1" checked={settings.required} /> {t('watermark.required')}
            </label>
          </p>
          <button type="submit">{t('watermark.save')}</button>
        </form>
      </section>
    </Layout>
  );
}
