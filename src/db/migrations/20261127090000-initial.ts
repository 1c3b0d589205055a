import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/** The first schema: accounts, sessions, categories, documents and their text, jobs, reports, follows, settings. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const id = (t: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(t).addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(t).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const bigint = 'bigint' as const;

  await id('users')
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('phone', 'text', (c) => c.unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('avatar_key', 'text')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
    .addColumn('real_name_verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_provider', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rev', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('follower_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('expires_at', bigint, (c) => c.notNull())
    .addColumn('last_seen_at', bigint, (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await id('categories')
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();

  await id('documents')
    .addColumn('owner_id', bigint, (c) => c.notNull().references('users.id'))
    .addColumn('category_id', bigint, (c) => c.notNull().references('categories.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_auto', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('size_bytes', bigint, (c) => c.notNull())
    .addColumn('price', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reject_code', 'text')
    .addColumn('reject_params', 'text')
    .addColumn('page_count', 'integer')
    .addColumn('char_count', 'integer')
    .addColumn('preview_mode', 'text')
    .addColumn('preview_value', 'integer')
    .addColumn('download_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rev', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .addColumn('extracted_at', bigint)
    .addColumn('published_at', bigint)
    .addColumn('deleted_at', bigint)
    .execute();
  await db.schema.createIndex('documents_owner_idx').on('documents').columns(['owner_id', 'created_at']).execute();
  await db.schema.createIndex('documents_status_pub_idx').on('documents').columns(['status', 'published_at']).execute();
  await db.schema
    .createIndex('documents_category_idx')
    .on('documents')
    .columns(['category_id', 'status', 'published_at'])
    .execute();
  await db.schema
    .createIndex('documents_downloads_idx')
    .on('documents')
    .columns(['status', 'download_count'])
    .execute();
  await db.schema.createIndex('documents_blob_idx').on('documents').column('blob_key').execute();

  await db.schema
    .createTable('document_texts')
    .addColumn('document_id', bigint, (c) => c.primaryKey().references('documents.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('page_starts', 'text', (c) => c.notNull())
    .addColumn('headings', 'text', (c) => c.notNull())
    .execute();

  await id('jobs')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', bigint, (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', bigint)
    .addColumn('last_error', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_ready_idx').on('jobs').columns(['status', 'run_at']).execute();

  await id('reports')
    .addColumn('document_id', bigint, (c) => c.notNull().references('documents.id'))
    .addColumn('reporter_id', bigint, (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reports_status_idx').on('reports').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('follows')
    .addColumn('follower_id', bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('followee_id', bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'followee_id'])
    .execute();
  await db.schema.createIndex('follows_followee_idx').on('follows').column('followee_id').execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();

  const now = Date.now();
  const categories = [
    ['speech', '讲话稿'],
    ['summary', '工作总结'],
    ['plan', '工作计划'],
    ['reflection', '心得体会'],
    ['research', '调研报告'],
    ['debrief', '述职报告'],
    ['scheme', '实施方案'],
    ['notice', '通知公告'],
    ['other', '其他'],
  ];
  // One row per insert: Kysely multi-row inserts on SQLite write NULL for omitted columns.
  for (const [i, [slug, name]] of categories.entries()) {
    await sql`insert into categories (slug, name, sort_order, created_at) values (${slug}, ${name}, ${i}, ${now})`.execute(
      db,
    );
  }
  await sql`insert into settings (key, value, updated_at) values ('rev', '1', ${now})`.execute(db);
}
