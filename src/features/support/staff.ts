// 客服 inbox, the staff side (moderators and admins): the list with unread counts, replies (the user is told in
// 站内信), close and reopen (audited). The badge on the staff console counts conversations with messages no staff
// member has opened yet.
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { canModerate } from '../moderation/policy.ts';
import { notify } from '../notifications/service.ts';
import * as repo from './repo.ts';
import { BODY_MAX, cleanText } from './service.ts';

type Actor = Pick<SessionUser, 'id' | 'role'>;
const PAGE_SIZE = 30;

function assertStaff(actor: Actor) {
  if (!canModerate(actor)) throw forbidden();
}

/** The staff console's badge: conversations with unread messages, shown beside 客服会话 (a page source). */
export async function supportStaffBadges(deps: Pick<Deps, 'database'>): Promise<Record<string, number>> {
  return { '/admin/support': await repo.countStaffUnread(deps.database.db) };
}

/** Open or closed conversations, most recently updated first, and the badge count. */
export async function listConversationsForStaff(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  filter: { closed: boolean; page: number },
) {
  assertStaff(actor);
  const page = Math.min(10_000, Math.max(1, filter.page));
  const db = deps.database.db;
  const rows = await repo.listForStaff(db, filter.closed ? 'closed' : 'open', PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  return {
    rows: rows.slice(0, PAGE_SIZE),
    hasMore: rows.length > PAGE_SIZE,
    page,
    unread: await repo.countStaffUnread(db),
  };
}

/** A staff reply: stored, the conversation becomes 已回复, the user is notified. Reopens nothing: 409 when closed. */
export async function replyAsStaff(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  conversationId: number,
  rawBody: string,
): Promise<void> {
  assertStaff(actor);
  const c = await repo.findConversation(deps.database.db, conversationId);
  if (!c) throw notFound();
  const body = cleanText(rawBody, BODY_MAX, 'support.bodyTooLong', 'body');
  if (!body) throw badRequest('support.bodyRequired').on('body');
  await deps.database.db.transaction().execute(async (trx) => {
    if (!(await repo.recordMessage(trx, c.id, true, Date.now()))) throw conflict('support.closed');
    await repo.insertMessage(trx, {
      conversationId: c.id,
      authorId: actor.id,
      fromStaff: true,
      body,
      image: undefined,
    });
    // Replying means staff have read it.
    await repo.markRead(trx, c.id, 'staff');
    await notify(trx, {
      userId: c.user_id,
      kind: 'support.reply',
      params: { subject: c.subject },
      link: `/support/${c.id}`,
    });
  });
}

/** Closes or reopens a conversation (409 when it already is in that state); audited, the user told of a close. */
export async function setConversationStatus(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  input: { conversationId: number; to: 'open' | 'closed'; ip: string },
): Promise<void> {
  assertStaff(actor);
  const c = await repo.findConversation(deps.database.db, input.conversationId);
  if (!c) throw notFound();
  await deps.database.db.transaction().execute(async (trx) => {
    if (!(await repo.setStatus(trx, c.id, input.to, actor.id, Date.now())))
      throw conflict(input.to === 'closed' ? 'support.alreadyClosed' : 'support.alreadyOpen');
    if (input.to === 'closed') {
      await notify(trx, {
        userId: c.user_id,
        kind: 'support.closed',
        params: { subject: c.subject },
        link: `/support/${c.id}`,
      });
    }
    await recordAudit(trx, {
      actor,
      action: input.to === 'closed' ? 'support.close' : 'support.reopen',
      targetType: 'support',
      targetId: c.id,
      before: { status: c.status },
      after: { status: input.to, user: c.user_id },
      ip: input.ip,
    });
  });
}
