import { EventEmitter } from 'node:events';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB, Job } from '../db/schema.ts';
import { JOB_PRIORITY, type JobCatalog, type JobName } from './catalog.ts';

/** Options for one enqueue. `dedupeKey` makes a second enqueue of the same live job a no-op. */
export interface EnqueueOptions {
  dedupeKey?: string;
  runAt?: number;
  maxAttempts?: number;
  /** Claim order among ready jobs, lower first; by default the job name's (JOB_PRIORITY, else 0). */
  priority?: number;
  /** Enqueue inside the caller's transaction, so the job exists exactly when the caller's rows do. */
  trx?: Transaction<DB>;
}

/** A durable job queue stored in the application database. */
export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobCatalog[N], opts?: EnqueueOptions): Promise<void>;
  /**
   * Leases the next ready job (or one whose lease expired) to `workerId`: the most urgent priority first; with
   * `maxPriority`, only jobs at least that urgent.
   */
  claim(workerId: string, leaseMs: number, opts?: { maxPriority?: number }): Promise<Job | undefined>;
  /** Extends a lease while the job is still running. Returns false if the lease was lost. */
  extend(id: number, workerId: string, leaseMs: number): Promise<boolean>;
  complete(id: number, workerId: string): Promise<void>;
  /** Records a failure: schedules a retry with backoff, or marks it failed for good. */
  fail(
    job: Job,
    workerId: string,
    error: string,
    opts: { permanent: boolean; backoffMs: number },
  ): Promise<'retry' | 'final'>;
  /** Gives an unfinished job back (graceful shutdown), so another worker can take it at once. */
  release(id: number, workerId: string): Promise<void>;
  /** Subscribes to local enqueues (wakes an in-process worker without waiting for the next poll). */
  onEnqueue(listener: () => void): () => void;
}

/** Builds the queue over the database; the claim is one atomic statement on both dialects. */
export function createJobQueue(database: Database, defaults: { maxAttempts: number }): JobQueue {
  const { db, dialect } = database;
  const events = new EventEmitter();
  events.setMaxListeners(100);

  return {
    async enqueue(name, payload, opts = {}) {
      const now = Date.now();
      const target: Kysely<DB> = opts.trx ?? db;
      await target
        .insertInto('jobs')
        .values({
          name,
          payload: JSON.stringify(payload),
          status: 'queued',
          attempts: 0,
          max_attempts: opts.maxAttempts ?? defaults.maxAttempts,
          run_at: opts.runAt ?? now,
          locked_by: null,
          locked_until: null,
          last_error: null,
          dedupe_key: opts.dedupeKey ?? null,
          priority: opts.priority ?? JOB_PRIORITY[name] ?? 0,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .execute();
      if (opts.trx) {
        // Wake listeners only after the caller commits; a short delay is enough for a local worker.
        setTimeout(() => events.emit('enqueue'), 5).unref();
      } else {
        events.emit('enqueue');
      }
    },

    async claim(workerId, leaseMs, opts) {
      const now = Date.now();
      const lockClause = dialect === 'postgres' ? sql`for update skip locked` : sql``;
      const urgent = opts?.maxPriority === undefined ? sql`` : sql`and priority <= ${opts.maxPriority}`;
      const result = await sql<Job>`
        update jobs set status = 'running', locked_by = ${workerId}, locked_until = ${now + leaseMs},
          attempts = attempts + 1, updated_at = ${now}
        where id = (
          select id from jobs
          where ((status = 'queued' and run_at <= ${now}) or (status = 'running' and locked_until < ${now})) ${urgent}
          order by priority, run_at, id
          limit 1 ${lockClause}
        )
        returning *`.execute(db);
      return result.rows[0];
    },

    async extend(id, workerId, leaseMs) {
      const r = await db
        .updateTable('jobs')
        .set({ locked_until: Date.now() + leaseMs })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async complete(id, workerId) {
      await db
        .updateTable('jobs')
        .set({ status: 'done', locked_by: null, locked_until: null, dedupe_key: null, updated_at: Date.now() })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .execute();
    },

    async fail(job, workerId, error, { permanent, backoffMs }) {
      const now = Date.now();
      const final = permanent || job.attempts >= job.max_attempts;
      await db
        .updateTable('jobs')
        .set(
          final
            ? {
                status: 'failed',
                last_error: error,
                locked_by: null,
                locked_until: null,
                dedupe_key: null,
                updated_at: now,
              }
            : {
                status: 'queued',
                last_error: error,
                locked_by: null,
                locked_until: null,
                // Exponential backoff: backoff, 2×, 4× … so a flaky dependency gets room to recover.
                run_at: now + backoffMs * 2 ** Math.max(0, job.attempts - 1),
                updated_at: now,
              },
        )
        .where('id', '=', job.id)
        .where('locked_by', '=', workerId)
        .execute();
      return final ? 'final' : 'retry';
    },

    async release(id, workerId) {
      await db
        .updateTable('jobs')
        .set((eb) => ({
          status: 'queued',
          locked_by: null,
          locked_until: null,
          // The interrupted attempt does not count against the job.
          attempts: eb('attempts', '-', 1),
          updated_at: Date.now(),
        }))
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('status', '=', 'running')
        .execute();
    },

    onEnqueue(listener) {
      events.on('enqueue', listener);
      return () => events.off('enqueue', listener);
    },
  };
}
