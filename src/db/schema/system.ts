// The machinery: jobs, settings, blob collection. Part of the database schema (src/db/schema.ts joins the parts).
import type { Generated } from 'kysely';
import type { Millis } from './millis.ts';

export interface JobsTable {
  id: Generated<number>;
  name: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: Millis;
  locked_by: string | null;
  locked_until: Millis | null;
  last_error: string | null;
  dedupe_key: string | null;
  /** Lower runs first among ready jobs (decision 0028): conversions 0, page images 10. */
  priority: Generated<number>;
  created_at: Millis;
  updated_at: Millis;
}

/** An avatar blob a user replaced; the collector removes it once no user holds it and the grace period is over. */
export interface AvatarReleasesTable {
  key: string;
  released_at: Millis;
}

/** A collector deleting a blob from the S3 store right now (decision 0016); stale after the lease. */
export interface BlobClaimsTable {
  key: string;
  claim: string;
  claimed_at: Millis;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Millis;
}
