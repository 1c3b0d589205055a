import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.ts';

/**
 * The pair tier (decision 0030): adjacent words of the precise cut indexed as one term, so a phrase typed as one
 * run meets a short doclist instead of the intersection of its common words. SQLite: a contentless FTS5 table with
 * row ids only (rowid = SEARCH_ROWID_BASE − document id, as the other tiers); PostgreSQL: a `pairs` tsvector on
 * search_docs with GIN. Existing documents get their pairs from a `search.reindex` job (search answers meanwhile,
 * without the pair tier for documents not reached yet).
 */
export async function up(db: Kysely<unknown>, dialect: Database['dialect']): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`CREATE VIRTUAL TABLE search_pairs USING fts5(pairs, tokenize = 'unicode61', content = '', contentless_delete = 1, detail = none)`.execute(
      db,
    );
  } else {
    await sql`ALTER TABLE search_docs ADD COLUMN pairs tsvector NOT NULL DEFAULT ''::tsvector`.execute(db);
    await sql`CREATE INDEX search_docs_pairs_gin ON search_docs USING gin (pairs)`.execute(db);
  }
  const now = Date.now();
  await sql`INSERT INTO jobs (name, payload, status, attempts, max_attempts, run_at, locked_by, locked_until,
      last_error, dedupe_key, created_at, updated_at)
    SELECT 'search.reindex', '{}', 'queued', 0, 3, ${now}, NULL, NULL, NULL, 'search.reindex', ${now}, ${now}
    WHERE EXISTS (SELECT 1 FROM documents WHERE status = 'published')
    ON CONFLICT (dedupe_key) DO NOTHING`.execute(db);
}
