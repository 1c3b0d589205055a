import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDateTime } from '../../../web/format.ts';
import { Form } from '../../../web/views/form.tsx';
import { Layout } from '../../../web/views/layout.tsx';
import type { NotificationView } from '../service.ts';

/** 站内信: newest first; an unread message is bold and opening it marks it read (a form: a state change). */
export function NotificationsPage({
  ctx,
  list,
  page,
}: {
  ctx: PageContext;
  list: { items: readonly NotificationView[]; hasMore: boolean };
  page: number;
}) {
  return (
    <Layout ctx={ctx} title={t('notify.title')} head={<meta name="robots" content="noindex" />}>
      <section class="card" aria-labelledby="notify-title">
        <h1 id="notify-title">{t('notify.title')}</h1>
        {list.items.some((n) => !n.read) && (
          <Form id="notifications-read-all" action="/notifications/read-all" csrf={ctx.csrfToken} class="form--inline">
            <button type="submit" class="button">
              {t('notify.readAll')}
            </button>
          </Form>
        )}
        {list.items.length === 0 ? (
          <p class="empty">{t('notify.empty')}</p>
        ) : (
          <ul class="notification-list">
            {list.items.map((n) => (
              <li key={n.id} class={n.read ? 'notification' : 'notification notification--unread'} id={`n-${n.id}`}>
                <Form
                  id={`notification-open-${n.id}`}
                  action={`/notifications/${n.id}/open`}
                  csrf={ctx.csrfToken}
                  class=""
                >
                  <button type="submit" class="link-button notification__text">
                    {!n.read && <span class="visually-hidden">{t('notify.unreadMark')}</span>}
                    {n.text}
                  </button>
                </Form>
                <time class="muted" dateTime={new Date(n.createdAt).toISOString()}>
                  {formatDateTime(n.createdAt)}
                </time>
              </li>
            ))}
          </ul>
        )}
        <nav class="pager">
          {page > 1 && <a href={`/notifications?page=${page - 1}`}>{t('credits.prev')}</a>}
          {list.hasMore && <a href={`/notifications?page=${page + 1}`}>{t('credits.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}
