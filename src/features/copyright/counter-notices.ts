// Counter-notices (信息网络传播权保护条例 §16): the uploader of a document taken down because of a copyright notice
// states who they are and why the work does not infringe, with evidence; the rights holder receives it; staff then
// restore the document or keep it down (notices.ts#decideCounterNotice).
import type { Deps } from '../../deps.ts';
import { conflict, forbidden, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { notify } from '../notifications/service.ts';
import { parseCounterFields } from './form.ts';
import { filingPath } from './notices.ts';
import { discardFiles, type ReceivedForm, storeFiles } from './proof-files.ts';
import * as repo from './repo.ts';

type User = Pick<SessionUser, 'id'>;

/**
 * The notice a counter-notice on this document answers, for its uploader. Refused with a sentence: 404 when the
 * document does not exist, 403 when it is not the user's, 409 when it was never taken down by a notice or a
 * counter-notice was filed (or decided) already.
 */
export async function getCounterNoticeTarget(deps: Pick<Deps, 'database'>, user: User, documentId: number) {
  const { db } = deps.database;
  const doc = await repo.findDocument(db, documentId);
  if (!doc || doc.status === 'deleted') throw notFound();
  if (Number(doc.owner_id) !== user.id) throw forbidden('copyright.counter.notYours');
  const namings = await repo.findTakenDownNamings(db, documentId);
  if (doc.status !== 'taken_down' || namings.length === 0) throw conflict('copyright.counter.notTakenDownByNotice');
  // The notice the document is down for; another naming (a second notice for the same document) waits behind it.
  const current = namings.find((n) => doc.takedown_ref === `notice:${n.notice_id}`) ?? namings[0]!;
  if (current.status === 'countered') throw conflict('copyright.counter.alreadyFiled');
  if (current.status !== 'taken_down') throw conflict('copyright.counter.decided');
  return { documentId, title: doc.title, noticeId: Number(current.notice_id), filerId: Number(current.filer_id) };
}

/**
 * Files the uploader's counter-notice.
 * 1. The document must be the user's and down because of a notice, with no counter-notice yet (see above).
 * 2. Validate the statement, the evidence and the sworn statement; store the evidence files.
 * 3. One transaction: `taken_down → countered` (guarded: a concurrent twin gets 409), the counter-notice, its
 *    files, the `countered` event, and the rights holder's notification with a link to the notice.
 * Returns the notice id.
 */
export async function fileCounterNotice(
  deps: Pick<Deps, 'database' | 'blobs'>,
  user: User,
  documentId: number,
  form: ReceivedForm,
): Promise<number> {
  try {
    const target = await getCounterNoticeTarget(deps, user, documentId);
    const fields = parseCounterFields(form.fields);
    const keys = await storeFiles(deps, form.files);
    const now = Date.now();
    const { noticeId } = target;
    await deps.database.db.transaction().execute(async (trx) => {
      if (!(await repo.transitionNamed(trx, noticeId, documentId, ['taken_down'], 'countered')))
        throw conflict('copyright.counter.alreadyFiled');
      const counterId = await repo.insertCounterNotice(trx, {
        notice_id: noticeId,
        document_id: documentId,
        user_id: user.id,
        name: fields.name,
        contact: fields.contact,
        address: fields.address,
        statement: fields.statement,
        evidence_text: fields.evidenceText,
        sworn_at: now,
        created_at: now,
      });
      if (counterId === undefined) throw conflict('copyright.counter.alreadyFiled');
      await repo.insertFiles(
        trx,
        form.files.map((f, i) => ({
          notice_id: noticeId,
          counter_notice_id: counterId,
          blob_key: keys[i]!,
          filename: f.filename,
          mime: f.mime,
          size_bytes: f.size,
          uploaded_by: user.id,
          created_at: now,
        })),
      );
      await repo.insertEvent(trx, { noticeId, documentId, kind: 'countered', actorId: user.id });
      await notify(trx, {
        userId: target.filerId,
        kind: 'copyright.countered',
        params: { id: noticeId, title: target.title },
        link: filingPath(noticeId),
      });
    });
    return noticeId;
  } finally {
    await discardFiles(form.files);
  }
}
