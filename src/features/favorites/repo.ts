import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** The document a favorite would point at: whether it exists and can be saved now. */
export function findDocumentForFavorite(db: Kysely<DB>, id: number) {
  return db.selectFrom('documents').select(['id', 'status', 'favorite_count']).where('id', '=', id).executeTakeFirst();
}

/** The user's folders, the default first, then in creation order. */
export function listFolders(db: Kysely<DB>, userId: number) {
  return db
    .selectFrom('favorite_folders')
    .select(['id', 'name', 'is_default', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('is_default', 'desc')
    .orderBy('id')
    .execute();
}

/** How many favorites each of the user's folders holds (folders without any are absent). */
export function countByFolder(db: Kysely<DB>, userId: number) {
  return db
    .selectFrom('favorites')
    .select(['folder_id', sql<number>`count(*)`.as('n')])
    .where('user_id', '=', userId)
    .groupBy('folder_id')
    .execute();
}

/** One folder of the user's (undefined when it is not theirs). */
export function findFolder(db: Kysely<DB>, userId: number, folderId: number) {
  return db
    .selectFrom('favorite_folders')
    .select(['id', 'name', 'is_default'])
    .where('id', '=', folderId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The user's default folder, created when missing (a concurrent creation is absorbed by the unique index). */
export async function ensureDefaultFolder(db: Kysely<DB>, userId: number, now: number): Promise<number> {
  await db
    .insertInto('favorite_folders')
    .values({ user_id: userId, name: '', is_default: 1, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
    .execute();
  const row = await db
    .selectFrom('favorite_folders')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', '')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Counts the user's folders. */
export async function countFolders(db: Kysely<DB>, userId: number): Promise<number> {
  const r = await db
    .selectFrom('favorite_folders')
    .select(sql<number>`count(*)`.as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Creates a folder; undefined when the user already has one of that name. */
export async function insertFolder(db: Kysely<DB>, userId: number, name: string, now: number) {
  const row = await db
    .insertInto('favorite_folders')
    .values({ user_id: userId, name, is_default: 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/** True when another folder of the user's has this name. */
export async function folderNameTaken(db: Kysely<DB>, userId: number, name: string, exceptId: number) {
  const row = await db
    .selectFrom('favorite_folders')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .where('id', '!=', exceptId)
    .executeTakeFirst();
  return !!row;
}

/** Renames one of the user's own (non-default) folders. */
export async function renameFolder(db: Kysely<DB>, userId: number, folderId: number, name: string, now: number) {
  const r = await db
    .updateTable('favorite_folders')
    .set({ name, updated_at: now })
    .where('id', '=', folderId)
    .where('user_id', '=', userId)
    .where('is_default', '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deletes one of the user's own (non-default) folders; it must be empty by now. */
export async function deleteFolder(db: Kysely<DB>, userId: number, folderId: number) {
  const r = await db
    .deleteFrom('favorite_folders')
    .where('id', '=', folderId)
    .where('user_id', '=', userId)
    .where('is_default', '=', 0)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Counts the user's favorites. */
export async function countFavorites(db: Kysely<DB>, userId: number): Promise<number> {
  const r = await db
    .selectFrom('favorites')
    .select(sql<number>`count(*)`.as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The user's favorite of a document, if any, with its folder. */
export function findFavorite(db: Kysely<DB>, userId: number, documentId: number) {
  return db
    .selectFrom('favorites')
    .select(['folder_id', 'created_at'])
    .where('user_id', '=', userId)
    .where('document_id', '=', documentId)
    .executeTakeFirst();
}

/** Inserts a favorite; false when the user already had one for the document (a double click, two tabs). */
export async function insertFavorite(
  db: Kysely<DB>,
  f: { userId: number; documentId: number; folderId: number; now: number },
): Promise<boolean> {
  const row = await db
    .insertInto('favorites')
    .values({ user_id: f.userId, document_id: f.documentId, folder_id: f.folderId, created_at: f.now })
    .onConflict((oc) => oc.columns(['user_id', 'document_id']).doNothing())
    .returning('document_id')
    .executeTakeFirst();
  return !!row;
}

/** Moves an existing favorite to another folder of the same user. */
export async function moveFavorite(db: Kysely<DB>, userId: number, documentId: number, folderId: number) {
  const r = await db
    .updateTable('favorites')
    .set({ folder_id: folderId })
    .where('user_id', '=', userId)
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Removes a favorite; false when there was none. */
export async function deleteFavorite(db: Kysely<DB>, userId: number, documentId: number): Promise<boolean> {
  const r = await db
    .deleteFrom('favorites')
    .where('user_id', '=', userId)
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Adds `delta` to documents' favorite counts (never below zero) and bumps their revision, so a cached anonymous page
 * showing the old count is not served again.
 */
export async function addToFavoriteCount(db: Kysely<DB>, documentIds: readonly number[], delta: 1 | -1) {
  if (documentIds.length === 0) return;
  await db
    .updateTable('documents')
    .set((eb) => ({
      favorite_count:
        delta > 0
          ? eb('favorite_count', '+', 1)
          : sql<number>`CASE WHEN favorite_count > 0 THEN favorite_count - 1 ELSE 0 END`,
      rev: eb('rev', '+', 1),
    }))
    .where('id', 'in', documentIds)
    .execute();
}

/** The document ids in one folder (for deleting it). */
export async function documentIdsInFolder(db: Kysely<DB>, userId: number, folderId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('favorites')
    .select('document_id')
    .where('user_id', '=', userId)
    .where('folder_id', '=', folderId)
    .execute();
  return rows.map((r) => Number(r.document_id));
}

/** Moves every favorite of one folder to another. */
export async function moveFolderContents(db: Kysely<DB>, userId: number, fromId: number, toId: number) {
  await db
    .updateTable('favorites')
    .set({ folder_id: toId })
    .where('user_id', '=', userId)
    .where('folder_id', '=', fromId)
    .execute();
}

/** Removes every favorite of one folder. */
export async function deleteFolderContents(db: Kysely<DB>, userId: number, folderId: number) {
  await db.deleteFrom('favorites').where('user_id', '=', userId).where('folder_id', '=', folderId).execute();
}

/** One page of a folder, newest first, with what the list shows of each document whatever its state. */
export function listFolderItems(db: Kysely<DB>, userId: number, folderId: number, limit: number, offset: number) {
  return db
    .selectFrom('favorites')
    .innerJoin('documents', 'documents.id', 'favorites.document_id')
    .innerJoin('users', 'users.id', 'documents.owner_id')
    .select([
      'favorites.document_id',
      'favorites.created_at',
      'documents.title',
      'documents.format',
      'documents.price',
      'documents.page_count',
      'documents.status',
      'documents.rating_avg',
      'documents.rating_count',
      'documents.owner_id',
      'users.display_name as owner_name',
    ])
    .where('favorites.user_id', '=', userId)
    .where('favorites.folder_id', '=', folderId)
    .orderBy('favorites.created_at', 'desc')
    .orderBy('favorites.document_id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Which of these documents the user has saved. */
export async function favoritedAmong(db: Kysely<DB>, userId: number, documentIds: readonly number[]) {
  if (documentIds.length === 0) return [];
  const rows = await db
    .selectFrom('favorites')
    .select('document_id')
    .where('user_id', '=', userId)
    .where('document_id', 'in', documentIds)
    .execute();
  return rows.map((r) => Number(r.document_id));
}
