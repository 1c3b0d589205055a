import { type RawBuilder, sql } from 'kysely';
import { type Candidate, RATED_SCAN, type SearchFilters } from './search-index.ts';

/** The filter conditions on `documents d`, shared by both backends (plain SQL both dialects speak). */
export function filterConditions(f: SearchFilters): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`d.status = 'published'`];
  if (f.categoryId !== undefined) conds.push(sql`d.category_id = ${f.categoryId}`);
  if (f.format !== undefined) conds.push(sql`d.format = ${f.format}`);
  if (f.paid === 'free') conds.push(sql`d.price = 0`);
  if (f.paid === 'paid') conds.push(sql`d.price > 0`);
  if (f.priceMin !== undefined) conds.push(sql`d.price >= ${f.priceMin}`);
  if (f.priceMax !== undefined) conds.push(sql`d.price <= ${f.priceMax}`);
  if (f.pagesMin !== undefined) conds.push(sql`d.page_count >= ${f.pagesMin}`);
  if (f.pagesMax !== undefined) conds.push(sql`d.page_count <= ${f.pagesMax}`);
  if (f.since !== undefined) conds.push(sql`d.published_at >= ${f.since}`);
  return sql.join(conds, sql` AND `);
}

/** The metadata columns every candidate carries, selected from `documents d`. */
export const META_COLUMNS = sql`d.title AS "title", d.description AS "description", d.category_id AS "categoryId", d.format AS "format", d.price AS "price",
  COALESCE(d.page_count, 0) AS "pageCount", COALESCE(d.published_at, 0) AS "publishedAt",
  d.download_count AS "downloads", d.rating_avg AS "ratingAvg", d.rating_count AS "ratingCount",
  d.rating_score AS "ratingScore"`;

/**
 * The ids of the RATED_SCAN best-rated documents under the filters, for the rating sort's extra window. The literal
 * `rating_count > 0` matches the partial index `documents_rating_idx` (status, rating_score, id), which both
 * dialects walk backwards from the best score; the caller intersects the ids with a tier's matches.
 */
export function bestRatedIds(f: SearchFilters): RawBuilder<unknown> {
  return sql`SELECT d.id FROM documents d WHERE ${filterConditions(f)} AND d.rating_count > 0
    ORDER BY d.rating_score DESC, d.id DESC LIMIT ${RATED_SCAN}`;
}

type Row = Omit<Candidate, 'head' | 'body' | 'pair'>;

/**
 * Merges the tiers' rows into one candidate per document. A pair match holds every word of the query, so a
 * document found only there (past the body window of common words) counts as a body match too.
 */
export function mergeTiers(head: Row[], body: Row[], pairs: Row[] = []): Candidate[] {
  const byId = new Map<number, Candidate>();
  const add = (rows: Row[], tier: 'head' | 'body' | 'pair') => {
    for (const r of rows) {
      const id = Number(r.id);
      let c = byId.get(id);
      if (!c) {
        c = { ...r, id, price: Number(r.price), ratingScore: Number(r.ratingScore), head: 0, body: 0, pair: 0 };
        byId.set(id, c);
      }
      c[tier] = 1;
    }
  };
  add(head, 'head');
  add(body, 'body');
  add(pairs, 'pair');
  for (const c of byId.values()) if (c.pair && !c.head) c.body = 1;
  return [...byId.values()];
}

export type TierRow = Row;
