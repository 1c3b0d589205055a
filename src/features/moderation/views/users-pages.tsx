import { t } from '../../../i18n/t.ts';
import type { PageContext } from '../../../web/context.ts';
import type { FormState } from '../../../web/form-state.ts';
import { formatDate, formatDateTime } from '../../../web/format.ts';
import { Form, RefusalNotice, SelectField, Submit, TextField } from '../../../web/views/form.tsx';
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

/** The forms of a user's staff page. */
export const PUNISH_FORM = 'punish';
export const TAKEDOWN_ALL_FORM = 'takedown-all';
export const ROLE_FORM = 'role';
/** The 撤销 button of punishment `id` (a refusal is shown at the top: the button has no summary of its own). */
export const revokeFormId = (id: number | string) => `revoke-${id}`;

/**
 * /admin/users/:id: state, punish form, history with 解除, role form for admins. A refused form comes back with its
 * sentence and what was typed; a refusal whose form is gone (解除 of a punishment lifted meanwhile, 全部下架 once
 * the ban ended) is shown alone at the top.
 */
export function UserDetailPage({
  ctx,
  detail,
  state,
}: {
  ctx: PageContext;
  detail: UserDetail;
  state?: FormState | undefined;
}) {
  const { user, punishments } = detail;
  const now = Date.now();
  const actor = ctx.user!;
  const mayPunish = canPunish(actor, user);
  const banned = !!user.banned_until && Number(user.banned_until) > now;
  const shown = [
    ...(mayPunish ? [PUNISH_FORM] : []),
    ...(banned ? [TAKEDOWN_ALL_FORM] : []),
    ...(canChangeRole(actor, user) ? [ROLE_FORM] : []),
  ];
  return (
    <Layout
      ctx={ctx}
      title={t('moderation.userTitle', { name: user.display_name })}
      head={<meta name="robots" content="noindex" />}
    >
      <StaffNav ctx={ctx} current="/admin/users" />
      <section class="card" aria-labelledby="user-title">
        <h1 id="user-title">{t('moderation.userTitle', { name: user.display_name })}</h1>
        <RefusalNotice state={state} shown={shown} />
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
          <Form id={PUNISH_FORM} action={`/admin/users/${user.id}/punish`} csrf={ctx.csrfToken} state={state}>
            <PunishFields form={PUNISH_FORM} state={state} />
            <Submit kind="danger" label={t('moderation.punishSubmit')} />
          </Form>
        </section>
      )}
      {banned && (
        <section class="card" aria-labelledby="takedown-all-title">
          <h2 id="takedown-all-title">{t('docs.admin.userTakedownTitle')}</h2>
          <p class="muted">{t('docs.admin.userTakedownHint')}</p>
          <Form
            id={TAKEDOWN_ALL_FORM}
            action={`/admin/users/${user.id}/takedown-all`}
            csrf={ctx.csrfToken}
            state={state}
          >
            <TextField
              form={TAKEDOWN_ALL_FORM}
              name="note"
              label={t('docs.admin.note')}
              state={state}
              maxLength={500}
            />
            <Submit kind="danger" label={t('docs.admin.userTakedownSubmit')} />
          </Form>
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
                    // A refused 撤销 (lifted meanwhile) is the sentence at the top (RefusalNotice).
                    <Form
                      id={revokeFormId(p.id)}
                      action={`/admin/punishments/${p.id}/revoke`}
                      csrf={ctx.csrfToken}
                      class="form--inline"
                    >
                      <button type="submit" class="link-button">
                        {t('moderation.revoke')}
                      </button>
                    </Form>
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
          <Form
            id={ROLE_FORM}
            class="form form--inline"
            action={`/admin/users/${user.id}/role`}
            csrf={ctx.csrfToken}
            state={state}
          >
            <SelectField
              form={ROLE_FORM}
              name="role"
              label={t('moderation.roleTitle')}
              state={state}
              value={user.role}
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
            <Submit kind="plain" label={t('moderation.roleSubmit')} />
          </Form>
        </section>
      )}
    </Layout>
  );
}
