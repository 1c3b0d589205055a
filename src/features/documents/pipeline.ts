import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { isMarkdownName, markdownToText } from '../../convert/markdown.ts';
import { minhash } from '../../convert/similarity.ts';
import { ConversionError } from '../../convert/types.ts';
import type { Deps } from '../../deps.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import type { Logger } from '../../log.ts';
import { blobKey, parseBlobKey } from '../../storage/blob-store.ts';
import { rewardFirstUpload } from '../credits/rewards.ts';
import { announcePublication } from '../following/fanout.ts';
import { heldParams, recordMatches, screenForPii } from '../privacy/service.ts';
import { syncDocumentIndex } from '../search/service.ts';
import { probeBlob } from '../watermark/probe.ts';
import { findNearDuplicate, findOwnExactDuplicate, reuseExactDuplicate, saveBands } from './dedup.ts';
import { recogniseScan } from './ocr-fallback.ts';
import { gateText } from './quality.ts';
import * as repo from './repo.ts';
import { titleFromText } from './title.ts';

/**
 * The conversion job: extract text, count pages and characters, store the text, publish.
 * Idempotent: a document already past conversion is left alone, so a retried or duplicated job is harmless.
 */
export function convertDocumentHandler(
  deps: Pick<Deps, 'database' | 'blobs' | 'converter' | 'search' | 'queue' | 'config' | 'metrics'> &
    Partial<Pick<Deps, 'shared' | 'ocr'>>,
): JobHandler<'document.convert'> {
  const { db } = deps.database;
  return {
    async run({ documentId }, { log }) {
      // 1. Claim the document for conversion (uploaded → converting; a retry finds it converting).
      const doc = await repo.findDocumentById(db, documentId);
      // Published already: an earlier attempt committed the publication and then died (a worker killed, a lost lease)
      // before the steps after the commit. Those are idempotent; run them, so a taken-over job still has them.
      if (doc?.status === 'published') return afterPublication(deps, documentId, log);
      if (!doc || (doc.status !== 'uploaded' && doc.status !== 'converting')) return;
      if (doc.status === 'uploaded')
        await repo.transitionDocument(db, documentId, ['uploaded'], { status: 'converting' });

      // 2. Extract in the isolated converter pool (time and memory capped). A ConversionError carries
      //    `permanent`, which tells the worker whether a retry could help.
      //    The PDF LibreOffice makes of an office format is kept for the page images.
      //    The same bytes already converted (exact duplicate): reuse that text instead of converting again.
      let pdfKey: string | null = null;
      const exact = await reuseExactDuplicate(db, documentId, doc.blob_key);
      if (exact) pdfKey = exact.pdfKey;
      const extractedRaw =
        exact?.text ??
        (await deps.blobs
          .withLocalFile(parseBlobKey(doc.blob_key), (path) =>
            deps.converter.extract(path, doc.format, {
              onPdf: async (pdf) => {
                pdfKey = await storeDerivedPdf(deps, pdf);
              },
            }),
          )
          // A scan (no text layer at all) is read by OCR when an engine is configured (ocr-fallback.ts).
          .catch((err: unknown) => recogniseScan(deps, doc, pdfKey, err)));

      // A Markdown file is read as plain text: render it (headings, lists, no `#` or comments) before anything else.
      const raw = !exact && isMarkdownName(doc.original_name) ? markdownToText(extractedRaw) : extractedRaw;

      // 2a. The text-quality gate (quality.ts, convert/text-quality.ts): a readable text is published, a repairable one
      //     repaired (fake bold, Symbol/Wingdings characters, boxes); an unreadable one goes to OCR when an engine is
      //     configured; otherwise the document is refused with the reason (文字无法识别, 内容过少, EICAR), its derived
      //     PDF kept on the row so the collector removes it with the original.
      const gate = await gateText(deps, doc, raw, pdfKey);
      if (!gate.ok) {
        await repo.transitionDocument(db, documentId, ['converting'], {
          status: 'rejected',
          reject_code: gate.code,
          reject_params: JSON.stringify(gate.params),
          pdf_key: pdfKey,
        });
        deps.metrics.conversions.inc({ outcome: 'rejected', reason: gate.code });
        log.info({ documentId, code: gate.code }, 'text refused by the quality gate');
        return;
      }
      const extracted = gate.text;

      // 2b. Near duplicates (the same text re-uploaded as another format, retitled, with a cover page…) are held
      //     for review with a link to the earlier document and the similarity.
      const sig = extracted.signature ?? minhash(extracted.body);
      // 2a'. The uploader's own exact duplicate (same bytes, or the same text in another file) is refused as one, as
      //      a copy of someone else's is held: one bulk import must not publish the same document twice.
      const own = await findOwnExactDuplicate(db, doc, sig, extracted.body);
      if (own) {
        await repo.transitionDocument(db, documentId, ['converting'], {
          status: 'rejected',
          reject_code: 'upload.duplicateOwn',
          reject_params: JSON.stringify({ id: own.id, title: own.title }),
          dup_of: own.id,
          pdf_key: pdfKey,
        });
        deps.metrics.conversions.inc({ outcome: 'rejected', reason: 'upload.duplicateOwn' });
        log.info({ documentId, duplicateOf: own.id }, 'exact duplicate of one of the uploader’s own documents');
        return;
      }
      const near = sig ? await findNearDuplicate(db, documentId, doc.owner_id, sig) : undefined;
      const score = near ? Math.round(near.score * 100) : null;

      // 2c. The PII screen: an identity, mobile or bank-card number in the text, the title or the description holds
      //     the document for a moderator (/admin/privacy) before anything is public. It comes before the duplicate
      //     review: the near-duplicate fields are stored too, and that queue takes the document afterwards.
      // A blank title at upload falls back to the title the file states (公文 files name themselves well), and a
      // generic file name (`1.docx`) to the document's own heading (title.ts).
      const title = doc.title_auto === 1 ? titleFromText(doc, extracted) : doc.title;
      const pii = screenForPii({ body: extracted.body, title, description: doc.description });
      const privacy = pii.length > 0;
      const held = privacy || !!near;

      // 2d. A paid docx or PDF is marked once with a throw-away token (decision 0019): the page says whether a
      //     buyer's download will carry a mark (an encrypted or damaged PDF qpdf cannot repair, a PDF over the size
      //     marked in memory, a package the marker cannot rewrite).
      const markState = doc.price > 0 ? await probeBlob(deps, log, doc) : undefined;

      // 3. Store the text and publish in one transaction.
      const now = Date.now();
      await db.transaction().execute(async (trx) => {
        await repo.saveDocumentText(trx, documentId, extracted);
        if (sig) await saveBands(trx, documentId, sig);
        const moved = await repo.transitionDocument(trx, documentId, ['converting'], {
          status: held ? 'review' : 'published',
          page_count: extracted.pageCount,
          char_count: extracted.charCount,
          extracted_at: now,
          published_at: held ? null : now,
          reject_code: privacy ? 'privacy.held' : near ? 'duplicate.near' : null,
          reject_params: privacy
            ? JSON.stringify(heldParams(pii))
            : near
              ? JSON.stringify({ id: near.id, title: near.title, score: score! })
              : null,
          pii_state: privacy ? 'held' : null,
          pdf_key: pdfKey,
          text_quality: gate.quality,
          source_flags: extracted.flags?.length ? JSON.stringify(extracted.flags) : null,
          mark_state: markState ?? null,
          minhash: sig ? JSON.stringify(sig) : null,
          dup_of: near?.id ?? null,
          dup_score: score,
          title,
        });
        // The matches (kind, field, offsets, masked form) for the moderator; none left from an earlier conversion.
        if (moved) await recordMatches(trx, documentId, pii);
        if (moved && !held) await repo.markProvider(trx, doc.owner_id);
        // Page images of the free part, rendered after publication so the text preview is never held up.
        if (moved && !held && deps.config.convert.pageImages)
          await deps.queue.enqueue('document.pages', { documentId }, { trx, dedupeKey: `pages:${documentId}` });
        // Followers hear of it through a job (an uploader may have 100 000 of them).
        if (moved && !held) await announcePublication(trx, deps.queue, documentId);
      });
      deps.metrics.conversions.inc({ outcome: privacy || near ? 'held' : 'published', reason: '' });
      if (privacy) {
        // Counts only: a number never reaches the log.
        log.info({ documentId, matches: pii.length, duplicateOf: near?.id }, 'held for a privacy check');
        return;
      }
      if (near) {
        log.info({ documentId, duplicateOf: near.id, score }, 'near duplicate held for review');
        return;
      }
      log.info({ documentId, pages: extracted.pageCount, chars: extracted.charCount }, 'document published');
      await afterPublication(deps, documentId, log);
    },

    async onFinalFailure({ documentId }, error) {
      const code = error instanceof ConversionError ? `convert.${error.code}` : 'convert.failed';
      deps.metrics.conversions.inc({ outcome: 'rejected', reason: code });
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

/**
 * 4. What follows a publication, outside its transaction, so idempotent: run again by a job whose earlier attempt
 * published and then died. The index entry is written from the document's current state; the first-upload reward is
 * keyed per user in the ledger (nothing for a file identical to an earlier document).
 */
async function afterPublication(
  deps: Pick<Deps, 'database' | 'search' | 'queue' | 'config'>,
  documentId: number,
  log: Logger,
): Promise<void> {
  // Findable from now on. A failed index write must not undo the publication: it is logged, and `wenyuan reindex`
  // (or the next edit) repairs it.
  await syncDocumentIndex(deps, documentId).catch((err) =>
    log.error({ err, documentId }, 'search index update failed'),
  );
  await rewardFirstUpload(deps, documentId);
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
