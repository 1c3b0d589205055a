// The document edit form refused on each dialect (issue #13): a bad title, price, category or preview value is the
// edit page again with 422 (403 for a price that needs 实名认证), the sentence beside its field and everything typed
// kept; the corrected submit goes through.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertTestDocument } from '../../testing/credits.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { userIdByEmail } from '../../testing/users.ts';

for (const dialect of DIALECTS) {
  describe(`the document edit form keeps its input (${dialect})`, () => {
    let t: TestApp;
    let owner: TestClient;
    let docId: number;
    let category: string;
    const typed = (over: Record<string, string> = {}) => ({
      title: '浙江省政府工作报告（节选）',
      description: '二〇二六年报告的前几段。',
      category,
      price: '0',
      previewMode: 'pages',
      previewValue: '2',
      ...over,
    });
    const save = async (fields: Record<string, string>) =>
      owner.postForm(`/d/${docId}/edit`, fields, { csrf: await owner.csrf(`/d/${docId}/edit`) });
    const row = () =>
      t.deps.database.db.selectFrom('documents').selectAll().where('id', '=', docId).executeTakeFirstOrThrow();

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      owner = new TestClient(t.app);
      await owner.register('owner@example.com', '上传者');
      docId = await insertTestDocument(t.deps.database, await userIdByEmail(t.deps, 'owner@example.com'), {
        price: 0,
      });
      category = String((await row()).category_id);
    });
    after(() => t.close());

    test('each refused field: the sentence beside it, everything typed kept, nothing saved', async () => {
      const before = await row();
      const cases: [Record<string, string>, string, RegExp][] = [
        [typed({ title: '甲' }), 'title', /标题需为 2–100 个字符/],
        [typed({ description: '简'.repeat(2001) }), 'description', /简介不能超过 2000 个字符/],
        [typed({ category: '9999' }), 'category', /请选择分类/],
        [typed({ price: '1.5' }), 'price', /价格需为/],
        [typed({ previewValue: '0' }), 'previewValue', /免费预览需为/],
        [typed({ previewMode: 'all' }), 'previewMode', /免费预览需为/],
        [typed({ description: '联系人13812345678' }), 'description', /身份证号、手机号或银行卡号/],
      ];
      for (const [fields, field, error] of cases) {
        // An unknown category or preview mode cannot be shown chosen: the rest is kept.
        const values: Record<string, string> = { ...fields };
        if (field === 'category' || field === 'previewMode') delete values[field];
        assertRefusedForm(await save(fields), { form: 'edit', field, error, values });
      }
      assert.deepEqual(await row(), before, 'nothing changed');
    });

    test('a price above 0 without 实名认证: 403, the sentence beside the price, then a free save goes through', async () => {
      const res = await save(typed({ price: '10' }));
      assertRefusedForm(res, {
        form: 'edit',
        status: 403,
        field: 'price',
        error: /实名认证/,
        values: { title: '浙江省政府工作报告（节选）', price: '10', previewValue: '2' },
      });
      const saved = await save(typed());
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal(saved.headers.location, `/d/${docId}/edit?notice=saved`);
      const now = await row();
      assert.equal(now.title, '浙江省政府工作报告（节选）');
      assert.equal(now.preview_mode, 'pages');
      assert.equal(Number(now.preview_value), 2);
      const page = await owner.get(`/d/${docId}/edit?notice=saved`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /aria-invalid/, 'a plain form after saving');
    });
  });
}
