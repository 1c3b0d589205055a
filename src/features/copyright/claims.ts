// 认领 (claims, decision 0013): an author claims a work someone else uploaded, with the same identity, work and proof
// as a notice. Staff approve or reject; on approval the document's sales earn for the claimant from then on
// (`documents.earnings_user_id`, read by credits/purchases.ts). Earnings already paid stay where they are.
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { notify } from '../notifications/service.ts';
import { parseFilingFields } from './form.ts';
import { filingPath } from './notices.ts';
import { canDecideFilings } from './policy.ts';
import { discardFiles, type ReceivedForm, storeFiles } from './proof-files.ts';
import * as repo from './repo.ts';

type Actor = Pick<SessionUser, 'id' | 'role'>;

/**
 * The document a claim form is for: published, not the claimant's own, not claimed already, no claim of theirs
 * pending. Each refusal has its sentence.
 */
export async function getClaimableDocument(deps: Pick<Deps, 'database'>, user: Actor, documentId: number) {
  const { db } = deps.database;
  const doc = await repo.findDocument(db, documentId);
  if (doc?.status !== 'published') throw badRequest('copyright.claim.documentNotPublic');
  if (Number(doc.owner_id) === user.id) throw badRequest('copyright.claim.own');
  if (doc.earnings_user_id !== null) throw conflict('copyright.claim.alreadyClaimed');
  const pending = await repo.findPendingClaim(db, user.id, documentId);
  if (pending) throw conflict('copyright.claim.pending', { id: Number(pending.id) });
  return { id: Number(doc.id), title: doc.title, ownerId: Number(doc.owner_id) };
}

/** Parses the `doc` field of a claim (an id); 400 when it names nothing. */
export function claimDocumentId(raw: string | undefined): number {
  const id = Number(raw);
  if (!raw || !/^[1-9]\d{0,15}$/.test(raw) || !Number.isSafeInteger(id))
    throw badRequest('copyright.claim.documentNotPublic');
  return id;
}

/**
 * Files a claim: validate (as a notice), check the document (above), store the proof, then one transaction with the
 * claim, its document, its files and the `claim_submitted` event. Returns the claim's id.
 */
export async function fileClaim(
  deps: Pick<Deps, 'database' | 'blobs'>,
  claimant: Actor,
  form: ReceivedForm,
): Promise<number> {
  try {
    const fields = parseFilingFields(form.fields);
    const doc = await getClaimableDocument(deps, claimant, claimDocumentId(form.fields.get('doc')));
    const keys = await storeFiles(deps, form.files);
    const now = Date.now();
    return await deps.database.db.transaction().execute(async (trx) => {
      const id = await repo.insertSubmittedFiling(trx, 'claim', claimant.id, fields, now);
      await repo.insertNamedDocuments(trx, [
        {
          notice_id: id,
          document_id: doc.id,
          uploader_id: doc.ownerId,
          title: doc.title,
          status: 'named',
          updated_at: now,
        },
      ]);
      await repo.insertFiles(
        trx,
        form.files.map((f, i) => ({
          notice_id: id,
          counter_notice_id: null,
          blob_key: keys[i]!,
          filename: f.filename,
          mime: f.mime,
          size_bytes: f.size,
          uploaded_by: claimant.id,
          created_at: now,
        })),
      );
      await repo.insertEvent(trx, { noticeId: id, documentId: doc.id, kind: 'claim_submitted', actorId: claimant.id });
      return id;
    });
  } finally {
    await discardFiles(form.files);
  }
}

/**
 * Approves a claim: one transaction with the guarded `submitted → approved`, the document's earnings user set (only
 * when nobody has claimed it in between: 409 otherwise, and nothing changes), the event, both parties' notifications
 * and the audit entry.
 */
export async function approveClaim(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  input: { noticeId: number; reason: string; ip: string },
): Promise<void> {
  if (!canDecideFilings(actor)) throw forbidden();
  const reason = input.reason.normalize('NFC').trim().slice(0, 500);
  const { db } = deps.database;
  const filing = await repo.findFiling(db, input.noticeId);
  if (filing?.kind !== 'claim') throw notFound();
  const id = Number(filing.id);
  const [named] = await repo.listNamedDocuments(db, id);
  if (!named) throw notFound();
  const documentId = Number(named.document_id);
  const claimantId = Number(filing.filer_id);
  await db.transaction().execute(async (trx) => {
    if (!(await repo.transitionFiling(trx, id, ['submitted'], 'approved', { by: actor.id, reason: reason || null })))
      throw conflict('copyright.staff.alreadyDecided');
    if (!(await repo.setEarningsUser(trx, documentId, claimantId))) throw conflict('copyright.claim.alreadyClaimed');
    await repo.insertEvent(trx, { noticeId: id, documentId, kind: 'claim_approved', actorId: actor.id, reason });
    const doc = await repo.findDocument(trx, documentId);
    const params = { id, title: named.title, holder: filing.holder_name, reason: reason || '—' };
    await notify(trx, { userId: claimantId, kind: 'copyright.claimApproved', params, link: filingPath(id) });
    await notify(trx, {
      userId: Number(doc?.owner_id ?? named.uploader_id),
      kind: 'copyright.claimApprovedUploader',
      params,
      link: filingPath(id),
    });
    await recordAudit(trx, {
      actor,
      action: 'claim.approve',
      targetType: 'claim',
      targetId: id,
      before: { status: 'submitted', document: documentId, earnings_user_id: null },
      after: { status: 'approved', document: documentId, earnings_user_id: claimantId },
      reason,
      ip: input.ip,
    });
  });
}
