// 客服 inbox: the queries. A conversation row carries its status, whose turn it is and each side's unread count, so
// the lists and the staff badge read one table; messages are read per conversation, oldest first.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** A conversation with its owner's name. */
function conversationQuery(db: Kysely<DB>) {
  return db
    .selectFrom('support_conversations as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.user_id',
      's.subject',
      's.status',
      's.awaiting',
      's.staff_unread',
      's.user_unread',
      's.created_at',
      's.updated_at',
      's.closed_at',
      'u.display_name as user_name',
    ]);
}

/** One conversation as read from the database. */
export type ConversationRow = Awaited<ReturnType<ReturnType<typeof conversationQuery>['execute']>>[number];

/** One conversation, or undefined. */
export function findConversation(db: Kysely<DB>, id: number): Promise<ConversationRow | undefined> {
  return conversationQuery(db).where('s.id', '=', id).executeTakeFirst();
}

/** A user's conversations, most recently updated first. */
export function listForUser(db: Kysely<DB>, userId: number, limit: number, offset: number) {
  return conversationQuery(db)
    .where('s.user_id', '=', userId)
    .orderBy('s.updated_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Open or closed conversations for staff, most recently updated first. */
export function listForStaff(db: Kysely<DB>, status: 'open' | 'closed', limit: number, offset: number) {
  return conversationQuery(db)
    .where('s.status', '=', status)
    .orderBy('s.updated_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Conversations with messages no staff member has opened yet (the badge on /admin). */
export async function countStaffUnread(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('support_conversations')
    .select(sql<number>`count(*)`.as('n'))
    .where('staff_unread', '>', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The messages of a conversation, oldest first, with each author's name. */
export function listMessages(db: Kysely<DB>, conversationId: number) {
  return db
    .selectFrom('support_messages as m')
    .innerJoin('users as u', 'u.id', 'm.author_id')
    .select([
      'm.id',
      'm.author_id',
      'm.from_staff',
      'm.body',
      'm.image_key',
      'm.image_width',
      'm.image_height',
      'm.created_at',
      'u.display_name as author_name',
    ])
    .where('m.conversation_id', '=', conversationId)
    .orderBy('m.id')
    .execute();
}

/** The screenshot of a message and the conversation's owner (for the authorisation check). */
export function findScreenshot(db: Kysely<DB>, messageId: number) {
  return db
    .selectFrom('support_messages as m')
    .innerJoin('support_conversations as s', 's.id', 'm.conversation_id')
    .select(['m.image_key', 's.user_id'])
    .where('m.id', '=', messageId)
    .executeTakeFirst();
}

/** Conversations a user opened since `since`, and the oldest of them. */
export async function countConversationsSince(db: Kysely<DB>, userId: number, since: number) {
  const row = await db
    .selectFrom('support_conversations')
    .select([sql<number>`count(*)`.as('n'), sql<number | null>`min(created_at)`.as('oldest')])
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { n: Number(row.n), oldest: row.oldest === null ? null : Number(row.oldest) };
}

/** Messages a user wrote since `since`, and the oldest of them. */
export async function countMessagesSince(db: Kysely<DB>, userId: number, since: number) {
  const row = await db
    .selectFrom('support_messages')
    .select([sql<number>`count(*)`.as('n'), sql<number | null>`min(created_at)`.as('oldest')])
    .where('author_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { n: Number(row.n), oldest: row.oldest === null ? null : Number(row.oldest) };
}

/** Creates a conversation awaiting staff, with one unread message for them; returns its id. */
export async function insertConversation(db: Kysely<DB>, c: { userId: number; subject: string; now: number }) {
  const row = await db
    .insertInto('support_conversations')
    .values({
      user_id: c.userId,
      subject: c.subject,
      status: 'open',
      awaiting: 'staff',
      staff_unread: 0,
      user_unread: 0,
      created_at: c.now,
      updated_at: c.now,
      closed_at: null,
      closed_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A stored screenshot: its blob key and the re-encoded dimensions. */
export interface StoredImage {
  readonly key: string;
  readonly width: number;
  readonly height: number;
}

/** Appends a message; returns its id. */
export async function insertMessage(
  db: Kysely<DB>,
  m: { conversationId: number; authorId: number; fromStaff: boolean; body: string; image: StoredImage | undefined },
) {
  const row = await db
    .insertInto('support_messages')
    .values({
      conversation_id: m.conversationId,
      author_id: m.authorId,
      from_staff: m.fromStaff ? 1 : 0,
      body: m.body,
      image_key: m.image?.key ?? null,
      image_width: m.image?.width ?? null,
      image_height: m.image?.height ?? null,
      created_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * After a message from one side: the other side has one more unread message and it is their turn. Guarded on the
 * conversation being open (false when it was closed meanwhile).
 */
export async function recordMessage(db: Kysely<DB>, id: number, fromStaff: boolean, now: number): Promise<boolean> {
  const res = await db
    .updateTable('support_conversations')
    .set((eb) =>
      fromStaff
        ? { awaiting: 'user' as const, user_unread: eb('user_unread', '+', 1), updated_at: now }
        : { awaiting: 'staff' as const, staff_unread: eb('staff_unread', '+', 1), updated_at: now },
    )
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** One side has read the conversation. */
export async function markRead(db: Kysely<DB>, id: number, side: 'staff' | 'user'): Promise<void> {
  await db
    .updateTable('support_conversations')
    .set(side === 'staff' ? { staff_unread: 0 } : { user_unread: 0 })
    .where('id', '=', id)
    .where(side === 'staff' ? 'staff_unread' : 'user_unread', '>', 0)
    .execute();
}

/** Closes (by a staff member) or reopens a conversation; false when it already was in that state. */
export async function setStatus(db: Kysely<DB>, id: number, to: 'open' | 'closed', by: number, now: number) {
  const res = await db
    .updateTable('support_conversations')
    .set(
      to === 'closed'
        ? { status: 'closed', closed_at: now, closed_by: by, staff_unread: 0, updated_at: now }
        : { status: 'open', closed_at: null, closed_by: null, updated_at: now },
    )
    .where('id', '=', id)
    .where('status', '=', to === 'closed' ? 'open' : 'closed')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
