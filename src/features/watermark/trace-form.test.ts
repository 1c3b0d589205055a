// 下载溯源's upload refused on each dialect (issue #13): the form posts to /admin/trace with its token as the first
// multipart field (none in the address), and a post without a file is the page again (422) with the sentence beside
// the file field, which asks for the file again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`the trace form (${dialect})`, () => {
    let t: TestApp;
    let admin: TestClient;

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      admin = new TestClient(t.app);
      await admin.register('trace-admin@example.com', '溯源管理员');
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'trace-admin@example.com')
        .execute();
    });
    after(() => t.close());

    test('no file: 422, the sentence beside the file field, no token in the action', async () => {
      const page = await admin.get('/admin/trace');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form[^>]*id="trace"[^>]*action="\/admin\/trace"/);
      assert.doesNotMatch(page.body, /_csrf=/);
      const res = await admin.postMultipart('/admin/trace', {}, { csrfPage: '/admin/trace', csrfInBody: true });
      const html = assertRefusedForm(res, { form: 'trace', field: 'file', error: /请选择/ });
      assert.match(html, /请重新选择/);
    });

    test('a PDF pdf.js cannot open: the page again with the reason in Chinese, read in a capped child', async () => {
      const res = await admin.postMultipart(
        '/admin/trace',
        {},
        {
          csrfPage: '/admin/trace',
          csrfInBody: true,
          file: { field: 'file', name: 'leak.pdf', data: Buffer.from('%PDF-1.7\nnot a document\n%%EOF\n') },
        },
      );
      assertRefusedForm(res, { form: 'trace', field: 'file', error: /无法读取此文件：文件已损坏或格式不正确/ });
    });
  });
}
