import type { Config } from './config.ts';
import { createConverter } from './convert/converter.ts';
import type { Database } from './db/database.ts';
import type { Deps } from './deps.ts';
import { convertDocumentHandler } from './features/documents/pipeline.ts';
import { createJobQueue } from './jobs/job-queue.ts';
import type { JobHandlers } from './jobs/worker.ts';
import type { Logger } from './log.ts';
import { createLocalBlobStore } from './storage/local-blob-store.ts';

/**
 * Chooses the ports once (blob store, job queue, converter…) over an open database. The only place that decides
 * which implementation of a port runs: the server, the CLI and the tests all build their dependencies here.
 */
export function buildDeps(config: Config, log: Logger, database: Database): Deps {
  return {
    config,
    log,
    database,
    blobs: createLocalBlobStore(config.storage.dir),
    queue: createJobQueue(database, { maxAttempts: config.jobs.maxAttempts }),
    converter: createConverter({
      concurrency: config.jobs.concurrency,
      timeoutMs: config.convert.timeoutMs,
      memoryMb: config.convert.memoryMb,
    }),
  };
}

/** One handler per job name (the worker checks the map against the catalog at boot). */
export function jobHandlers(deps: Deps): JobHandlers {
  return {
    'document.convert': convertDocumentHandler(deps),
  };
}
