// 我的购买 and 我的下载: what a reader bought or downloaded, and whether each can be downloaded again. A purchase is an
// entitlement for good: the re-download goes through /d/:id/download like any download (signed URL, daily caps) and
// never charges again; it survives the uploader deleting the document and a takedown that lets buyers keep access,
// but not a legal takedown (documents/policy.ts decides, the same function the download route uses).
import type { DocumentStatus } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { SessionUser } from '../accounts/service.ts';
import { canDownloadDocument, isOriginalWithheld } from '../documents/policy.ts';
import * as repo from './repo.ts';

const PAGE_SIZE = 20;

/** Where a bought or downloaded document stands for this reader: the label key and whether it downloads. */
export type LibraryStatus =
  | 'available'
  | 'deleted'
  | 'gone'
  | 'takenDown'
  | 'takenDownBlocked'
  | 'withheld'
  | 'refunded'
  | 'unavailable';

type DocFacts = {
  status: string;
  owner_id: number;
  current_price: number;
  takedown_code: string | null;
  pii_state: string | null;
};

/** Whether the viewer can download the document again, and the status shown beside it. */
export function libraryStatus(
  viewer: Pick<SessionUser, 'id' | 'role'>,
  doc: DocFacts,
  purchase: 'active' | 'refunded' | null,
): { status: LibraryStatus; downloadable: boolean } {
  const entitled = purchase === 'active';
  const facts = {
    owner_id: Number(doc.owner_id),
    status: doc.status as DocumentStatus,
    price: Number(doc.current_price),
    takedown_code: doc.takedown_code,
    pii_state: doc.pii_state as 'masked' | null,
  };
  const downloadable = canDownloadDocument(viewer, facts, entitled);
  return { status: statusOf(facts, purchase, downloadable), downloadable };
}

function statusOf(
  doc: { status: string; takedown_code: string | null; pii_state: 'masked' | null },
  purchase: 'active' | 'refunded' | null,
  downloadable: boolean,
): LibraryStatus {
  if (doc.status === 'deleted') return downloadable ? 'deleted' : purchase === 'refunded' ? 'refunded' : 'gone';
  if (doc.status === 'taken_down') {
    // Buyers keep a document taken down for a non-legal reason (decision 0010); nobody else downloads it.
    return downloadable ? 'takenDown' : 'takenDownBlocked';
  }
  if (downloadable) return 'available';
  if (purchase === 'refunded') return 'refunded';
  return isOriginalWithheld(doc) ? 'withheld' : 'unavailable';
}

/** One row of 我的购买. */
export interface PurchaseItem {
  readonly purchaseId: number;
  readonly documentId: number;
  readonly title: string;
  readonly format: string;
  /** What the buyer paid (a later price change does not alter it). */
  readonly price: number;
  readonly boughtAt: number;
  /** The document page can be opened (published). */
  readonly linked: boolean;
  readonly status: LibraryStatus;
  readonly downloadable: boolean;
}

/** 我的购买: one page of the viewer's purchases, newest first; `next` is the keyset cursor of the following page. */
export async function listMyPurchases(
  deps: Pick<Deps, 'database'>,
  viewer: Pick<SessionUser, 'id' | 'role'>,
  before?: number,
): Promise<{ items: PurchaseItem[]; next: number | undefined }> {
  const rows = await repo.listPurchases(deps.database.db, viewer.id, { before, limit: PAGE_SIZE + 1 });
  const items = rows.slice(0, PAGE_SIZE).map((r) => ({
    purchaseId: Number(r.id),
    documentId: Number(r.document_id),
    title: r.title,
    format: r.format,
    price: Number(r.price),
    boughtAt: Number(r.created_at),
    linked: r.status === 'published',
    ...libraryStatus(viewer, r, r.purchase_status),
  }));
  return { items, next: rows.length > PAGE_SIZE ? items.at(-1)?.purchaseId : undefined };
}

/** One row of 我的下载: a document and the reader's downloads of it. */
export interface DownloadItem {
  readonly documentId: number;
  readonly title: string;
  readonly format: string;
  readonly lastAt: number;
  readonly times: number;
  /** Bought (an active entitlement), as opposed to free. */
  readonly bought: boolean;
  readonly linked: boolean;
  readonly status: LibraryStatus;
  readonly downloadable: boolean;
}

/** 我的下载: one page of the documents the viewer downloaded (free and paid), most recent first. */
export async function listMyDownloads(
  deps: Pick<Deps, 'database'>,
  viewer: Pick<SessionUser, 'id' | 'role'>,
  page: number,
): Promise<{ items: DownloadItem[]; hasMore: boolean }> {
  const rows = await repo.listDownloadedDocuments(deps.database.db, viewer.id, {
    limit: PAGE_SIZE + 1,
    offset: (page - 1) * PAGE_SIZE,
  });
  const items = rows.slice(0, PAGE_SIZE).map((r) => ({
    documentId: Number(r.document_id),
    title: r.title,
    format: r.format,
    lastAt: Number(r.last_at),
    times: Number(r.times),
    bought: r.purchase_status === 'active',
    linked: r.status === 'published',
    ...libraryStatus(viewer, r, r.purchase_status),
  }));
  return { items, hasMore: rows.length > PAGE_SIZE };
}
