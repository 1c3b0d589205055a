// The two misses of the whole-corpus run (issue 17, decision 0022) through the upload path exactly as `wenyuan
// import` runs it, LibreOffice and OCR (tesseract) on: the seating plan `gongwenassistant jczc.xls` publishes its own
// text (it was called unreadable for its "XX" placeholders and published only through OCR), and `poi 41139.xls`, a
// chart of letters in cells whose OCR reading is noise, is refused as unreadable (it was published with that noise).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { registerUser } from '../accounts/service.ts';
import { importFiles } from './import.ts';

const JCZC = join(CORPUS_DIR, 'legacy', 'gongwenassistant__jczc.xls');
const GRID = join(CORPUS_DIR, 'legacy', 'poi__spreadsheet__41139.xls');

for (const dialect of DIALECTS) {
  describe(`text-quality gate on LibreOffice sheets with OCR on ${dialect}`, () => {
    let t: TestApp;
    let userId: number;
    before(async () => {
      t = await createTestApp(dialect, {
        // Generous time limits: LibreOffice and tesseract on a shared CI machine (a timeout is not what is tested).
        env: {
          PAGE_IMAGES: 'false',
          OCR: 'tesseract',
          OCR_MAX_PAGES: '2',
          CONVERT_TIMEOUT_MS: '300000',
          OFFICE_TIMEOUT_MS: '300000',
        },
      });
      assert.ok(t.deps.ocr?.available, 'tesseract with chi_sim is installed (.ci/run installs it)');
      userId = Number(
        await registerUser(t.deps, {
          identifier: `quality-ocr-${dialect}@example.com`,
          password: 'quality-password-1',
          displayName: '质量',
          role: 'user',
        }),
      );
    });
    after(() => t.close());

    test('a seating plan publishes its own text; OCR noise off a chart of letters is refused as unreadable', async () => {
      const results = await importFiles(
        t.deps,
        [JCZC, GRID],
        { userId, categoryId: 1, price: 0, concurrency: 2 },
        () => {},
      );
      const row = (file: string) =>
        t.deps.database.db
          .selectFrom('documents')
          .leftJoin('document_texts', 'document_texts.document_id', 'documents.id')
          .select(['status', 'reject_code', 'text_quality', 'source_flags', 'document_texts.body'])
          .where('documents.id', '=', results.find((r) => r.file === file)!.id!)
          .executeTakeFirstOrThrow();

      const plan = await row(JCZC);
      assert.equal(plan.status, 'published', JSON.stringify(plan));
      // LibreOffice's text, not OCR's: no OCR mark, the whole plan (76 seats and more), not two pages read off images.
      assert.equal(plan.text_quality, null);
      assert.equal(plan.source_flags, null);
      assert.match(plan.body!, /参会人员名单/);
      assert.match(plan.body!, /领导76 XX厅XX处副处长/);

      const grid = await row(GRID);
      assert.equal(grid.status, 'rejected', JSON.stringify({ ...grid, body: grid.body?.slice(0, 200) }));
      assert.equal(grid.reject_code, 'convert.unreadable');
      assert.equal(grid.body, null);
    });
  });
}
