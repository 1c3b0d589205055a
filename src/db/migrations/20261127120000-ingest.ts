import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * Ingestion stages: page images of the free pages (`page_images`: JSON [{n,w,h,key}], `pages_rendered_at` the
 * stage timestamp, set also when there was nothing to render) and the PDF LibreOffice made (`pdf_key`), kept so
 * the page images and later stages need not run LibreOffice again.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('documents').addColumn('page_images', 'text').execute();
  await db.schema.alterTable('documents').addColumn('pages_rendered_at', 'bigint').execute();
  await db.schema.alterTable('documents').addColumn('pdf_key', 'text').execute();
}
