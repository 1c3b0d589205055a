// Orphans: temp files a crash left in DATA_DIR/blobs/.tmp, and the blobs of documents nobody can use any more.
//
// A document references up to three kinds of blob: its original (`blob_key`), the PDF LibreOffice made of an office
// file (`pdf_key`) and the images of its free pages (`page_images`). Blobs are content-addressed, so one blob may be
// shared by several documents (identical uploads, identical pages). A blob is collected only when every document
// that references it lets it go:
// - a document in any state but deleted/rejected holds all its blobs (uploaded/converting/review still need the
//   original; published and taken_down ones may be shown again);
// - a deleted or rejected document holds them for the grace period (BLOB_GC_GRACE_DAYS) after it got there
//   (`updated_at`, stamped by every transition; a later change only postpones): 重新转换 of a rejected document,
//   an operator's `stage convert` and an exact-duplicate upload still need them meanwhile;
// - a deleted document with an active purchase keeps its original for good: buyers keep their download. Its PDF and
//   page images are never shown again and go.
// Races with writers are closed by the store (see local-blob-store.ts): anyone adding a reference touches the blob
// first, and `collect` keeps any blob touched within the grace period. Copying a reference from another document
// (the exact-duplicate reuse of `pdf_key` in dedup.ts) copies it from a live document, which holds it for at least
// the grace period after it dies.
//
// Dead documents are visited once each, in (updated_at, id) order behind a cursor kept in `settings`, so an hourly
// run costs nothing when nothing died. Replaced avatars are collected by users/avatar.ts from `avatar_releases`
// (only when no user holds the key). What this does not find: blobs no row ever referenced (a crash between
// storing an upload and committing its row) and site images.
import type { Kysely } from 'kysely';
import type { DB, DocumentStatus } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { type BlobKey, parseBlobKey } from '../../storage/blob-store.ts';
import { type AvatarGcSummary, collectReleasedAvatars } from '../users/avatar.ts';

/** Temp files untouched this long are leftovers: a live upload writes (and so touches) its file continuously. */
export const TEMP_MAX_AGE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DEAD: readonly DocumentStatus[] = ['deleted', 'rejected'];
const BATCH = 200;
const CHUNK = 100;
const CURSOR_KEY = 'gc.cursor';

type GcDeps = Pick<Deps, 'database' | 'blobs' | 'config' | 'log'>;

/** What one run removed (or, in a dry run, would remove). */
export interface GcSummary {
  dryRun: boolean;
  graceDays: number;
  /** Stale temp files. */
  temp: { files: number; bytes: number };
  /** Deleted or rejected documents past their grace period, visited in this run. */
  documents: number;
  /** Their blobs removed. */
  collected: { files: number; bytes: number };
  /** Their blobs kept: still referenced (shared, bought) or touched within the grace period. */
  kept: number;
  /** Replaced avatars past the grace period that no user holds (users/avatar.ts). */
  avatars: AvatarGcSummary;
}

