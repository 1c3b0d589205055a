import type { Document } from '../../../db/schema.ts';
import { isMessageKey, t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDate } from '../../../web/format.ts';
import { Form, RefusalNotice } from '../../../web/views/form.tsx';
import { FormatBadge } from '../../../web/views/format-badge.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { maskPii } from '../../privacy/scan.ts';

type Row = Pick<
  Document,
  | 'id'
  | 'title'
  | 'format'
  | 'status'
  | 'reject_code'
  | 'reject_params'
  | 'page_count'
  | 'price'
  | 'created_at'
  | 'download_count'
> &
  Partial<Pick<Document, 'pii_state'>>;

/** The status label (排队中 / 转换中 / 已发布 / 未通过) and, when rejected, the reason in words. */
export function statusLabel(doc: Pick<Row, 'status' | 'reject_code' | 'reject_params'>): {
  label: string;
  reason?: string;
  /** The earlier document a near duplicate resembles. */
  link?: string;
} {
  const label = t(`status.${doc.status}`);
  // Rejections say why; a document held for review says which earlier document it resembles.
  if ((doc.status !== 'rejected' && doc.status !== 'review') || !doc.reject_code) return { label };
  const params = doc.reject_params ? (JSON.parse(doc.reject_params) as Record<string, string | number>) : {};
  let reason = isMessageKey(doc.reject_code)
    ? t(doc.reject_code, params)
    : t('convert.failed', { detail: doc.reject_code });
  // An operator who rejected a near duplicate, or a document held for privacy, may have said why.
  if ((doc.reject_code === 'duplicate.rejected' || doc.reject_code === 'privacy.rejected') && params.reason)
    reason = t('duplicate.rejectedWithReason', { message: reason, reason: params.reason });
  const duplicate = doc.reject_code === 'duplicate.near' || doc.reject_code === 'duplicate.rejected';
  if (duplicate && params.id) return { label, reason, link: `/d/${Number(params.id)}` };
  return { label, reason };
}

/** States whose title, description, category, price and preview can be edited (documents/edit.ts). */
const EDITABLE = new Set(['published', 'review', 'rejected']);

/** Rejections an operator decided: converting again cannot change them, so 重新转换 is not offered. */
const DECIDED = new Set(['duplicate.rejected', 'privacy.rejected']);

/** The 重新转换 button of document `id` (a refusal is the sentence at the top of the page, not in the table). */
export const reconvertFormId = (id: number | string) => `reconvert-${id}`;

/** 我的文档: every upload with its pipeline status; converting ones are polled by the client script. */
export function MyDocumentsPage({
  ctx,
  docs,
  page,
  state,
}: {
  ctx: PageContext;
  docs: Row[];
  page: number;
  /** A refused 重新转换, said at the top. */
  state?: FormState | undefined;
}) {
  return (
    <Layout ctx={ctx} title={t('nav.myDocuments')} head={<meta name="robots" content="noindex" />}>
      <section class="card">
        <h1>{t('nav.myDocuments')}</h1>
        <RefusalNotice state={state} shown={[]} />
        {docs.length === 0 ? (
          <p class="empty">
            {t('myDocs.empty')} <a href="/upload">{t('nav.upload')}</a>
          </p>
        ) : (
          <table class="my-docs">
            <thead>
              <tr>
                <th scope="col">{t('myDocs.title')}</th>
                <th scope="col">{t('myDocs.status')}</th>
                <th scope="col">{t('document.pages')}</th>
                <th scope="col">{t('document.downloads')}</th>
                <th scope="col" class="num">
                  {t('myDocs.price')}
                </th>
                <th scope="col">{t('myDocs.uploadedAt')}</th>
                <th scope="col">{t('myDocs.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {docs.map((d) => {
                const s = statusLabel(d);
                const shown = d.pii_state === 'held' ? maskPii(d.title) : d.title;
                return (
                  <tr id={`doc-${d.id}`} key={d.id}>
                    <td>
                      <FormatBadge format={d.format} /> <a href={`/d/${d.id}`}>{shown}</a>
                    </td>
                    <td>
                      <span
                        class={`status status--${d.status}`}
                        data-doc-status
                        data-doc-id={d.id}
                        data-status={d.status}
                      >
                        {s.label}
                      </span>
                      <span class="status__reason" data-doc-reason>
                        {s.reason}
                      </span>
                      {s.link && (
                        <a class="status__link" href={s.link}>
                          {t('duplicate.viewEarlier')}
                        </a>
                      )}
                      {d.status === 'rejected' && !DECIDED.has(d.reject_code ?? '') && (
                        <Form
                          id={reconvertFormId(d.id)}
                          class="status__retry"
                          action={`/d/${d.id}/reconvert`}
                          csrf={ctx.csrfToken}
                        >
                          <button type="submit" class="button button--small">
                            {t('document.reconvert')}
                          </button>
                        </Form>
                      )}
                    </td>
                    <td data-doc-pages>{d.page_count ?? '–'}</td>
                    <td>{d.download_count}</td>
                    <td class="num">{d.price > 0 ? `${d.price} ${ctx.site.creditName}` : t('library.free')}</td>
                    <td>{formatDate(d.created_at)}</td>
                    <td>
                      <ul class="row-actions" aria-label={t('myDocs.actionsOf', { title: shown })}>
                        {d.status === 'published' && (
                          <li>
                            <a href={`/d/${d.id}`}>{t('myDocs.view')}</a>
                          </li>
                        )}
                        {EDITABLE.has(d.status) && d.pii_state !== 'held' && (
                          <li>
                            <a href={`/d/${d.id}/edit`} data-edit-link={d.id}>
                              {t('edit.link')}
                            </a>
                          </li>
                        )}
                        {d.status !== 'deleted' && (
                          <li>
                            <a class="row-actions__danger" href={`/d/${d.id}/delete`} data-delete-link={d.id}>
                              {t('myDocs.delete')}
                            </a>
                          </li>
                        )}
                      </ul>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <nav class="pager" aria-label={t('list.pager')}>
          {page > 1 && <a href={`/my/documents?page=${page - 1}`}>{t('list.prev')}</a>}
          {docs.length === 20 && <a href={`/my/documents?page=${page + 1}`}>{t('list.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}
