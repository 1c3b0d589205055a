import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.ts';

/**
 * PostgreSQL search vectors carry a span lexeme (decision 0033, second update): `~s<document_id >> 14>` names the
 * block of 16 384 consecutive ids a row lies in, so the recent read of a tier intersects a word's posting list with
 * its block's inside GIN instead of visiting every match. The pair vector loses its positions (nothing reads them:
 * the pair tier asks for presence only), about half of its TOAST. Existing rows are rewritten here, in one statement,
 * so no search ever runs against rows without their block (on a large site this costs about what a reindex of the
 * vectors does). The shift (14) is SPAN_BITS of search/postgres-search-index.ts as of this migration. Nothing to do on
 * SQLite (FTS5 reads its newest-first windows from the rowid order).
 */
export async function up(db: Kysely<unknown>, dialect: Database['dialect']): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`UPDATE search_docs SET
      head = head || array_to_tsvector(ARRAY['~s' || (document_id >> 14)]),
      body = body || array_to_tsvector(ARRAY['~s' || (document_id >> 14)]),
      pairs = strip(pairs) || array_to_tsvector(ARRAY['~s' || (document_id >> 14)])`.execute(db);
}
