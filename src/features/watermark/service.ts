// Per-buyer download marks (decision 0019): which downloads are marked, how the marked bytes are produced, and what
// the operator's switches say. A mark is made at download time and never stored.
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../../deps.ts';
import { t } from '../../i18n/t.ts';
import { type BlobKey, parseBlobKey } from '../../storage/blob-store.ts';
import { chinaDay } from '../credits/rewards.ts';
import { markDocx, NotMarkable } from './docx-mark.ts';
import { markPdf } from './pdf-mark.ts';
import * as repo from './repo.ts';
import { markKey, signMark } from './token.ts';

type MarkDeps = Pick<Deps, 'database' | 'blobs' | 'downloadUrlSecret' | 'log' | 'config'>;

/** A buyer's name as the mark shows it: first and last character, the rest starred. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 2, 3))}${chars[chars.length - 1]}`;
}

/** The operator's switches: the visible line (on by default) and marks required for paid documents (off). */
export function getMarkSettings(deps: Pick<Deps, 'database'>) {
  return repo.readSwitches(deps.database.db);
}

/** Saves the switches; every process's copy of the site settings is told (the document pages' notice reads them). */
export async function saveMarkSettings(
  deps: Pick<Deps, 'database'> & Partial<Pick<Deps, 'shared'>>,
  values: { visible: boolean; required: boolean },
) {
  await repo.saveSwitches(deps.database.db, values);
  await deps.shared?.generations.bump('site').catch(() => {});
}

export interface MarkedDownload {
  /** The file name extension of what is sent (`pdf` when an office file is sold as its converted PDF). */
  format: string;
  body: Readable | Buffer;
  length: number | undefined;
}

/**
 * The marked file for this download, or undefined when the original is sent as it is: free documents, the
 * uploader's own, downloads without an active purchase (staff), and formats that cannot carry a mark. When the
 * operator requires marks, an office file is sold as its converted PDF, marked.
 */
export async function markedDownload(
  deps: MarkDeps,
  documentId: number,
  user: { id: number } | undefined,
): Promise<MarkedDownload | undefined> {
  if (!user) return undefined;
  const { db } = deps.database;
  const doc = await repo.findDocumentForMark(db, documentId);
  if (!doc || doc.price <= 0 || doc.owner_id === user.id) return undefined;
  const purchase = await repo.findActivePurchase(db, user.id, documentId);
  if (!purchase) return undefined;
  const settings = await getMarkSettings(deps);
  const token = signMark(markKey(deps.downloadUrlSecret), purchase.id);
  const visibleLine = settings.visible
    ? t('watermark.line', {
        site: t('site.name'),
        buyer: maskName(purchase.display_name),
        date: chinaDay(purchase.created_at),
      })
    : undefined;
  const mark = { token, visibleLine };
  let source: { key: BlobKey; format: 'docx' | 'pdf' } | undefined;
  if (doc.format === 'docx' || doc.format === 'pdf') source = { key: parseBlobKey(doc.blob_key), format: doc.format };
  else if (settings.required && doc.pdf_key) source = { key: parseBlobKey(doc.pdf_key), format: 'pdf' };
  // A format that cannot carry a mark (txt, or an office file without a converted PDF) goes out as it is; the
  // document page says so.
  if (!source) return undefined;
  try {
    if (source.format === 'pdf') {
      const bytes = await readAll(deps.blobs.read(source.key));
      const out = Buffer.from(await markPdf(bytes, mark));
      return { format: 'pdf', body: out, length: out.length };
    }
    return { format: 'docx', body: await streamDocx(deps, source.key, mark), length: undefined };
  } catch (err) {
    if (!(err instanceof NotMarkable)) throw err;
    // A file the site accepted but the marker cannot rewrite goes out as it is (a paid download is never refused
    // after payment); the log names it for the operator.
    deps.log.warn({ documentId, purchaseId: purchase.id, reason: err.message }, 'download not markable');
    return undefined;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Streams the marked docx. The package is opened and its changed parts prepared before this returns (so a file
 * that cannot be marked is known before any byte is sent); untouched entries are then copied as they stream.
 */
function streamDocx(deps: MarkDeps, key: BlobKey, mark: Parameters<typeof markDocx>[1]): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const out = new PassThrough();
    let started = false;
    deps.blobs
      .withLocalFile(key, async (path) => {
        const chunks = await markDocx(path, mark);
        started = true;
        resolve(out);
        await pipeline(Readable.from(chunks), out);
      })
      .catch((err: unknown) => {
        if (started) out.destroy(err as Error);
        else reject(err);
      });
  });
}
