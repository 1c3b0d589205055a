import type { Kysely } from 'kysely';

/**
 * Whether a paid docx or PDF can carry the per-buyer download mark (issue #15, decision 0019), found by marking it
 * once at conversion: 'ok', or why not — 'tooLarge', 'encrypted', 'unreadable'. Null: not checked (other formats,
 * or converted before this column; the first marked download records it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('documents').addColumn('mark_state', 'text').execute();
}
