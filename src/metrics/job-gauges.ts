import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { ScrapeGauge } from './metrics.ts';

/** Queue depth by job name and status (queued, running, failed), from the jobs table. */
export function jobDepthGauge(database: Database): ScrapeGauge {
  return {
    name: 'wenyuan_job_queue_depth',
    help: 'Jobs waiting, running or finally failed, by job name',
    labelNames: ['name', 'status'],
    async collect() {
      const rows = await database.db
        .selectFrom('jobs')
        .select(['name', 'status', sql<number>`count(*)`.as('n')])
        .where('status', 'in', ['queued', 'running', 'failed'])
        .groupBy(['name', 'status'])
        .execute();
      return rows.map((r) => ({ labels: { name: r.name, status: r.status }, value: Number(r.n) }));
    },
  };
}

/** Age in seconds of the oldest job due to run and not yet claimed, by job name (0 series when none waits). */
export function jobOldestAgeGauge(database: Database): ScrapeGauge {
  return {
    name: 'wenyuan_job_queue_oldest_age_seconds',
    help: 'How long the oldest due job has waited, by job name',
    labelNames: ['name'],
    async collect() {
      const now = Date.now();
      const rows = await database.db
        .selectFrom('jobs')
        .select(['name', sql<number>`min(run_at)`.as('oldest')])
        .where('status', '=', 'queued')
        .where('run_at', '<=', now)
        .groupBy('name')
        .execute();
      return rows.map((r) => ({ labels: { name: r.name }, value: Math.max(0, (now - Number(r.oldest)) / 1000) }));
    },
  };
}
