import type { Document } from '../../db/schema.ts';
import type { SessionUser } from '../accounts/service.ts';

type DocLike = Pick<Document, 'owner_id' | 'status' | 'price'> & Partial<Pick<Document, 'takedown_code' | 'pii_state'>>;

type Viewer = Pick<SessionUser, 'id' | 'role'>;

const isOwnerOrAdmin = (viewer: Viewer | undefined, doc: DocLike) =>
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
 * Takedowns for a legal reason — the law forbids serving the content (著作权, 个人信息, 保密, 违法) — answer
 * 451 Unavailable For Legal Reasons; the others answer 410 Gone.
 */
export function isLegalTakedown(code: string | null | undefined): boolean {
  return code === 'copyright' || code === 'privacy' || code === 'secret' || code === 'illegal';
}

/**
 * Whether the buyers of a taken-down document keep downloading it (decision 0010): yes, as after a deletion, unless
 * serving the file is itself the wrong — a legal takedown or pornography. Then every copy stops, and the uploader's
 * earnings from it are held until it is restored.
 */
export function buyersKeepAccess(code: string | null | undefined): boolean {
  return !isLegalTakedown(code) && code !== 'porn';
}

/**
 * The original file: free documents for any logged-in reader, any document for its owner or an admin, and a paid
 * one for its buyers — who keep it after the uploader deletes it, and after a takedown unless `buyersKeepAccess`
 * says otherwise (decision 0010).
 */
export function canDownloadDocument(viewer: Viewer | undefined, doc: DocLike, purchased = false): boolean {
  if (!viewer) return false;
  // Published with its personal numbers masked: the original still holds them, so only its owner and admins get
  // it (decision 0012).
  if (isOriginalWithheld(doc)) return isOwnerOrAdmin(viewer, doc) && doc.status !== 'deleted';
  if (purchased) return doc.status !== 'taken_down' || buyersKeepAccess(doc.takedown_code);
  if (isOwnerOrAdmin(viewer, doc)) return doc.status !== 'deleted';
  return doc.status === 'published' && doc.price === 0;
}

/** Whether the original file is withheld from readers: the document was published with its numbers masked. */
export function isOriginalWithheld(doc: Partial<Pick<Document, 'pii_state'>>): boolean {
  return doc.pii_state === 'masked';
}
