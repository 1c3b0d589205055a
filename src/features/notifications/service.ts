// 站内信: the one way every outcome reaches the person it concerns (a reporter, an uploader, a rights holder, an
// applicant). Other features call `notify` inside their own transaction, so the message exists exactly when the
// decision does. A notification stores a catalog kind and its parameters, never rendered text: the words live in
// the message catalog (`notify.<kind>`), so they are zh-CN and can be corrected after the fact.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { isMessageKey, type MessageKey, t } from '../../i18n/t.ts';
import type { SessionUser } from '../accounts/service.ts';
import * as repo from './repo.ts';

/** What a notification says: a catalog kind (`notify.<kind>`), its parameters and where it leads. */
export interface NotificationInput {
  readonly userId: number;
  readonly kind: string;
  readonly params?: Record<string, string | number>;
  /** A local path (`/d/12`, `/copyright/notices/3`) the notification links to. */
  readonly link?: string;
}

/** Sends one notification, inside the caller's transaction when given one. */
export async function notify(db: Kysely<DB>, n: NotificationInput): Promise<void> {
  if (!isMessageKey(`notify.${n.kind}`)) throw new Error(`unknown notification kind ${n.kind}`);
  if (n.link !== undefined && !/^\/(?!\/)/.test(n.link)) throw new Error(`notification link must be local: ${n.link}`);
  await repo.insertNotification(db, {
    userId: n.userId,
    kind: n.kind,
    params: JSON.stringify(n.params ?? {}),
    link: n.link ?? null,
    now: Date.now(),
  });
}

/** A notification as the centre shows it: the sentence, its link, when, and whether it was read. */
export interface NotificationView {
  readonly id: number;
  readonly text: string;
  readonly link: string | null;
  readonly createdAt: number;
  readonly read: boolean;
}

const PAGE_SIZE = 20;

/** One page of the user's notifications, rendered to sentences. */
export async function listNotifications(deps: Pick<Deps, 'database'>, user: Pick<SessionUser, 'id'>, page: number) {
  const rows = await repo.listForUser(deps.database.db, user.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  const items: NotificationView[] = rows.slice(0, PAGE_SIZE).map((r) => {
    const key = `notify.${r.kind}`;
    const params = JSON.parse(r.params) as Record<string, string | number>;
    return {
      id: Number(r.id),
      text: isMessageKey(key) ? t(key as MessageKey, params) : r.kind,
      link: r.link,
      createdAt: Number(r.created_at),
      read: r.read_at !== null,
    };
  });
  return { items, hasMore: rows.length > PAGE_SIZE };
}

/** The unread count shown in the header. */
export function unreadCount(deps: Pick<Deps, 'database'>, userId: number): Promise<number> {
  return repo.countUnread(deps.database.db, userId);
}

/** Marks one notification read and returns where it leads; 404 when it is not the user's. */
export async function openNotification(
  deps: Pick<Deps, 'database'>,
  user: Pick<SessionUser, 'id'>,
  id: number,
): Promise<string> {
  const row = await repo.markRead(deps.database.db, user.id, id, Date.now());
  if (!row) throw notFound();
  return row.link ?? '/notifications';
}

/** Marks every notification of the user read. */
export async function markAllNotificationsRead(deps: Pick<Deps, 'database'>, user: Pick<SessionUser, 'id'>) {
  await repo.markAllRead(deps.database.db, user.id, Date.now());
}
