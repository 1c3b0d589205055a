import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Login back-off shared by every web process: one row per throttled key (`acct:<identifier>` or `ip:<address>`)
 * with its consecutive failures, the last failure and the end of the current block. In the database rather than
 * in process memory, so several web processes agree and a restart does not reset an attack.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('auth_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_throttle_last_failure').on('auth_throttle').column('last_failure_at').execute();
}
