import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { REPORT_REASONS } from '../service.ts';
import { ReportForm } from './report-form.tsx';

/** 违规举报: pick a reason, add details; after submitting, a thank-you note. */
export function ReportPage(props: {
  ctx: PageContext;
  doc: { id: number; title: string; format: string };
  done: boolean;
  /** The refused submit, shown again. */
  state?: FormState | undefined;
}) {
  const { ctx, doc, done, state } = props;
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
          <ReportForm ctx={ctx} action={`/d/${doc.id}/report`} reasons={REPORT_REASONS} state={state} />
        )}
      </section>
    </Layout>
  );
}
