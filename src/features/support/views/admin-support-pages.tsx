import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Form, Submit, TextAreaField } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { BODY_MAX, type getConversation } from '../service.ts';
import type { listConversationsForStaff } from '../staff.ts';
import { MessageList } from './messages.tsx';
import { StatusBadge } from './support-pages.tsx';

/** /admin/support: open conversations (unread first in the eye: bold with a count) or closed ones. */
export function AdminSupportPage({
  ctx,
  list,
  closed,
}: {
  ctx: PageContext;
  list: Awaited<ReturnType<typeof listConversationsForStaff>>;
  closed: boolean;
}) {
  const link = (p: number) =>
    `/admin/support?${new URLSearchParams({ ...(closed ? { status: 'closed' } : {}), page: String(p) })}`;
  return (
    <Layout ctx={ctx} title={t('support.admin.title')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/support" />
      <section class="card" aria-labelledby="support-admin-title">
        <h1 id="support-admin-title">{t('support.admin.title')}</h1>
        <p class="muted">{t('support.admin.intro')}</p>
        <nav class="sort-nav">
          <a href="/admin/support" aria-current={closed ? undefined : 'page'}>
            {t('support.admin.tab.open', { n: list.unread })}
          </a>
          <a href="/admin/support?status=closed" aria-current={closed ? 'page' : undefined}>
            {t('support.admin.tab.closed')}
          </a>
        </nav>
        {list.rows.length === 0 ? (
          <p class="empty">{t('support.admin.empty')}</p>
        ) : (
          <ul class="admin-list support-list">
            {list.rows.map((c) => (
              <li key={c.id} class={c.staff_unread > 0 ? 'support-item support-item--unread' : 'support-item'}>
                <a href={`/admin/support/${c.id}`}>{c.subject}</a> <StatusBadge c={c} />{' '}
                {c.staff_unread > 0 && (
                  <strong class="support-unread">{t('support.admin.unread', { n: c.staff_unread })}</strong>
                )}{' '}
                <span class="muted">
                  {t('support.admin.user')}：<a href={`/admin/users/${c.user_id}`}>{c.user_name}</a> ·{' '}
                  {t('support.updated', { time: formatDateTime(c.updated_at) })}
                </span>
              </li>
            ))}
          </ul>
        )}
        <nav class="pager">
          {list.page > 1 && <a href={link(list.page - 1)}>{t('support.prev')}</a>}
          {list.hasMore && <a href={link(list.page + 1)}>{t('support.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}

/** The staff's forms on a conversation: the reply (`staff-reply-body`) and close/reopen. */
export const STAFF_REPLY_FORM = 'staff-reply';
export const STAFF_STATUS_FORM = 'support-status';

/** /admin/support/:id: the conversation, the reply form while open, close or reopen; `state`: a refused form. */
export function AdminConversationPage({
  ctx,
  view,
  state,
}: {
  ctx: PageContext;
  view: Awaited<ReturnType<typeof getConversation>>;
  state?: FormState | undefined;
}) {
  const c = view.conversation;
  return (
    <Layout ctx={ctx} title={c.subject} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/support" />
      <nav class="breadcrumb">
        <a href="/admin/support">{t('support.admin.back')}</a>
      </nav>
      <section class="card" aria-labelledby="conversation-title">
        <h1 id="conversation-title">
          {c.subject} <StatusBadge c={c} />
        </h1>
        <p class="muted">
          {t('support.admin.user')}：<a href={`/admin/users/${c.user_id}`}>{c.user_name}</a> <span>#{c.user_id}</span>
        </p>
        <MessageList messages={view.messages} staff />
        {c.status === 'open' && (
          <Form id={STAFF_REPLY_FORM} action={`/admin/support/${c.id}/reply`} csrf={ctx.csrfToken} state={state}>
            <TextAreaField
              form={STAFF_REPLY_FORM}
              name="body"
              label={t('support.reply')}
              state={state}
              rows={4}
              required
              maxLength={BODY_MAX}
            />
            <Submit label={t('support.reply')} />
          </Form>
        )}
        <Form
          id={STAFF_STATUS_FORM}
          action={`/admin/support/${c.id}/${c.status === 'open' ? 'close' : 'reopen'}`}
          csrf={ctx.csrfToken}
          state={state}
          class="form--inline"
        >
          <Submit label={c.status === 'open' ? t('support.admin.close') : t('support.admin.reopen')} kind="plain" />
        </Form>
      </section>
    </Layout>
  );
}
