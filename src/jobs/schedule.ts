// Recurring maintenance for any number of worker processes on one database: each process ticks, and a tick runs a
// task only after winning that task's claim — one conditional upsert on a `settings` row whose `updated_at` is the
// last run's start. Exactly one process wins per interval, whichever dialect: the row lock (Postgres) or the write
// lock (SQLite) serialises the claims, and the loser's WHERE no longer matches. A run that dies is simply not
// retried before the next interval: recurring tasks are idempotent and catch up on their next run.
import type { Database } from '../db/database.ts';
import type { Logger } from '../log.ts';

/** A task run at most once per `everyMs` across every process sharing the database. */
export interface RecurringTask {
  readonly name: string;
  readonly everyMs: number;
  run(signal: AbortSignal): Promise<void>;
}

/** A running scheduler; `stop` aborts a task in progress and waits for it to return. */
export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Claims the next run of `name` if the last one started at least `everyMs` ago (or never ran). True when this
 * caller won and should run it now.
 */
export async function claimRun(database: Database, name: string, everyMs: number, now = Date.now()): Promise<boolean> {
  const key = `schedule:${name}`;
  const value = JSON.stringify({ startedAt: now });
  const row = await database.db
    .insertInto('settings')
    .values({ key, value, updated_at: now })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ value, updated_at: now })
        .where('settings.updated_at', '<=', now - everyMs),
    )
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

/** Ticks every `tickMs` (first tick at once) and runs each task whose claim this process wins. */
export function startScheduler(opts: {
  database: Database;
  tasks: readonly RecurringTask[];
  log: Logger;
  tickMs?: number;
}): Scheduler {
  const log = opts.log.child({ module: 'schedule' });
  const abort = new AbortController();
  const running = new Map<string, Promise<void>>();
  const tick = () => {
    for (const task of opts.tasks) {
      if (running.has(task.name) || abort.signal.aborted) continue;
      const run = (async () => {
        if (!(await claimRun(opts.database, task.name, task.everyMs))) return;
        const started = Date.now();
        await task.run(abort.signal);
        log.info({ task: task.name, ms: Date.now() - started }, 'recurring task done');
      })()
        .catch((err) => log.error({ err, task: task.name }, 'recurring task failed'))
        .finally(() => running.delete(task.name));
      running.set(task.name, run);
    }
  };
  const timer = setInterval(tick, opts.tickMs ?? 60_000);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      abort.abort();
      await Promise.all(running.values());
    },
  };
}
