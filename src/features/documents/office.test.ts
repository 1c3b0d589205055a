// Office formats through the upload flow: published through LibreOffice when it is installed, refused with
// "此格式暂不支持" when it is not — while docx keeps working.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR, SEED_DOCX } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const DOC = join(CORPUS_DIR, 'legacy', 'odf__测试文本__测试文本1.doc');
const installed = existsSync(process.env.SOFFICE || '/usr/bin/soffice');

for (const dialect of DIALECTS) {
  describe(`office uploads without LibreOffice on ${dialect}`, () => {
    let t: TestApp;
    let owner: TestClient;
    before(async () => {
      t = await createTestApp(dialect, { env: { SOFFICE: '/nonexistent/soffice' } });
      owner = new TestClient(t.app);
      await owner.register('office@example.com');
    });
    after(() => t.close());

    test('a .doc is refused with a clear reason and nothing is stored; a .docx still publishes', async () => {
      const res = await owner.upload(DOC, { title: '旧格式文档', category: '1', price: '0' });
      assert.ok(res.statusCode === 415 || res.statusCode === 422, `${res.statusCode} ${res.body}`);
      assert.ok(res.body.includes('此格式暂不支持'), res.body);
      const docs = await t.deps.database.db.selectFrom('documents').select('id').execute();
      assert.equal(docs.length, 0);
      const ok = await owner.upload(SEED_DOCX, { title: '', category: '1', price: '0' });
      assert.equal(ok.statusCode, 201, ok.body);
      const { id } = ok.json() as { id: number };
      assert.deepEqual(await waitForStatus(owner, id), { status: 'published', reason: null });
    });
  });
}

describe('office uploads with LibreOffice', { skip: installed ? false : 'LibreOffice not installed' }, () => {
  let t: TestApp;
  let owner: TestClient;
  before(async () => {
    t = await createTestApp('sqlite');
    owner = new TestClient(t.app);
    await owner.register('office2@example.com');
  });
  after(() => t.close());

  test('a Chinese .doc is converted and published with its text on the page', async () => {
    const res = await owner.upload(DOC, { title: '旧格式文档', category: '1', price: '0' });
    assert.equal(res.statusCode, 201, res.body);
    const { id } = res.json() as { id: number };
    assert.deepEqual(await waitForStatus(owner, id, 180_000), { status: 'published', reason: null });
    const row = await t.deps.database.db
      .selectFrom('documents')
      .select(['format', 'char_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.format, 'doc');
    assert.ok((row.char_count ?? 0) > 20);
    const page = await new TestClient(t.app).get(`/d/${id}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('DOC'));
  });
});
