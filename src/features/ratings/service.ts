// 评分: readers who paid for a document (or downloaded a free one) rate it 1–5, once, editable and removable. The
// document's figures (count, sum, average, the Bayesian score 评分最高 sorts by) are recomputed from the ratings table
// in the same transaction as the change, after taking the document's row: two raters of one document queue on it, so
// the second recount sees the first rating on both dialects and the figures are always exactly the table's.
import type { Deps } from '../../deps.ts';
import { badRequest, forbidden, gone, notFound } from '../../errors.ts';
import { bayesianRating } from '../../search/rating-score.ts';
import type { SessionUser } from '../accounts/service.ts';
import { notify } from '../notifications/service.ts';
import * as repo from './repo.ts';

type RatingsDeps = Pick<Deps, 'database' | 'search'>;

/** Who may rate: 'eligible', or why not (the box explains each case). */
export type RatingEligibility = 'anonymous' | 'owner' | 'eligible' | 'buyFirst' | 'downloadFirst';

/** A document's rating figures after a change. */
export interface RatingFigures {
  readonly documentId: number;
  /** The user's stars now (null once removed). */
  readonly stars: number | null;
  readonly avg: number;
  readonly count: number;
}

/** What the document page's rating box needs about the viewer. */
export interface RatingState {
  readonly eligibility: RatingEligibility;
  readonly mine: number | null;
}

/** Stars from a form field: exactly one digit 1–5, anything else (0, 6, 'abc', 4.5) is a 400. */
export function parseStars(raw: unknown): number {
  if (typeof raw !== 'string' || !/^[1-5]$/.test(raw.trim())) throw badRequest('rating.invalid').on('stars');
  return Number(raw.trim());
}

type RatedDocument = NonNullable<Awaited<ReturnType<typeof repo.findDocumentForRating>>>;

/** The published document being rated: 404 when there is none (or not public), 410 once deleted or taken down. */
async function ratableDocument(deps: RatingsDeps, documentId: number): Promise<RatedDocument> {
  const doc = await repo.findDocumentForRating(deps.database.db, documentId);
  if (!doc) throw notFound();
  if (doc.status === 'deleted' || doc.status === 'taken_down') throw gone('rating.unavailable');
  if (doc.status !== 'published') throw notFound();
  return doc;
}

/** Whether this user may rate this document: a buyer of a paid one, a downloader (or buyer) of a free one. */
async function eligibility(
  deps: Pick<Deps, 'database'>,
  user: Pick<SessionUser, 'id'>,
  doc: Pick<RatedDocument, 'id' | 'owner_id' | 'price'>,
): Promise<RatingEligibility> {
  const { db } = deps.database;
  if (Number(doc.owner_id) === user.id) return 'owner';
  if (await repo.hasActivePurchase(db, user.id, Number(doc.id))) return 'eligible';
  if (doc.price > 0) return 'buyFirst';
  return (await repo.hasDownloaded(db, user.id, Number(doc.id))) ? 'eligible' : 'downloadFirst';
}

const REFUSALS = {
  owner: 'rating.ownDocument',
  buyFirst: 'rating.buyFirst',
  downloadFirst: 'rating.downloadFirst',
  anonymous: 'error.loginRequired',
} as const;

/**
 * Rates a document (or changes the user's rating).
 * 1. The document must be published; the stars 1–5; the user not its owner and a buyer (paid) or a downloader
 *    (free) — refusals change nothing.
 * 2. One transaction: take the document's row (bumping its revision for the page cache), write the rating,
 *    recount, store the figures, and tell the uploader about a first rating (not about each change of it).
 * 3. Drop this process's cached search windows, so 评分最高 reflects the rating at once.
 */
export async function rateDocument(
  deps: RatingsDeps,
  user: Pick<SessionUser, 'id'>,
  documentId: number,
  rawStars: unknown,
): Promise<RatingFigures> {
  const doc = await ratableDocument(deps, documentId);
  const stars = parseStars(rawStars);
  const may = await eligibility(deps, user, doc);
  if (may !== 'eligible') throw forbidden(REFUSALS[may]);
  const figures = await deps.database.db.transaction().execute(async (trx) => {
    if (!(await repo.lockPublishedDocument(trx, documentId))) throw gone('rating.unavailable');
    const before = await repo.findRating(trx, user.id, documentId);
    await repo.upsertRating(trx, { userId: user.id, documentId, stars, now: Date.now() });
    const f = await recount(trx, documentId);
    // A first rating only: changing one's stars again and again must not fill the uploader's inbox.
    if (!before) {
      await notify(trx, {
        userId: Number(doc.owner_id),
        kind: 'document.rated',
        params: { title: doc.title, stars },
        link: `/d/${documentId}#rating`,
      });
    }
    return f;
  });
  deps.search.invalidate();
  return { documentId, stars, ...figures };
}

/** Removes the user's rating of a document (no error when there was none). */
export async function removeRating(
  deps: RatingsDeps,
  user: Pick<SessionUser, 'id'>,
  documentId: number,
): Promise<RatingFigures> {
  await ratableDocument(deps, documentId);
  const figures = await deps.database.db.transaction().execute(async (trx) => {
    if (!(await repo.lockPublishedDocument(trx, documentId))) throw gone('rating.unavailable');
    await repo.deleteRating(trx, user.id, documentId);
    return recount(trx, documentId);
  });
  deps.search.invalidate();
  return { documentId, stars: null, ...figures };
}

/** Counts the ratings again and stores count, sum, exact average and Bayesian score on the document. */
async function recount(trx: Parameters<typeof repo.aggregateRatings>[0], documentId: number) {
  const { count, sum } = await repo.aggregateRatings(trx, documentId);
  const avg = count === 0 ? 0 : sum / count;
  await repo.setRatingFigures(trx, documentId, { count, sum, avg, score: bayesianRating(sum, count) });
  return { avg, count };
}

/** The viewer's side of the rating box: whether they may rate and their own stars (no query for a visitor). */
export async function ratingStateFor(
  deps: Pick<Deps, 'database'>,
  viewer: Pick<SessionUser, 'id'> | undefined,
  doc: { id: number; owner_id: number; price: number },
): Promise<RatingState> {
  if (!viewer) return { eligibility: 'anonymous', mine: null };
  const [may, mine] = await Promise.all([
    eligibility(deps, viewer, doc),
    repo.findRating(deps.database.db, viewer.id, doc.id),
  ]);
  return { eligibility: may, mine: mine?.stars ?? null };
}
