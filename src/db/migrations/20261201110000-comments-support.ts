import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Comments and the 客服 inbox (issue #11):
 * - `comments`: one level of threads per document (`parent_id` is the top-level comment, null for a thread; the
 *   comment answered and its author are kept for the @name and the notification). Deleting is soft (`deleted_at`:
 *   a thread with replies keeps a placeholder); a moderator hides (`hidden_at`, `hidden_by`) and unhides.
 * - `reports.comment_id`: a report may target a comment (its `document_id` is the comment's document). The one-open-
 *   report rule becomes two partial unique indexes: per (reporter, document) for document reports, per (reporter,
 *   comment) for comment reports, so reporting a comment never blocks reporting its document or another comment.
 * - `support_conversations` / `support_messages`: a user's conversation with the operators, its status, whose turn
 *   it is and the unread counts of each side; messages may carry a re-encoded screenshot (blob `support/<sha256>`).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const idTable = (t: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(t).addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(t).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  await idTable('comments')
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('parent_id', 'bigint', (c) => c.references('comments.id').onDelete('cascade'))
    .addColumn('reply_to_id', 'bigint')
    .addColumn('reply_to_user_id', 'bigint')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('hidden_at', 'bigint')
    .addColumn('hidden_by', 'bigint')
    .execute();
  await db.schema
    .createIndex('comments_threads_idx')
    .on('comments')
    .columns(['document_id', 'id'])
    .where(sql.ref('parent_id'), 'is', null)
    .execute();
  await db.schema.createIndex('comments_replies_idx').on('comments').columns(['parent_id', 'id']).execute();
  await db.schema.createIndex('comments_user_idx').on('comments').columns(['user_id', 'created_at']).execute();

  await db.schema.alterTable('reports').addColumn('comment_id', 'bigint').execute();
  await db.schema.dropIndex('reports_one_open_idx').execute();
  await db.schema
    .createIndex('reports_one_open_idx')
    .on('reports')
    .columns(['reporter_id', 'document_id'])
    .unique()
    .where(sql<boolean>`status = 'open' and comment_id is null`)
    .execute();
  // Document reports have a null comment_id, and nulls never collide in a unique index.
  await db.schema
    .createIndex('reports_one_open_comment_idx')
    .on('reports')
    .columns(['reporter_id', 'comment_id'])
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute();

  await idTable('support_conversations')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('awaiting', 'text', (c) => c.notNull())
    .addColumn('staff_unread', 'integer', (c) => c.notNull())
    .addColumn('user_unread', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'bigint')
    .execute();
  await db.schema
    .createIndex('support_conversations_user_idx')
    .on('support_conversations')
    .columns(['user_id', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('support_conversations_status_idx')
    .on('support_conversations')
    .columns(['status', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('support_conversations_unread_idx')
    .on('support_conversations')
    .columns(['updated_at'])
    .where(sql.ref('staff_unread'), '>', 0)
    .execute();

  await idTable('support_messages')
    .addColumn('conversation_id', 'bigint', (c) =>
      c.notNull().references('support_conversations.id').onDelete('cascade'),
    )
    .addColumn('author_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('from_staff', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('image_key', 'text')
    .addColumn('image_width', 'integer')
    .addColumn('image_height', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('support_messages_conversation_idx')
    .on('support_messages')
    .columns(['conversation_id', 'id'])
    .execute();
  await db.schema
    .createIndex('support_messages_author_idx')
    .on('support_messages')
    .columns(['author_id', 'created_at'])
    .execute();
}
