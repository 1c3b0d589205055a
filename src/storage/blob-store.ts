import type { Readable } from 'node:stream';

/**
 * Namespaces of stored blobs. Keys are `<namespace>/<64 hex>`: nothing a user types ever becomes a path. `proof`
 * holds copyright proof and evidence files (features/copyright), served to staff only and never collected; `support`
 * the re-encoded screenshots of 客服 conversations, served to the conversation's owner and staff only.
 */
export type BlobNamespace = 'original' | 'avatar' | 'site' | 'page' | 'pdf' | 'proof' | 'support';

const KEY_RE = /^(original|avatar|site|page|pdf|proof|support)\/([0-9a-f]{64})$/;

/** A validated blob key. */
export type BlobKey = string & { readonly __blobKey: unique symbol };

/** Builds the key for content with the given sha256 (hex) in a namespace. */
export function blobKey(ns: BlobNamespace, sha256Hex: string): BlobKey {
  const key = `${ns}/${sha256Hex}`;
  if (!KEY_RE.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
  return key as BlobKey;
}

/** Parses a stored key back, rejecting anything that is not a well-formed key. */
export function parseBlobKey(key: string): BlobKey {
  if (!KEY_RE.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
  return key as BlobKey;
}

/** Where uploaded and derived files live (local disk by default, or an S3 bucket). Content-addressed and immutable. */
export interface BlobStore {
  /**
   * Moves a fully written temporary file into the store under `key`. If the key exists the temp file is discarded
   * and the stored blob is touched (see `touch`): the caller is about to reference it.
   */
  putFile(tempPath: string, key: BlobKey): Promise<void>;
  /**
   * Refreshes the blob's modification time before a new reference to it is committed, so that a concurrent
   * `collect` keeps it. False when the blob is missing (collected, or never stored).
   */
  touch(key: BlobKey): Promise<boolean>;
  /** Whether the blob exists. */
  has(key: BlobKey): Promise<boolean>;
  /** Size in bytes, or undefined when missing. */
  size(key: BlobKey): Promise<number | undefined>;
  /** Streams the blob, optionally a byte range (inclusive end). */
  read(key: BlobKey, range?: { start: number; end: number }): Readable;
  /** Runs `fn` with a local file path holding the blob (the file itself for local storage). */
  withLocalFile<T>(key: BlobKey, fn: (path: string) => Promise<T>): Promise<T>;
  /** Size and modification time, or undefined when missing. */
  stat(key: BlobKey): Promise<{ size: number; mtimeMs: number } | undefined>;
  /** Removes the blob; missing is not an error. */
  delete(key: BlobKey): Promise<void>;
  /**
   * Removes a blob the caller found unreferenced, unless it was written or touched at or after `touchedBefore`
   * (epoch ms): someone may be adding a reference right now. Returns the bytes freed, or undefined when the blob
   * was kept or missing. The check and the removal are one step with respect to `putFile` and `touch`.
   */
  collect(key: BlobKey, touchedBefore: number): Promise<number | undefined>;
  /** A fresh path for a temporary file on the same filesystem as the store (for atomic renames). */
  tempPath(prefix: string): string;
  /**
   * Removes temporary files last modified before `modifiedBefore` (epoch ms): leftovers of a crash. Files still
   * being written are fresh (every write moves their modification time). `dryRun` only counts them.
   */
  sweepTemp(modifiedBefore: number, opts?: { dryRun?: boolean }): Promise<{ files: number; bytes: number }>;
  /** Every stored blob with its size, in no promised order (backups copy the store by key). */
  list(): AsyncIterable<{ key: BlobKey; size: number }>;
  /**
   * A short-lived URL the client can download the blob from directly, with the given response headers; only
   * stores that can sign one (S3) have it. The caller has authorised the download.
   */
  presignDownload?(
    key: BlobKey,
    opts: { contentDisposition: string; contentType: string; expiresInSeconds: number },
  ): Promise<string>;
}
