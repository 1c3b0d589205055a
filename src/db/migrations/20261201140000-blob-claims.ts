import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Claims of the S3 blob store's collector (docs/decisions/0016): one row while a collector is deleting a blob. An
 * object store has no atomic "delete unless touched", so writers that touch a blob while a claim stands wait for
 * the collector to finish and then look again. The database is shared by every process and serialises the claims.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('blob_claims')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('claim', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .execute();
}
