import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate } from '../../../web/format.ts';
import { Pager } from '../../../web/views/doc-list.tsx';
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

/** 相似文档审核: documents held as near duplicates, each beside the earlier document, with 通过 / 驳回. */
export function ReviewPage({ ctx, queue }: { ctx: PageContext; queue: Queue }) {
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  return (
    <Layout ctx={ctx} title={t('review.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <p>
          <a href="/admin">{t('review.backToAdmin')}</a>
        </p>
        <h1>{t('review.title')}</h1>
        <p class="muted">{t('review.intro')}</p>
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
                      <form class="form--inline" method="post" action={`/admin/review/${r.id}/approve`}>
                        {csrf}
                        <button class="button button--primary" type="submit">
                          {t('review.approve')}
                        </button>
                      </form>
                      <form class="form--inline" method="post" action={`/admin/review/${r.id}/reject`}>
                        {csrf}
                        <label class="visually-hidden" for={`reason-${r.id}`}>
                          {t('review.reason')}
                        </label>
                        <input
                          id={`reason-${r.id}`}
                          name="reason"
                          maxLength={MAX_REASON_CHARS}
                          placeholder={t('review.reason')}
                        />
                        <button class="button button--danger" type="submit">
                          {t('review.reject')}
                        </button>
                      </form>
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
