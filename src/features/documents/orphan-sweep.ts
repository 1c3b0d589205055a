// The full orphan sweep (`wenyuan storage sweep`): the hourly collector (gc.ts) is driven by references — it visits
// documents that died and lets their blobs go — so it never sees a blob no row ever referenced: an upload whose
// process crashed between storing the file and committing its row, a proof file of an abandoned notice, a blob left
// by a restore into a store that held more. This lists the store itself and removes every blob that no row mentions
// and that nobody wrote or touched within the grace period.
//
// Why an in-flight upload is never removed: a writer stores (or touches) the blob before it commits the row that
// references it, so until that commit the blob is fresh, and `collect(key, cutoff)` keeps any blob written or touched
// at or after the cutoff — atomically with respect to `putFile`/`touch` (a rename aside on disk; on S3 a claim in
// blob_claims that writers wait on, decision 0016). A row committed after the references were read therefore always
// concerns a fresh blob. Blobs another collector is working on (a fresh claim) are skipped by `collect` itself.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { type BlobKey, parseBlobKey } from '../../storage/blob-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY_IN_TEXT = /\b(?:original|avatar|site|page|pdf|proof|support)\/[0-9a-f]{64}\b/g;
const BATCH = 2000;

type SweepDeps = Pick<Deps, 'database' | 'blobs' | 'config' | 'log'>;

/** What a sweep found and removed (or, in a dry run, would remove). */
export interface SweepSummary {
  readonly dryRun: boolean;
  readonly graceDays: number;
  /** Blobs in the store. */
  readonly stored: number;
  /** Distinct keys the database mentions (some may be missing from the store: not this sweep's business). */
  readonly referenced: number;
  /** Unreferenced blobs older than the grace period: removed. */
  readonly removed: { files: number; bytes: number };
  /** Unreferenced blobs written or touched within the grace period (uploads in flight among them): kept. */
  readonly young: number;
}

/**
 * Every blob key the database mentions: document files (whatever the document's state — dead documents' blobs are
 * the reference-driven collector's), avatars and replaced avatars, proof files, support screenshots, and any key
 * inside settings values (the site's 客服 QR code) or job payloads.
 */
export async function referencedKeys(deps: Pick<Deps, 'database'>): Promise<Set<string>> {
  const { db } = deps.database;
  const out = new Set<string>();
  const add = (k: unknown) => {
    if (typeof k !== 'string') return;
    try {
      out.add(parseBlobKey(k));
    } catch {
      // Not a store key: nothing it could protect.
    }
  };
  const scan = (text: unknown) => {
    if (typeof text === 'string') for (const m of text.matchAll(KEY_IN_TEXT)) out.add(m[0]);
  };
  for (let after = 0; ; ) {
    const rows = await db
      .selectFrom('documents')
      .select(['id', 'blob_key', 'pdf_key', 'page_images'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      add(r.blob_key);
      add(r.pdf_key);
      scan(r.page_images);
    }
    if (rows.length < BATCH) break;
    after = Number(rows.at(-1)!.id);
  }
  for (const r of await db.selectFrom('users').select('avatar_key as k').where('avatar_key', 'is not', null).execute())
    add(r.k);
  for (const r of await db.selectFrom('avatar_releases').select('key as k').execute()) add(r.k);
  for (const r of await db.selectFrom('copyright_files').select('blob_key as k').execute()) add(r.k);
  for (const r of await db
    .selectFrom('support_messages')
    .select('image_key as k')
    .where('image_key', 'is not', null)
    .execute())
    add(r.k);
  for (const r of await db.selectFrom('settings').select('value').execute()) scan(r.value);
  for (const r of await db.selectFrom('jobs').select('payload').where(sql<boolean>`payload like ${'%/%'}`).execute())
    scan(r.payload);
  return out;
}

/** Lists the store and removes the blobs no row references that are older than the grace period. */
export async function sweepOrphanBlobs(
  deps: SweepDeps,
  opts: { now?: number; dryRun?: boolean; signal?: AbortSignal } = {},
): Promise<SweepSummary> {
  const now = opts.now ?? Date.now();
  const graceDays = deps.config.storage.gcGraceDays;
  const cutoff = now - graceDays * DAY_MS;
  // The store first, then the references: a key stored after the listing is not looked at, and a row committed
  // after the references were read references a blob that was touched first (fresh, so `collect` keeps it).
  const stored: { key: BlobKey; size: number }[] = [];
  for await (const b of deps.blobs.list()) stored.push(b);
  const referenced = await referencedKeys(deps);
  const removed = { files: 0, bytes: 0 };
  let young = 0;
  for (const b of stored) {
    opts.signal?.throwIfAborted();
    if (referenced.has(b.key)) continue;
    if (opts.dryRun) {
      const st = await deps.blobs.stat(b.key);
      if (!st) continue;
      if (st.mtimeMs < cutoff) {
        removed.files++;
        removed.bytes += st.size;
      } else young++;
      continue;
    }
    const freed = await deps.blobs.collect(b.key, cutoff);
    if (freed !== undefined) {
      removed.files++;
      removed.bytes += freed;
    } else if (await deps.blobs.has(b.key)) young++;
  }
  if (!opts.dryRun && removed.files)
    deps.log.info({ module: 'sweep', files: removed.files, bytes: removed.bytes, young }, 'orphan blobs removed');
  return { dryRun: !!opts.dryRun, graceDays, stored: stored.length, referenced: referenced.size, removed, young };
}
