import type { FastifyInstance } from 'fastify';
import { buildDeps, jobHandlers } from './compose.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import type { Deps } from './deps.ts';
import { needsAdmin } from './features/accounts/service.ts';
import { type Settler, startSettling } from './features/credits/settle.ts';
import { collectGarbage, sweepTempFiles } from './features/documents/gc.ts';
import { type Scheduler, startScheduler } from './jobs/schedule.ts';
import { startWorker, type Worker } from './jobs/worker.ts';
import { createLogger, type Logger } from './log.ts';
import { startMetricsServer } from './metrics/metrics-server.ts';
import { appParts } from './routes.ts';
import { createApp, type RateLimits } from './web/app.ts';

/** A running wenyuan process: its parts, its address (web role) and how to stop it gracefully. */
export interface Server {
  readonly deps: Deps;
  readonly app: FastifyInstance | undefined;
  readonly worker: Worker | undefined;
  readonly url: string | undefined;
  stop(): Promise<void>;
}

/**
 * The composition root:
 * 1. open the database and migrate it (under the migration lock);
 * 2. choose the ports (blob store, job queue, converter) once;
 * 3. start the roles this process plays (web, worker or both).
 */
export async function startServer(
  config: Config,
  opts: { log?: Logger; rateLimits?: Partial<RateLimits> } = {},
): Promise<Server> {
  const log = opts.log ?? createLogger(config.log.level);
  const database = openDatabase(config.database.url);
  const applied = await migrate(database);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const deps = buildDeps(config, log, database);
  // Temp files a crash left behind (only stale ones: another process on this DATA_DIR may be writing one now).
  await sweepTempFiles(deps);

  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (config.role !== 'worker') {
    app = await createApp(deps, appParts, { rateLimits: opts.rateLimits });
    url = await app.listen({ host: config.http.host, port: config.http.port });
    log.info({ url, role: config.role }, 'wenyuan is listening');
  }
  const worker =
    config.role !== 'web'
      ? startWorker({
          queue: deps.queue,
          handlers: jobHandlers(deps),
          concurrency: config.jobs.concurrency,
          pollMs: config.jobs.pollMs,
          leaseMs: config.jobs.leaseMs,
          backoffMs: config.jobs.backoffMs,
          log,
        })
      : undefined;
  // Prometheus metrics on their own listener (any role; the web role may also serve /metrics behind a token).
  const metricsServer = config.metrics.port
    ? await startMetricsServer(deps.metrics, { host: config.metrics.host, port: config.metrics.port, log })
    : undefined;
  if (metricsServer) log.info({ url: metricsServer.url }, 'metrics listening');
  // Hourly maintenance (temp sweep, blob collection), run by one worker process per hour.
  const scheduler: Scheduler | undefined =
    config.role !== 'web'
      ? startScheduler({
          database,
          log,
          tasks: [
            {
              name: 'maintenance.gc',
              everyMs: 60 * 60 * 1000,
              run: async (signal) => {
                await collectGarbage(deps, { signal });
              },
            },
          ],
        })
      : undefined;
  // Hot accounts' deferred credits folded into balances every 200 ms (decision 0017), by every worker process.
  const settler: Settler | undefined = config.role !== 'web' ? startSettling(deps, log) : undefined;

  if (await needsAdmin(deps)) {
    log.warn('no administrator yet: create one with `npx wenyuan create-admin --email you@example.com`');
  }

  let stopping: Promise<void> | undefined;
  return {
    deps,
    app,
    worker,
    url,
    stop() {
      stopping ??= (async () => {
        // Stop taking requests first, then let jobs in flight finish (bounded), then close the pools.
        await app?.close();
        await metricsServer?.close();
        await scheduler?.stop();
        await settler?.stop();
        await worker?.stop(config.shutdownMs);
        await deps.converter.close();
        await deps.shared.close();
        await database.close();
        // Log lines are buffered; write out what is left before the process exits.
        await new Promise<void>((resolve) => log.flush(() => resolve()));
      })();
      return stopping;
    },
  };
}
