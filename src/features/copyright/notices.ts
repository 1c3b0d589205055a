// Copyright notices (信息网络传播权保护条例 §14–15, decision 0013): a rights holder files a notice naming documents
// and proof; staff take the documents down — the notice is forwarded to each uploader — or reject the notice. Every
// step is a dated event on the notice's timeline, every staff action is audited, every outcome notified.
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import type { SessionUser } from '../accounts/service.ts';
import { recordAudit } from '../audit/service.ts';
import { restoreDocument, takeDownDocument } from '../documents/takedown.ts';
import { notify } from '../notifications/service.ts';
import { MAX_NAMED_DOCUMENTS, parseDocumentRefs, parseFilingFields, parseReason } from './form.ts';
import { canDecideFilings, canWithdraw } from './policy.ts';
import { discardFiles, type ReceivedForm, storeFiles } from './proof-files.ts';
import * as repo from './repo.ts';

type Actor = Pick<SessionUser, 'id' | 'role'>;
type NoticeDeps = Pick<Deps, 'database' | 'blobs' | 'search' | 'log'>;

/** The page of a filing, for links in notifications. */
export const filingPath = (id: number) => `/copyright/notices/${id}`;

/**
 * Files a notice for a logged-in rights holder.
 * 1. Validate the holder, the work, the proof text and the sworn statement; parse the documents named.
 * 2. Every document must exist, be public and not be the filer's own: otherwise the notice is refused, naming them.
 * 3. Store the proof files, then one transaction: the notice, its documents, the files, the `submitted` event.
 * Temporary files are removed whatever happens.
 */
export async function fileNotice(deps: NoticeDeps, filer: Actor, form: ReceivedForm): Promise<number> {
  try {
    const fields = parseFilingFields(form.fields);
    const refs = parseDocumentRefs(form.fields.get('documents'));
    if (refs.bad.length)
      throw badRequest('copyright.form.documentsInvalid', { list: refs.bad.join('、') }).on('documents');
    if (refs.ids.length === 0) throw badRequest('copyright.form.documentsRequired').on('documents');
    if (refs.ids.length > MAX_NAMED_DOCUMENTS)
      throw badRequest('copyright.form.documentsTooMany', { max: MAX_NAMED_DOCUMENTS }).on('documents');
    const { db } = deps.database;
    const docs = await repo.findDocuments(db, refs.ids);
    const byId = new Map(docs.map((d) => [Number(d.id), d]));
    const hidden = refs.ids.filter((id) => byId.get(id)?.status !== 'published');
    if (hidden.length)
      throw badRequest('copyright.form.documentsNotPublic', { list: hidden.join('、') }).on('documents');
    const own = refs.ids.filter((id) => Number(byId.get(id)!.owner_id) === filer.id);
    if (own.length) throw badRequest('copyright.form.documentsOwn', { list: own.join('、') }).on('documents');

    const keys = await storeFiles(deps, form.files);
    const now = Date.now();
    return await db.transaction().execute(async (trx) => {
      const id = await repo.insertSubmittedFiling(trx, 'notice', filer.id, fields, now);
      await repo.insertNamedDocuments(
        trx,
        refs.ids.map((docId) => {
          const d = byId.get(docId)!;
          return {
            notice_id: id,
            document_id: docId,
            uploader_id: Number(d.owner_id),
            title: d.title,
            status: 'named' as const,
            updated_at: now,
          };
        }),
      );
      await repo.insertFiles(
        trx,
        form.files.map((f, i) => ({
          notice_id: id,
          counter_notice_id: null,
          blob_key: keys[i]!,
          filename: f.filename,
          mime: f.mime,
          size_bytes: f.size,
          uploaded_by: filer.id,
          created_at: now,
        })),
      );
      await repo.insertEvent(trx, { noticeId: id, kind: 'submitted', actorId: filer.id });
      return id;
    });
  } finally {
    await discardFiles(form.files);
  }
}

