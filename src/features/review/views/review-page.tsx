import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDate } from '../../../web/format.ts';
import { Pager } from '../../../web/views/doc-list.tsx';
import { Form, RefusalNotice, Submit, TextField } from '../../../web/views/form.tsx';
import { FormatBadge } from '../../../web/views/format-badge.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import type { HeldDocumentRow } from '../repo.ts';
import { MAX_REASON_CHARS } from '../service.ts';

interface Queue {
  rows: HeldDocumentRow[];
  total: number;
  page: number;
  pages: number;
}

/** A held document's 驳回 form (`reject-<document id>`; 通过 is a button alone). */
export const reviewFormId = (documentId: number | string) => `reject-${documentId}`;

/**
 * 相似文档审核: documents held as near duplicates, each beside the earlier document, with 通过 / 驳回. A refused 驳回
 * comes back with the sentence beside its reason and the reason kept; a document decided meanwhile (or a refused
 * 通过) with the sentence alone.
 */
export function ReviewPage({ ctx, queue, state }: { ctx: PageContext; queue: Queue; state?: FormState | undefined }) {
  return (
    <Layout ctx={ctx} title={t('review.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <p>
          <a href="/admin">{t('review.backToAdmin')}</a>
        </p>
        <h1>{t('review.title')}</h1>
        <p class="muted">{t('review.intro')}</p>
        <RefusalNotice state={state} shown={queue.rows.map((r) => reviewFormId(r.id))} />
        {queue.total === 0 ? (
          <p class="empty">{t('review.empty')}</p>
        ) : (
          <>
            <p>{t('review.count', { n: queue.total })}</p>
            <table class="ledger-table review-table">
              <thead>
                <tr>
                  <th scope="col">{t('review.held')}</th>
                  <th scope="col">{t('review.earlier')}</th>
                  <th scope="col" class="num">
                    {t('review.score')}
                  </th>
                  <th scope="col">{t('review.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {queue.rows.map((r) => (
                  <tr id={`review-${r.id}`} key={r.id}>
                    <td>
                      <FormatBadge format={r.format} /> <a href={`/d/${r.id}`}>{r.title}</a>
                      <br />
                      <span class="muted">
                        {t('review.uploader')}
                        <a href={`/u/${r.owner_id}`}>{r.owner_name}</a> ·{' '}
                        {t('review.uploadedOn', { date: formatDate(r.created_at) })}
                      </span>
                    </td>
                    <td>
                      {r.dup_of === null ? (
                        '–'
                      ) : (
                        <>
                          <a href={`/d/${r.dup_of}`}>{r.earlier_title ?? t('review.earlierMissing')}</a>
                          {r.earlier_owner_name !== null && (
                            <>
                              <br />
                              <span class="muted">
                                {t('review.uploader')}
                                <a href={`/u/${r.earlier_owner_id}`}>{r.earlier_owner_name}</a>
                              </span>
                            </>
                          )}
                        </>
                      )}
                    </td>
                    <td class="num">{r.dup_score === null ? '–' : t('review.scoreValue', { score: r.dup_score })}</td>
                    <td>
                      {/* A refused 通过 is the sentence above the table (RefusalNotice): no summary of its own. */}
                      <Form
                        id={`approve-${r.id}`}
                        class="form--inline"
                        action={`/admin/review/${r.id}/approve`}
                        csrf={ctx.csrfToken}
                      >
                        <Submit label={t('review.approve')} />
                      </Form>
                      <Form
                        id={reviewFormId(r.id)}
                        class="form--inline"
                        action={`/admin/review/${r.id}/reject`}
                        csrf={ctx.csrfToken}
                        state={state}
                      >
                        <TextField
                          form={reviewFormId(r.id)}
                          name="reason"
                          label={<span class="visually-hidden">{t('review.reason')}</span>}
                          state={state}
                          maxLength={MAX_REASON_CHARS}
                          placeholder={t('review.reason')}
                        />
                        <Submit kind="danger" label={t('review.reject')} />
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        {queue.pages > 1 && <Pager base="/admin/review" page={queue.page} hasNext={queue.page < queue.pages} />}
      </section>
    </Layout>
  );
}
