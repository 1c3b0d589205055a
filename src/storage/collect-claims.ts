import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * Claims that serialise a collector's delete with writers touching the same blob (decision 0016). A claim is
 * fresh for `leaseMs` after it was taken; a stale one (its collector died or stalled) is ignored and may be taken
 * over.
 */
export interface CollectClaims {
  /** Claims `key`; undefined when another collector holds a fresh claim on it. */
  acquire(key: string, leaseMs: number): Promise<string | undefined>;
  /** Drops the claim if it is still ours (a takeover leaves the new holder's claim alone). */
  release(key: string, claim: string): Promise<void>;
  /** Whether a fresh claim stands on `key`. */
  held(key: string, leaseMs: number): Promise<boolean>;
}

/** Claims as rows of `blob_claims` (primary key = blob key), shared by every process on the database. */
export function createDatabaseCollectClaims(db: Kysely<DB>): CollectClaims {
  return {
    async acquire(key, leaseMs) {
      const claim = randomBytes(9).toString('base64url');
      const now = Date.now();
      const inserted = await db
        .insertInto('blob_claims')
        .values({ key, claim, claimed_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return claim;
      const taken = await db
        .updateTable('blob_claims')
        .set({ claim, claimed_at: now })
        .where('key', '=', key)
        .where('claimed_at', '<', now - leaseMs)
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) === 1 ? claim : undefined;
    },
    async release(key, claim) {
      await db.deleteFrom('blob_claims').where('key', '=', key).where('claim', '=', claim).execute();
    },
    async held(key, leaseMs) {
      const row = await db
        .selectFrom('blob_claims')
        .select('key')
        .where('key', '=', key)
        .where('claimed_at', '>=', Date.now() - leaseMs)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