interface Options {
  /** The clock (epoch ms); tests move it past the grace period instead of waiting. */
  now?: number;
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** Removes temp files untouched for TEMP_MAX_AGE_MS (at start and hourly; another process may be writing one). */
export async function sweepTempFiles(deps: Pick<Deps, 'blobs' | 'log'>, opts: Options = {}) {
  const now = opts.now ?? Date.now();
  const swept = await deps.blobs.sweepTemp(now - TEMP_MAX_AGE_MS, { dryRun: opts.dryRun });
  if (swept.files && !opts.dryRun) deps.log.info({ module: 'gc', ...swept }, 'stale temp files removed');
  return swept;
}

/** One maintenance run: the temp sweep, then the blobs of dead documents past their grace period. */
export async function collectGarbage(deps: GcDeps, opts: Options = {}): Promise<GcSummary> {
  const now = opts.now ?? Date.now();
  const temp = await sweepTempFiles(deps, { ...opts, now });
  const blobs = await collectDocumentBlobs(deps, { ...opts, now });
  const avatars = await collectReleasedAvatars(deps, { now, dryRun: opts.dryRun });
  const summary: GcSummary = {
    dryRun: !!opts.dryRun,
    graceDays: deps.config.storage.gcGraceDays,
    temp,
    ...blobs,
    avatars,
  };
  if (!opts.dryRun) {
    deps.log.info(
      {
        module: 'gc',
        documents: summary.documents,
        files: summary.collected.files,
        bytes: summary.collected.bytes,
        kept: summary.kept,
        tempFiles: temp.files,
        tempBytes: temp.bytes,
        avatarFiles: avatars.files,
      },
      'blob collection done',
    );
  }
  return summary;
}

type Row = {
  id: number;
  status: DocumentStatus;
  updated_at: number;
  blob_key: string;
  pdf_key: string | null;
  page_images: string | null;
};

async function collectDocumentBlobs(
  deps: GcDeps,
  opts: Options & { now: number },
): Promise<Pick<GcSummary, 'documents' | 'collected' | 'kept'>> {
  const { db } = deps.database;
  const cutoff = opts.now - deps.config.storage.gcGraceDays * DAY_MS;
  let cursor = await readCursor(db);
  const out = { documents: 0, collected: { files: 0, bytes: 0 }, kept: 0 };
  while (!opts.signal?.aborted) {
    const batch: Row[] = await db
      .selectFrom('documents')
      .select(['id', 'status', 'updated_at', 'blob_key', 'pdf_key', 'page_images'])
      .where('status', 'in', DEAD)
      .where('updated_at', '<=', cutoff)
      .where((eb) =>
        eb.or([eb('updated_at', '>', cursor.at), eb.and([eb('updated_at', '=', cursor.at), eb('id', '>', cursor.id)])]),
      )
      .orderBy('updated_at')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (!batch.length) break;
    out.documents += batch.length;
    const candidates = [...new Set(batch.flatMap(keysOf))];
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const chunk = candidates.slice(i, i + CHUNK);
      const held = await heldKeys(db, chunk, cutoff);
      for (const key of chunk) {
        if (held.has(key)) {
          out.kept++;
          continue;
        }
        const k = key as BlobKey;
        if (opts.dryRun) {
          const st = await deps.blobs.stat(k);
          if (st && st.mtimeMs < cutoff) {
            out.collected.files++;
            out.collected.bytes += st.size;
          } else if (st) out.kept++;
          continue;
        }
        const freed = await deps.blobs.collect(k, cutoff);
        if (freed !== undefined) {
          out.collected.files++;
          out.collected.bytes += freed;
        } else if (await deps.blobs.has(k)) out.kept++;
      }
    }
    const last = batch.at(-1)!;
    cursor = { at: Number(last.updated_at), id: Number(last.id) };
    if (!opts.dryRun) await writeCursor(db, cursor);
  }
  return out;
}

/**
 * Of `keys`, those some document still holds (see the top of this file). Originals are found through their index;
 * PDFs and page images (JSON text) by one scan per chunk, only when the chunk has any.
 */
async function heldKeys(db: Kysely<DB>, keys: string[], cutoff: number): Promise<Set<string>> {
  const wanted = new Set(keys);
  const pages = keys.filter((k) => k.startsWith('page/'));
  const files = keys.filter((k) => !k.startsWith('page/'));
  const base = db
    .selectFrom('documents')
    .select(['id', 'status', 'updated_at', 'blob_key', 'pdf_key', 'page_images'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('purchases')
            .select('purchases.id')
            .whereRef('purchases.document_id', '=', 'documents.id')
            .where('purchases.status', '=', 'active'),
        )
        .as('bought'),
    );
  const rows = [
    ...(files.length ? await base.where('blob_key', 'in', files).execute() : []),
    ...(files.length || pages.length
      ? await base
          .where((eb) =>
            eb.or([
              ...(files.length ? [eb('pdf_key', 'in', files)] : []),
              ...pages.map((k) => eb('page_images', 'like', `%${k}%`)),
            ]),
          )
          .execute()
      : []),
  ];
  const held = new Set<string>();
  for (const r of rows) {
    const live = !DEAD.includes(r.status) || Number(r.updated_at) > cutoff;
    const bought = Boolean(Number(r.bought));
    for (const k of keysOf(r)) {
      if (wanted.has(k) && (live || (bought && k === r.blob_key))) held.add(k);
    }
  }
  return held;
}

/** The well-formed blob keys a document row references (rows from before key validation are skipped). */
function keysOf(r: Pick<Row, 'blob_key' | 'pdf_key' | 'page_images'>): string[] {
  const out: string[] = [];
  const add = (k: unknown) => {
    if (typeof k !== 'string') return;
    try {
      out.push(parseBlobKey(k));
    } catch {
      // Not a key this store could hold: nothing to collect.
    }
  };
  add(r.blob_key);
  add(r.pdf_key);
  if (r.page_images) {
    try {
      for (const image of JSON.parse(r.page_images) as Array<{ key?: unknown }>) add(image?.key);
    } catch {
      // Unreadable JSON: no images.
    }
  }
  return out;
}

async function readCursor(db: Kysely<DB>): Promise<{ at: number; id: number }> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
  try {
    const v = row ? (JSON.parse(row.value) as { at?: unknown; id?: unknown }) : {};
    return { at: Number(v.at) || 0, id: Number(v.id) || 0 };
  } catch {
    return { at: 0, id: 0 };
  }
}

async function writeCursor(db: Kysely<DB>, cursor: { at: number; id: number }): Promise<void> {
  const value = JSON.stringify(cursor);
  const now = Date.now();
  await db
    .insertInto('settings')
    .values({ key: CURSOR_KEY, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}
