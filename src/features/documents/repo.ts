import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { DB, DocumentStatus, DocumentUpdate, NewDocument } from '../../db/schema.ts';

/** Inserts a document and returns its id. */
export async function insertDocument(db: Kysely<DB>, doc: NewDocument): Promise<number> {
  const row = await db.insertInto('documents').values(doc).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A document row by id. */
export function findDocumentById(db: Kysely<DB>, id: number) {
  return db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * What an anonymous page depends on, in one indexed lookup: the document's and its owner's revisions, and the
 * site revision. Together they make the page's ETag.
 */
export async function findDocumentPageVersion(db: Kysely<DB>, id: number) {
  const { rows } = await db.executeQuery<PageVersion>(CompiledQuery.raw(versionSql(db), [id]));
  return rows[0];
}

/** The same lookup without a promise, where the database can answer synchronously (SQLite); else undefined. */
export function findDocumentPageVersionSync(database: Database, id: number): PageVersion | null | undefined {
  if (!database.getSync) return undefined;
  return database.getSync<PageVersion>(versionSql(database.db), [id]) ?? null;
}

// Runs on every anonymous page view: the SQL is built once per database handle, not per request.
function versionSql(db: Kysely<DB>): string {
  let compiled = versionQueries.get(db);
  if (!compiled) {
    compiled = pageVersionQuery(db, 0).compile();
    versionQueries.set(db, compiled);
  }
  return compiled.sql;
}

function pageVersionQuery(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .innerJoin('users', 'users.id', 'documents.owner_id')
    .select([
      'documents.status',
      'documents.rev',
      'users.rev as owner_rev',
      sql<string>`(select value from settings where key = 'rev')`.as('site_rev'),
    ])
    .where('documents.id', '=', id);
}

type PageVersion = NonNullable<Awaited<ReturnType<ReturnType<typeof pageVersionQuery>['executeTakeFirst']>>>;
const versionQueries = new WeakMap<Kysely<DB>, CompiledQuery>();

/** Everything the document page shows: the document, its category and its uploader. */
export function findDocumentPage(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('documents')
    .innerJoin('users', 'users.id', 'documents.owner_id')
    .innerJoin('categories', 'categories.id', 'documents.category_id')
    .selectAll('documents')
    .select([
      'users.display_name as owner_name',
      'users.bio as owner_bio',
      'users.avatar_key as owner_avatar_key',
      'users.real_name_verified as owner_verified',
      'users.is_provider as owner_provider',
      'users.follower_count as owner_followers',
      'categories.name as category_name',
      'categories.slug as category_slug',
    ])
    .where('documents.id', '=', id)
    .executeTakeFirst();
}

/** The row shape of findDocumentPage. */
export type DocumentPageRow = NonNullable<Awaited<ReturnType<typeof findDocumentPage>>>;

/** The stored text of a document. */
export function findDocumentText(db: Kysely<DB>, id: number) {
  return db.selectFrom('document_texts').selectAll().where('document_id', '=', id).executeTakeFirst();
}

/** Moves a document from one status to another; returns false when it was not in `from` (someone else moved it). */
export async function transitionDocument(
  db: Kysely<DB>,
  id: number,
  from: readonly DocumentStatus[],
  set: DocumentUpdate & { status: DocumentStatus },
): Promise<boolean> {
  const r = await db
    .updateTable('documents')
    .set((eb) => ({ ...set, rev: eb('rev', '+', 1), updated_at: Date.now() }))
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Replaces a document's extracted text. */
export async function saveDocumentText(
  db: Kysely<DB>,
  id: number,
  t: { body: string; pageStarts: number[]; headings: unknown[] },
): Promise<void> {
  const row = { body: t.body, page_starts: JSON.stringify(t.pageStarts), headings: JSON.stringify(t.headings) };
  await db
    .insertInto('document_texts')
    .values({ document_id: id, ...row })
    .onConflict((oc) => oc.column('document_id').doUpdateSet(row))
    .execute();
}

/** Card data for document lists. */
const cardColumns = [
  'documents.id',
  'documents.title',
  'documents.format',
  'documents.page_count',
  'documents.price',
  'documents.download_count',
  'documents.published_at',
  'documents.size_bytes',
  'users.display_name as owner_name',
  'documents.owner_id',
] as const;

/** Published documents, newest or most downloaded first, optionally in one category or by one owner. */
export function listPublished(
  db: Kysely<DB>,
  opts: { order: 'latest' | 'downloads'; categoryId?: number; ownerId?: number; limit: number; offset?: number },
) {
  let q = db
    .selectFrom('documents')
    .innerJoin('users', 'users.id', 'documents.owner_id')
    .select(cardColumns)
    .where('documents.status', '=', 'published');
  if (opts.categoryId !== undefined) q = q.where('documents.category_id', '=', opts.categoryId);
  if (opts.ownerId !== undefined) q = q.where('documents.owner_id', '=', opts.ownerId);
  q =
    opts.order === 'latest'
      ? q.orderBy('documents.published_at', 'desc').orderBy('documents.id', 'desc')
      : q.orderBy('documents.download_count', 'desc').orderBy('documents.id', 'desc');
  return q
    .limit(opts.limit)
    .offset(opts.offset ?? 0)
    .execute();
}

/** The row shape of document lists. */
export type DocumentCardRow = Awaited<ReturnType<typeof listPublished>>[number];

/** Counts published documents (optionally in a category). */
export async function countPublished(db: Kysely<DB>, opts: { categoryId?: number; ownerId?: number }): Promise<number> {
  let q = db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'published');
  if (opts.categoryId !== undefined) q = q.where('category_id', '=', opts.categoryId);
  if (opts.ownerId !== undefined) q = q.where('owner_id', '=', opts.ownerId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** An uploader's own documents in every state, newest first. */
export function listOwnedDocuments(db: Kysely<DB>, ownerId: number, limit: number, offset: number) {
  return db
    .selectFrom('documents')
    .select([
      'id',
      'title',
      'format',
      'status',
      'reject_code',
      'reject_params',
      'page_count',
      'price',
      'created_at',
      'download_count',
      'pii_state',
    ])
    .where('owner_id', '=', ownerId)
    .where('status', '!=', 'deleted')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/**
 * Counts a reader's first download of a document (下载次数 counts readers, not clicks): one guarded statement, so
 * a buyer fetching their copy again, or on another device, leaves the count alone.
 */
export async function incrementDownloadsOnce(db: Kysely<DB>, id: number, userId: number): Promise<void> {
  await db
    .updateTable('documents')
    .set((eb) => ({ download_count: eb('download_count', '+', 1) }))
    .where('id', '=', id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('downloads')
            .select('downloads.id')
            .where('downloads.user_id', '=', userId)
            .where('downloads.document_id', '=', id),
        ),
      ),
    )
    .execute();
}

/** Marks the owner as a content provider (内容提供者) the first time one of their documents is published. */
export async function markProvider(db: Kysely<DB>, userId: number): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ is_provider: 1, rev: eb('rev', '+', 1), updated_at: Date.now() }))
    .where('id', '=', userId)
    .where('is_provider', '=', 0)
    .execute();
}

/** Creation times of a user's most recent uploads since `since` (at most `limit`, newest first). */
export async function recentUploadTimes(db: Kysely<DB>, ownerId: number, since: number, limit: number) {
  const rows = await db
    .selectFrom('documents')
    .select('created_at')
    .where('owner_id', '=', ownerId)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.created_at));
}

/** The owner's live document with exactly these bytes, if any (deleted ones do not count). */
export function findOwnCopy(db: Kysely<DB>, ownerId: number, blobKey: string) {
  return db
    .selectFrom('documents')
    .select(['id', 'title'])
    .where('owner_id', '=', ownerId)
    .where('blob_key', '=', blobKey)
    .where('status', '<>', 'deleted')
    .executeTakeFirst();
}
