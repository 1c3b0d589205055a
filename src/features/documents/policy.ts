import type { Document } from '../../db/schema.ts';
import type { SessionUser } from '../accounts/service.ts';

type DocLike = Pick<Document, 'owner_id' | 'status' | 'price'>;

const isOwnerOrAdmin = (viewer: SessionUser | undefined, doc: DocLike) =>
  !!viewer && (viewer.id === doc.owner_id || viewer.role === 'admin');

/** Anyone may see a published document; the owner and admins also see it while converting or rejected. */
export function canViewDocument(viewer: SessionUser | undefined, doc: DocLike): boolean {
  if (doc.status === 'published') return true;
  if (doc.status === 'deleted') return false;
  return isOwnerOrAdmin(viewer, doc);
}

/** The owner or an admin may delete a document that is not already deleted. */
export function canDeleteDocument(viewer: SessionUser | undefined, doc: DocLike): boolean {
  return doc.status !== 'deleted' && isOwnerOrAdmin(viewer, doc);
}

/**
 * The original file: free documents for any logged-in reader, any document for its owner or an admin, and a paid
 * one for its buyers — who keep it after the uploader deletes it (not after a takedown).
 */
export function canDownloadDocument(viewer: SessionUser | undefined, doc: DocLike, purchased = false): boolean {
  if (!viewer) return false;
  if (purchased) return doc.status !== 'taken_down';
  if (isOwnerOrAdmin(viewer, doc)) return doc.status !== 'deleted';
  return doc.status === 'published' && doc.price === 0;
}
