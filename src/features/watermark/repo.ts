import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** The operator's two switches, kept as `settings` rows (JSON booleans; site settings read the same rows). */
export async function readSwitches(db: Kysely<DB>): Promise<{ visible: boolean; required: boolean }> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', ['markVisible', 'markRequired'])
    .execute();
  const get = (k: string, d: boolean) => {
    const v = rows.find((r) => r.key === k)?.value;
    return v === undefined ? d : v === 'true';
  };
  return { visible: get('markVisible', true), required: get('markRequired', false) };
}

/** The active purchase of a document by a buyer, with what the mark shows. */
export function findActivePurchase(db: Kysely<DB>, buyerId: number, documentId: number) {
  return db
    .selectFrom('purchases')
    .innerJoin('users', 'users.id', 'purchases.buyer_id')
    .select(['purchases.id', 'purchases.created_at', 'users.display_name'])
    .where('purchases.buyer_id', '=', buyerId)
    .where('purchases.document_id', '=', documentId)
    .where('purchases.status', '=', 'active')
    .orderBy('purchases.id', 'desc')
    .executeTakeFirst();
}

/** A purchase as trace reports it. */
export function findPurchase(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('purchases')
    .innerJoin('users', 'users.id', 'purchases.buyer_id')
    .innerJoin('documents', 'documents.id', 'purchases.document_id')
    .select([
      'purchases.id',
      'purchases.buyer_id',
      'purchases.document_id',
      'purchases.status',
      'purchases.created_at',
      'users.display_name',
      'documents.title',
    ])
    .where('purchases.id', '=', id)
    .executeTakeFirst();
}

/** The document fields a marked download needs. */
export function findDocumentForMark(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .select(['id', 'owner_id', 'title', 'format', 'price', 'blob_key', 'pdf_key'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Stores the switches and bumps the site revision (the document pages' notice depends on `required`). */
export async function saveSwitches(db: Kysely<DB>, values: { visible: boolean; required: boolean }): Promise<void> {
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    for (const [key, value] of [
      ['markVisible', values.visible],
      ['markRequired', values.required],
    ] as const) {
      await trx
        .insertInto('settings')
        .values({ key, value: JSON.stringify(value), updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
        .execute();
    }
    await sql`update settings set value = cast(cast(value as integer) + 1 as text), updated_at = ${now} where key = 'rev'`.execute(
      trx,
    );
  });
}
