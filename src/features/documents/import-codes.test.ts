// `wenyuan import` (importFiles) on both dialects (issue #17): each result carries a machine-readable code beside the
// reason; an uploader's own exact duplicates — the same bytes, the same bytes after a stray trailing byte is dropped,
// the same text in another file — are reported as `duplicate` of the first; a .docm is stored without its macros.
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { zipEntryNames } from '../../convert/zip-open.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { registerUser } from '../accounts/service.ts';
import { importFiles } from './import.ts';

const DOCX = `${CORPUS_DIR}docx-zh/gfsgongwen__测试文案.docx`;
const DOCM = `${CORPUS_DIR}ooxml-other/poi__document__45690.docm`;

// The same zip with a 7-byte archive comment: other bytes, the same parts, the same text.
async function withComment(src: string, dest: string): Promise<void> {
  const zip = await readFile(src);
  const comment = Buffer.from('wenyuan');
  zip.writeUInt16LE(comment.length, zip.length - 2);
  await writeFile(dest, Buffer.concat([zip, comment]));
}

for (const dialect of DIALECTS) {
  describe(`wenyuan import codes and own duplicates on ${dialect}`, () => {
    let t: TestApp;
    let dir: string;
    before(async () => {
      t = await createTestApp(dialect, { env: { PAGE_IMAGES: 'false', JOB_CONCURRENCY: '1' } });
      dir = await mkdtemp(join(tmpdir(), 'wy-import-codes-'));
    });
    after(async () => {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    });

    test('one result line per file, each with a code; own exact duplicates are duplicates of the first', async () => {
      const userId = Number(
        await registerUser(t.deps, {
          identifier: `import-${dialect}@example.com`,
          password: 'import-password-1',
          displayName: '导入者',
          role: 'user',
        }),
      );
      const files = {
        first: join(dir, 'a-通知.docx'),
        sameBytes: join(dir, 'b-通知副本.docx'),
        strayByte: join(dir, 'c-通知.docx'),
        sameText: join(dir, 'd-通知另存.docx'),
        html: join(dir, 'e-网页.docx'),
        macro: join(dir, 'f-宏.docm'),
      };
      await copyFile(DOCX, files.first);
      await copyFile(DOCX, files.sameBytes);
      await copyFile(DOCX, files.strayByte);
      await appendFile(files.strayByte, Buffer.from([0]));
      await withComment(DOCX, files.sameText);
      await writeFile(files.html, '<!doctype html><html><body>网页</body></html>');
      await copyFile(DOCM, files.macro);
      const results = await importFiles(
        t.deps,
        Object.values(files),
        { userId, categoryId: 1, price: 0, concurrency: 1, pollMs: 20 },
        () => {},
      );
      const by = new Map(results.map((r) => [r.file, r]));
      const first = by.get(files.first)!;
      assert.equal(first.status, 'published', JSON.stringify(first));
      assert.equal(first.code, null);
      for (const f of [files.sameBytes, files.strayByte, files.sameText]) {
        const r = by.get(f)!;
        assert.equal(r.status, 'duplicate', JSON.stringify(r));
        assert.equal(r.code, 'upload.duplicateOwn');
        assert.equal(r.duplicateOf, first.id);
        assert.match(r.reason ?? '', /你已上传过该文档/);
      }
      const html = by.get(files.html)!;
      assert.equal(html.status, 'rejected');
      assert.equal(html.code, 'upload.extensionMismatch');
      assert.ok(html.reason && html.reason !== html.code);
      // Only the first of the four copies is published.
      const published = await t.deps.database.db
        .selectFrom('documents')
        .select(['id', 'original_name', 'blob_key', 'status'])
        .where('owner_id', '=', userId)
        .where('status', '=', 'published')
        .execute();
      const macro = by.get(files.macro)!;
      assert.equal(macro.status, 'published', JSON.stringify(macro));
      assert.deepEqual(published.map((d) => Number(d.id)).sort(), [first.id, macro.id].sort());
      // The .docm is stored and delivered as a .docx without its VBA project.
      const stored = published.find((d) => Number(d.id) === macro.id)!;
      assert.equal(stored.original_name, 'f-宏.docx');
      const names = await t.deps.blobs.withLocalFile(parseBlobKey(stored.blob_key), (p) => zipEntryNames(p));
      assert.ok(names.includes('word/document.xml'));
      assert.ok(!names.some((n) => /vba/i.test(n)), names.join(','));
    });
  });
}
