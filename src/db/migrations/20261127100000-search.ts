import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Full-text search (docs/decisions/0005-search.md): a title/summary tier and a body tier over jieba tokens, the free
 * excerpt snippets are drawn from, popular queries for suggestions, and the rating pair the 评分最高 sort reads.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('documents')
    .addColumn('rating_avg', 'real', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('documents')
    .addColumn('rating_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // Free part only (computed with the preview rule when indexed): the only text a snippet may quote.
  await db.schema
    .createTable('search_excerpts')
    .addColumn('document_id', 'bigint', (c) => c.primaryKey())
    .addColumn('excerpt', 'text', (c) => c.notNull())
    .execute();

  // Queries that found documents by title/summary (never by paid text), for suggestions and 相关搜索.
  await db.schema
    .createTable('search_queries')
    .addColumn('query', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('search_queries_hits_idx').on('search_queries').column('hits').execute();

  switch (dialect) {
    case 'sqlite':
      // Contentless: the tokens live only in the index (the text is already in document_texts); rowid = document id.
      await sql`CREATE VIRTUAL TABLE search_head USING fts5(title, meta, tokenize = 'unicode61', content = '', contentless_delete = 1)`.execute(
        db,
      );
      await sql`CREATE VIRTUAL TABLE search_body USING fts5(body, tokenize = 'unicode61', content = '', contentless_delete = 1)`.execute(
        db,
      );
      break;
    case 'postgres':
      await db.schema
        .createTable('search_docs')
        .addColumn('document_id', 'bigint', (c) => c.primaryKey())
        .addColumn('head', sql`tsvector`, (c) => c.notNull())
        .addColumn('body', sql`tsvector`, (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX search_docs_head_gin ON search_docs USING gin (head)`.execute(db);
      await sql`CREATE INDEX search_docs_body_gin ON search_docs USING gin (body)`.execute(db);
      break;
    default: {
      const never: never = dialect;
      throw new Error(`unknown dialect ${never}`);
    }
  }
}
