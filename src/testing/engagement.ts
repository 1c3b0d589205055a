// Fixtures for the favorites and ratings tests: published, indexed documents and readers who downloaded them,
// inserted directly (the upload pipeline and the download route are tested elsewhere).
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { syncDocumentIndex } from '../features/search/service.ts';
import { insertUser } from './users.ts';

/** Inserts a user who never logs in (no password hashing); returns the id. */
export function insertReader(deps: Pick<Deps, 'database'>, name = '读者'): Promise<number> {
  return insertUser(deps.database.db, { display_name: name });
}

/** Inserts a published document with its text and indexes it for search; returns the id. */
export async function insertIndexedDocument(
  deps: Pick<Deps, 'database' | 'search'>,
  ownerId: number,
  opts: { title: string; body: string; price?: number; publishedAt?: number },
): Promise<number> {
  const { db } = deps.database;
  const now = opts.publishedAt ?? Date.now();
  const cat = await db.selectFrom('categories').select('id').orderBy('id').executeTakeFirstOrThrow();
  const row = await db
    .insertInto('documents')
    .values({
      owner_id: ownerId,
      category_id: cat.id,
      title: opts.title,
      title_auto: 0,
      description: '',
      format: 'txt',
      original_name: 'a.txt',
      blob_key: `original/${randomBytes(32).toString('hex')}`,
      size_bytes: opts.body.length * 3,
      price: opts.price ?? 0,
      status: 'published',
      reject_code: null,
      reject_params: null,
      page_count: 1,
      char_count: opts.body.length,
      preview_mode: null,
      preview_value: null,
      download_count: 0,
      rev: 1,
      created_at: now,
      updated_at: now,
      extracted_at: now,
      published_at: now,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await db
    .insertInto('document_texts')
    .values({ document_id: id, body: opts.body, page_starts: '[0]', headings: '[]' })
    .execute();
  await syncDocumentIndex(deps, id);
  return id;
}

/** Records a download of the document by the user, as an authorised download does. */
export async function recordDownload(deps: Pick<Deps, 'database'>, userId: number, documentId: number) {
  await deps.database.db
    .insertInto('downloads')
    .values({ user_id: userId, document_id: documentId, ip: '127.0.0.1', created_at: Date.now() })
    .execute();
}
