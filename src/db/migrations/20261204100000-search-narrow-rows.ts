import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.ts';

/**
 * PostgreSQL search rows made narrow (decision 0033): every tsvector of `search_docs` is moved to TOAST as soon as a
 * row passes 128 bytes, instead of at 2 kB. A tier's matches are read through a bitmap heap scan, which visits one
 * heap tuple per match; with the head and most of the body compressed inline a row was ~2 kB (one match per 8 kB
 * page read), with pointers only it is ~100 bytes. Rows are laid out this way when next written (any upsert or
 * `npx wenyuan reindex`); answers are the same either way. Nothing to do on SQLite (FTS5 keeps its own pages).
 */
export async function up(db: Kysely<unknown>, dialect: Database['dialect']): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`ALTER TABLE search_docs SET (toast_tuple_target = 128)`.execute(db);
}
