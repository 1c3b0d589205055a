import type { Kysely } from 'kysely';
import type { DB, DocumentPiiTable, DocumentStatus, DocumentUpdate } from '../../db/schema.ts';

/** The reject code of a document the PII screen holds (status 'review'). */
export const PRIVACY_HELD = 'privacy.held';

/** Replaces the stored matches of a document (inside the caller's transaction). */
export async function replaceMatches(
  db: Kysely<DB>,
  documentId: number,
  matches: readonly Omit<DocumentPiiTable, 'document_id' | 'seq'>[],
): Promise<void> {
  await db.deleteFrom('document_pii').where('document_id', '=', documentId).execute();
  if (matches.length === 0) return;
  await db
    .insertInto('document_pii')
    .values(matches.map((m, seq) => ({ ...m, document_id: documentId, seq })))
    .execute();
}

/** The stored matches of some documents, in order. */
export function findMatches(db: Kysely<DB>, documentIds: readonly number[]) {
  if (documentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('document_pii')
    .selectAll()
    .where('document_id', 'in', documentIds)
    .orderBy('document_id')
    .orderBy('seq')
    .execute();
}

/** Documents held by the PII screen, oldest upload first, with their uploader, fields and text. */
export function listHeld(db: Kysely<DB>, limit: number, offset: number) {
  return db
    .selectFrom('documents as d')
    .innerJoin('users as u', 'u.id', 'd.owner_id')
    .leftJoin('document_texts as x', 'x.document_id', 'd.id')
    .select([
      'd.id',
      'd.title',
      'd.description',
      'd.format',
      'd.created_at',
      'd.owner_id',
      'd.dup_of',
      'd.dup_score',
      'd.reject_params',
      'u.display_name as owner_name',
      'x.body',
    ])
    .where('d.status', '=', 'review')
    .where('d.reject_code', '=', PRIVACY_HELD)
    .orderBy('d.created_at', 'asc')
    .orderBy('d.id', 'asc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** How many documents the PII screen holds. */
export async function countHeld(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'review')
    .where('reject_code', '=', PRIVACY_HELD)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One document with what a privacy decision needs. */
export function findSubject(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents as d')
    .leftJoin('documents as e', 'e.id', 'd.dup_of')
    .select([
      'd.id',
      'd.status',
      'd.reject_code',
      'd.owner_id',
      'd.title',
      'd.description',
      'd.price',
      'd.dup_of',
      'd.dup_score',
      'e.title as earlier_title',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/**
 * Moves a document out of the privacy hold: only while it is still held (status 'review' with the privacy reject
 * code), so a second decision, a deleted or taken-down document, or one in the near-duplicate queue changes
 * nothing. Returns whether it moved.
 */
export async function moveHeld(
  db: Kysely<DB>,
  id: number,
  set: DocumentUpdate & { status: DocumentStatus },
): Promise<boolean> {
  const r = await db
    .updateTable('documents')
    .set((eb) => ({ ...set, rev: eb('rev', '+', 1), updated_at: Date.now() }))
    .where('id', '=', id)
    .where('status', '=', 'review')
    .where('reject_code', '=', PRIVACY_HELD)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
