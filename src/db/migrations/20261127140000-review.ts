import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * The operator review queue: who decided on a document held for review (approved or rejected) and when.
 * Both columns are nullable without a default, so existing rows and inserts that omit them stay NULL.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('documents')
    .addColumn('reviewed_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.alterTable('documents').addColumn('reviewed_at', 'bigint').execute();
}
