import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * The PII screen before publishing (issue #10, decision 0012):
 * - `documents.pii_state`: null (nothing found), `held` (waiting for a moderator), `cleared` (published as is: the
 *   numbers were not personal information), `masked` (published with the numbers masked in the stored text; the
 *   original file is withheld), `rejected`;
 * - `document_pii`: the numbers the scanner found, one row per match — kind, the field (`body`, `title`,
 *   `description`), UTF-16 offsets into it, and the masked form. The full number is never stored here: the
 *   moderator's queue reads it from the text at those offsets.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('documents').addColumn('pii_state', 'text').execute();
  await db.schema
    .createTable('document_pii')
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('start_offset', 'integer', (c) => c.notNull())
    .addColumn('end_offset', 'integer', (c) => c.notNull())
    .addColumn('masked', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('document_pii_pk', ['document_id', 'seq'])
    .execute();
}