/**
 * Acts on a notice: takes its documents down and forwards the notice to each uploader (§15).
 * 1. Claim the decision: `submitted → processed` (a second action finds it decided: 409), audited with the notice.
 *    A notice left `processed` with documents still `named` (a process died half-way) may be acted on again, and
 *    only those documents are visited.
 * 2. Per document: `takeDownDocument` (code copyright, ref `notice:<id>`; it notifies the uploader, audits, holds
 *    earnings); a document no longer public is recorded as such. Then the document's state, its events and the
 *    uploader's notification that the notice was forwarded, with a link to the notice.
 * 3. The rights holder is told how many documents were taken down.
 */
export async function takeDownNoticeDocuments(
  deps: NoticeDeps,
  actor: Actor,
  input: { noticeId: number; ip: string },
): Promise<{ takenDown: number; notPublic: number }> {
  if (!canDecideFilings(actor)) throw forbidden();
  const { db } = deps.database;
  const filing = await repo.findFiling(db, input.noticeId);
  if (filing?.kind !== 'notice') throw notFound();
  const id = Number(filing.id);
  const named = await repo.listNamedDocuments(db, id);
  const pending = named.filter((n) => n.status === 'named');
  if (filing.status === 'submitted') {
    await db.transaction().execute(async (trx) => {
      if (!(await repo.transitionFiling(trx, id, ['submitted'], 'processed', { by: actor.id, reason: null })))
        throw conflict('copyright.staff.alreadyDecided');
      await repo.insertEvent(trx, { noticeId: id, kind: 'processed', actorId: actor.id });
      await recordAudit(trx, {
        actor,
        action: 'notice.take_down',
        targetType: 'notice',
        targetId: id,
        before: { status: 'submitted' },
        after: { status: 'processed', documents: named.map((n) => Number(n.document_id)) },
        ip: input.ip,
      });
    });
  } else if (filing.status !== 'processed' || pending.length === 0) {
    throw conflict('copyright.staff.alreadyDecided');
  }

  let takenDown = 0;
  let notPublic = 0;
  for (const n of pending) {
    const documentId = Number(n.document_id);
    const doc = await repo.findDocument(db, documentId);
    let down = false;
    if (doc && (doc.status === 'published' || doc.status === 'review')) {
      try {
        await takeDownDocument(deps, actor, {
          documentId,
          code: 'copyright',
          ref: `notice:${id}`,
          note: t('copyright.takedownNote', { id }),
          ip: input.ip,
        });
        down = true;
      } catch (err) {
        // Taken down or deleted by someone else in the meantime: nothing left to take down under this notice.
        if (!(err instanceof AppError && err.status === 409)) throw err;
      }
    }
    await db.transaction().execute(async (trx) => {
      if (!(await repo.transitionNamed(trx, id, documentId, ['named'], down ? 'taken_down' : 'not_public'))) return;
      if (!down) {
        await repo.insertEvent(trx, { noticeId: id, documentId, kind: 'not_public', actorId: actor.id });
        notPublic++;
        return;
      }
      takenDown++;
      await repo.insertEvent(trx, { noticeId: id, documentId, kind: 'taken_down', actorId: actor.id });
      await repo.insertEvent(trx, { noticeId: id, documentId, kind: 'forwarded', actorId: actor.id });
      await notify(trx, {
        userId: Number(n.uploader_id),
        kind: 'copyright.forwarded',
        params: { id, title: n.title, holder: filing.holder_name },
        link: filingPath(id),
      });
    });
  }
  await notify(db, {
    userId: Number(filing.filer_id),
    kind: 'copyright.processed',
    params: { id, work: filing.work_title, takenDown, notPublic },
    link: filingPath(id),
  });
  return { takenDown, notPublic };
}

/** Rejects a notice or a claim that nobody has decided on yet, with a reason the filer reads (409 the second time). */
export async function rejectFiling(
  deps: Pick<Deps, 'database'>,
  actor: Actor,
  input: { noticeId: number; reason: string; ip: string },
): Promise<void> {
  if (!canDecideFilings(actor)) throw forbidden();
  const reason = parseReason(input.reason);
  const { db } = deps.database;
  const filing = await repo.findFiling(db, input.noticeId);
  if (!filing) throw notFound();
  const id = Number(filing.id);
  await db.transaction().execute(async (trx) => {
    if (!(await repo.transitionFiling(trx, id, ['submitted'], 'rejected', { by: actor.id, reason })))
      throw conflict('copyright.staff.alreadyDecided');
    await repo.insertEvent(trx, { noticeId: id, kind: 'rejected', actorId: actor.id, reason });
    await notify(trx, {
      userId: Number(filing.filer_id),
      kind: filing.kind === 'claim' ? 'copyright.claimRejected' : 'copyright.rejected',
      params: { id, work: filing.work_title, reason },
      link: filingPath(id),
    });
    await recordAudit(trx, {
      actor,
      action: `${filing.kind}.reject`,
      targetType: filing.kind,
      targetId: id,
      before: { status: 'submitted' },
      after: { status: 'rejected' },
      reason,
      ip: input.ip,
    });
  });
}

