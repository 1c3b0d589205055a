import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Reports that get decided, and takedowns (issue #10):
 * - `documents` records its takedown: when, the reason code, a reference to what caused it (`report:12`,
 *   `notice:3`, `user:7` for a banned uploader), the moderator's note and the status it was taken down from (a
 *   document held for review goes back to review when restored, not straight to publication);
 * - `reports` records its resolution: status `open | dismissed | actioned` (the old `resolved` becomes `actioned`),
 *   the decision, the moderator's reason, who and when;
 * - one OPEN report per (reporter, document): a partial unique index, after closing the younger duplicates.
 *
 * Reason codes: the reporter's list becomes copyright, privacy, secret, spam, porn, mismatch, other. Every old code
 * but `illegal` keeps its meaning; `illegal` (违法违规内容) stays readable as a legacy code (it is also a takedown
 * code, shown with its label) so no report loses what its reporter said; anything unknown becomes `other`.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('documents').addColumn('taken_down_at', 'bigint').execute();
  await db.schema.alterTable('documents').addColumn('takedown_code', 'text').execute();
  await db.schema.alterTable('documents').addColumn('takedown_ref', 'text').execute();
  await db.schema.alterTable('documents').addColumn('takedown_note', 'text').execute();
  await db.schema.alterTable('documents').addColumn('takedown_from', 'text').execute();

  await db.schema.alterTable('reports').addColumn('decision', 'text').execute();
  await db.schema.alterTable('reports').addColumn('decision_reason', 'text').execute();
  await db.schema.alterTable('reports').addColumn('resolved_by', 'bigint').execute();
  await db.schema.alterTable('reports').addColumn('resolved_at', 'bigint').execute();

  const now = Date.now();
  await sql`update reports set status = 'actioned', resolved_at = created_at where status = 'resolved'`.execute(db);
  await sql`update reports set status = 'dismissed', resolved_at = created_at
    where status not in ('open', 'dismissed', 'actioned')`.execute(db);
  await sql`update reports set reason = 'other'
    where reason not in ('copyright', 'privacy', 'secret', 'spam', 'porn', 'mismatch', 'other', 'illegal')`.execute(db);
  // The oldest open report of each (reporter, document) stays open; younger duplicates close as duplicates.
  await sql`update reports set status = 'dismissed', decision = 'duplicate', resolved_at = ${now}
    where status = 'open' and exists (
      select 1 from reports r2
      where r2.reporter_id = reports.reporter_id and r2.document_id = reports.document_id
        and r2.status = 'open' and r2.id < reports.id)`.execute(db);

  await db.schema
    .createIndex('reports_one_open_idx')
    .on('reports')
    .columns(['reporter_id', 'document_id'])
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute();
  await db.schema.createIndex('reports_document_idx').on('reports').columns(['document_id', 'status']).execute();
  await db.schema.createIndex('reports_status_id_idx').on('reports').columns(['status', 'id']).execute();
}
