// 账号设置 refused on each dialect (issue #13): the profile form and the avatar form (multipart, token as the first
// field) come back with 422, the sentence beside the field, and what was typed; the picture must be chosen again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`the settings forms keep their input (${dialect})`, () => {
    let t: TestApp;
    let alice: TestClient;

    before(async () => {
      t = await createTestApp(dialect);
      alice = new TestClient(t.app);
      await alice.register('alice@example.com', '爱丽丝');
    });
    after(() => t.close());

    test('a nickname against the rules: the sentence beside it, the nickname, bio and tick kept', async () => {
      const csrf = await alice.csrf('/settings/profile');
      const res = await alice.postForm(
        '/settings/profile',
        { displayName: '官方客服', bio: '县委办<文字>综合科', followsHidden: '1' },
        { csrf },
      );
      assertRefusedForm(res, {
        form: 'profile',
        field: 'displayName',
        error: /容易被误认为本站工作人员/,
        values: { displayName: '官方客服', bio: '县委办<文字>综合科', followsHidden: '1' },
      });
      // Nothing was saved, and the avatar form on the same page shows no error.
      const page = await alice.get('/settings/profile');
      assert.match(page.body, /value="爱丽丝"/);
      assert.doesNotMatch(page.body, /form__errors/);
      assert.doesNotMatch(res.body, /id="avatar-avatar"[^>]*aria-invalid/);
    });

    test('a bio over 200 characters: the sentence beside the bio, the bio typed kept', async () => {
      const csrf = await alice.csrf('/settings/profile');
      const bio = '长'.repeat(201);
      const res = await alice.postForm('/settings/profile', { displayName: '爱丽丝', bio }, { csrf });
      assertRefusedForm(res, {
        form: 'profile',
        field: 'bio',
        error: /200/,
        values: { displayName: '爱丽丝', bio, followsHidden: '' },
      });
    });

    test('an avatar that is not a picture: 422, the sentence beside the file field, "choose again"', async () => {
      const res = await alice.postMultipart(
        '/settings/avatar',
        {},
        {
          file: { field: 'avatar', name: 'me.png', data: Buffer.from('<!doctype html><p>不是图片</p>') },
          csrfPage: '/settings/profile',
          csrfInBody: true,
        },
      );
      const html = assertRefusedForm(res, { form: 'avatar', field: 'avatar', error: /不是图片/ });
      assert.match(html, /请重新选择/);
      const user = await t.deps.database.db
        .selectFrom('users')
        .select('avatar_key')
        .where('email', '=', 'alice@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(user.avatar_key, null);
    });
  });
}
