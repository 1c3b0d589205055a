import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Job } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import { JOB_NAMES, type JobCatalog, type JobName } from './catalog.ts';
import type { JobQueue } from './job-queue.ts';

/** What a failing handler may throw to say "retrying will not help". */
export interface PermanentFailure {
  readonly permanent: true;
}

/** The code for one job name: run it, and react once when it has failed for good. */
export interface JobHandler<N extends JobName> {
  run(payload: JobCatalog[N], ctx: { job: Job; log: Logger }): Promise<void>;
  onFinalFailure(payload: JobCatalog[N], error: unknown): Promise<void>;
}

/** Exactly one handler per job name; the type makes a missing one a compile error. */
export type JobHandlers = { [N in JobName]: JobHandler<N> };

export interface WorkerOptions {
  queue: JobQueue;
  handlers: JobHandlers;
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  backoffMs: number;
  log: Logger;
  /**
   * Background jobs (priority above 0: page images) are claimed only when no urgent job runs here and none has
   * finished for this long (default 1 s), so they follow behind a stream of conversions instead of taking their
   * slots between two uploads (decision 0028).
   */
  backgroundAfterMs?: number;
}

/** A running worker; `stop` waits up to `timeoutMs` for jobs in flight, then hands the rest back. */
export interface Worker {
  readonly id: string;
  stop(timeoutMs: number): Promise<void>;
}

const isPermanent = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;

/** Checks at boot that the handler map covers the catalog exactly (Immich's habit). */
export function assertHandlersComplete(handlers: Record<string, unknown>): void {
  const names = Object.keys(handlers).sort();
  const expected = [...JOB_NAMES].sort();
  if (names.join() !== expected.join()) {
    throw new Error(`job handlers ${names.join(',')} do not match the catalog ${expected.join(',')}`);
  }
}

/** Starts claiming and running jobs with at most `concurrency` in flight. */
export function startWorker(opts: WorkerOptions): Worker {
  assertHandlersComplete(opts.handlers);
  const id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const log = opts.log.child({ module: 'worker', worker: id });
  const inFlight = new Map<number, Promise<void>>();
  let stopping = false;
  let wake: (() => void) | undefined;
  const unsubscribe = opts.queue.onEnqueue(() => wake?.());
  const backgroundAfter = opts.backgroundAfterMs ?? 1000;
  let urgentRunning = 0;
  let urgentDoneAt = 0;

  async function runOne(job: Job): Promise<void> {
    const jobLog = log.child({ jobId: job.id, job: job.name, attempt: job.attempts });
    const handler = opts.handlers[job.name as JobName] as JobHandler<JobName> | undefined;
    const heartbeat = setInterval(
      () =>
        void opts.queue.extend(job.id, id, opts.leaseMs).catch((err) => jobLog.warn({ err }, 'lease extend failed')),
      Math.max(50, Math.floor(opts.leaseMs / 3)),
    );
    heartbeat.unref();
    const payload = JSON.parse(job.payload);
    try {
      if (!handler) throw Object.assign(new Error(`no handler for job ${job.name}`), { permanent: true });
      if (job.attempts > job.max_attempts) {
        // Reclaimed after its lease expired more times than allowed: it probably kills its worker.
        throw Object.assign(new Error('attempts exhausted (worker lost repeatedly)'), { permanent: true });
      }
      const started = Date.now();
      await handler.run(payload, { job, log: jobLog });
      await opts.queue.complete(job.id, id);
      jobLog.info({ ms: Date.now() - started }, 'job done');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const outcome = await opts.queue.fail(job, id, message.slice(0, 2000), {
        permanent: isPermanent(err),
        backoffMs: opts.backoffMs,
      });
      jobLog.warn({ err, outcome }, 'job failed');
      if (outcome === 'final' && handler) {
        await handler.onFinalFailure(payload, err).catch((e) => jobLog.error({ err: e }, 'final-failure hook failed'));
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      let claimed = false;
      if (inFlight.size < opts.concurrency) {
        try {
          const background = urgentRunning === 0 && Date.now() - urgentDoneAt >= backgroundAfter;
          const job = await opts.queue.claim(id, opts.leaseMs, background ? undefined : { maxPriority: 0 });
          if (job) {
            claimed = true;
            const urgent = job.priority === 0;
            if (urgent) urgentRunning++;
            const p = runOne(job).finally(() => {
              inFlight.delete(job.id);
              if (urgent) {
                urgentRunning--;
                urgentDoneAt = Date.now();
              }
              wake?.();
            });
            inFlight.set(job.id, p);
          }
        } catch (err) {
          log.error({ err }, 'claim failed');
        }
      }
      if (claimed && inFlight.size < opts.concurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  const looping = loop();
  log.info({ concurrency: opts.concurrency }, 'worker started');

  return {
    id,
    async stop(timeoutMs) {
      stopping = true;
      unsubscribe();
      wake?.();
      await looping;
      const drained = Promise.all(inFlight.values()).then(() => true);
      // A referenced timer: while a job waits on nothing that keeps the event loop alive (no socket, no child), an
      // unreferenced one let the process end before the jobs were handed back, leaving them to an expired lease and a
      // counted attempt. It is cleared as soon as the jobs finish, so a drained stop never waits longer.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((r) => {
        timer = setTimeout(() => r(false), timeoutMs);
      });
      const finished = await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      if (!finished) {
        log.warn({ jobs: [...inFlight.keys()] }, 'shutdown timeout: handing unfinished jobs back');
        await Promise.all([...inFlight.keys()].map((jobId) => opts.queue.release(jobId, id)));
      }
      log.info('worker stopped');
    },
  };
}
