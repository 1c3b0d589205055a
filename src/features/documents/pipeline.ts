import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ConversionError } from '../../convert/types.ts';
import type { Deps } from '../../deps.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import { rewardFirstUpload } from '../credits/rewards.ts';
import { blobKey, parseBlobKey } from '../../storage/blob-store.ts';
import * as repo from './repo.ts';

/**
 * The conversion job: extract text, count pages and characters, store the text, publish.
 * Idempotent: a document already past conversion is left alone, so a retried or duplicated job is harmless.
 */
export function convertDocumentHandler(
  deps: Pick<Deps, 'database' | 'blobs' | 'converter' | 'queue'>,
): JobHandler<'document.convert'> {
  const { db } = deps.database;
  return {
    async run({ documentId }, { log }) {
      // 1. Claim the document for conversion (uploaded → converting; a retry finds it converting).
      const doc = await repo.findDocumentById(db, documentId);
      if (!doc || (doc.status !== 'uploaded' && doc.status !== 'converting')) return;
      if (doc.status === 'uploaded')
        await repo.transitionDocument(db, documentId, ['uploaded'], { status: 'converting' });

      // 2. Extract in the isolated converter pool (time and memory capped). A ConversionError carries
      //    `permanent`, which tells the worker whether a retry could help.
      //    The PDF LibreOffice makes of an office format is kept for the page images.
      let pdfKey: string | null = null;
      const extracted = await deps.blobs.withLocalFile(parseBlobKey(doc.blob_key), (path) =>
        deps.converter.extract(path, doc.format, {
          onPdf: async (pdf) => {
            pdfKey = await storeDerivedPdf(deps, pdf);
          },
        }),
      );

      // 3. Store the text and publish in one transaction.
      const now = Date.now();
      await db.transaction().execute(async (trx) => {
        await repo.saveDocumentText(trx, documentId, extracted);
        const moved = await repo.transitionDocument(trx, documentId, ['converting'], {
          status: 'published',
          page_count: extracted.pageCount,
          char_count: extracted.charCount,
          extracted_at: now,
          published_at: now,
          reject_code: null,
          reject_params: null,
          pdf_key: pdfKey,
          // A blank title at upload falls back to the title the file states (公文 files name themselves well).
          ...(doc.title_auto === 1 && extracted.title ? { title: extracted.title.slice(0, 100) } : {}),
        });
        if (moved) await repo.markProvider(trx, doc.owner_id);
        // Page images of the free part, rendered after publication so the text preview is never held up.
        if (moved)
          await deps.queue.enqueue('document.pages', { documentId }, { trx, dedupeKey: `pages:${documentId}` });
      });

      log.info({ documentId, pages: extracted.pageCount, chars: extracted.charCount }, 'document published');
      // 4. The first-upload reward (idempotent per user; nothing for a file identical to an earlier document).
      await rewardFirstUpload(deps, documentId);
    },

    async onFinalFailure({ documentId }, error) {
      const code = error instanceof ConversionError ? `convert.${error.code}` : 'convert.failed';
      const params =
        error instanceof ConversionError
          ? error.params
          : { detail: String((error as Error)?.message ?? error).slice(0, 120) };
      await repo.transitionDocument(db, documentId, ['uploaded', 'converting'], {
        status: 'rejected',
        reject_code: code,
        reject_params: JSON.stringify(params),
      });
    },
  };
}

/** Copies a PDF LibreOffice made into the blob store ('pdf/<sha256>'), returning its key. */
async function storeDerivedPdf(deps: Pick<Deps, 'blobs'>, pdf: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(pdf), hash);
  const key = blobKey('pdf', hash.digest('hex'));
  const temp = deps.blobs.tempPath('pdf');
  await copyFile(pdf, temp);
  await deps.blobs.putFile(temp, key);
  return key;
}
