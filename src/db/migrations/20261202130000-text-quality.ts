import type { Kysely } from 'kysely';

/**
 * The text-quality gate (issue #17, decision 0022): what the gate measured and repaired on a published text, as JSON
 * ({"repairs":["fakeBold","symbolFont","boxes"],"score":…}); null for documents converted before the gate or
 * published unchanged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('documents').addColumn('text_quality', 'text').execute();
}
