import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Favorites (收藏) with folders, and ratings (issue #11):
 * - `favorite_folders`: a user's folders; the default one (默认收藏夹) has `is_default = 1` and the empty name, so the
 *   unique (user, name) index keeps one default per user and no user-given name can collide with it;
 * - `favorites`: one row per (user, document), in one folder; `documents.favorite_count` follows by guarded deltas;
 * - `ratings`: one 1–5 rating per (document, user); `documents.rating_count`, `rating_sum`, `rating_avg` and the
 *   Bayesian `rating_score` the 评分最高 sort reads are recomputed from it in the rating's transaction.
 *   `rating_score = (C·m + sum) / (C + n)` with the fixed prior m = 3.5, C = 5 (search/rating-score.ts), so an
 *   unrated document scores 3.5. On PostgreSQL `rating_avg` becomes double precision (it was float4, which cannot
 *   hold 4.6 exactly as the JavaScript number it is compared with).
 * - `documents_rating_idx`: rated published documents by score, the order the rating sort reads them in.
 * ("Has this reader downloaded it" — who may rate a free document — uses `downloads_user_doc_idx` of the
 * uploads-edit migration.)
 * Users are never deleted (accounts are banned), so nothing cascades: counters could not follow a cascade.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const idTable = (t: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(t).addColumn('id', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(t).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  await db.schema
    .alterTable('documents')
    .addColumn('favorite_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('documents')
    .addColumn('rating_sum', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('documents')
    .addColumn('rating_score', 'double precision', (c) => c.notNull().defaultTo(3.5))
    .execute();
  if (dialect === 'postgres') {
    await sql`ALTER TABLE documents ALTER COLUMN rating_avg TYPE double precision`.execute(db);
  }
  // No ratings existed before this table; keep any hand-set pair consistent all the same.
  await sql`UPDATE documents SET rating_sum = CAST(ROUND(rating_avg * rating_count) AS INTEGER),
      rating_score = (17.5 + ROUND(rating_avg * rating_count)) / (5 + rating_count)
    WHERE rating_count > 0`.execute(db);
  await db.schema
    .createIndex('documents_rating_idx')
    .on('documents')
    .columns(['status', 'rating_score', 'id'])
    .where(sql.ref('rating_count'), '>', sql.lit(0))
    .execute();

  await idTable('favorite_folders')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('favorite_folders_user_name_idx')
    .on('favorite_folders')
    .columns(['user_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('favorites')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('documents.id'))
    .addColumn('folder_id', 'bigint', (c) => c.notNull().references('favorite_folders.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('favorites_pk', ['user_id', 'document_id'])
    .execute();
  await db.schema
    .createIndex('favorites_folder_idx')
    .on('favorites')
    .columns(['user_id', 'folder_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('ratings')
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('documents.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('stars', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ratings_pk', ['document_id', 'user_id'])
    .addCheckConstraint('ratings_stars_check', sql`stars BETWEEN 1 AND 5`)
    .execute();
  await db.schema.createIndex('ratings_user_idx').on('ratings').columns(['user_id', 'updated_at']).execute();
}
