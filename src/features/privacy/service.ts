// The PII screen before publishing (decision 0012). The conversion pipeline scans the extracted text, the title and
// the description (scan.ts); a document with an identity, mobile or bank-card number is held in 'review' with the
// reject code 'privacy.held' and its matches stored (kind, field, offsets, masked form — never the number). A
// moderator decides in /admin/privacy, where the numbers are shown in full and highlighted (the only place they are):
// publish as is (a false positive), publish with the numbers masked in the stored text, or reject. A document that
// is also a near duplicate goes on to the near-duplicate queue afterwards (privacy first: the duplicate reviewer then
// reads the text as it will be published). Every decision is guarded (409 the second time), notifies the uploader
// and is audited, without a number in the notification, the audit entry or the log.
import type { Kysely } from 'kysely';
import type { DB, DocumentPiiTable, PiiState } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { rewardFirstUpload } from '../credits/rewards.ts';
import * as documents from '../documents/repo.ts';
import { announcePublication } from '../following/fanout.ts';
import { notify } from '../notifications/service.ts';
import { syncDocumentIndex } from '../search/service.ts';
import * as repo from './repo.ts';
import { maskPii, type PiiKind, type PiiMatch, scanPii } from './scan.ts';

export const PRIVACY_PAGE_SIZE = 10;
export const MAX_REASON_CHARS = 200;
/** Matches stored per document (a phone book would have thousands); the text itself is always masked in full. */
const MAX_STORED_MATCHES = 1000;
/** Matches shown per document in the queue, and the characters of context on each side. */
const SHOWN_PER_DOCUMENT = 20;
const CONTEXT_CHARS = 40;

/** Where a match was found. */
export type PiiField = DocumentPiiTable['field'];
/** A match and the field it is in. */
export type FieldMatch = PiiMatch & { readonly field: PiiField };

/** What the screen reads of a document. */
export interface ScreenedFields {
  readonly body: string;
  readonly title: string;
  readonly description: string;
}

/** Every number in the text, the title and the description (in that order). */
export function screenForPii(fields: ScreenedFields, now = Date.now()): FieldMatch[] {
  const out: FieldMatch[] = [];
  for (const field of ['body', 'title', 'description'] as const)
    for (const m of scanPii(fields[field], now)) out.push({ ...m, field });
  return out;
}

/** The parameters of 'privacy.held' for the uploader: how many numbers, and the first few masked. */
export function heldParams(matches: readonly FieldMatch[]): { count: number; masked: string } {
  const first = [...new Set(matches.map((m) => m.masked))].slice(0, 3);
  return { count: matches.length, masked: first.join('、') + (matches.length > first.length ? '…' : '') };
}

/** Stores a document's matches, replacing earlier ones (inside the pipeline's transaction). */
export function recordMatches(db: Kysely<DB>, documentId: number, matches: readonly FieldMatch[]): Promise<void> {
  return repo.replaceMatches(
    db,
    documentId,
    matches.slice(0, MAX_STORED_MATCHES).map((m) => ({
      kind: m.kind,
      field: m.field,
      start_offset: m.start,
      end_offset: m.end,
      masked: m.masked,
    })),
  );
}

/** Counts per kind: what the audit log keeps of the matches. */
function countByKind(rows: readonly { kind: PiiKind }[]): Record<PiiKind, number> {
  const n: Record<PiiKind, number> = { idNumber: 0, mobile: 0, bankCard: 0 };
  for (const r of rows) n[r.kind]++;
  return n;
}

// ── The queue ────────────────────────────────────────────────────────────────────────────────────────────────────

/** A piece of an excerpt: plain text, or a number (highlighted, with its kind). */
export interface ExcerptPart {
  readonly text: string;
  readonly kind?: PiiKind;
}

/** One number in context, for the moderator: the full number appears in `parts`, highlighted. */
export interface PiiExcerpt {
  readonly kind: PiiKind;
  readonly field: PiiField;
  readonly masked: string;
  readonly parts: readonly ExcerptPart[];
  readonly clippedStart: boolean;
  readonly clippedEnd: boolean;
}

/** The text around `m`, with every stored match inside that window highlighted. */
function excerpt(text: string, m: DocumentPiiTable, sameField: readonly DocumentPiiTable[]): PiiExcerpt {
  const from = Math.max(0, m.start_offset - CONTEXT_CHARS);
  const to = Math.min(text.length, m.end_offset + CONTEXT_CHARS);
  const parts: ExcerptPart[] = [];
  let at = from;
  for (const o of sameField) {
    if (o.end_offset <= from || o.start_offset >= to || o.start_offset < at) continue;
    if (o.start_offset > at) parts.push({ text: text.slice(at, o.start_offset) });
    const end = Math.min(o.end_offset, to);
    parts.push({ text: text.slice(o.start_offset, end), kind: o.kind });
    at = end;
  }
  if (at < to) parts.push({ text: text.slice(at, to) });
  return {
    kind: m.kind,
    field: m.field,
    masked: m.masked,
    parts,
    clippedStart: from > 0,
    clippedEnd: to < text.length,
  };
}

