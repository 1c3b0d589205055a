// Proof and evidence files of copyright filings and counter-notices: PDF, JPEG or PNG, recognised by their bytes
// (file-type), at most PROOF_MAX_FILES of at most PROOF_MAX_BYTES each, stored content-addressed as `proof/<sha256>`.
// They are served to staff only (features/copyright/admin-routes.ts), as attachments with nosniff.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, onField } from '../../errors.ts';
import { type BlobKey, blobKey } from '../../storage/blob-store.ts';
import { formatBytes } from '../../web/format.ts';

/** The most files one filing or counter-notice may carry. */
export const PROOF_MAX_FILES = 5;
/** The largest proof file accepted. */
export const PROOF_MAX_BYTES = 10 * 1024 * 1024;
/** The accepted kinds, by what their bytes are. */
const ACCEPTED: Record<string, string> = { pdf: 'application/pdf', jpg: 'image/jpeg', png: 'image/png' };

/** One part of a multipart form, independent of the multipart library. */
export type FormPart =
  | { type: 'field'; name: string; value: string }
  | { type: 'file'; name: string; filename: string; stream: Readable };

/** A received file, still in a temporary file, already checked. */
export interface ReceivedFile {
  readonly tempPath: string;
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
  readonly mime: string;
}

/** What a multipart form brought: its fields (first value of each name) and its checked files. */
export interface ReceivedForm {
  readonly fields: Map<string, string>;
  readonly files: ReceivedFile[];
}

/** A file name fit to show and to offer as a download name: no path, no control characters, at most 100 chars. */
function cleanName(raw: string): string {
  const name = basename(raw.replace(/\\/g, '/'))
    .normalize('NFC')
    .replace(/\p{Cc}/gu, '')
    .trim();
  return [...name].slice(-100).join('') || 'proof';
}

async function saveToTemp(deps: Pick<Deps, 'blobs'>, filename: string, stream: Readable): Promise<ReceivedFile> {
  const tempPath = deps.blobs.tempPath('proof');
  const hash = createHash('sha256');
  let size = 0;
  const tooLarge = () =>
    new AppError(413, 'too_large', 'copyright.files.tooLarge', { max: formatBytes(PROOF_MAX_BYTES) });
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > PROOF_MAX_BYTES) return cb(tooLarge());
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(stream, meter, createWriteStream(tempPath, { flags: 'wx' }));
    if ((stream as Readable & { truncated?: boolean }).truncated) throw tooLarge();
    if (size === 0) throw badRequest('copyright.files.empty', { name: cleanName(filename) });
    const head = Buffer.alloc(Math.min(size, 4100));
    const fh = await open(tempPath, 'r');
    try {
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
    const type = await fileTypeFromBuffer(head).catch(() => undefined);
    const mime = type ? ACCEPTED[type.ext] : undefined;
    if (!mime) throw badRequest('copyright.files.typeInvalid', { name: cleanName(filename) });
    return { tempPath, filename: cleanName(filename), size, sha256: hash.digest('hex'), mime };
  } catch (err) {
    await rm(tempPath, { force: true });
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw err;
  }
}

/**
 * Reads a multipart form: fields into a map, files of the field `fileField` streamed to temporary files (size-capped,
 * hashed, sniffed). On any failure every temporary file is removed. An empty file input (no file chosen) is skipped.
 */
export async function receiveForm(
  deps: Pick<Deps, 'blobs'>,
  parts: AsyncIterable<FormPart>,
  fileField: string,
): Promise<ReceivedForm> {
  const fields = new Map<string, string>();
  const files: ReceivedFile[] = [];
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!fields.has(part.name)) fields.set(part.name, part.value);
      } else if (part.name === fileField && part.filename) {
        if (files.length >= PROOF_MAX_FILES)
          throw badRequest('copyright.files.tooMany', { max: PROOF_MAX_FILES }).on(fileField);
        files.push(await onField(fileField, () => saveToTemp(deps, part.filename, part.stream)));
      } else {
        part.stream.resume();
      }
    }
  } catch (err) {
    await discardFiles(files);
    const code = (err as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') throw badRequest('copyright.files.tooMany', { max: PROOF_MAX_FILES }).on(fileField);
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError(413, 'too_large', 'copyright.files.tooLarge', { max: formatBytes(PROOF_MAX_BYTES) }).on(
        fileField,
      );
    throw err;
  }
  return { fields, files };
}

/** Removes the temporary files of a refused form. */
export async function discardFiles(files: readonly ReceivedFile[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f.tempPath, { force: true })));
}

/**
 * Moves checked files into the store (`proof/<sha256>`); returns their keys in order. Identical files share a blob.
 * Called before the rows that reference them are committed (putFile touches an existing blob, decision on orphans).
 */
export async function storeFiles(deps: Pick<Deps, 'blobs'>, files: readonly ReceivedFile[]): Promise<BlobKey[]> {
  const keys: BlobKey[] = [];
  for (const f of files) {
    const key = blobKey('proof', f.sha256);
    await deps.blobs.putFile(f.tempPath, key);
    keys.push(key);
  }
  return keys;
}
