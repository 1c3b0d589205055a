// Bulk import (`wenyuan import`): files and folders through exactly the upload path (sniff, blob store, queue) and
// the conversion job, one result per file. Used by operators migrating a library, and by us for measuring.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { isMessageKey, t } from '../../i18n/t.ts';
import { acceptUpload, type UploadPart } from './upload.ts';

/** How one file ended. */
export interface ImportResult {
  file: string;
  status: 'published' | 'rejected' | 'duplicate';
  /** The machine-readable reason: a message key (`convert.corrupt`, `upload.encrypted`, `upload.duplicateOwn`,
   *  `duplicate.near`…) or `timeout`; null when published. */
  code: string | null;
  reason: string | null;
  id: number | null;
  /** For a duplicate: the earlier document it repeats. */
  duplicateOf?: number;
  ms: number;
}

/** Every regular file under the given paths (folders recursively, dot-files skipped), sorted. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string) => {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const name of (await readdir(p)).sort()) if (!name.startsWith('.')) await walk(join(p, name));
    } else if (s.isFile()) out.push(p);
  };
  for (const p of paths) await walk(p);
  return out;
}

async function* parts(path: string, fields: Record<string, string>): AsyncIterable<UploadPart> {
  for (const [name, value] of Object.entries(fields)) yield { type: 'field', name, value };
  yield { type: 'file', name: 'file', filename: basename(path), stream: createReadStream(path) };
}

function reasonOf(code: string | null, params: string | null): string | null {
  if (!code) return null;
  const p = params ? (JSON.parse(params) as Record<string, string | number>) : {};
  return isMessageKey(code) ? t(code, p) : code;
}

/**
 * Imports one file as `userId`: uploads it and waits (polling the database) until the conversion job — run by a
 * worker of this process or any other — has finished with it.
 */
export async function importFile(
  deps: Pick<Deps, 'database' | 'blobs' | 'config' | 'queue' | 'converter'> & Partial<Pick<Deps, 'ocr'>>,
  path: string,
  opts: { userId: number; categoryId: number; price: number; timeoutMs?: number; pollMs?: number },
): Promise<ImportResult> {
  const started = Date.now();
  const ms = () => Date.now() - started;
  // No title given, as on the upload form left blank: the pipeline names the document after the title it states
  // (title.ts), the file name only when that says more; the uploader can change it on /d/:id/edit.
  const title = '';
  let id: number;
  try {
    id = await acceptUpload(
      deps,
      opts.userId,
      parts(path, { title, category: String(opts.categoryId), price: String(opts.price), description: '' }),
    );
  } catch (err) {
    // The same bytes already imported for this user: a duplicate of that document, not a failure.
    if (err instanceof AppError && err.messageKey === 'upload.duplicateOwn') {
      const reason = t(err.messageKey, err.params);
      // No new document: `id` names the one this file already is.
      const existing = Number(err.params.id);
      return {
        file: path,
        status: 'duplicate',
        code: err.messageKey,
        reason,
        id: existing,
        ms: ms(),
        duplicateOf: existing,
      };
    }
    if (err instanceof AppError) {
      return {
        file: path,
        status: 'rejected',
        code: err.messageKey,
        reason: t(err.messageKey, err.params),
        id: null,
        ms: ms(),
      };
    }
    throw err;
  }
  const until = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const d = await deps.database.db
      .selectFrom('documents')
      .select(['status', 'reject_code', 'reject_params', 'dup_of'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (d.status === 'published') return { file: path, status: 'published', code: null, reason: null, id, ms: ms() };
    if (d.status === 'review' || d.status === 'rejected') {
      // Held as a near duplicate of someone else's document, or refused as an exact one of the uploader's own.
      const dup = d.status === 'review' || d.reject_code === 'upload.duplicateOwn';
      return {
        file: path,
        status: dup ? 'duplicate' : 'rejected',
        code: d.reject_code,
        reason: reasonOf(d.reject_code, d.reject_params),
        id,
        ms: ms(),
        ...(dup && d.dup_of ? { duplicateOf: Number(d.dup_of) } : {}),
      };
    }
    if (Date.now() > until) return { file: path, status: 'rejected', code: 'timeout', reason: 'timeout', id, ms: ms() };
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 25));
  }
}

/** Imports many files, `concurrency` at a time, reporting each as it ends. */
export async function importFiles(
  deps: Pick<Deps, 'database' | 'blobs' | 'config' | 'queue' | 'converter'> & Partial<Pick<Deps, 'ocr'>>,
  files: readonly string[],
  opts: { userId: number; categoryId: number; price: number; concurrency: number; pollMs?: number },
  onResult: (r: ImportResult) => void,
): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
      while (next < files.length) {
        const r = await importFile(deps, files[next++]!, opts);
        results.push(r);
        onResult(r);
      }
    }),
  );
  return results;
}
