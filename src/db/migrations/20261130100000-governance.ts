import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Governance foundations (issue #10):
 * - `notifications` (站内信): one row per message to one user, read or not;
 * - `audit_log`: every staff action, append-only — triggers refuse UPDATE and DELETE on both dialects;
 * - `punishments`: bans and mutes with reason, start, end (NULL = permanent) and revocation; the live state is
 *   denormalised onto `users.banned_until` / `users.muted_until` so the session check reads one row;
 * - `users.role` may now also be `moderator` (a text column; the values are checked in code).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const idTable = (t: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(t).addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(t).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  await idTable('notifications')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'id']).execute();
  await db.schema
    .createIndex('notifications_unread_idx')
    .on('notifications')
    .columns(['user_id'])
    .where(sql.ref('read_at'), 'is', null)
    .execute();

  await idTable('audit_log')
    .addColumn('actor_id', 'bigint')
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'bigint')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'id']).execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'id']).execute();
  await db.schema
    .createIndex('audit_log_target_idx')
    .on('audit_log')
    .columns(['target_type', 'target_id', 'id'])
    .execute();
  switch (dialect) {
    case 'sqlite':
      await sql`create trigger audit_log_no_update before update on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      break;
    case 'postgres':
      await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
        begin raise exception 'audit_log is append-only'; end $$`.execute(db);
      await sql`create trigger audit_log_no_change before update or delete on audit_log
        for each row execute function audit_log_append_only()`.execute(db);
      break;
  }

  await idTable('punishments')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint')
    .addColumn('created_by', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'bigint')
    .execute();
  await db.schema.createIndex('punishments_user_idx').on('punishments').columns(['user_id', 'id']).execute();
  await db.schema.alterTable('users').addColumn('banned_until', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('muted_until', 'bigint').execute();
}
