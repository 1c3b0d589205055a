// 收藏: a reader saves documents into folders. Every change for one user runs in a transaction that first writes the
// user's default folder row (created lazily), which serialises that user's changes on both dialects (PostgreSQL's
// row lock, SQLite's write lock): a double click or two tabs can neither save twice nor pass the limits together.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, gone, notFound, onField } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import type { SessionUser } from '../accounts/service.ts';
import * as repo from './repo.ts';

type FavoritesDeps = Pick<Deps, 'database'>;

/** Limits that keep one account's favorites bounded (and its pages cheap). */
export const FAVORITE_LIMITS = {
  /** Folders per user, the default one included. */
  folders: 30,
  /** Characters of a folder name (after trimming). */
  nameChars: 20,
  /** Saved documents per user. */
  favorites: 5000,
  /** Documents per page of a folder. */
  pageSize: 20,
} as const;

/** A folder as lists and selects show it (the default one named from the catalog). */
export interface FolderView {
  readonly id: number;
  readonly name: string;
  readonly isDefault: boolean;
  readonly count: number;
}

/** Where a favorite stands after a change, as the JSON answer and the button need it. */
export interface FavoriteResult {
  readonly documentId: number;
  readonly favorited: boolean;
  readonly folderId: number | null;
  readonly count: number;
}

/** What the document page's 收藏 box needs about the viewer (undefined for a visitor). */
export interface FavoriteState {
  readonly favorited: boolean;
  readonly folderId: number | null;
  readonly folders: readonly FolderView[];
}

const folderName = (row: { name: string; is_default: number }) =>
  row.is_default ? t('favorites.defaultFolder') : row.name;

/** A folder id from a form field: '' or absent means the default folder; anything else but an id is a 400. */
export function parseFolderId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw badRequest('favorites.folderNotFound');
  return Number(raw);
}

