import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import { formatDate, formatDateTime } from '../../../web/format.ts';
import { Layout } from '../../../web/views/layout.tsx';
import { StaffNav } from '../../../web/views/staff-nav.tsx';
import { canChangeRole, canPunish, PERMANENT } from '../policy.ts';
import { type getUserForStaff, ROLES, type searchUsersForStaff } from '../service.ts';
import { PunishFields } from './punish-fields.tsx';

type UserList = Awaited<ReturnType<typeof searchUsersForStaff>>;
type UserDetail = Awaited<ReturnType<typeof getUserForStaff>>;

/** 正常 / 封禁至… / 禁言至…: a user's live punishment state in words. */
function stateOf(u: { banned_until: number | null; muted_until: number | null }, now: number): string {
  const parts: string[] = [];
  if (u.banned_until && u.banned_until > now)
    parts.push(
      u.banned_until >= PERMANENT
        ? t('moderation.state.bannedForever')
        : t('moderation.state.banned', { until: formatDateTime(u.banned_until) }),
    );
  if (u.muted_until && u.muted_until > now)
    parts.push(
      u.muted_until >= PERMANENT
        ? t('moderation.state.mutedForever')
        : t('moderation.state.muted', { until: formatDateTime(u.muted_until) }),
    );
  return parts.length ? parts.join('，') : t('moderation.state.ok');
}

/** Masks a contact for the list: ab***@example.com, 138****8000. */
export function maskContact(email: string | null, phone: string | null): string {
  if (phone) return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  if (email) {
    const [local = '', domain = ''] = email.split('@');
    return `${local.slice(0, 2)}***@${domain}`;
  }
  return '—';
}

