// Per-buyer download marks (decision 0019): which downloads are marked, how the marked bytes are produced, and what
// the operator's switches say. A mark is made at download time and never stored.
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import { t } from '../../i18n/t.ts';
import { type BlobKey, parseBlobKey } from '../../storage/blob-store.ts';
import { chinaDay } from '../credits/rewards.ts';
import { markDocx, NotMarkable } from './docx-mark.ts';
import { type MarkPlanDoc, markPdfAt, markPlan } from './mark-state.ts';
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
 * Refuses a sale that marks forbid (markPlan 'notForSale': marks required, and neither the file nor a converted PDF
 * can carry one). One query; nothing to refuse when the switch is off.
 */
export async function assertMarkAllowsSale(deps: Pick<Deps, 'database'>, documentId: number): Promise<void> {
  const facts = await repo.findMarkPlanFacts(deps.database.db, documentId);
  if (facts) assertSaleMarkable(facts);
}

/** The same check on facts already read (the purchase reads them with its context, in one round trip). */
export function assertSaleMarkable(facts: MarkPlanDoc & { required: string | null }): void {
  if (markPlan(facts, facts.required === 'true') === 'notForSale') throw badRequest('watermark.notForSale');
}

/**
 * The marked file for this download, or undefined when the original is sent as it is: free documents, the
 * uploader's own, downloads without an active purchase (staff), and files that cannot carry a mark (markPlan). When
 * the operator requires marks, a file that cannot carry one is sent as its converted PDF, marked, if it has one.
 * What marking finds is recorded on the document (mark_state), so its page says so from then on.
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
  const plan = markPlan(doc, settings.required);
  if (plan !== 'marked' && plan !== 'pdfOnly' && plan !== 'scanPdf') return undefined;
  const token = signMark(markKey(deps.downloadUrlSecret), purchase.id);
  const visibleLine = settings.visible
    ? t('watermark.line', {
        site: t('site.name'),
        buyer: maskName(purchase.display_name),
        date: chinaDay(purchase.created_at),
      })
    : undefined;
  const mark = { token, visibleLine };
  const pdfOf = async (key: BlobKey): Promise<MarkedDownload> => {
    const { bytes } = await deps.blobs.withLocalFile(key, (path) => markPdfAt(path, mark));
    const out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { format: 'pdf', body: out, length: out.length };
  };
  if (plan === 'pdfOnly' || plan === 'scanPdf') return pdfOf(parseBlobKey(doc.pdf_key!));
  try {
    const key = parseBlobKey(doc.blob_key);
    const marked =
      doc.format === 'pdf'
        ? await pdfOf(key)
        : { format: 'docx', body: await streamDocx(deps, key, mark), length: undefined };
    if (doc.mark_state !== 'ok') await repo.saveMarkState(db, documentId, 'ok');
    return marked;
  } catch (err) {
    if (!(err instanceof NotMarkable)) throw err;
    // Only a document not probed yet gets here (converted before mark_state existed, or made paid after conversion
    // and its watermark.probe job not run): the finding is recorded, so the page says 此文件无法加水印 from now on.
    await repo.saveMarkState(db, documentId, err.code);
    deps.log.warn({ documentId, purchaseId: purchase.id, reason: err.message }, 'download not markable');
    // Marks required: the converted PDF, marked, when there is one. Otherwise the original as it is (a paid
    // download is never refused after payment).
    if (settings.required && doc.pdf_key) return pdfOf(parseBlobKey(doc.pdf_key));
    return undefined;
  }
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
