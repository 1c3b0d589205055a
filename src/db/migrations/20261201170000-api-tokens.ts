import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Personal API tokens (issue #14): a user's named, scoped bearer tokens for the JSON API. Only a keyed hash of the
 * token is stored (like account link tokens, decision 0015), with its first characters to tell tokens apart in the
 * list. Revoked tokens keep their row (revoked_at) so the list and the audit log can still name them.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await (dialect === 'postgres'
    ? db.schema.createTable('api_tokens').addColumn('id', 'bigserial', (c) => c.primaryKey())
    : db.schema.createTable('api_tokens').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  // The settings page lists a user's tokens, and creation counts the live ones against the cap.
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').columns(['user_id', 'id']).execute();
}
