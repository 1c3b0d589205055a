import { ConversionError } from '../../convert/types.ts';
import type { Deps } from '../../deps.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import { rewardFirstUpload } from '../credits/rewards.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import * as repo from './repo.ts';

/**
 * The conversion job: extract text, count pages and characters, store the text, publish.
 * Idempotent: a document already past conversion is left alone, so a retried or duplicated job is harmless.
 */
export function convertDocumentHandler(
  deps: Pick<Deps, 'database' | 'blobs' | 'converter'>,
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
      const extracted = await deps.blobs.withLocalFile(parseBlobKey(doc.blob_key), (path) =>
        deps.converter.extract(path, doc.format),
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
          // A blank title at upload falls back to the title the file states (公文 files name themselves well).
          ...(doc.title_auto === 1 && extracted.title ? { title: extracted.title.slice(0, 100) } : {}),
        });
        if (moved) await repo.markProvider(trx, doc.owner_id);
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
