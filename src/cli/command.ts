import type { Deps } from '../deps.ts';

/**
 * Opens the configured database (migrated, unless `migrate` is false: `restore` looks at the target as it is) and
 * builds the dependencies; `close` releases them.
 */
export type OpenDeps = (opts?: { migrate?: boolean }) => Promise<{ deps: Deps; close(): Promise<void> }>;

/** One CLI command: a usage line and a runner returning the exit code (2 = usage error). */
export interface Command {
  readonly usage: string;
  run(args: string[], open: OpenDeps): Promise<number>;
}
