// 客服 inbox, the user's side: open a conversation (subject, text, optional screenshot), follow up, read the
// answers. A conversation and its screenshots are visible to its owner and to staff only; anyone else gets the 404
// of a conversation that does not exist. New conversations and messages are limited per user from the tables
// themselves, so every web process counts the same.
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict, notFound, onField } from '../../errors.ts';
import type { MessageKey } from '../../i18n/t.ts';
import type { SessionUser } from '../accounts/service.ts';
import { canModerate } from '../moderation/policy.ts';
import * as repo from './repo.ts';
import { storeScreenshot } from './screenshot.ts';

/** Field limits, in characters. */
export const SUBJECT_MAX = 80;
export const BODY_MAX = 5000;
const MINUTE = 60_000;
/** Per user: new conversations and messages (any conversation) in rolling windows. */
export const CONVERSATION_LIMITS = [
  { windowMs: 60 * MINUTE, max: 5 },
  { windowMs: 24 * 60 * MINUTE, max: 20 },
] as const;
export const MESSAGE_LIMITS = [
  { windowMs: 10 * MINUTE, max: 20 },
  { windowMs: 24 * 60 * MINUTE, max: 200 },
] as const;
const PAGE_SIZE = 20;

type Viewer = Pick<SessionUser, 'id' | 'role'>;
type Limit = { readonly windowMs: number; readonly max: number };

/** How a conversation looks to its owner: 待回复, 已回复 or 已关闭. */
export function conversationStatus(c: Pick<repo.ConversationRow, 'status' | 'awaiting'>): MessageKey {
  if (c.status === 'closed') return 'support.status.closed';
  return c.awaiting === 'staff' ? 'support.status.awaitingStaff' : 'support.status.answered';
}

/** A text field as stored: line breaks unified, NFC, trimmed; 400 (about form field `field`) over `max` characters. */
export function cleanText(raw: string, max: number, tooLong: MessageKey, field: string): string {
  if (raw.length > max * 4) throw badRequest(tooLong, { max, n: [...raw].length }).on(field);
  const text = raw.replace(/\r\n?/g, '\n').normalize('NFC').trim();
  const n = [...text].length;
  if (n > max) throw badRequest(tooLong, { max, n }).on(field);
  return text;
}

/** 429 when one of the limits is used up, saying when the next try can succeed. */
export async function assertWithin(
  limits: readonly Limit[],
  count: (since: number) => Promise<{ n: number; oldest: number | null }>,
): Promise<void> {
  const now = Date.now();
  for (const limit of limits) {
    const { n, oldest } = await count(now - limit.windowMs);
    if (n >= limit.max) {
      const retryAfter = Math.max(1, Math.ceil(((oldest ?? now) + limit.windowMs - now) / 1000));
      throw new AppError(429, 'rate_limited', 'support.rateLimited', { retryAfter, max: limit.max });
    }
  }
}

/** A conversation the viewer may read (its owner, or staff); 404 for anyone else, as for one that does not exist. */
export async function readableConversation(deps: Pick<Deps, 'database'>, viewer: Viewer, id: number) {
  const c = await repo.findConversation(deps.database.db, id);
  if (!c || (c.user_id !== viewer.id && !canModerate(viewer))) throw notFound();
  return c;
}

/** Opens a conversation with its first message (and screenshot). Returns its id. */
export async function openConversation(
  deps: Pick<Deps, 'database' | 'blobs'>,
  user: Viewer,
  input: { subject: string; body: string; image?: Buffer | undefined },
): Promise<number> {
  // 1. Validate the text, then the allowances, then the image (the costly part) last.
  const subject = cleanText(input.subject, SUBJECT_MAX, 'support.subjectRequired', 'subject').replace(/\s+/g, ' ');
  if (!subject) throw badRequest('support.subjectRequired', { max: SUBJECT_MAX }).on('subject');
  const body = cleanText(input.body, BODY_MAX, 'support.bodyTooLong', 'body');
  if (!body) throw badRequest('support.bodyRequired').on('body');
  const db = deps.database.db;
  await assertWithin(CONVERSATION_LIMITS, (since) => repo.countConversationsSince(db, user.id, since));
  await assertWithin(MESSAGE_LIMITS, (since) => repo.countMessagesSince(db, user.id, since));
  const image = input.image ? await onField('screenshot', () => storeScreenshot(deps, input.image!)) : undefined;
  // 2. The conversation and its first message together.
  return db.transaction().execute(async (trx) => {
    const now = Date.now();
    const id = await repo.insertConversation(trx, { userId: user.id, subject, now });
    await repo.insertMessage(trx, { conversationId: id, authorId: user.id, fromStaff: false, body, image });
    await repo.recordMessage(trx, id, false, now);
    return id;
  });
}

/** The owner follows up in an open conversation (text, a screenshot, or both); 409 once it is closed. */
export async function addUserMessage(
  deps: Pick<Deps, 'database' | 'blobs'>,
  user: Viewer,
  conversationId: number,
  input: { body: string; image?: Buffer | undefined },
): Promise<void> {
  const c = await repo.findConversation(deps.database.db, conversationId);
  if (!c || c.user_id !== user.id) throw notFound();
  if (c.status === 'closed') throw conflict('support.closed');
  const body = cleanText(input.body, BODY_MAX, 'support.bodyTooLong', 'body');
  if (!body && !input.image) throw badRequest('support.messageRequired').on('body');
  const db = deps.database.db;
  await assertWithin(MESSAGE_LIMITS, (since) => repo.countMessagesSince(db, user.id, since));
  const image = input.image ? await onField('screenshot', () => storeScreenshot(deps, input.image!)) : undefined;
  await db.transaction().execute(async (trx) => {
    if (!(await repo.recordMessage(trx, c.id, false, Date.now()))) throw conflict('support.closed');
    await repo.insertMessage(trx, { conversationId: c.id, authorId: user.id, fromStaff: false, body, image });
  });
}

/** The user's conversations, most recently updated first. */
export async function listMyConversations(deps: Pick<Deps, 'database'>, user: Viewer, page: number) {
  const p = Math.min(10_000, Math.max(1, page));
  const rows = await repo.listForUser(deps.database.db, user.id, PAGE_SIZE + 1, (p - 1) * PAGE_SIZE);
  return { rows: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE, page: p };
}

/**
 * A conversation with its messages (oldest first) for its owner or staff, marking it read for the viewer's side:
 * the owner reading it clears their unread count, staff reading it clears the staff badge.
 */
export async function getConversation(deps: Pick<Deps, 'database'>, viewer: Viewer, id: number) {
  const c = await readableConversation(deps, viewer, id);
  const messages = await repo.listMessages(deps.database.db, c.id);
  const side = c.user_id === viewer.id ? 'user' : 'staff';
  await repo.markRead(deps.database.db, c.id, side);
  return { conversation: c, messages, side } as const;
}

/** The blob of a message's screenshot, for its conversation's owner and staff only (404 for anyone else). */
export async function getScreenshotKey(deps: Pick<Deps, 'database'>, viewer: Viewer, messageId: number) {
  const row = await repo.findScreenshot(deps.database.db, messageId);
  if (!row?.image_key || (row.user_id !== viewer.id && !canModerate(viewer))) throw notFound();
  return row.image_key;
}