/** /admin/users: search and paging. */
export function UsersPage({ ctx, list, q, page }: { ctx: PageContext; list: UserList; q: string; page: number }) {
  const now = Date.now();
  const link = (p: number) => `/admin/users?${new URLSearchParams({ q, page: String(p) })}`;
  return (
    <Layout ctx={ctx} title={t('moderation.usersTitle')} head={<meta name="robots" content="noindex" />}>
      <StaffNav ctx={ctx} current="/admin/users" />
      <section class="card" aria-labelledby="users-title">
        <h1 id="users-title">{t('moderation.usersTitle')}</h1>
        <form class="form form--inline" method="get" action="/admin/users">
          <input name="q" value={q} aria-label={t('moderation.search')} placeholder={t('moderation.search')} />
          <button type="submit" class="button">
            {t('moderation.searchSubmit')}
          </button>
        </form>
        {list.rows.length === 0 ? (
          <p class="empty">{t('moderation.noUsers')}</p>
        ) : (
          <table class="ledger-table">
            <thead>
              <tr>
                <th scope="col">{t('moderation.col.user')}</th>
                <th scope="col">{t('moderation.col.contact')}</th>
                <th scope="col">{t('moderation.col.role')}</th>
                <th scope="col" class="num">
                  {t('moderation.col.documents')}
                </th>
                <th scope="col">{t('moderation.col.state')}</th>
                <th scope="col">{t('moderation.col.joined')}</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((u) => (
                <tr key={u.id}>
                  <td>
                    <a href={`/admin/users/${u.id}`}>{u.display_name}</a> <span class="muted">#{u.id}</span>
                  </td>
                  <td>{maskContact(u.email, u.phone)}</td>
                  <td>{t(`role.${u.role}`)}</td>
                  <td class="num">{Number(u.documents)}</td>
                  <td>{stateOf(u, now)}</td>
                  <td>{formatDate(Number(u.created_at))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav class="pager">
          {page > 1 && <a href={link(page - 1)}>{t('credits.prev')}</a>}
          {list.hasMore && <a href={link(page + 1)}>{t('credits.next')}</a>}
        </nav>
      </section>
    </Layout>
  );
}

/** /admin/users/:id: state, punish form, history with 解除, role form for admins. */
export function UserDetailPage({ ctx, detail }: { ctx: PageContext; detail: UserDetail }) {
  const { user, punishments } = detail;
  const now = Date.now();
  const actor = ctx.user!;
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
  const mayPunish = canPunish(actor, user);
  return (
    <Layout
      ctx={ctx}
      title={t('moderation.userTitle', { name: user.display_name })}
      head={<meta name="robots" content="noindex" />}
    >
      <StaffNav ctx={ctx} current="/admin/users" />
      <section class="card" aria-labelledby="user-title">
        <h1 id="user-title">{t('moderation.userTitle', { name: user.display_name })}</h1>
        <dl class="facts">
          <dt>{t('moderation.col.contact')}</dt>
          <dd>{maskContact(user.email, user.phone)}</dd>
          <dt>{t('moderation.col.role')}</dt>
          <dd>{t(`role.${user.role}`)}</dd>
          <dt>{t('moderation.col.state')}</dt>
          <dd id="user-state">{stateOf(user, now)}</dd>
          <dt>{t('moderation.col.joined')}</dt>
          <dd>{formatDate(Number(user.created_at))}</dd>
        </dl>
        <p>
          <a href={`/u/${user.id}`}>{t('moderation.publicProfile')}</a> ·{' '}
          <a href={`/admin/documents?owner=${user.id}`}>{t('moderation.userDocuments')}</a>
        </p>
      </section>
      {mayPunish && (
        <section class="card" aria-labelledby="punish-title">
          <h2 id="punish-title">{t('moderation.punishTitle')}</h2>
          <form class="form" method="post" action={`/admin/users/${user.id}/punish`}>
            {csrf}
            <PunishFields ids={{ days: 'days', reason: 'reason' }} />
            <button type="submit" class="button button--danger">
              {t('moderation.punishSubmit')}
            </button>
          </form>
        </section>
      )}
      {user.banned_until && Number(user.banned_until) > now && (
        <section class="card" aria-labelledby="takedown-all-title">
          <h2 id="takedown-all-title">{t('docs.admin.userTakedownTitle')}</h2>
          <p class="muted">{t('docs.admin.userTakedownHint')}</p>
          <form class="form" method="post" action={`/admin/users/${user.id}/takedown-all`}>
            {csrf}
            <div class="field">
              <label for="takedown-all-note">{t('docs.admin.note')}</label>
              <input id="takedown-all-note" name="note" maxLength={500} />
            </div>
            <button type="submit" class="button button--danger">
              {t('docs.admin.userTakedownSubmit')}
            </button>
          </form>
        </section>
      )}
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">{t('moderation.history')}</h2>
        {punishments.length === 0 ? (
          <p class="empty">{t('moderation.noHistory')}</p>
        ) : (
          <ul class="punishment-list">
            {punishments.map((p) => {
              const live = !p.revoked_at && (p.ends_at === null || Number(p.ends_at) > now);
              return (
                <li key={p.id}>
                  {t(`moderation.kind.${p.kind}`)} · {formatDateTime(Number(p.starts_at))} →{' '}
                  {p.ends_at === null ? t('moderation.days.forever') : formatDateTime(Number(p.ends_at))} · {p.reason} ·{' '}
                  {p.by_name ?? `#${p.created_by}`} ·{' '}
                  {p.revoked_at ? t('moderation.revoked') : live ? t('moderation.active') : t('moderation.ended')}
                  {live && mayPunish && (
                    <form method="post" action={`/admin/punishments/${p.id}/revoke`} class="form--inline">
                      {csrf}
                      <button type="submit" class="link-button">
                        {t('moderation.revoke')}
                      </button>
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {canChangeRole(actor, user) && (
        <section class="card" aria-labelledby="role-title">
          <h2 id="role-title">{t('moderation.roleTitle')}</h2>
          <form class="form form--inline" method="post" action={`/admin/users/${user.id}/role`}>
            {csrf}
            <select name="role" aria-label={t('moderation.roleTitle')}>
              {ROLES.map((r) => (
                <option key={r} value={r} selected={r === user.role}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
            <button type="submit" class="button">
              {t('moderation.roleSubmit')}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}
