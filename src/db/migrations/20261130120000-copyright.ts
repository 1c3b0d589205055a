import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Copyright notices, counter-notices and 认领 (issue #10; 信息网络传播权保护条例 §14–17; decision 0013):
 * - `copyright_notices`: one filing by a logged-in user, `kind` 'notice' (take these documents down) or 'claim'
 *   (this work is mine: its earnings come to me), with the holder's identity, the work, the proof text and the
 *   sworn statement; `status` is the filing's state and the staff decision is recorded on the row;
 * - `copyright_notice_documents`: the documents a filing names, with the uploader at filing time and the state of
 *   each document in the flow (named → taken_down → countered → restored | kept_down; not_public);
 * - `copyright_counter_notices`: the uploader's counter-notice for one document of one notice (at most one);
 * - `copyright_files`: proof and evidence files (blobs in the `proof/` namespace), of a filing or a counter-notice;
 * - `copyright_events`: the dated timeline both parties read;
 * - `documents.earnings_user_id`: who earns from the document's sales from now on (NULL = the uploader).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const idTable = (t: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(t).addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(t).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  await idTable('copyright_notices')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('filer_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('holder_kind', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('id_type', 'text', (c) => c.notNull())
    .addColumn('id_number', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('work_title', 'text', (c) => c.notNull())
    .addColumn('work_author', 'text', (c) => c.notNull())
    .addColumn('work_published', 'text', (c) => c.notNull())
    .addColumn('proof_text', 'text', (c) => c.notNull())
    .addColumn('sworn_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'bigint')
    .addColumn('decision_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('copyright_notices_status_idx')
    .on('copyright_notices')
    .columns(['status', 'id'])
    .execute();
  await db.schema
    .createIndex('copyright_notices_filer_idx')
    .on('copyright_notices')
    .columns(['filer_id', 'id'])
    .execute();

  await db.schema
    .createTable('copyright_notice_documents')
    .addColumn('notice_id', 'bigint', (c) => c.notNull().references('copyright_notices.id').onDelete('cascade'))
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('uploader_id', 'bigint', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('copyright_notice_documents_pk', ['notice_id', 'document_id'])
    .execute();
  await db.schema
    .createIndex('copyright_notice_documents_doc_idx')
    .on('copyright_notice_documents')
    .columns(['document_id', 'status'])
    .execute();
  await db.schema
    .createIndex('copyright_notice_documents_uploader_idx')
    .on('copyright_notice_documents')
    .columns(['uploader_id', 'notice_id'])
    .execute();

  await idTable('copyright_counter_notices')
    .addColumn('notice_id', 'bigint', (c) => c.notNull().references('copyright_notices.id').onDelete('cascade'))
    .addColumn('document_id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('evidence_text', 'text', (c) => c.notNull())
    .addColumn('sworn_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('copyright_counter_notices_once', ['notice_id', 'document_id'])
    .execute();

  await idTable('copyright_files')
    .addColumn('notice_id', 'bigint', (c) => c.notNull().references('copyright_notices.id').onDelete('cascade'))
    .addColumn('counter_notice_id', 'bigint', (c) => c.references('copyright_counter_notices.id').onDelete('cascade'))
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('uploaded_by', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('copyright_files_notice_idx').on('copyright_files').columns(['notice_id']).execute();

  await idTable('copyright_events')
    .addColumn('notice_id', 'bigint', (c) => c.notNull().references('copyright_notices.id').onDelete('cascade'))
    .addColumn('document_id', 'bigint')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'bigint')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('copyright_events_notice_idx')
    .on('copyright_events')
    .columns(['notice_id', 'id'])
    .execute();

  await db.schema
    .alterTable('documents')
    .addColumn('earnings_user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .execute();
}
