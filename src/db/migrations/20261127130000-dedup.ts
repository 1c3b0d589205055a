import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Near duplicates: each document's MinHash signature (JSON) and its LSH band hashes in `document_bands`, indexed by
 * (band, hash) so finding candidates is 20 index probes however many documents there are. A document held for
 * review records the earlier document it resembles and the similarity in percent.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('documents').addColumn('minhash', 'text').execute();
  await db.schema.alterTable('documents').addColumn('dup_of', 'bigint').execute();
  await db.schema.alterTable('documents').addColumn('dup_score', 'integer').execute();
  await db.schema
    .createTable('document_bands')
    .addColumn('band', 'integer', (c) => c.notNull())
    .addColumn('hash', 'integer', (c) => c.notNull())
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('document_bands_pk', ['band', 'hash', 'document_id'])
    .execute();
  // The primary key's leading (band, hash) is the lookup index; this one serves deletes by document.
  await db.schema.createIndex('document_bands_document').on('document_bands').column('document_id').execute();
}
