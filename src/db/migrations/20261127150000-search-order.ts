import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.ts';

/**
 * SQLite search tiers rebuilt for speed at a million documents (decision 0005, "Tier storage"):
 * - rowid = SEARCH_ROWID_BASE − document id, so the newest documents come first in FTS5's native ascending order
 *   (reading a doclist backwards costs twice as much);
 * - search_body with detail=none: ranking reads only whether a tier matched, never positions or term frequencies,
 *   so the body tier needs row ids alone (≈ 5× smaller, and intersections walk far less);
 * - search_head with detail=column: the title column filter of suggestions still works.
 * Existing entries are dropped and a `search.reindex` job refills both tiers from document_texts.
 * PostgreSQL is unchanged.
 */
export async function up(db: Kysely<unknown>, dialect: Database['dialect']): Promise<void> {
  if (dialect !== 'sqlite') return;
  await sql`DROP TABLE search_head`.execute(db);
  await sql`DROP TABLE search_body`.execute(db);
  await sql`CREATE VIRTUAL TABLE search_head USING fts5(title, meta, tokenize = 'unicode61', content = '', contentless_delete = 1, detail = column)`.execute(
    db,
  );
  await sql`CREATE VIRTUAL TABLE search_body USING fts5(body, tokenize = 'unicode61', content = '', contentless_delete = 1, detail = none)`.execute(
    db,
  );
  const now = Date.now();
  await sql`INSERT INTO jobs (name, payload, status, attempts, max_attempts, run_at, locked_by, locked_until,
      last_error, dedupe_key, created_at, updated_at)
    SELECT 'search.reindex', '{}', 'queued', 0, 3, ${now}, NULL, NULL, NULL, 'search.reindex', ${now}, ${now}
    WHERE EXISTS (SELECT 1 FROM documents WHERE status = 'published')
    ON CONFLICT (dedupe_key) DO NOTHING`.execute(db);
}
