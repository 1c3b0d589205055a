import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** What indexing one document needs: its row, category name and stored text (undefined when gone). */
export function findIndexSource(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .innerJoin('categories', 'categories.id', 'documents.category_id')
    .leftJoin('document_texts', 'document_texts.document_id', 'documents.id')
    .select([
      'documents.id',
      'documents.title',
      'documents.description',
      'documents.status',
      'documents.price',
      'documents.preview_mode',
      'documents.preview_value',
      'categories.name as category_name',
      'document_texts.body',
      'document_texts.page_starts',
      'document_texts.headings',
    ])
    .where('documents.id', '=', id)
    .executeTakeFirst();
}

/** Ids of published documents after `afterId`, ascending (reindex walks them in batches). */
export async function listPublishedIdsAfter(db: Kysely<DB>, afterId: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('documents')
    .select('id')
    .where('status', '=', 'published')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.id));
}

/**
 * Result cards for ids (published only), with the free excerpt a snippet may quote. Order is not kept.
 * The status is checked here rather than in SQL: with `status = ?` in the WHERE clause SQLite's planner may walk
 * the status index over every published document instead of looking up ten primary keys.
 */
export async function findHits(db: Kysely<DB>, ids: number[]) {
  const rows = await db
    .selectFrom('documents')
    .innerJoin('users', 'users.id', 'documents.owner_id')
    .leftJoin('search_excerpts', 'search_excerpts.document_id', 'documents.id')
    .select([
      'documents.id',
      'documents.title',
      'documents.category_id',
      'documents.format',
      'documents.page_count',
      'documents.price',
      'documents.download_count',
      'documents.published_at',
      'documents.owner_id',
      'users.display_name as owner_name',
      'search_excerpts.excerpt',
      'documents.status',
    ])
    .where('documents.id', 'in', ids.length ? ids : [0])
    .execute();
  return rows.filter((r) => r.status === 'published');
}

export type HitRow = Awaited<ReturnType<typeof findHits>>[number];

/** Counts a query that found documents by title or summary. */
export async function recordQuery(db: Kysely<DB>, query: string, now: number): Promise<void> {
  await db
    .insertInto('search_queries')
    .values({ query, hits: 1, last_at: now })
    .onConflict((oc) => oc.column('query').doUpdateSet({ hits: sql`search_queries.hits + 1`, last_at: now }))
    .execute();
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Popular recorded queries starting with `prefix`. */
export async function queriesByPrefix(db: Kysely<DB>, prefix: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('search_queries')
    .select('query')
    .where(sql<boolean>`query like ${`${likeEscape(prefix)}%`} escape '\\'`)
    .orderBy('hits', 'desc')
    .orderBy('query')
    .limit(limit)
    .execute();
  return rows.map((r) => r.query);
}

/** Popular recorded queries containing any of `words`, other than `exclude`. */
export async function queriesContaining(
  db: Kysely<DB>,
  words: string[],
  exclude: string,
  limit: number,
): Promise<string[]> {
  if (words.length === 0) return [];
  const rows = await db
    .selectFrom('search_queries')
    .select('query')
    .where(
      sql<boolean>`(${sql.join(
        words.map((w) => sql`query like ${`%${likeEscape(w)}%`} escape '\\'`),
        sql` OR `,
      )})`,
    )
    .where('query', '!=', exclude)
    .orderBy('hits', 'desc')
    .orderBy('query')
    .limit(limit)
    .execute();
  return rows.map((r) => r.query);
}

/** The most searched queries (empty state). */
export async function topQueries(db: Kysely<DB>, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('search_queries')
    .select('query')
    .orderBy('hits', 'desc')
    .orderBy('query')
    .limit(limit)
    .execute();
  return rows.map((r) => r.query);
}

/** Titles of published documents by id (suggestions); the status is checked outside SQL, as in findHits. */
export async function findTitles(db: Kysely<DB>, ids: number[]) {
  const rows = await db
    .selectFrom('documents')
    .select(['id', 'title', 'status'])
    .where('id', 'in', ids.length ? ids : [0])
    .execute();
  return rows.filter((r) => r.status === 'published');
}

/** The free excerpts of candidates (what snippets quote), for ranking the window (decision 0030). */
export async function findExcerpts(db: Kysely<DB>, ids: number[]): Promise<Array<{ id: number; excerpt: string }>> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('search_excerpts')
    .select(['document_id', 'excerpt'])
    .where('document_id', 'in', ids)
    .execute();
  return rows.map((r) => ({ id: Number(r.document_id), excerpt: r.excerpt }));
}
