import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/**
 * Documents held for review as near duplicates, oldest upload first, each with its uploader and the earlier
 * document it resembles (left-joined: that document may since have been deleted). Only `duplicate.near`: documents
 * the PII screen holds wait in /admin/privacy first.
 */
export function listHeldDocuments(db: Kysely<DB>, limit: number, offset: number) {
  return db
    .selectFrom('documents as d')
    .innerJoin('users as u', 'u.id', 'd.owner_id')
    .leftJoin('documents as e', 'e.id', 'd.dup_of')
    .leftJoin('users as eu', 'eu.id', 'e.owner_id')
    .select([
      'd.id',
      'd.title',
      'd.format',
      'd.created_at',
      'd.dup_of',
      'd.dup_score',
      'd.owner_id',
      'u.display_name as owner_name',
      'e.title as earlier_title',
      'e.owner_id as earlier_owner_id',
      'eu.display_name as earlier_owner_name',
    ])
    .where('d.status', '=', 'review')
    .where('d.reject_code', '=', 'duplicate.near')
    .orderBy('d.created_at', 'asc')
    .orderBy('d.id', 'asc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** The row shape of listHeldDocuments. */
export type HeldDocumentRow = Awaited<ReturnType<typeof listHeldDocuments>>[number];

/** How many documents are waiting for review. */
export async function countHeldDocuments(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'review')
    .where('reject_code', '=', 'duplicate.near')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One document with what a decision on it needs: its state, owner, and the earlier document's title. */
export function findReviewSubject(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents as d')
    .leftJoin('documents as e', 'e.id', 'd.dup_of')
    .select([
      'd.id',
      'd.status',
      'd.reject_code',
      'd.owner_id',
      'd.title',
      'd.dup_of',
      'd.dup_score',
      'd.reject_params',
      'e.title as earlier_title',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
}
