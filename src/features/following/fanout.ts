// 关注动态 notifications: when a document is published, every follower of its uploader gets a 站内信. An uploader
// may have 100 000 followers, so the publishing transaction only enqueues `follow.fanout`; the job then walks the
// followers in id order, BATCH at a time. Each batch is one transaction that first moves the cursor in
// `follow_fanouts` (guarded by its old value) and then inserts that batch's notifications, so:
// - a crash loses nothing and repeats nothing: the next attempt resumes after the last committed batch;
// - a second run of the job (retry, duplicate enqueue, a re-publication after a takedown) finds the record done, or
//   loses the guarded update, and sends nothing twice.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import * as repo from './repo.ts';

/** Followers notified per transaction (one multi-row insert; well under both dialects' parameter limits). */
export const FANOUT_BATCH = 500;

/** Schedules the notification of a just-published document's followers, inside the publishing transaction. */
export async function announcePublication(
  trx: Transaction<DB>,
  queue: Pick<JobQueue, 'enqueue'>,
  documentId: number,
): Promise<void> {
  await queue.enqueue('follow.fanout', { documentId }, { trx, dedupeKey: `fanout:${documentId}` });
}

/** Notifies the followers of the uploader of a published document, in batches, once. */
export async function fanOutPublication(
  db: Kysely<DB>,
  documentId: number,
  opts: { batch?: number; now?: number } = {},
): Promise<{ sent: number }> {
  const batch = opts.batch ?? FANOUT_BATCH;
  const doc = await repo.findDocumentForFanout(db, documentId);
  // Taken down, deleted or back in review before the job ran: nobody is told about it.
  if (doc?.status !== 'published') return { sent: 0 };
  const ownerId = Number(doc.owner_id);
  await repo.insertFanout(db, documentId, ownerId, opts.now ?? Date.now());
  const params = JSON.stringify({ name: doc.display_name, title: doc.title });
  let sent = 0;
  for (;;) {
    const step = await db.transaction().execute(async (trx) => {
      const f = await repo.findFanout(trx, documentId);
      if (!f || f.done_at !== null) return 'stop';
      const from = Number(f.cursor);
      const ids = await repo.nextFollowerIds(trx, ownerId, from, batch);
      const last = ids.at(-1) ?? from;
      const finished = ids.length < batch;
      // The guard: only the run that moves the cursor from `from` inserts this batch.
      if (!(await repo.advanceFanout(trx, documentId, from, last, ids.length, finished ? Date.now() : null)))
        return 'stop';
      await repo.insertNotifications(
        trx,
        ids.map((userId) => ({ userId, kind: 'follow.published', params, link: `/d/${documentId}` })),
        opts.now ?? Date.now(),
      );
      sent += ids.length;
      return finished ? 'stop' : 'more';
    });
    if (step === 'stop') return { sent };
  }
}

/** The `follow.fanout` job. */
export function followFanoutHandler(deps: Pick<Deps, 'database'>): JobHandler<'follow.fanout'> {
  return {
    async run({ documentId }, { log }) {
      const { sent } = await fanOutPublication(deps.database.db, documentId);
      if (sent) log.info({ documentId, sent }, 'followers notified of a publication');
    },
    async onFinalFailure() {
      // Nothing to undo: the notifications sent so far stand, the rest are not sent.
    },
  };
}
