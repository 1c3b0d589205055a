import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** All settings rows as key → JSON text. */
export async function listSettings(db: Kysely<DB>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

/** Writes settings and bumps the site revision in one transaction (the revision invalidates cached pages). */
export async function saveSettings(db: Kysely<DB>, values: Record<string, unknown>): Promise<void> {
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(values)) {
      await trx
        .insertInto('settings')
        .values({ key, value: JSON.stringify(value), updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
        .execute();
    }
    await bumpSiteRev(trx);
  });
}

/** Increments the site revision (categories or settings changed). */
export async function bumpSiteRev(db: Kysely<DB>): Promise<void> {
  await sql`update settings set value = cast(cast(value as integer) + 1 as text), updated_at = ${Date.now()} where key = 'rev'`.execute(
    db,
  );
}

/** Categories in display order. */
export function listCategories(db: Kysely<DB>) {
  return db.selectFrom('categories').selectAll().orderBy('sort_order').orderBy('id').execute();
}

/** Inserts a category. */
export async function insertCategory(db: Kysely<DB>, c: { slug: string; name: string; sortOrder: number }) {
  await db
    .insertInto('categories')
    .values({ slug: c.slug, name: c.name, sort_order: c.sortOrder, created_at: Date.now() })
    .execute();
}

/** Renames or reorders a category. */
export async function updateCategory(db: Kysely<DB>, id: number, c: { name: string; sortOrder: number }) {
  await db.updateTable('categories').set({ name: c.name, sort_order: c.sortOrder }).where('id', '=', id).execute();
}
