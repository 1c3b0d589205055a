import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { COMMENT_REPORT_REASONS } from '../comment-reports.ts';
import { ReportForm } from './report-form.tsx';

/** 举报评论: the comment quoted (escaped, as everywhere), a reason and details; after submitting, a thank-you. */
export function CommentReportPage(props: {
  ctx: PageContext;
  comment: { id: number; document_id: number; document_title: string; author_name: string; body: string };
  done: boolean;
  /** The refused submit, shown again. */
  state?: FormState | undefined;
}) {
  const { ctx, comment, done, state } = props;
  return (
    <Layout ctx={ctx} title={t('report.comment.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('report.comment.title')}</h1>
        <p>
          {t('report.comment.document')}
          <a href={`/d/${comment.document_id}`}>{comment.document_title}</a>
        </p>
        <p>{t('report.comment.target')}</p>
        <blockquote class="comment__body">
          <strong>{comment.author_name}</strong>：{comment.body}
        </blockquote>
        {done ? (
          <p class="flash" role="status">
            {t('report.thanks')}
          </p>
        ) : (
          <ReportForm
            ctx={ctx}
            action={`/comments/${comment.id}/report`}
            reasons={COMMENT_REPORT_REASONS}
            state={state}
          />
        )}
      </section>
    </Layout>
  );
}
