import { type Kysely, sql } from 'kysely';

/**
 * Job priorities (issue #16, decision 0028): a claim takes the most urgent ready job first (lower number first), so
 * the conversions that publish go ahead of page images. Page-image jobs already queued get their priority now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE jobs SET priority = 10 WHERE name = 'document.pages'`.execute(db);
  await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['status', 'priority', 'run_at']).execute();
}
