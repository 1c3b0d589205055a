import type { Generations } from './generations.ts';

/**
 * What the processes of one site share beyond the database (decision 0018): cache generations, and with Redis the
 * rate limiter's store. Built once in compose.ts; nothing in it is a source of truth.
 */
export interface SharedState {
  readonly generations: Generations;
  /** The rate limiter's Redis store and key namespace; undefined = counters in each process's memory. */
  readonly rateLimit: { readonly redis: unknown; readonly nameSpace: string } | undefined;
  /** Closes the connections this process opened (none for the database adapter). */
  close(): Promise<void>;
}
