import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { REPORT_REASONS } from '../service.ts';

/** 违规举报: pick a reason, add details; after submitting, a thank-you note. */
export function ReportPage(props: {
  ctx: PageContext;
  doc: { id: number; title: string; format: string };
  done: boolean;
  error?: string;
  values?: { reason?: string; detail?: string };
}) {
  const { ctx, doc, done, error, values } = props;
  return (
    <Layout ctx={ctx} title={t('report.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('report.title')}</h1>
        <p>
          {t('report.target')}
          <a href={`/d/${doc.id}`}>
            {doc.title}.{doc.format}
          </a>
        </p>
        {done ? (
          <p class="flash" role="status">
            {t('report.thanks')}
          </p>
        ) : (
          <form class="form" method="post" action={`/d/${doc.id}/report`}>
            {error && (
              <p class="form__errors" role="alert">
                {error}
              </p>
            )}
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <fieldset class="field">
              <legend>{t('report.reason')}</legend>
              {REPORT_REASONS.map((r) => (
                <label class="choice" key={r}>
                  <input type="radio" name="reason" value={r} required checked={values?.reason === r} />{' '}
                  {t(`takedown.code.${r}`)}
                </label>
              ))}
            </fieldset>
            <div class="field">
              <label for="detail">{t('report.detail')}</label>
              <textarea id="detail" name="detail" rows={4} maxLength={1000}>
                {values?.detail ?? ''}
              </textarea>
            </div>
            <button type="submit" class="button button--danger">
              {t('report.submit')}
            </button>
          </form>
        )}
      </section>
    </Layout>
  );
}
