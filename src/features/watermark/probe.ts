// Whether a paid docx or PDF can carry the per-buyer mark, found by marking it once with a throw-away token
// (decision 0019) and recorded as documents.mark_state. A document is probed at conversion when it is paid then;
// one made paid later (a price edit) gets a `watermark.probe` job; older documents get `wenyuan trace --probe`.
// Until a document is probed its page does not claim a mark (mark-state.ts, markNotice).
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import type { Logger } from '../../log.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { MARKABLE_FORMATS } from './formats.ts';
import { type MarkState, probeMarkState } from './mark-state.ts';
import * as repo from './repo.ts';

type ProbeDeps = Pick<Deps, 'database' | 'blobs' | 'log'>;

/**
 * Marks the document's stored file once and says whether that worked; undefined when it could not be tried (the
 * blob could not be read: logged, the state stays unknown) or the format is never marked as it is.
 */
export function probeBlob(
  deps: Pick<Deps, 'blobs'>,
  log: Logger,
  doc: { id: number; format: string; blob_key: string },
): Promise<MarkState | undefined> {
  return deps.blobs
    .withLocalFile(parseBlobKey(doc.blob_key), (path) => probeMarkState(path, doc.format))
    .catch((err: unknown) => {
      log.warn({ documentId: doc.id, err }, 'mark probe failed');
      return undefined;
    });
}

/** Whether a document's mark state is unknown while it is (or is about to be) sold: it needs a probe. */
export function needsMarkProbe(doc: { price: number; format: string; mark_state: string | null }): boolean {
  return doc.price > 0 && doc.mark_state === null && MARKABLE_FORMATS.has(doc.format);
}

/** Queues the probe of one document in the caller's transaction (a second one while the first waits is a no-op). */
export function enqueueMarkProbe(trx: Transaction<DB>, queue: JobQueue, documentId: number): Promise<void> {
  return queue.enqueue('watermark.probe', { documentId }, { trx, dedupeKey: `markprobe:${documentId}` });
}

/**
 * The `watermark.probe` job: probes the document when it is still paid and not probed (a price set back to 0, a
 * deleted document or a probe recorded meanwhile leave nothing to do). A blob that cannot be read fails the job,
 * which is retried with backoff.
 */
export function markProbeHandler(deps: ProbeDeps): JobHandler<'watermark.probe'> {
  return {
    async run({ documentId }, { log }) {
      const doc = await repo.findDocumentForMark(deps.database.db, documentId);
      if (!doc || !needsMarkProbe(doc)) return;
      const state = await deps.blobs.withLocalFile(parseBlobKey(doc.blob_key), (path) =>
        probeMarkState(path, doc.format),
      );
      if (!state) return;
      await repo.saveMarkState(deps.database.db, documentId, state);
      if (state !== 'ok') log.info({ documentId, state }, 'paid document cannot carry the mark');
    },
    async onFinalFailure({ documentId }, error) {
      deps.log.warn({ documentId, err: error }, 'mark probe failed for good; the page keeps saying 待检测');
    },
  };
}

/**
 * `wenyuan trace --probe`: marks every paid docx and PDF not probed yet (converted before mark_state existed; all
 * of them with `all`) once with a throw-away token and records whether that worked, so their pages say so.
 */
export async function probeDocuments(
  deps: ProbeDeps,
  opts: { all?: boolean } = {},
): Promise<{ checked: number; unmarkable: Array<{ id: number; state: MarkState }> }> {
  const { db } = deps.database;
  const unmarkable: Array<{ id: number; state: MarkState }> = [];
  let checked = 0;
  for (const doc of await repo.findUnprobed(db, !!opts.all)) {
    const state = await probeBlob(deps, deps.log, doc);
    if (!state) continue;
    checked++;
    await repo.saveMarkState(db, doc.id, state);
    if (state !== 'ok') unmarkable.push({ id: doc.id, state });
  }
  return { checked, unmarkable };
}
