import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SiteFacts } from './facts.ts';

/** What a backup directory holds; written last, so a directory without it is an unfinished backup. */
export interface Manifest {
  readonly format: 'wenyuan-backup';
  readonly version: 1;
  readonly createdAt: string;
  readonly dialect: 'sqlite' | 'postgres';
  /** `database.sqlite` (SQLite online backup) or `database.pgdump` (pg_dump custom format). */
  readonly database: ManifestFile;
  /** The newest migration the copy had: restore refuses a backup newer than the code. */
  readonly migration: string | undefined;
  /** Every blob, stored as `blobs/<key>`; `sha256` equals the key's hash (content-addressed). */
  readonly blobs: readonly { key: string; size: number; sha256: string }[];
  /** Keys generated into DATA_DIR (PII keys, download URL secret), stored as `secrets/<name>`. */
  readonly secrets: readonly ManifestFile[];
  /** Counts and sums of the copy (compared after a restore) and its ledger verification. */
  readonly facts: SiteFacts;
}

/** One file of the backup and its checksum. */
export interface ManifestFile {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

export const MANIFEST = 'manifest.json';

/** The sha256 (hex) and size of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Writes the manifest atomically (temp file, then rename): its presence marks a complete backup. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const tmp = join(dir, `.${MANIFEST}.tmp`);
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, join(dir, MANIFEST));
}

/** Reads a backup's manifest, refusing anything that is not one (or is an unfinished backup). */
export async function readManifest(dir: string): Promise<Manifest> {
  let raw: string;
  try {
    raw = await readFile(join(dir, MANIFEST), 'utf8');
  } catch {
    throw new Error(`${dir} holds no ${MANIFEST}: not a backup, or an unfinished one`);
  }
  const m = JSON.parse(raw) as Partial<Manifest>;
  if (m.format !== 'wenyuan-backup' || m.version !== 1 || !m.database || !Array.isArray(m.blobs) || !m.facts)
    throw new Error(`${join(dir, MANIFEST)} is not a wenyuan backup manifest (version 1)`);
  return m as Manifest;
}
