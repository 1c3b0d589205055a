// Data access for copyright notices, counter-notices, claims, their files and timelines (decision 0013).
import type { Insertable, Kysely } from 'kysely';
import type {
  CopyrightCounterNoticesTable,
  CopyrightFilesTable,
  CopyrightNoticeDocumentsTable,
  CopyrightNoticesTable,
  DB,
} from '../../db/schema.ts';
import type { FilingFields } from './form.ts';

export type FilingStatus = CopyrightNoticesTable['status'];
export type NamedStatus = CopyrightNoticeDocumentsTable['status'];

/** Documents as a filing may name them: the uploader, the title, the state and who earns from sales. */
export function findDocuments(db: Kysely<DB>, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('documents')
    .select(['id', 'owner_id', 'title', 'status', 'earnings_user_id', 'takedown_ref'])
    .where('id', 'in', ids)
    .execute();
}

/** One document as a filing sees it, or undefined. */
export function findDocument(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .select(['id', 'owner_id', 'title', 'status', 'earnings_user_id', 'takedown_ref'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Inserts a notice or a claim as filed now (submitted, sworn, undecided) and returns its id. */
export function insertSubmittedFiling(
  db: Kysely<DB>,
  kind: 'notice' | 'claim',
  filerId: number,
  fields: FilingFields,
  now: number,
): Promise<number> {
  return insertFiling(db, {
    kind,
    filer_id: filerId,
    status: 'submitted',
    holder_kind: fields.holderKind,
    holder_name: fields.holderName,
    id_type: fields.idType,
    id_number: fields.idNumber,
    phone: fields.phone,
    email: fields.email,
    address: fields.address,
    work_title: fields.workTitle,
    work_author: fields.workAuthor,
    work_published: fields.workPublished,
    proof_text: fields.proofText,
    sworn_at: now,
    decided_by: null,
    decided_at: null,
    decision_reason: null,
    created_at: now,
    updated_at: now,
  });
}

/** Inserts a filing row and returns its id. */
async function insertFiling(db: Kysely<DB>, row: Insertable<CopyrightNoticesTable>): Promise<number> {
  const r = await db.insertInto('copyright_notices').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Names documents in a filing. */
export async function insertNamedDocuments(db: Kysely<DB>, rows: Insertable<CopyrightNoticeDocumentsTable>[]) {
  if (rows.length) await db.insertInto('copyright_notice_documents').values(rows).execute();
}

/** Attaches stored proof or evidence files. */
export async function insertFiles(db: Kysely<DB>, rows: Insertable<CopyrightFilesTable>[]) {
  if (rows.length) await db.insertInto('copyright_files').values(rows).execute();
}

/** Appends one step to a filing's timeline. */
export async function insertEvent(
  db: Kysely<DB>,
  e: { noticeId: number; documentId?: number | null; kind: string; actorId: number | null; reason?: string },
) {
  await db
    .insertInto('copyright_events')
    .values({
      notice_id: e.noticeId,
      document_id: e.documentId ?? null,
      kind: e.kind,
      actor_id: e.actorId,
      reason: e.reason ?? '',
      created_at: Date.now(),
    })
    .execute();
}

/** A filing by id. */
export function findFiling(db: Kysely<DB>, id: number) {
  return db.selectFrom('copyright_notices').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Moves a filing from one status to another with the decision recorded; false when it was not in `from` (already
 * decided — by another moderator, or withdrawn).
 */
export async function transitionFiling(
  db: Kysely<DB>,
  id: number,
  from: readonly FilingStatus[],
  to: FilingStatus,
  decision: { by: number | null; reason: string | null },
): Promise<boolean> {
  const now = Date.now();
  const r = await db
    .updateTable('copyright_notices')
    .set({ status: to, decided_by: decision.by, decided_at: now, decision_reason: decision.reason, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The documents a filing names, in the order they were named, with each uploader's display name. */
export function listNamedDocuments(db: Kysely<DB>, noticeId: number) {
  return db
    .selectFrom('copyright_notice_documents as nd')
    .innerJoin('users as u', 'u.id', 'nd.uploader_id')
    .select([
      'nd.notice_id',
      'nd.document_id',
      'nd.uploader_id',
      'nd.title',
      'nd.status',
      'nd.updated_at',
      'u.display_name as uploader_name',
    ])
    .where('nd.notice_id', '=', noticeId)
    .orderBy('nd.document_id')
    .execute();
}

/** Moves one named document's state; false when it was not in `from`. */
export async function transitionNamed(
  db: Kysely<DB>,
  noticeId: number,
  documentId: number,
  from: readonly NamedStatus[],
  to: NamedStatus,
): Promise<boolean> {
  const r = await db
    .updateTable('copyright_notice_documents')
    .set({ status: to, updated_at: Date.now() })
    .where('notice_id', '=', noticeId)
    .where('document_id', '=', documentId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** One named document of a filing. */
export function findNamed(db: Kysely<DB>, noticeId: number, documentId: number) {
  return db
    .selectFrom('copyright_notice_documents')
    .selectAll()
    .where('notice_id', '=', noticeId)
    .where('document_id', '=', documentId)
    .executeTakeFirst();
}

/** The notices under which this document is currently taken down (normally one: the one in `takedown_ref`). */
export function findTakenDownNamings(db: Kysely<DB>, documentId: number) {
  return db
    .selectFrom('copyright_notice_documents as nd')
    .innerJoin('copyright_notices as n', 'n.id', 'nd.notice_id')
    .select(['nd.notice_id', 'nd.document_id', 'nd.uploader_id', 'nd.title', 'nd.status', 'n.filer_id'])
    .where('nd.document_id', '=', documentId)
    .where('n.kind', '=', 'notice')
    .where('nd.status', 'in', ['taken_down', 'countered', 'kept_down'])
    .orderBy('nd.notice_id', 'desc')
    .execute();
}

/** Inserts a counter-notice; undefined when one already exists for this notice and document. */
export async function insertCounterNotice(
  db: Kysely<DB>,
  row: Insertable<CopyrightCounterNoticesTable>,
): Promise<number | undefined> {
  const r = await db
    .insertInto('copyright_counter_notices')
    .values(row)
    .onConflict((oc) => oc.columns(['notice_id', 'document_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r ? Number(r.id) : undefined;
}

/** The counter-notices filed against a notice. */
export function listCounterNotices(db: Kysely<DB>, noticeId: number) {
  return db
    .selectFrom('copyright_counter_notices')
    .selectAll()
    .where('notice_id', '=', noticeId)
    .orderBy('id')
    .execute();
}

/** The files of a filing (its proof, and its counter-notices' evidence). */
export function listFiles(db: Kysely<DB>, noticeId: number) {
  return db
    .selectFrom('copyright_files')
    .select(['id', 'counter_notice_id', 'filename', 'mime', 'size_bytes', 'created_at'])
    .where('notice_id', '=', noticeId)
    .orderBy('id')
    .execute();
}

/** One stored file. */
export function findFile(db: Kysely<DB>, id: number) {
  return db.selectFrom('copyright_files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A filing's timeline, oldest first, with the actor's display name. */
export function listEvents(db: Kysely<DB>, noticeId: number) {
  return db
    .selectFrom('copyright_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.document_id', 'e.kind', 'e.actor_id', 'e.reason', 'e.created_at', 'u.display_name as actor'])
    .where('e.notice_id', '=', noticeId)
    .orderBy('e.id')
    .execute();
}

/** Filings made by a user, newest first. */
export function listFiledBy(db: Kysely<DB>, userId: number, limit: number) {
  return db
    .selectFrom('copyright_notices')
    .select(['id', 'kind', 'status', 'work_title', 'created_at', 'updated_at'])
    .where('filer_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Filings forwarded to the user as the uploader of a named document (a notice that took it down, an approved claim),
 * newest first — the same rule as read.ts#isForwarded.
 */
export function listConcerning(db: Kysely<DB>, userId: number, limit: number) {
  return db
    .selectFrom('copyright_notices as n')
    .select(['n.id', 'n.kind', 'n.status', 'n.work_title', 'n.created_at', 'n.updated_at'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('copyright_notice_documents as nd')
          .select('nd.notice_id')
          .whereRef('nd.notice_id', '=', 'n.id')
          .where('nd.uploader_id', '=', userId)
          .where((w) =>
            w.or([
              w.and([
                w('n.kind', '=', 'notice'),
                w('nd.status', 'in', ['taken_down', 'countered', 'restored', 'kept_down']),
              ]),
              w.and([w('n.kind', '=', 'claim'), w('n.status', '=', 'approved')]),
            ]),
          ),
      ),
    )
    .orderBy('n.id', 'desc')
    .limit(limit)
    .execute();
}

/** The staff queue: filings waiting for a decision, or notices with a counter-notice waiting; oldest first. */
export function listQueue(db: Kysely<DB>, filter: 'open' | 'all', limit: number, offset: number) {
  let q = db
    .selectFrom('copyright_notices as n')
    .innerJoin('users as f', 'f.id', 'n.filer_id')
    .select([
      'n.id',
      'n.kind',
      'n.status',
      'n.holder_name',
      'n.work_title',
      'n.proof_text',
      'n.created_at',
      'n.updated_at',
      'f.display_name as filer_name',
    ])
    .select((eb) => [
      eb
        .selectFrom('copyright_notice_documents as nd')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('nd.notice_id', '=', 'n.id')
        .as('documents'),
      eb
        .selectFrom('copyright_notice_documents as nd')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('nd.notice_id', '=', 'n.id')
        .where('nd.status', '=', 'countered')
        .as('countered'),
      eb
        .selectFrom('copyright_files as cf')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('cf.notice_id', '=', 'n.id')
        .as('files'),
    ]);
  if (filter === 'open') {
    q = q.where((eb) =>
      eb.or([
        eb('n.status', '=', 'submitted'),
        eb.exists(
          eb
            .selectFrom('copyright_notice_documents as nd')
            .select('nd.notice_id')
            .whereRef('nd.notice_id', '=', 'n.id')
            .where('nd.status', 'in', ['named', 'countered'])
            .where('n.status', '=', 'processed'),
        ),
      ]),
    );
    return q.orderBy('n.id', 'asc').limit(limit).offset(offset).execute();
  }
  return q.orderBy('n.id', 'desc').limit(limit).offset(offset).execute();
}

/** A pending claim by this user on this document, if any. */
export function findPendingClaim(db: Kysely<DB>, userId: number, documentId: number) {
  return db
    .selectFrom('copyright_notices as n')
    .innerJoin('copyright_notice_documents as nd', 'nd.notice_id', 'n.id')
    .select('n.id')
    .where('n.kind', '=', 'claim')
    .where('n.status', '=', 'submitted')
    .where('n.filer_id', '=', userId)
    .where('nd.document_id', '=', documentId)
    .executeTakeFirst();
}

/** Gives a document's future earnings to the claimant; false when it already has an earnings user. */
export async function setEarningsUser(db: Kysely<DB>, documentId: number, userId: number): Promise<boolean> {
  const r = await db
    .updateTable('documents')
    .set({ earnings_user_id: userId, updated_at: Date.now() })
    .where('id', '=', documentId)
    .where('earnings_user_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