/** Trims and checks a folder name: 1–20 characters, one space between words, not the default folder's name. */
export function normaliseFolderName(raw: string | undefined): string {
  const name = (raw ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
  if (name.length === 0) throw badRequest('favorites.folderNameRequired');
  if ([...name].length > FAVORITE_LIMITS.nameChars)
    throw badRequest('favorites.folderNameTooLong', { max: FAVORITE_LIMITS.nameChars });
  if (name === t('favorites.defaultFolder')) throw badRequest('favorites.folderNameReserved');
  return name;
}

/** Runs `fn` with the user's default folder created and its row written (held until commit). */
async function asUser<T>(
  deps: FavoritesDeps,
  userId: number,
  fn: (trx: Kysely<DB>, defaultId: number) => Promise<T>,
): Promise<T> {
  return deps.database.db.transaction().execute(async (trx) => {
    const now = Date.now();
    const defaultId = await repo.ensureDefaultFolder(trx, userId, now);
    await trx.updateTable('favorite_folders').set({ updated_at: now }).where('id', '=', defaultId).execute();
    return fn(trx, defaultId);
  });
}

/**
 * Saves a document into a folder (the default one when none is given). Saving it again is not an error and counts
 * once; saving it into another folder moves it there.
 */
export async function addFavorite(
  deps: FavoritesDeps,
  user: Pick<SessionUser, 'id'>,
  documentId: number,
  folderId?: number,
): Promise<FavoriteResult> {
  const doc = await repo.findDocumentForFavorite(deps.database.db, documentId);
  if (!doc) throw notFound();
  if (doc.status === 'deleted' || doc.status === 'taken_down') throw gone('favorites.unavailable');
  if (doc.status !== 'published') throw notFound();
  const folder = await asUser(deps, user.id, async (trx, defaultId) => {
    const target = folderId ?? defaultId;
    if (folderId !== undefined && !(await repo.findFolder(trx, user.id, folderId)))
      throw notFound('favorites.folderNotFound');
    const existing = await repo.findFavorite(trx, user.id, documentId);
    if (existing) {
      if (Number(existing.folder_id) !== target) await repo.moveFavorite(trx, user.id, documentId, target);
      return target;
    }
    if ((await repo.countFavorites(trx, user.id)) >= FAVORITE_LIMITS.favorites)
      throw conflict('favorites.tooMany', { max: FAVORITE_LIMITS.favorites });
    if (await repo.insertFavorite(trx, { userId: user.id, documentId, folderId: target, now: Date.now() }))
      await repo.addToFavoriteCount(trx, [documentId], 1);
    return target;
  });
  return { documentId, favorited: true, folderId: folder, count: await favoriteCount(deps, documentId) };
}

/** Removes a document from the user's favorites (whatever became of the document); removing twice is no error. */
export async function removeFavorite(
  deps: FavoritesDeps,
  user: Pick<SessionUser, 'id'>,
  documentId: number,
): Promise<FavoriteResult> {
  if (!(await repo.findDocumentForFavorite(deps.database.db, documentId))) throw notFound();
  await asUser(deps, user.id, async (trx) => {
    if (await repo.deleteFavorite(trx, user.id, documentId)) await repo.addToFavoriteCount(trx, [documentId], -1);
  });
  return { documentId, favorited: false, folderId: null, count: await favoriteCount(deps, documentId) };
}

async function favoriteCount(deps: FavoritesDeps, documentId: number): Promise<number> {
  return Number((await repo.findDocumentForFavorite(deps.database.db, documentId))?.favorite_count ?? 0);
}

/** Creates a folder; returns its id. */
export async function createFolder(deps: FavoritesDeps, user: Pick<SessionUser, 'id'>, rawName: string | undefined) {
  const name = await onField('name', () => normaliseFolderName(rawName));
  return asUser(deps, user.id, async (trx) => {
    if ((await repo.countFolders(trx, user.id)) >= FAVORITE_LIMITS.folders)
      throw conflict('favorites.tooManyFolders', { max: FAVORITE_LIMITS.folders });
    const id = await repo.insertFolder(trx, user.id, name, Date.now());
    if (id === undefined) throw conflict('favorites.folderExists', { name }).on('name');
    return id;
  });
}

/** Renames one of the user's folders (not the default one). */
export async function renameFolder(
  deps: FavoritesDeps,
  user: Pick<SessionUser, 'id'>,
  folderId: number,
  rawName: string | undefined,
): Promise<void> {
  const name = await onField('name', () => normaliseFolderName(rawName));
  await asUser(deps, user.id, async (trx) => {
    const folder = await repo.findFolder(trx, user.id, folderId);
    if (!folder) throw notFound('favorites.folderNotFound');
    if (folder.is_default) throw badRequest('favorites.defaultFixed');
    if (await repo.folderNameTaken(trx, user.id, name, folderId)) {
      throw conflict('favorites.folderExists', { name }).on('name');
    }
    await repo.renameFolder(trx, user.id, folderId, name, Date.now());
  });
}

/**
 * Deletes one of the user's folders (not the default one). Its documents move to the default folder, so nothing
 * saved is lost by deleting a folder; `removeDocuments` un-saves them instead, when the user asks for that.
 */
export async function deleteFolder(
  deps: FavoritesDeps,
  user: Pick<SessionUser, 'id'>,
  folderId: number,
  opts: { removeDocuments?: boolean } = {},
): Promise<void> {
  await asUser(deps, user.id, async (trx, defaultId) => {
    const folder = await repo.findFolder(trx, user.id, folderId);
    if (!folder) throw notFound('favorites.folderNotFound');
    if (folder.is_default) throw badRequest('favorites.defaultFixed');
    if (opts.removeDocuments) {
      const ids = await repo.documentIdsInFolder(trx, user.id, folderId);
      await repo.deleteFolderContents(trx, user.id, folderId);
      for (let i = 0; i < ids.length; i += 500) await repo.addToFavoriteCount(trx, ids.slice(i, i + 500), -1);
    } else {
      await repo.moveFolderContents(trx, user.id, folderId, defaultId);
    }
    await repo.deleteFolder(trx, user.id, folderId);
  });
}

/** The user's folders with their counts; the default one always listed first (shown even before it exists). */
export async function listFolders(deps: FavoritesDeps, userId: number): Promise<FolderView[]> {
  const { db } = deps.database;
  const [rows, counts] = await Promise.all([repo.listFolders(db, userId), repo.countByFolder(db, userId)]);
  const countOf = new Map(counts.map((c) => [Number(c.folder_id), Number(c.n)]));
  const views = rows.map((r) => ({
    id: Number(r.id),
    name: folderName(r),
    isDefault: r.is_default === 1,
    count: countOf.get(Number(r.id)) ?? 0,
  }));
  if (!views.some((f) => f.isDefault))
    views.unshift({ id: 0, name: t('favorites.defaultFolder'), isDefault: true, count: 0 });
  return views;
}

/** The viewer's relation to one document, for its 收藏 box; undefined for a visitor (no query). */
export async function favoriteStateFor(
  deps: FavoritesDeps,
  viewer: Pick<SessionUser, 'id'> | undefined,
  documentId: number,
): Promise<FavoriteState | undefined> {
  if (!viewer) return undefined;
  const [fav, folders] = await Promise.all([
    repo.findFavorite(deps.database.db, viewer.id, documentId),
    listFolders(deps, viewer.id),
  ]);
  return { favorited: !!fav, folderId: fav ? Number(fav.folder_id) : null, folders };
}

/** Which of these documents the viewer has saved (for the buttons of a result list); empty for a visitor. */
export async function favoritedAmong(
  deps: FavoritesDeps,
  viewer: Pick<SessionUser, 'id'> | undefined,
  documentIds: readonly number[],
): Promise<ReadonlySet<number>> {
  if (!viewer) return new Set();
  return new Set(await repo.favoritedAmong(deps.database.db, viewer.id, documentIds));
}

/** One saved document as a folder lists it; `available` is false once it was deleted, taken down or unpublished. */
export interface FavoriteItem {
  readonly documentId: number;
  readonly title: string;
  readonly format: string;
  readonly price: number;
  readonly pageCount: number | null;
  readonly ownerId: number;
  readonly ownerName: string;
  readonly savedAt: number;
  readonly status: string;
  readonly available: boolean;
}

/** The /favorites page: every folder with its count, and one page of the selected folder (the default one first). */
export async function getFolderPage(
  deps: FavoritesDeps,
  user: Pick<SessionUser, 'id'>,
  folderId: number | undefined,
  page: number,
) {
  const folders = await listFolders(deps, user.id);
  const folder = folderId === undefined ? folders[0]! : folders.find((f) => f.id === folderId);
  if (!folder) throw notFound('favorites.folderNotFound');
  const size = FAVORITE_LIMITS.pageSize;
  const pages = Math.max(1, Math.ceil(folder.count / size));
  const current = Math.min(Math.max(1, page), pages);
  const rows =
    folder.count === 0
      ? []
      : await repo.listFolderItems(deps.database.db, user.id, folder.id, size, (current - 1) * size);
  const items: FavoriteItem[] = rows.map((r) => ({
    documentId: Number(r.document_id),
    title: r.title,
    format: r.format,
    price: r.price,
    pageCount: r.page_count,
    ownerId: Number(r.owner_id),
    ownerName: r.owner_name,
    savedAt: Number(r.created_at),
    status: r.status,
    available: r.status === 'published',
  }));
  return { folders, folder, items, page: current, pages };
}
