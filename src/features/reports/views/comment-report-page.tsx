import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { COMMENT_REPORT_REASONS } from '../comment-reports.ts';

/** 举报评论: the comment quoted (escaped, as everywhere), a reason and details; after submitting, a thank-you. */
export function CommentReportPage(props: {
  ctx: PageContext;
  comment: { id: number; document_id: number; document_title: string; author_name: string; body: string };
  done: boolean;
  error?: string;
  values?: { reason?: string; detail?: string };
}) {
  const { ctx, comment, done, error, values } = props;
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
          <form class="form" method="post" action={`/comments/${comment.id}/report`}>
            {error && (
              <p class="form__errors" role="alert">
                {error}
              </p>
            )}
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <fieldset class="field">
              <legend>{t('report.reason')}</legend>
              {COMMENT_REPORT_REASONS.map((r) => (
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