/** One held document as the queue shows it. */
export interface HeldForPrivacy {
  readonly id: number;
  readonly title: string;
  readonly format: string;
  readonly createdAt: number;
  readonly ownerId: number;
  readonly ownerName: string;
  /** Also a near duplicate of this earlier document (its queue comes next). */
  readonly dupOf: number | null;
  readonly total: number;
  readonly counts: Record<PiiKind, number>;
  readonly excerpts: readonly PiiExcerpt[];
}

/** One page of the privacy queue, oldest first, each document with its numbers in context. */
export async function listPrivacyQueue(deps: Pick<Deps, 'database'>, page: number) {
  const { db } = deps.database;
  const [rows, total] = await Promise.all([
    repo.listHeld(db, PRIVACY_PAGE_SIZE, (page - 1) * PRIVACY_PAGE_SIZE),
    repo.countHeld(db),
  ]);
  const matches = await repo.findMatches(
    db,
    rows.map((r) => Number(r.id)),
  );
  const items: HeldForPrivacy[] = rows.map((r) => {
    const id = Number(r.id);
    const mine = matches.filter((m) => Number(m.document_id) === id);
    const fields: Record<PiiField, string> = { body: r.body ?? '', title: r.title, description: r.description };
    const byField = (f: PiiField) => mine.filter((m) => m.field === f);
    const params = r.reject_params ? (JSON.parse(r.reject_params) as { count?: number }) : {};
    return {
      id,
      title: r.title,
      format: r.format,
      createdAt: Number(r.created_at),
      ownerId: Number(r.owner_id),
      ownerName: r.owner_name,
      dupOf: r.dup_of === null ? null : Number(r.dup_of),
      total: Math.max(params.count ?? 0, mine.length),
      counts: countByKind(mine),
      excerpts: mine.slice(0, SHOWN_PER_DOCUMENT).map((m) => excerpt(fields[m.field], m, byField(m.field))),
    };
  });
  return { items, total, page, pages: Math.max(1, Math.ceil(total / PRIVACY_PAGE_SIZE)) };
}

/** How many documents wait for a privacy decision. */
export function countPrivacyQueue(deps: Pick<Deps, 'database'>): Promise<number> {
  return repo.countHeld(deps.database.db);
}

// ── Decisions ────────────────────────────────────────────────────────────────────────────────────────────────────

/** What a moderator may decide: publish as is (false positive), publish masked, or reject. */
export type PrivacyDecision = 'publish' | 'mask' | 'reject';
export const PRIVACY_DECISIONS: readonly PrivacyDecision[] = ['publish', 'mask', 'reject'];

type PrivacyDeps = Pick<Deps, 'database' | 'search' | 'queue' | 'config' | 'log'>;

/**
 * Masks a held document in place: the stored text and its headings, the title and the description. Masks keep the
 * length, so page starts and heading offsets stay true. What is published from then on — page, preview, fragment,
 * meta description, JSON-LD, search index, snippets, suggestions — is derived from these.
 */
async function maskStoredDocument(trx: Kysely<DB>, id: number, fields: { title: string; description: string }) {
  const text = await documents.findDocumentText(trx, id);
  if (text) {
    const headings = (JSON.parse(text.headings) as { text?: unknown }[]).map((h) =>
      typeof h.text === 'string' ? { ...h, text: maskPii(h.text) } : h,
    );
    await documents.saveDocumentText(trx, id, {
      body: maskPii(text.body),
      pageStarts: JSON.parse(text.page_starts),
      headings,
    });
  }
  return { title: maskPii(fields.title), description: maskPii(fields.description) };
}

/**
 * Decides on a document the PII screen holds (moderators and admins). 404 for an unknown document, 409 when it is
 * not (or no longer) held for privacy — decided already, deleted, taken down, or in the near-duplicate queue.
 */
