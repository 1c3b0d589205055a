// Avatars: an uploaded image is re-encoded (convert/reencode-image.ts: sniffed, pixel-capped before decoding, cut to
// a 256×256 square, WebP without metadata) and stored content-addressed as `avatar/<sha256>`. Replacing or removing
// an avatar records the old key in `avatar_releases`; the hourly collection (documents/gc.ts) removes it once no
// user holds it (two users may upload the same picture) and it was not touched within the grace period.
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { reencodeImage } from '../../convert/reencode-image.ts';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { type BlobKey, blobKey, parseBlobKey } from '../../storage/blob-store.ts';
import type { SessionUser } from '../accounts/service.ts';

/** Largest avatar file accepted (bytes). */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
/** Largest avatar image accepted (width × height, from the header, before decoding). */
export const AVATAR_MAX_PIXELS = 25_000_000;
/** Side of the stored square avatar. */
export const AVATAR_SIZE = 256;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Re-encodes and stores an uploaded avatar and makes it the user's; returns the new key. */
export async function setAvatar(
  deps: Pick<Deps, 'database' | 'blobs'>,
  viewer: Pick<SessionUser, 'id'>,
  bytes: Buffer,
): Promise<BlobKey> {
  const image = await reencodeImage(bytes, {
    maxWidth: AVATAR_SIZE,
    maxHeight: AVATAR_SIZE,
    maxPixels: AVATAR_MAX_PIXELS,
    crop: 'square',
    quality: 85,
  });
  const key = blobKey('avatar', createHash('sha256').update(image.bytes).digest('hex'));
  const temp = deps.blobs.tempPath('avatar');
  try {
    await writeFile(temp, image.bytes, { flag: 'wx' });
    // An existing blob (the same picture) is touched instead, so a concurrent collection keeps it.
    await deps.blobs.putFile(temp, key);
  } finally {
    await rm(temp, { force: true });
  }
  await replaceAvatar(deps.database.db, viewer.id, key);
  return key;
}

/** Removes the user's avatar (the initial is shown again). */
export async function removeAvatar(deps: Pick<Deps, 'database'>, viewer: Pick<SessionUser, 'id'>): Promise<void> {
  await replaceAvatar(deps.database.db, viewer.id, null);
}

async function replaceAvatar(db: Kysely<DB>, userId: number, key: string | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('users').select('avatar_key').where('id', '=', userId).executeTakeFirst();
    const old = row?.avatar_key ?? null;
    await trx
      .updateTable('users')
      .set((eb) => ({ avatar_key: key, rev: eb('rev', '+', 1), updated_at: Date.now() }))
      .where('id', '=', userId)
      .execute();
    if (old && old !== key) {
      const now = Date.now();
      await trx
        .insertInto('avatar_releases')
        .values({ key: old, released_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ released_at: now }))
        .execute();
    }
  });
}

/** The stored avatar of a user and its content hash (the ETag), or undefined without one. */
export async function findAvatar(deps: Pick<Deps, 'database'>, userId: number) {
  const row = await deps.database.db
    .selectFrom('users')
    .select(['id', 'display_name', 'avatar_key'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  let key: BlobKey | undefined;
  try {
    key = row.avatar_key ? parseBlobKey(row.avatar_key) : undefined;
  } catch {
    key = undefined;
  }
  return { id: Number(row.id), name: row.display_name, key, hash: key?.slice(key.indexOf('/') + 1) };
}

/** What one collection of released avatars removed (or, in a dry run, would remove). */
export interface AvatarGcSummary {
  files: number;
  bytes: number;
  kept: number;
}

/**
 * Removes released avatar blobs past the grace period that no user holds. A release younger than the grace period
 * waits; a key some user holds again is forgotten (it is released anew when they replace it); a blob touched
 * within the grace period is looked at again a grace period later.
 */
export async function collectReleasedAvatars(
  deps: Pick<Deps, 'database' | 'blobs' | 'config'>,
  opts: { now?: number; dryRun?: boolean } = {},
): Promise<AvatarGcSummary> {
  const { db } = deps.database;
  const now = opts.now ?? Date.now();
  const cutoff = now - deps.config.storage.gcGraceDays * DAY_MS;
  const out: AvatarGcSummary = { files: 0, bytes: 0, kept: 0 };
  for (;;) {
    const batch = await db
      .selectFrom('avatar_releases')
      .select(['key', 'released_at'])
      .where('released_at', '<=', cutoff)
      .orderBy('released_at')
      .limit(200)
      .execute();
    if (!batch.length) break;
    for (const r of batch) {
      const held = await db.selectFrom('users').select('id').where('avatar_key', '=', r.key).executeTakeFirst();
      let key: BlobKey | undefined;
      try {
        key = parseBlobKey(r.key);
      } catch {
        key = undefined;
      }
      if (opts.dryRun) {
        const st = key && !held ? await deps.blobs.stat(key) : undefined;
        if (st && st.mtimeMs < cutoff) {
          out.files++;
          out.bytes += st.size;
        } else out.kept++;
        continue;
      }
      let retry = false;
      if (held) out.kept++;
      else if (key) {
        const freed = await deps.blobs.collect(key, cutoff);
        if (freed !== undefined) {
          out.files++;
          out.bytes += freed;
        } else if (await deps.blobs.has(key)) {
          // Touched within the grace period (someone is storing the same picture): look again later.
          out.kept++;
          retry = true;
        }
      }
      const done = db.deleteFrom('avatar_releases').where('key', '=', r.key).where('released_at', '=', r.released_at);
      if (retry)
        await db
          .updateTable('avatar_releases')
          .set({ released_at: now })
          .where('key', '=', r.key)
          .where('released_at', '=', r.released_at)
          .execute();
      else await done.execute();
    }
    if (opts.dryRun || batch.length < 200) break;
  }
  return out;
}
