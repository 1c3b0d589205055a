import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as documentsRepo from '../features/documents/repo.ts';
import type { RelevanceDoc } from '../features/search/relevance-set.ts';
import { syncDocumentIndex } from '../features/search/service.ts';
import { SHARED_DIR } from './paths.ts';
import type { TestApp } from './test-app.ts';

/** Strips the CSV header of a government report (province,year,title,url,date,full_text) down to its text. */
function plainText(path: string): string {
  const raw = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  if (!path.endsWith('.csv')) return raw;
  const firstQuote = raw.indexOf('"');
  return raw
    .slice(firstQuote + 1)
    .replace(/"+\s*$/, '')
    .replaceAll('""', '"');
}

/**
 * Turns corpus files into published documents owned by `ownerId`, through the real extractor and the real index
 * sync (the upload's HTTP leg is covered elsewhere). Returns key → document id. Published times follow the list.
 */
export async function loadCorpusDocuments(
  t: TestApp,
  ownerId: number,
  docs: readonly RelevanceDoc[],
  opts: { price?: (doc: RelevanceDoc) => number } = {},
): Promise<Map<string, number>> {
  const { db } = t.deps.database;
  const categories = await db.selectFrom('categories').select(['id', 'slug']).execute();
  const tmp = mkdtempSync(join(tmpdir(), 'wy-rel-'));
  const ids = new Map<string, number>();
  const base = Date.now() - docs.length * 60_000;
  try {
    for (const [i, doc] of docs.entries()) {
      let path = join(SHARED_DIR, doc.path);
      if (doc.format === 'txt') {
        path = join(tmp, `${doc.key}.txt`);
        writeFileSync(path, plainText(join(SHARED_DIR, doc.path)));
      }
      const extracted = await t.deps.converter.extract(path, doc.format);
      const at = base + i * 60_000;
      const id = await documentsRepo.insertDocument(db, {
        owner_id: ownerId,
        category_id: Number(categories.find((c) => c.slug === doc.category)!.id),
        title: doc.title,
        title_auto: 0,
        description: doc.description ?? '',
        format: doc.format,
        original_name: doc.path.split('/').at(-1)!,
        blob_key: `original/${'0'.repeat(64)}`,
        size_bytes: extracted.body.length,
        price: opts.price?.(doc) ?? 0,
        status: 'published',
        page_count: extracted.pageCount,
        char_count: extracted.charCount,
        rev: 1,
        download_count: 0,
        created_at: at,
        updated_at: at,
        extracted_at: at,
        published_at: at,
      });
      await documentsRepo.saveDocumentText(db, id, extracted);
      await syncDocumentIndex(t.deps, id);
      ids.set(doc.key, id);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return ids;
}
