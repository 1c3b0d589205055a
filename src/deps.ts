import type { Config } from './config.ts';
import type { Converter } from './convert/converter.ts';
import type { Database } from './db/database.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import type { Logger } from './log.ts';
import type { BlobStore } from './storage/blob-store.ts';

/** Everything a service may use, built once in main.ts (or a test) and passed down. No singletons. */
export interface Deps {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly blobs: BlobStore;
  readonly queue: JobQueue;
  readonly converter: Converter;
}
