// Screenshots sent to 客服: untrusted bytes in, a fresh WebP out (convert/reencode-image.ts sniffs the content —
// an HTML page named .png is refused —, checks the dimensions from the header before decoding, and keeps only the
// pixels, so EXIF and anything else riding along is dropped). Only the re-encoded image is stored, as
// `support/<sha256>`; the original bytes never reach the disk.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { reencodeImage } from '../../convert/reencode-image.ts';
import type { Deps } from '../../deps.ts';
import { blobKey } from '../../storage/blob-store.ts';
import type { StoredImage } from './repo.ts';

/** The largest screenshot accepted, in bytes (checked while reading, before anything is decoded). */
export const SCREENSHOT_MAX_BYTES = 8 * 1024 * 1024;
/** A tall phone screenshot fits; a 40-megapixel image is refused from its header. */
const LIMITS = { maxWidth: 2000, maxHeight: 4000, maxPixels: 24_000_000, quality: 85 } as const;

/** Re-encodes and stores a screenshot; throws the re-encoder's 422 (not an image, too many pixels, corrupt). */
export async function storeScreenshot(deps: Pick<Deps, 'blobs'>, bytes: Buffer): Promise<StoredImage> {
  const image = await reencodeImage(bytes, LIMITS);
  const key = blobKey('support', createHash('sha256').update(image.bytes).digest('hex'));
  const tmp = deps.blobs.tempPath('support');
  await writeFile(tmp, image.bytes);
  await deps.blobs.putFile(tmp, key);
  return { key, width: image.width, height: image.height };
}
