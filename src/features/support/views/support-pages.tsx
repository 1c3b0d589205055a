import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import type { ConversationRow } from '../repo.ts';
import { conversationStatus, type getConversation, type listMyConversations } from '../service.ts';
import { MessageList, UserMessageForm } from './messages.tsx';

/** The status badge of a conversation (待回复 / 已回复 / 已关闭). */
export function StatusBadge({ c }: { c: Pick<ConversationRow, 'status' | 'awaiting'> }) {
  const key = conversationStatus(c);
  return <span class={`badge support-status support-status--${key.split('.').pop()}`}>{t(key)}</span>;
}

/** /support: the operator's contact details, the user's conversations and the form to open one. */
export function SupportPage({
  ctx,
  list,
  state,
}: {
  ctx: PageContext;
  list: Awaited<ReturnType<typeof listMyConversations>>;
  /** The refused new-conversation form, shown again. */
  state?: FormState | undefined;
}) {
  const { site } = ctx;
  return (
    <Layout ctx={ctx} title={t('support.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="support-title">
        <h1 id="support-title">{t('support.title')}</h1>
        <p>{t('support.intro')}</p>
        <div class="support-contact">
          <p class="muted">{site.serviceText}</p>
          {site.serviceWechat && <p class="muted">{t('service.wechatId', { id: site.serviceWechat })}</p>}
          {site.serviceQrKey && (
            <img src={`/site/service-qr?v=${site.rev}`} width={120} height={120} alt={t('service.qrAlt')} />
          )}
        </div>
      </section>
      <section class="card" aria-labelledby="support-new">
        <h2 id="support-new">{t('support.new')}</h2>
        <UserMessageForm ctx={ctx} action="/support" withSubject state={state} />
      </section>
      <section class="card" aria-labelledby="support-mine">
        <h2 id="support-mine">{t('support.mine')}</h2>
        {list.rows.length === 0 ? (
          <p class="empty">{t('support.none')}</p>
        ) : (
          <ul class="support-list">
            {list.rows.map((c) => (
              <li key={c.id} class={c.user_unread > 0 ? 'support-item support-item--unread' : 'support-item'}>
                <a href={`/support/${c.id}`}>{c.subject}</a> <StatusBadge c={c} />{' '}
                {c.user_unread > 0 && <strong>{t('support.newReplies', { n: c.user_unread })}</strong>}{' '}
                <span class="muted">{t('support.updated', { time: formatDateTime(c.updated_at) })}</span>
              </li>
            ))}
          </ul>
        )}
        <nav class="pager">
          {list.page > 1 && <a href={`/support?page=${list.page - 1}`}>{t('support.prev')}</a>}
          {list.hasMore && <a href={`/support?page=${list.page + 1}`}>{t('support.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}

/** /support/:id: the owner's view of a conversation, with the follow-up form while it is open. */
export function ConversationPage({
  ctx,
  view,
  state,
}: {
  ctx: PageContext;
  view: Awaited<ReturnType<typeof getConversation>>;
  /** The refused follow-up, shown again. */
  state?: FormState | undefined;
}) {
  const c = view.conversation;
  return (
    <Layout ctx={ctx} title={c.subject} head={<meta name="robots" content="noindex" />}>
      <nav class="breadcrumb">
        <a href="/support">{t('support.back')}</a>
      </nav>
      <section class="card" aria-labelledby="conversation-title">
        <h1 id="conversation-title">
          {c.subject} <StatusBadge c={c} />
        </h1>
        <MessageList messages={view.messages} staff={false} />
        {c.status === 'closed' ? (
          <p class="status-notice">{t('support.closedNotice')}</p>
        ) : (
          <UserMessageForm ctx={ctx} action={`/support/${c.id}`} withSubject={false} state={state} />
        )}
      </section>
    </Layout>
  );
}
