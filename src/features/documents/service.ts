import type { Deps } from '../../deps.ts';
import { AppError, forbidden, gone, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { issueDownloadUrl } from '../credits/downloads.ts';
import { hasEntitlement, platformShare } from '../credits/purchases.ts';
import { clawBackUploadReward } from '../credits/rewards.ts';
import { assertNotMuted } from '../moderation/policy.ts';
import { maskPii } from '../privacy/scan.ts';
import { maskForDisplay } from '../privacy/service.ts';
import { closeOpenReportsOfDocument } from '../reports/closing.ts';
import { type RelatedDocument, relatedDocuments, syncDocumentIndex } from '../search/service.ts';
import { getSiteSettings } from '../site/service.ts';
import { BoughtButDeletedError } from './bought-deleted.ts';
import { canDeleteDocument, canDownloadDocument, canViewDocument, isOriginalWithheld } from './policy.ts';
import { computePreview, type Preview, pickFragment, type StoredText } from './preview.ts';
import * as repo from './repo.ts';
import { TakenDownError } from './takedown.ts';

/** What the document page renders. `preview` holds only the free part. */
export interface DocumentPage {
  doc: repo.DocumentPageRow;
  preview: Preview | undefined;
  fragment: string;
  viewerFollows: boolean;
  /** 相关文档: similar published documents (titles only). */
  related: RelatedDocument[];
  /** The viewer holds an entitlement (bought it): the page offers a free re-download, never a second purchase. */
  purchased: boolean;
}

/** Loads a document for its page; 410 once deleted, 404 when the viewer may not see it. */
export async function getDocumentPage(
  deps: Pick<Deps, 'database' | 'search' | 'log'>,
  id: number,
  viewer: SessionUser | undefined,
): Promise<DocumentPage> {
  const { db } = deps.database;
  const row = await repo.findDocumentPage(db, id);
  if (!row) throw notFound();
  // Held by the PII screen: its owner and admins read it with the numbers masked (only /admin/privacy shows them).
  const doc =
    row.pii_state === 'held' ? { ...row, title: maskPii(row.title), description: maskPii(row.description) } : row;
  if (doc.status === 'deleted') {
    // A buyer keeps their copy: the 410 page links to it instead of ending the road.
    if (viewer && viewer.id !== doc.owner_id && (await hasEntitlement(deps, viewer.id, id)))
      throw new BoughtButDeletedError(id, `${doc.title}.${doc.format}`);
    throw gone();
  }
  // Taken down: 451 or 410 with the reason, for everyone — the uploader and staff included (decision 0010).
  if (doc.status === 'taken_down') throw new TakenDownError(doc);
  if (!canViewDocument(viewer, doc)) throw notFound();
  const site = await getSiteSettings(deps);
  const text = doc.extracted_at ? await repo.findDocumentText(db, id) : undefined;
  let preview: Preview | undefined;
  if (text) {
    let stored: StoredText = {
      body: text.body,
      pageStarts: JSON.parse(text.page_starts),
      headings: JSON.parse(text.headings),
    };
    if (doc.pii_state === 'held') stored = maskForDisplay(stored);
    preview = computePreview(stored, {
      mode: doc.preview_mode ?? site.previewMode,
      value: doc.preview_value ?? site.previewValue,
      maxPercent: site.previewMaxPercent,
      paid: doc.price > 0,
    });
  }
  const viewerFollows =
    !!viewer &&
    !!(await db
      .selectFrom('follows')
      .select('follower_id')
      .where('follower_id', '=', viewer.id)
      .where('followee_id', '=', doc.owner_id)
      .executeTakeFirst());
  const purchased = !!viewer && doc.price > 0 && (await hasEntitlement(deps, viewer.id, id));
  // Related documents are a nicety: a search failure must not take the document page down.
  const related =
    doc.status === 'published'
      ? await relatedDocuments(deps, doc, preview?.freeText ?? '').catch((err) => {
          deps.log.warn({ err, id }, 'related documents failed');
          return [];
        })
      : [];
  return { doc, preview, fragment: preview ? pickFragment(preview) : '', viewerFollows, related, purchased };
}

/** The page version for anonymous caching: undefined when the document does not exist. */
export async function getDocumentPageVersion(deps: Pick<Deps, 'database'>, id: number) {
  return repo.findDocumentPageVersion(deps.database.db, id);
}

/** The page version read synchronously where the database allows it (SQLite); undefined where it does not. */
export function getDocumentPageVersionSync(deps: Pick<Deps, 'database'>, id: number) {
  return repo.findDocumentPageVersionSync(deps.database, id);
}

/** Loads a document the viewer may delete, for the confirmation page. */
export async function getDeletableDocument(deps: Pick<Deps, 'database'>, id: number, viewer: SessionUser) {
  const doc = await repo.findDocumentById(deps.database.db, id);
  if (!doc) throw notFound();
  if (doc.status === 'deleted') throw gone();
  if (!canDeleteDocument(viewer, doc)) throw forbidden();
  return doc;
}

/**
 * Soft-deletes a document: it answers 410 from now on. The blob stays, because buyers keep their downloads
 * (and identical uploads share it).
 */
export async function deleteDocument(
  deps: Pick<Deps, 'database' | 'search'>,
  id: number,
  viewer: SessionUser,
): Promise<void> {
  const doc = await getDeletableDocument(deps, id, viewer);
  await deps.database.db.transaction().execute(async (trx) => {
    const moved = await repo.transitionDocument(
      trx,
      id,
      ['uploaded', 'converting', 'review', 'published', 'rejected', 'taken_down'],
      { status: 'deleted', deleted_at: Date.now() },
    );
    if (!moved) throw gone();
    // Its open reports have nothing left to decide: closed, and each reporter told why.
    const byOwner = viewer.id === doc.owner_id;
    await closeOpenReportsOfDocument(trx, {
      documentId: id,
      title: doc.title,
      decision: byOwner ? 'uploader_deleted' : 'staff_deleted',
      actor: byOwner ? undefined : viewer,
    });
  });
  // Out of search at once (results, suggestions, related documents).
  await syncDocumentIndex(deps, id);
  // A first-upload reward does not survive its document.
  await clawBackUploadReward(deps, id);
}

/** What the upload form says about the platform's share: the percent and what the uploader gets at a few prices. */
export interface UploadPriceHint {
  readonly percent: number;
  readonly examples: readonly { price: number; earn: number }[];
}

/** The price hint, computed by the same function every sale uses (so the form never promises another split). */
export function uploadPriceHint(deps: Pick<Deps, 'config'>, maxPrice: number): UploadPriceHint {
  const percent = deps.config.credits.platformSharePercent;
  const examples = [3, 5, 10, 99]
    .filter((p) => p <= maxPrice)
    .map((price) => ({ price, earn: price - platformShare(price, percent) }));
  return { percent, examples };
}

/**
 * Refuses an upload before a byte of it is read: a muted user (403, until when), or one who has started `max`
 * uploads in the last hour (429, with when to try again).
 */
export async function assertMayUpload(
  deps: Pick<Deps, 'database'>,
  user: Pick<SessionUser, 'id' | 'mutedUntil'>,
  max: number,
  now = Date.now(),
) {
  assertNotMuted(user, now);
  const hour = 3600_000;
  const recent = await repo.recentUploadTimes(deps.database.db, user.id, now - hour, max);
  if (recent.length < max) return;
  const retryAfter = Math.max(1, Math.ceil((Math.min(...recent) + hour - now) / 1000));
  throw new AppError(429, 'rate_limited', 'upload.tooMany', { max, retryAfter });
}

/** The uploader's own documents with their pipeline status. */
export async function listMyDocuments(deps: Pick<Deps, 'database'>, viewer: SessionUser, page: number) {
  const size = 20;
  return repo.listOwnedDocuments(deps.database.db, viewer.id, size, (page - 1) * size);
}

/** Status of one document for its owner (polled while converting). */
export async function getDocumentStatus(deps: Pick<Deps, 'database'>, id: number, viewer: SessionUser) {
  const doc = await repo.findDocumentById(deps.database.db, id);
  if (!doc || doc.status === 'deleted' || (doc.owner_id !== viewer.id && viewer.role !== 'admin')) throw notFound();
  return doc;
}

/** Authorises a download of the original and counts it. Buyers keep access after the uploader deletes it. */
export async function startDownload(deps: Pick<Deps, 'database'>, id: number, viewer: SessionUser | undefined) {
  const doc = await repo.findDocumentById(deps.database.db, id);
  if (!doc) throw notFound();
  // An entitlement whatever the price is now: a document made free (or deleted) after it was sold stays the buyer's.
  const purchased = !!viewer && viewer.id !== doc.owner_id && (await hasEntitlement(deps, viewer.id, id));
  if (doc.status === 'deleted' && !purchased) throw gone();
  if (!canDownloadDocument(viewer, doc, purchased)) {
    if (doc.status === 'taken_down') throw new TakenDownError(doc);
    if (isOriginalWithheld(doc)) throw forbidden('privacy.downloadWithheld');
    throw forbidden('document.paidDownloadUnavailable');
  }
  // Counted once per reader: the downloads log (written right after, by issueDownloadUrl) remembers who had it.
  if (viewer && viewer.id !== doc.owner_id) await repo.incrementDownloadsOnce(deps.database.db, id, viewer.id);
  return doc;
}

/**
 * Where a download request goes next: a short-lived signed URL for this user (daily caps enforced), or the
 * purchase confirmation for a paid document the reader has not bought.
 */
export async function authorizeDownload(
  deps: Pick<Deps, 'database' | 'config' | 'downloadUrlSecret'>,
  id: number,
  viewer: SessionUser,
  ip: string,
): Promise<string> {
  const doc = await repo.findDocumentById(deps.database.db, id);
  if (doc?.status === 'published' && doc.price > 0 && doc.owner_id !== viewer.id && viewer.role !== 'admin') {
    if (!(await hasEntitlement(deps, viewer.id, id))) return `/d/${id}/buy`;
  }
  await startDownload(deps, id, viewer);
  return issueDownloadUrl(deps, viewer, id, ip);
}

/** Published documents for lists (home, category, uploader profile). */
export async function listPublishedDocuments(
  deps: Pick<Deps, 'database'>,
  opts: { order: 'latest' | 'downloads'; categoryId?: number; ownerId?: number; page?: number; pageSize: number },
) {
  const page = Math.max(1, opts.page ?? 1);
  const { db } = deps.database;
  const [rows, total] = await Promise.all([
    repo.listPublished(db, { ...opts, limit: opts.pageSize, offset: (page - 1) * opts.pageSize }),
    repo.countPublished(db, opts),
  ]);
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / opts.pageSize)) };
}
