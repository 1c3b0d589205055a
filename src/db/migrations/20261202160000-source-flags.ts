import type { Kysely } from 'kysely';

/**
 * What a reader should know about a document's source, found at conversion (issue #16): a JSON array of flag names
 * such as "signed" (an OFD carrying electronic signatures, shown as 含电子签章, not verified); null when none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('documents').addColumn('source_flags', 'text').execute();
}
