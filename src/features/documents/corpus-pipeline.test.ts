// The Chinese corpus through the whole upload pipeline (sniff → blob store → queue → convert → dedup → publish), as
// `wenyuan import` runs it: every file ends published, rejected with a reason or held as a duplicate; counts per
// category and reason are printed. Each folder gets a fresh library, so a docx and its own PDF in the other folder
// do not count as duplicates of each other.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp } from '../../testing/test-app.ts';
import { registerUser } from '../accounts/service.ts';
import { importFiles } from './import.ts';

// Blank templates: their only text is the page number in the footer ("— 1 —"); nothing to publish.
const BLANK_TEMPLATES = new Set(['gongwenassistant__A4_2.docx', 'gongwenassistant__A5_3.docx']);

describe('Chinese corpus through the pipeline', () => {
  for (const folder of ['docx-zh', 'pdf-zh']) {
    test(`${folder}: every file is published (or held as a duplicate) with text`, async () => {
      const t = await createTestApp('sqlite', {
        // The text path only: page images are a later stage with its own tests.
        env: { JOB_CONCURRENCY: '2', UPLOAD_MAX_BYTES: '60MB', PAGE_IMAGES: 'false' },
      });
      try {
        const db = t.deps.database.db;
        const userId = await registerUser(t.deps, {
          identifier: `corpus-${folder}@example.com`,
          password: 'corpus-password-1',
          displayName: '语料导入',
          role: 'user',
        });
        const files = readdirSync(join(CORPUS_DIR, folder))
          .sort()
          .map((n) => join(CORPUS_DIR, folder, n));
        const started = Date.now();
        const results = await importFiles(
          t.deps,
          files,
          { userId: Number(userId), categoryId: 1, price: 0, concurrency: 3 },
          () => {},
        );
        const tally: Record<string, number> = {};
        for (const r of results) {
          const key = r.status === 'rejected' ? `rejected: ${r.reason}` : r.status;
          tally[key] = (tally[key] ?? 0) + 1;
        }
        console.log(`${folder}: ${results.length} files in ${Date.now() - started} ms`, JSON.stringify(tally));
        for (const r of results) {
          const name = r.file.slice(r.file.lastIndexOf('/') + 1);
          if (BLANK_TEMPLATES.has(name)) {
            assert.equal(r.status, 'rejected', name);
            continue;
          }
          assert.ok(r.status === 'published' || r.status === 'duplicate', `${name}: ${r.status} ${r.reason}`);
          // A copy of the uploader's own earlier file is refused with a link to it: that one holds the text.
          const own = r.status === 'duplicate' && r.code === 'upload.duplicateOwn';
          if (own) assert.ok(r.duplicateOf, `${name}: a duplicate names the document it repeats`);
          const d = await db
            .selectFrom('documents')
            .select('char_count')
            .where('id', '=', own ? r.duplicateOf! : r.id!)
            .executeTakeFirstOrThrow();
          assert.ok((d.char_count ?? 0) > 0, `${name} has text`);
        }
      } finally {
        await t.close();
      }
    });
  }
});