/** The filer withdraws a filing nobody has decided on yet (404 for anyone else, 409 once decided). */
export async function withdrawFiling(deps: Pick<Deps, 'database'>, user: Actor, noticeId: number): Promise<void> {
  const { db } = deps.database;
  const filing = await repo.findFiling(db, noticeId);
  if (!filing || Number(filing.filer_id) !== user.id) throw notFound();
  if (!canWithdraw(user, filing)) throw conflict('copyright.staff.alreadyDecided');
  await db.transaction().execute(async (trx) => {
    if (!(await repo.transitionFiling(trx, noticeId, ['submitted'], 'withdrawn', { by: user.id, reason: null })))
      throw conflict('copyright.staff.alreadyDecided');
    await repo.insertEvent(trx, { noticeId, kind: 'withdrawn', actorId: user.id });
  });
}

/**
 * Decides a counter-notice (§17): restore the document (`restoreDocument`, which tells the uploader) or keep it
 * down; the reason is read by both parties. Only a document whose counter-notice is waiting, and which is down
 * because of this notice, can be restored; a second decision is 409.
 */
export async function decideCounterNotice(
  deps: NoticeDeps,
  actor: Actor,
  input: { noticeId: number; documentId: number; decision: 'restore' | 'keep'; reason: string; ip: string },
): Promise<void> {
  if (!canDecideFilings(actor)) throw forbidden();
  const reason = parseReason(input.reason);
  const { db } = deps.database;
  const { noticeId, documentId } = input;
  const [filing, named] = await Promise.all([repo.findFiling(db, noticeId), repo.findNamed(db, noticeId, documentId)]);
  if (filing?.kind !== 'notice' || !named) throw notFound();
  if (named.status !== 'countered') throw conflict('copyright.staff.noCounterWaiting');
  const restore = input.decision === 'restore';
  if (restore) {
    const doc = await repo.findDocument(db, documentId);
    if (doc?.status === 'taken_down' && doc.takedown_ref !== `notice:${noticeId}`)
      throw conflict('copyright.staff.otherTakedown');
    // Restores and notifies the uploader (with the reason), audits, re-indexes, releases held earnings; 409 when it
    // is not taken down any more (a second decision racing this one).
    await restoreDocument(deps, actor, { documentId, ref: `notice:${noticeId}`, note: reason, ip: input.ip });
  }
  await db.transaction().execute(async (trx) => {
    if (!(await repo.transitionNamed(trx, noticeId, documentId, ['countered'], restore ? 'restored' : 'kept_down')))
      throw conflict('copyright.staff.noCounterWaiting');
    await repo.insertEvent(trx, {
      noticeId,
      documentId,
      kind: restore ? 'restored' : 'kept_down',
      actorId: actor.id,
      reason,
    });
    const params = { id: noticeId, title: named.title, reason };
    await notify(trx, {
      userId: Number(filing.filer_id),
      kind: restore ? 'copyright.restored.holder' : 'copyright.keptDown.holder',
      params,
      link: filingPath(noticeId),
    });
    if (!restore)
      await notify(trx, {
        userId: Number(named.uploader_id),
        kind: 'copyright.keptDown.uploader',
        params,
        link: filingPath(noticeId),
      });
    await recordAudit(trx, {
      actor,
      action: restore ? 'notice.restore' : 'notice.keep_down',
      targetType: 'notice',
      targetId: noticeId,
      before: { document: documentId, status: 'countered' },
      after: { document: documentId, status: restore ? 'restored' : 'kept_down' },
      reason,
      ip: input.ip,
    });
  });
}
