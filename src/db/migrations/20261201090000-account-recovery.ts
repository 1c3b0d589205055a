import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Account verification and recovery (issue #11, decision 0015):
 * - `users.contact_verified_at`: when the account proved control of its email or phone (null: not yet). Accounts
 *   that existed before are grandfathered only where staff already vouched for them (staff roles, approved real-name
 *   verification), so current sellers keep selling; everyone else is asked to verify.
 * - `account_tokens`: every link token and SMS code ever issued, only as a keyed hash. `purpose` is verify | reset |
 *   register, `channel` email | sms, `identifier` the normalised address it went to (the rate limits count by it,
 *   and decoy rows for unknown identifiers count too, so a limit never tells whether an account exists).
 *   `user_id` is null for a registration still to be confirmed (its display name and password hash wait in
 *   `pending_name` / `pending_password_hash`) and for decoys. Single use (`used_at`), 30-minute expiry, `attempts`
 *   counts wrong codes.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('users').addColumn('contact_verified_at', 'bigint').execute();
  await sql`update users set contact_verified_at = created_at
    where role in ('admin', 'moderator') or real_name_verified = 1`.execute(db);

  const table =
    dialect === 'postgres'
      ? db.schema.createTable('account_tokens').addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable('account_tokens').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await table
    .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('pending_name', 'text')
    .addColumn('pending_password_hash', 'text')
    .execute();
  await db.schema.createIndex('account_tokens_hash_idx').on('account_tokens').column('token_hash').execute();
  await db.schema
    .createIndex('account_tokens_identifier_idx')
    .on('account_tokens')
    .columns(['identifier', 'created_at'])
    .execute();
  await db.schema.createIndex('account_tokens_ip_idx').on('account_tokens').columns(['ip', 'created_at']).execute();
  await db.schema.createIndex('account_tokens_user_idx').on('account_tokens').columns(['user_id', 'id']).execute();
}
