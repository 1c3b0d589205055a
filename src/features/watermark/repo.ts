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
    .select(['id', 'owner_id', 'title', 'format', 'price', 'blob_key', 'pdf_key', 'mark_state'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Records what marking found; the bumped rev re-keys the cached page, whose notice depends on it. */
export async function saveMarkState(db: Kysely<DB>, id: number, state: string): Promise<void> {
  await db
    .updateTable('documents')
    .set((eb) => ({ mark_state: state, rev: eb('rev', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb('mark_state', 'is', null), eb('mark_state', '!=', state)]))
    .execute();
}

/** Whether a document may be sold under the operator's switch: its price, format, converted PDF and mark state. */
export function findMarkPlanFacts(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .select([
      'price',
      'format',
      'pdf_key',
      'mark_state',
      sql<string | null>`(select value from settings where key = 'markRequired')`.as('required'),
    ])
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

/** Paid docx and PDF documents on sale or held, not yet probed for the mark (all of them with `all`), by id. */
export function findUnprobed(db: Kysely<DB>, all: boolean) {
  let q = db
    .selectFrom('documents')
    .select(['id', 'format', 'blob_key'])
    .where('price', '>', 0)
    .where('format', 'in', ['docx', 'pdf'])
    .where('status', 'in', ['published', 'review']);
  if (!all) q = q.where('mark_state', 'is', null);
  return q.orderBy('id').execute();
}
