import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cleanUploadedOffice, macroFreeName } from '../../convert/office-clean.ts';
import { sniffFile } from '../../convert/sniff.ts';
import { isImageFormat, isOfficeFormat } from '../../convert/types.ts';
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict, onField, tooLarge, unsupportedFile } from '../../errors.ts';
import { blobKey } from '../../storage/blob-store.ts';
import { formatBytes } from '../../web/format.ts';
import { getSiteSettings } from '../site/service.ts';
import { assertMaySell } from '../verification/service.ts';
import * as repo from './repo.ts';
import { checkTitle, normalizeTitle, titleFromFileName } from './title.ts';

/** One part of an upload form, independent of the multipart library. */
export type UploadPart =
  | { type: 'field'; name: string; value: string }
  | { type: 'file'; name: string; filename: string; stream: Readable };

interface SavedFile {
  tempPath: string;
  filename: string;
  size: number;
  sha256: string;
}

/** Streams the file part to a temporary file, hashing and counting as it goes; never holds the file in memory. */
async function saveToTemp(
  deps: Pick<Deps, 'blobs' | 'config'>,
  filename: string,
  stream: Readable,
): Promise<SavedFile> {
  const tempPath = deps.blobs.tempPath('upload');
  const hash = createHash('sha256');
  const max = deps.config.upload.maxBytes;
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > max) return cb(tooLarge({ max: formatBytes(max) }));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(stream, meter, createWriteStream(tempPath, { flags: 'wx' }));
    if ((stream as Readable & { truncated?: boolean }).truncated) throw tooLarge({ max: formatBytes(max) });
  } catch (err) {
    await rm(tempPath, { force: true });
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge({ max: formatBytes(max) });
    throw err;
  }
  return { tempPath, filename, size, sha256: hash.digest('hex') };
}

/**
 * What a price above 0 requires of the uploader, on upload and when an upload is edited (documents/edit.ts): the
 * one place to add a requirement for selling. Selling needs real-name verification (网络安全法 §24); sharing for
 * free does not.
 */
export async function assertMaySetPrice(deps: Pick<Deps, 'database'>, ownerId: number, price: number): Promise<void> {
  if (price > 0) await assertMaySell(deps.database.db, ownerId);
}

/** A description as stored (NFC, trimmed); 400 past 2000 characters. The same rule on upload and edit. */
export function checkDescription(raw: string | undefined): string {
  const description = (raw ?? '').trim().normalize('NFC');
  if ([...description].length > 2000) throw badRequest('upload.descriptionTooLong');
  return description;
}

/** A price in whole credits from 0 to the site's maximum (blank is 0); 400 otherwise. Upload and edit alike. */
export function checkPrice(raw: string | undefined, maxPrice: number): number {
  const priceRaw = (raw ?? '0').trim() || '0';
  const price = Number(priceRaw);
  if (!/^\d+$/.test(priceRaw) || !Number.isSafeInteger(price) || price > maxPrice) {
    throw badRequest('upload.priceInvalid', { max: maxPrice });
  }
  return price;
}

/** The metadata fields of the upload form, validated. */
interface UploadFields {
  title: string;
  titleAuto: boolean;
  categoryId: number;
  description: string;
  price: number;
}

async function validateFields(
  deps: Pick<Deps, 'database'>,
  ownerId: number,
  raw: Map<string, string>,
  filename: string,
): Promise<UploadFields> {
  const site = await getSiteSettings(deps);
  // A blank title falls back to the file name (a generic one is replaced by the pipeline: see title.ts).
  const given = normalizeTitle(raw.get('title') ?? '');
  const title = await onField('title', () => (given ? checkTitle(given) : titleFromFileName(filename)));
  const categoryId = Number(raw.get('category'));
  if (!site.categories.some((c) => c.id === categoryId)) throw badRequest('upload.categoryInvalid').on('category');
  const description = await onField('description', () => checkDescription(raw.get('description')));
  const price = await onField('price', () => checkPrice(raw.get('price'), site.maxPrice));
  await onField('price', () => assertMaySetPrice(deps, ownerId, price));
  return { title, titleAuto: !given, categoryId, description, price };
}

/**
 * Accepts an upload:
 * 1. stream the file to a temp file (size-capped, hashed);
 * 2. validate the form fields and sniff the real format from the bytes;
 * 3. move the file into the blob store under its content hash;
 * 4. insert the document and enqueue its conversion in one transaction.
 * Any failure removes the temp file; nothing half-written remains.
 */