export async function decidePrivacy(
  deps: PrivacyDeps,
  staff: Pick<SessionUser, 'id' | 'role'>,
  id: number,
  decision: PrivacyDecision,
  rawReason: string | undefined,
  ip = '',
): Promise<void> {
  const reason = (rawReason ?? '').trim();
  if ([...reason].length > MAX_REASON_CHARS)
    throw badRequest('privacy.reasonTooLong', { max: MAX_REASON_CHARS }).on('reason');
  const { db } = deps.database;
  const now = Date.now();
  let published = false;
  await db.transaction().execute(async (trx) => {
    // 1. Still held for privacy? (checked again by the guarded update below: a concurrent decision loses there).
    const doc = await repo.findSubject(trx, id);
    if (!doc) throw notFound();
    if (doc.status !== 'review' || doc.reject_code !== repo.PRIVACY_HELD) throw conflict('privacy.notPending');
    const counts = countByKind(await repo.findMatches(trx, [id]));
    const before = { status: 'review', reject_code: repo.PRIVACY_HELD, matches: counts };
    const audit = (action: string, after: object) =>
      recordAudit(trx, { actor: staff, action, targetType: 'document', targetId: id, before, after, reason, ip });
    const maskedTitle = maskPii(doc.title);

    // 2a. Reject: the uploader reads the reason; the document never becomes public.
    if (decision === 'reject') {
      const moved = await repo.moveHeld(trx, id, {
        status: 'rejected',
        reject_code: 'privacy.rejected',
        reject_params: JSON.stringify(reason ? { reason } : {}),
        pii_state: 'rejected',
        reviewed_by: staff.id,
        reviewed_at: now,
      });
      if (!moved) throw conflict('privacy.notPending');
      await notify(trx, {
        userId: doc.owner_id,
        kind: 'privacy.rejected',
        params: { title: maskedTitle, reason: reason || '—' },
        link: '/my/documents',
      });
      await audit('privacy.reject', { status: 'rejected', pii_state: 'rejected' });
      return;
    }

    // 2b. Publish as is, or masked. A near duplicate goes on to that queue instead of to publication.
    const state: PiiState = decision === 'mask' ? 'masked' : 'cleared';
    const nearDuplicate = doc.dup_of !== null;
    const masking =
      decision === 'mask'
        ? {
            ...(await maskStoredDocument(trx, id, doc)),
            // The original still holds the numbers: it is withheld, so nothing is left to sell (decision 0012).
            price: 0,
            page_images: null,
            pages_rendered_at: now,
          }
        : {};
    const moved = await repo.moveHeld(trx, id, {
      ...masking,
      pii_state: state,
      reviewed_by: staff.id,
      reviewed_at: now,
      ...(nearDuplicate
        ? {
            status: 'review',
            reject_code: 'duplicate.near',
            reject_params: JSON.stringify({
              id: Number(doc.dup_of),
              title: doc.earlier_title ?? '',
              score: doc.dup_score ?? 0,
            }),
          }
        : { status: 'published', published_at: now, reject_code: null, reject_params: null }),
    });
    if (!moved) throw conflict('privacy.notPending');
    const title = decision === 'mask' ? maskedTitle : doc.title;
    if (nearDuplicate) {
      await notify(trx, {
        userId: doc.owner_id,
        kind: decision === 'mask' ? 'privacy.maskedAwaitingReview' : 'privacy.clearedAwaitingReview',
        params: { title },
        link: '/my/documents',
      });
      await audit(`privacy.${decision}`, { status: 'review', reject_code: 'duplicate.near', pii_state: state });
      return;
    }
    // As the pipeline publishes: provider badge, page images (none for a masked document: they are rendered from
    // the original file), then — after the commit — the search index and the first-upload reward.
    await documents.markProvider(trx, doc.owner_id);
    if (deps.config.convert.pageImages && decision !== 'mask')
      await deps.queue.enqueue('document.pages', { documentId: id }, { trx, dedupeKey: `pages:${id}` });
    await announcePublication(trx, deps.queue, id);
    await notify(trx, {
      userId: doc.owner_id,
      kind: decision === 'mask' ? 'privacy.masked' : 'privacy.published',
      params: { title },
      link: `/d/${id}`,
    });
    await audit(`privacy.${decision}`, { status: 'published', pii_state: state });
    published = true;
  });
  deps.log.info({ documentId: id, staff: staff.id, decision }, 'privacy hold decided');
  // Rejected or moved on to the duplicate queue: make sure nothing is indexed. Published: index it.
  await syncDocumentIndex(deps, id).catch((err) =>
    deps.log.error({ err, documentId: id }, 'search index update failed'),
  );
  if (published) await rewardFirstUpload(deps, id);
}

/** The text of a held document as its owner and admins read it on the document page: the numbers masked. */
export function maskForDisplay<T extends { body: string; headings: { text?: unknown }[] }>(stored: T): T {
  return {
    ...stored,
    body: maskPii(stored.body),
    headings: stored.headings.map((h) => (typeof h.text === 'string' ? { ...h, text: maskPii(h.text) } : h)),
  };
}
