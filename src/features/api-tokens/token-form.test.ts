// The API 令牌 create form refused on each dialect (issue #13): 422, the sentence beside the field, the name, the
// scopes ticked and the expiry chosen kept, and no secret anywhere on the page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`the API token form keeps its input (${dialect})`, () => {
    let t: TestApp;
    let user: TestClient;

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      user = new TestClient(t.app);
      await user.register('tokens@example.com', '写脚本的人');
    });
    after(() => t.close());

    test('no scope ticked: the sentence beside the scopes, the name and expiry kept, nothing created', async () => {
      const csrf = await user.csrf('/settings/tokens');
      const res = await user.postForm('/settings/tokens', { name: '同步脚本<1>', expiry: '365' }, { csrf });
      assertRefusedForm(res, {
        form: 'token',
        field: 'read',
        error: /请至少选择一项权限/,
        values: { name: '同步脚本<1>', expiry: '365', read: '', upload: '' },
      });
      assert.doesNotMatch(res.body, /wy_[A-Za-z0-9_-]{43}/);
      const rows = await t.deps.database.db.selectFrom('api_tokens').select('id').execute();
      assert.equal(rows.length, 0);
    });

    test('a name over 40 characters: the sentence beside the name, the scopes ticked kept', async () => {
      const csrf = await user.csrf('/settings/tokens');
      const name = '名'.repeat(41);
      const res = await user.postForm('/settings/tokens', { name, upload: '1', expiry: '30' }, { csrf });
      assertRefusedForm(res, {
        form: 'token',
        field: 'name',
        error: /请填写令牌名称（1 至 40 个字）/,
        values: { name, read: '', upload: '1', expiry: '30' },
      });
    });
  });
}
