import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * 我的购买, 我的下载 and editing an upload (issue #11). No new table: `downloads` (credits migration) already records
 * every authorised download, free or paid, per user. Two indexes for the pages that read them:
 * - `purchases_buyer_idx` (buyer_id, id): 我的购买 pages by keyset, newest first (the unique (buyer_id, document_id)
 *   index does not order by id on PostgreSQL);
 * - `downloads_user_doc_idx` (user_id, document_id, created_at): 我的下载 groups a reader's downloads per document
 *   from the index alone, and "has this reader downloaded this document" (ratings by readers of free documents) is one
 *   probe.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('purchases_buyer_idx').on('purchases').columns(['buyer_id', 'id']).execute();
  await db.schema
    .createIndex('downloads_user_doc_idx')
    .on('downloads')
    .columns(['user_id', 'document_id', 'created_at'])
    .execute();
}
