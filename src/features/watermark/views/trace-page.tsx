import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { FileField, Form, Submit } from '../../../web/views/form.tsx';
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

/** The trace upload's id (its file field is `trace-file`). */
export const TRACE_FORM = 'trace';

/** 下载溯源: the upload form, the switches, and the result of the last trace. */
export function TracePage({
  ctx,
  settings,
  result,
  saved,
  state,
}: {
  ctx: PageContext;
  settings: { visible: boolean; required: boolean };
  result?: TraceResult;
  saved?: boolean;
  /** The refused trace upload (its file must be chosen again). */
  state?: FormState | undefined;
}) {
  return (
    <Layout ctx={ctx} title={t('watermark.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/trace" />
      <section class="card" aria-labelledby="trace-title">
        <h1 id="trace-title">{t('watermark.title')}</h1>
        <p class="muted">{t('watermark.intro')}</p>
        <Form id={TRACE_FORM} action="/admin/trace" csrf={ctx.csrfToken} state={state} multipart>
          <FileField form={TRACE_FORM} name="file" label={t('watermark.file')} state={state} required />
          <Submit label={t('watermark.submit')} />
        </Form>
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
        <Form id="mark-settings-form" action="/admin/trace/settings" csrf={ctx.csrfToken}>
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
        </Form>
      </section>
    </Layout>
  );
}
