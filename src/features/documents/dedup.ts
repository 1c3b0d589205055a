// Duplicates at conversion time. Exact: an earlier document with the same content hash already has text, so it is
// reused instead of converting again. Near: the MinHash signature's LSH bands find earlier documents sharing a band
// (indexed lookups, independent of the library's size), and the best candidate by estimated Jaccard similarity at
// or above NEAR_DUPLICATE_THRESHOLD holds the new document for review. Only other uploaders' documents count: a
// user re-uploading or revising their own document is not copying anyone.
import type { Kysely } from 'kysely';
import { bandHashes, similarity } from '../../convert/similarity.ts';
import type { ExtractedText } from '../../convert/types.ts';
import type { DB } from '../../db/schema.ts';

/** Estimated Jaccard similarity from which a document is held for review. */
export const NEAR_DUPLICATE_THRESHOLD = 0.5;
const MAX_CANDIDATES = 50;

/** The text of an earlier document with the same bytes, as an extraction result; undefined when there is none. */
export async function reuseExactDuplicate(
  db: Kysely<DB>,
  documentId: number,
  blobKey: string,
): Promise<{ text: ExtractedText; pdfKey: string | null; sourceId: number } | undefined> {
  const earlier = await db
    .selectFrom('documents')
    .innerJoin('document_texts', 'document_texts.document_id', 'documents.id')
    .select([
      'documents.id',
      'documents.page_count',
      'documents.char_count',
      'documents.pdf_key',
      'documents.source_flags',
      'document_texts.body',
      'document_texts.page_starts',
      'document_texts.headings',
    ])
    .where('documents.blob_key', '=', blobKey)
    .where('documents.id', '<>', documentId)
    .where('documents.status', 'in', ['published', 'review', 'taken_down'])
    // A document published masked keeps masked text while its original (these same bytes) holds the numbers:
    // reusing that text would let the copy past the PII screen.
    .where((eb) => eb.or([eb('documents.pii_state', 'is', null), eb('documents.pii_state', '<>', 'masked')]))
    .orderBy('documents.id')
    .limit(1)
    .executeTakeFirst();
  if (!earlier) return undefined;
  const pageStarts = JSON.parse(earlier.page_starts) as number[];
  return {
    sourceId: Number(earlier.id),
    pdfKey: earlier.pdf_key,
    text: {
      body: earlier.body,
      pageStarts,
      pageCount: earlier.page_count ?? pageStarts.length,
      charCount: earlier.char_count ?? 0,
      headings: JSON.parse(earlier.headings),
      ...(earlier.source_flags ? { flags: JSON.parse(earlier.source_flags) as string[] } : {}),
    },
  };
}

/** The earlier document this signature resembles most, if at or above the threshold. */
export async function findNearDuplicate(
  db: Kysely<DB>,
  documentId: number,
  ownerId: number,
  sig: readonly number[],
): Promise<{ id: number; title: string; score: number } | undefined> {
  const bands = bandHashes(sig);
  const rows = await db
    .selectFrom('document_bands')
    .innerJoin('documents', 'documents.id', 'document_bands.document_id')
    .select(['documents.id', 'documents.title', 'documents.minhash'])
    .distinct()
    .where((eb) => eb.or(bands.map((hash, band) => eb.and([eb('band', '=', band), eb('hash', '=', hash)]))))
    .where('documents.id', '<>', documentId)
    // Someone else's work re-uploaded is what review is for; an uploader's own versions of a document are theirs.
    .where('documents.owner_id', '<>', ownerId)
    // Copies still held for review are not originals to compare with.
    .where('documents.status', 'in', ['published', 'taken_down'])
    .limit(MAX_CANDIDATES)
    .execute();
  let best: { id: number; title: string; score: number } | undefined;
  for (const r of rows) {
    if (!r.minhash) continue;
    const score = similarity(sig, JSON.parse(r.minhash) as number[]);
    if (score >= NEAR_DUPLICATE_THRESHOLD && (!best || score > best.score)) {
      best = { id: Number(r.id), title: r.title, score };
    }
  }
  return best;
}

/**
 * Any other document (any owner, any state) whose text this signature resembles at or above the threshold — what
 * the first-upload reward must not be paid for. The first match is enough.
 */
export async function findSimilarDocument(
  db: Kysely<DB>,
  documentId: number,
  sig: readonly number[],
): Promise<{ id: number; score: number } | undefined> {
  const bands = bandHashes(sig);
  const rows = await db
    .selectFrom('document_bands')
    .innerJoin('documents', 'documents.id', 'document_bands.document_id')
    .select(['documents.id', 'documents.minhash'])
    .distinct()
    .where((eb) => eb.or(bands.map((hash, band) => eb.and([eb('band', '=', band), eb('hash', '=', hash)]))))
    .where('documents.id', '<>', documentId)
    .limit(MAX_CANDIDATES)
    .execute();
  for (const r of rows) {
    if (!r.minhash) continue;
    const score = similarity(sig, JSON.parse(r.minhash) as number[]);
    if (score >= NEAR_DUPLICATE_THRESHOLD) return { id: Number(r.id), score };
  }
  return undefined;
}

/** Indexes a document's bands (replacing any earlier ones), inside the caller's transaction. */
export async function saveBands(db: Kysely<DB>, documentId: number, sig: readonly number[]): Promise<void> {
  await db.deleteFrom('document_bands').where('document_id', '=', documentId).execute();
  await db
    .insertInto('document_bands')
    .values(bandHashes(sig).map((hash, band) => ({ band, hash, document_id: documentId })))
    .execute();
}

/**
 * An earlier document of the same uploader that this one repeats exactly, as documents of different uploaders are
 * caught: the same bytes (an earlier row, by id, in any live state — so of two identical files converting at once the
 * later one yields, on either dialect), or the same text (a published or held document whose body is identical).
 * Revisions differ in their text and are not caught.
 */
export async function findOwnExactDuplicate(
  db: Kysely<DB>,
  doc: { id: number; owner_id: number; blob_key: string },
  sig: readonly number[] | undefined,
  body: string,
): Promise<{ id: number; title: string } | undefined> {
  const sameBytes = await db
    .selectFrom('documents')
    .select(['id', 'title'])
    .where('owner_id', '=', doc.owner_id)
    .where('blob_key', '=', doc.blob_key)
    .where('id', '<', doc.id)
    .where('status', 'not in', ['deleted', 'rejected'])
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (sameBytes) return { id: Number(sameBytes.id), title: sameBytes.title };
  if (!sig) return undefined;
  const bands = bandHashes(sig);
  const rows = await db
    .selectFrom('document_bands')
    .innerJoin('documents', 'documents.id', 'document_bands.document_id')
    .innerJoin('document_texts', 'document_texts.document_id', 'documents.id')
    .select(['documents.id', 'documents.title', 'documents.minhash'])
    .distinct()
    .where((eb) => eb.or(bands.map((hash, band) => eb.and([eb('band', '=', band), eb('hash', '=', hash)]))))
    .where('documents.id', '<>', doc.id)
    .where('documents.owner_id', '=', doc.owner_id)
    .where('documents.status', 'in', ['published', 'review'])
    .limit(MAX_CANDIDATES)
    .execute();
  for (const r of rows) {
    if (!r.minhash || similarity(sig, JSON.parse(r.minhash) as number[]) < 1) continue;
    const text = await db
      .selectFrom('document_texts')
      .select('body')
      .where('document_id', '=', r.id)
      .executeTakeFirst();
    if (text?.body === body) return { id: Number(r.id), title: r.title };
  }
  return undefined;
}
