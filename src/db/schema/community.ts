// Readers and uploaders among themselves: follows, notifications, favorites, ratings, comments, 客服. Part of the database schema (src/db/schema.ts joins the parts).
import type { Generated } from 'kysely';
import type { Millis } from './millis.ts';

export interface FollowsTable {
  follower_id: number;
  followee_id: number;
  created_at: Millis;
}

/** The notification of a published document to its uploader's followers, done in batches behind a cursor. */
export interface FollowFanoutsTable {
  document_id: number;
  owner_id: number;
  /** The last follower id notified (followers are visited in id order). */
  cursor: number;
  sent: number;
  created_at: Millis;
  done_at: Millis | null;
}

/** 站内信: one message to one user. `kind` names a catalog entry `notify.<kind>`; `params` fills it (JSON). */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  params: string;
  link: string | null;
  created_at: Millis;
  read_at: Millis | null;
}

/** A user's favorites folder; the default one (默认收藏夹) has `is_default = 1` and the empty name. */
export interface FavoriteFoldersTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  is_default: number;
  created_at: Millis;
  updated_at: Millis;
}

/** One saved document of one user, in one of their folders. */
export interface FavoritesTable {
  user_id: number;
  document_id: number;
  folder_id: number;
  created_at: Millis;
}

/** One reader's 1–5 rating of one document (editable; removed by deleting the row). */
export interface RatingsTable {
  document_id: number;
  user_id: number;
  stars: number;
  created_at: Millis;
  updated_at: Millis;
}

/** A comment on a document: a thread (`parent_id` null) or a reply in one, soft-deleted and hideable. */
export interface CommentsTable {
  id: Generated<number>;
  document_id: number;
  user_id: number;
  /** The top-level comment of the thread; null for a thread itself. */
  parent_id: number | null;
  /** The comment answered (the thread or a reply in it) and its author, for the @name and the notification. */
  reply_to_id: number | null;
  reply_to_user_id: number | null;
  body: string;
  created_at: Millis;
  /** Deleted by its author: a thread with replies keeps a placeholder. */
  deleted_at: Millis | null;
  /** Hidden by a moderator: others see a placeholder, staff the text. */
  hidden_at: Millis | null;
  hidden_by: number | null;
}

/** A user's conversation with the operators (客服). */
export interface SupportConversationsTable {
  id: Generated<number>;
  user_id: number;
  subject: string;
  status: 'open' | 'closed';
  /** Whose turn it is: `staff` (待回复) or `user` (已回复). */
  awaiting: 'staff' | 'user';
  /** Messages the other side has not opened yet. */
  staff_unread: number;
  user_unread: number;
  created_at: Millis;
  /** The last message (or close/reopen). */
  updated_at: Millis;
  closed_at: Millis | null;
  closed_by: number | null;
}

/** One message of a 客服 conversation, with an optional re-encoded screenshot (blob `support/<sha256>`, WebP). */
export interface SupportMessagesTable {
  id: Generated<number>;
  conversation_id: number;
  author_id: number;
  from_staff: number;
  body: string;
  image_key: string | null;
  image_width: number | null;
  image_height: number | null;
  created_at: Millis;
}