export async function acceptUpload(
  deps: Pick<Deps, 'database' | 'blobs' | 'config' | 'queue' | 'converter'> & Partial<Pick<Deps, 'ocr'>>,
  ownerId: number,
  parts: AsyncIterable<UploadPart>,
): Promise<number> {
  const fields = new Map<string, string>();
  let saved: SavedFile | undefined;
  try {
    for await (const part of parts) {
      if (part.type === 'field') fields.set(part.name, part.value);
      else if (part.name === 'file' && !saved && part.filename)
        saved = await saveToTemp(deps, part.filename, part.stream);
      else part.stream.resume();
    }
    if (!saved) throw badRequest('upload.noFile').on('file');
    if (saved.size === 0) throw unsupportedFile('upload.empty').on('file');
    const meta = await validateFields(deps, ownerId, fields, saved.filename);
    const sniff = await sniffFile(saved.tempPath, extname(saved.filename).slice(1));
    if (!sniff.ok) throw unsupportedFile(sniff.reason, sniff.params).on('file');
    // Office formats need LibreOffice; without it the site says so and keeps taking docx/pdf/txt.
    if (isOfficeFormat(sniff.format) && !deps.converter.officeAvailable) {
      throw unsupportedFile('upload.unsupportedFormat', { ext: sniff.format }).on('file');
    }
    // An image has no text but what OCR reads from it: without an engine it could only end rejected.
    if (isImageFormat(sniff.format) && !deps.ocr?.available) throw unsupportedFile('upload.imageNeedsOcr').on('file');

    // A macro-enabled OOXML file is stored without its VBA project (renamed .docm → .docx), a zip with stray bytes
    // after its end without them (office-clean.ts, decision 0021): what is delivered runs nothing and opens anywhere.
    const cleaned = await cleanUploadedOffice(saved.tempPath, sniff.format);
    if (cleaned) {
      const filename = cleaned.removed.length > 0 ? macroFreeName(saved.filename) : saved.filename;
      saved = { ...saved, filename, size: cleaned.size, sha256: cleaned.sha256 };
    }

    const key = blobKey('original', saved.sha256);
    // The same bytes again from the same uploader: they already have that document (publishing it twice only
    // floods search and farms rewards). Checked again inside the transaction below.
    const own = await repo.findOwnCopy(deps.database.db, ownerId, key);
    if (own) throw conflict('upload.duplicateOwn', { id: Number(own.id), title: own.title }).on('file');
    await deps.blobs.putFile(saved.tempPath, key);
    const now = Date.now();
    try {
      return await deps.database.db.transaction().execute(async (trx) => {
        const twin = await repo.findOwnCopy(trx, ownerId, key);
        if (twin) throw conflict('upload.duplicateOwn', { id: Number(twin.id), title: twin.title });
        const id = await repo.insertDocument(trx, {
          owner_id: ownerId,
          category_id: meta.categoryId,
          title: meta.title,
          title_auto: meta.titleAuto ? 1 : 0,
          description: meta.description,
          format: sniff.format,
          original_name: saved!.filename.slice(0, 255),
          blob_key: key,
          size_bytes: saved!.size,
          price: meta.price,
          status: 'uploaded',
          reject_code: null,
          reject_params: null,
          page_count: null,
          char_count: null,
          preview_mode: null,
          preview_value: null,
          download_count: 0,
          rev: 1,
          created_at: now,
          updated_at: now,
          extracted_at: null,
          published_at: null,
          deleted_at: null,
        });
        await deps.queue.enqueue('document.convert', { documentId: id }, { trx, dedupeKey: `convert:${id}` });
        return id;
      });
    } catch (err) {
      // The blob is content-addressed and may be shared; remove it only if no document refers to it.
      const ref = await deps.database.db
        .selectFrom('documents')
        .select('id')
        .where('blob_key', '=', key)
        .executeTakeFirst();
      if (!ref) await deps.blobs.delete(key);
      throw err;
    }
  } catch (err) {
    if (saved) await rm(saved.tempPath, { force: true });
    if (err instanceof AppError) throw err.status === 413 && !err.field ? err.on('file') : err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw tooLarge({ max: formatBytes(deps.config.upload.maxBytes) }).on('file');
    }
    throw err;
  }
}
