// The 收藏夹 forms refused on each dialect (issue #13): a name empty, too long, reserved or taken is 我的收藏 again
// with 422, the sentence beside the name in the form it came from and the name typed; the corrected name goes through.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { FAVORITE_LIMITS } from './service.ts';

for (const dialect of DIALECTS) {
  describe(`the folder forms keep their input (${dialect})`, () => {
    let t: TestApp;
    let reader: TestClient;

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      reader = new TestClient(t.app);
      await reader.register('reader@example.com', '读者');
    });
    after(() => t.close());

    test('a new folder: each refusal beside the name with the name kept, then created', async () => {
      const csrf = await reader.csrf('/favorites');
      const long = '一'.repeat(FAVORITE_LIMITS.nameChars + 1);
      const html = assertRefusedForm(await reader.postForm('/favorites/folders', { name: long }, { csrf }), {
        form: 'folder-new',
        field: 'name',
        error: new RegExp(`不能超过 ${FAVORITE_LIMITS.nameChars} 个字`),
        values: { name: long },
      });
      assert.doesNotMatch(html, /id="folder-rename"/, 'the default folder has no rename form');
      assertRefusedForm(await reader.postForm('/favorites/folders', { name: '默认收藏夹' }, { csrf }), {
        form: 'folder-new',
        field: 'name',
        error: /保留名称/,
        values: { name: '默认收藏夹' },
      });
      const created = await reader.postForm('/favorites/folders', { name: '公文范文' }, { csrf });
      assert.equal(created.statusCode, 303, created.body);
      assertRefusedForm(await reader.postForm('/favorites/folders', { name: '公文范文' }, { csrf }), {
        form: 'folder-new',
        field: 'name',
        error: /已有名为“公文范文”的收藏夹/,
        values: { name: '公文范文' },
      });
    });

    test('renaming to a taken name: the folder page again, the name typed kept in the rename form', async () => {
      const csrf = await reader.csrf('/favorites');
      const made = await reader.postForm('/favorites/folders', { name: '讲话稿' }, { csrf });
      const location = String(made.headers.location);
      const id = /folder=(\d+)/.exec(location)?.[1];
      assert.ok(id, location);
      const res = await reader.postForm(`/favorites/folders/${id}/rename`, { name: '公文范文' }, { csrf });
      const html = assertRefusedForm(res, {
        form: 'folder-rename',
        field: 'name',
        error: /已有名为“公文范文”的收藏夹/,
        values: { name: '公文范文' },
      });
      assert.match(html, /讲话稿/, 'the folder it was sent from');
      assert.doesNotMatch(html, /id="folder-new-name"[^>]*aria-invalid/, 'the new-folder form is untouched');
      const renamed = await reader.postForm(`/favorites/folders/${id}/rename`, { name: '讲话稿精选' }, { csrf });
      assert.equal(renamed.statusCode, 303, renamed.body);
      assert.equal(renamed.headers.location, `/favorites?folder=${id}&notice=renamed`);
    });
  });
}
