import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Real-name verification (issue #10, decision 0011):
 * - `verifications`: one row per submission. The legal name and the identity number are sealed (AES-256-GCM,
 *   `v1.<kid>.…`); `id_number_fingerprint` is a keyed HMAC of the normalised number, so equal numbers are found
 *   without storing one. `status` is pending → approved | rejected, approved → revoked.
 *   Partial unique indexes: one pending submission per user, one approved submission per user, and one approved
 *   account per identity number.
 * - `verification_photos`: the optional photo of the card, sealed as bytes, in the database with its row (never a
 *   file in the blob store).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const table =
    dialect === 'postgres'
      ? db.schema.createTable('verifications').addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable('verifications').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await table
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('legal_name_sealed', 'text', (c) => c.notNull())
    .addColumn('id_number_sealed', 'text', (c) => c.notNull())
    .addColumn('id_number_fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('submitted_at', 'bigint', (c) => c.notNull())
    .addColumn('reviewed_by', 'bigint')
    .addColumn('reviewed_at', 'bigint')
    .addColumn('revoked_by', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('verifications_user_idx').on('verifications').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('verifications_status_idx').on('verifications').columns(['status', 'id']).execute();
  await db.schema
    .createIndex('verifications_fingerprint_idx')
    .on('verifications')
    .columns(['id_number_fingerprint'])
    .execute();
  await db.schema
    .createIndex('verifications_one_pending_idx')
    .unique()
    .on('verifications')
    .columns(['user_id'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
  await db.schema
    .createIndex('verifications_one_approved_idx')
    .unique()
    .on('verifications')
    .columns(['user_id'])
    .where(sql.ref('status'), '=', sql.lit('approved'))
    .execute();
  await db.schema
    .createIndex('verifications_number_approved_idx')
    .unique()
    .on('verifications')
    .columns(['id_number_fingerprint'])
    .where(sql.ref('status'), '=', sql.lit('approved'))
    .execute();

  await db.schema
    .createTable('verification_photos')
    .addColumn('verification_id', 'bigint', (c) => c.primaryKey().references('verifications.id').onDelete('cascade'))
    .addColumn('sealed', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
}
