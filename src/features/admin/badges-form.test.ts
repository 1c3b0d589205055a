// The 内容提供者 badge on the operator console is a form per user (badges-<id>) on the shared pattern: a value the
// checkbox never sends is the console again with 422, the sentence beside that user's checkbox, nothing changed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertTestUser } from '../../testing/credits.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`the badges form on the operator console (${dialect})`, () => {
    let t: TestApp;
    let admin: TestClient;
    let userId: number;
    const isProvider = async () =>
      (
        await t.deps.database.db
          .selectFrom('users')
          .select('is_provider')
          .where('id', '=', userId)
          .executeTakeFirstOrThrow()
      ).is_provider;

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      admin = new TestClient(t.app);
      await admin.register('badges-admin@example.com', '管理员');
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'badges-admin@example.com')
        .execute();
      userId = await insertTestUser(t.deps.database, '提供者候选');
    });
    after(() => t.close());

    test('each user row is its own form; a value the checkbox never sends is refused beside it', async () => {
      const page = await admin.get('/admin');
      assert.ok(page.body.includes(`id="badges-${userId}"`) && page.body.includes(`id="badges-${userId}-provider"`));
      const csrf = await admin.csrf('/admin');
      const res = await admin.postForm(`/admin/users/${userId}/badges`, { provider: 'yes' }, { csrf });
      assertRefusedForm(res, {
        form: `badges-${userId}`,
        field: 'provider',
        error: /“内容提供者”只能勾选或不勾选/,
        values: { provider: '' },
      });
      assert.equal(await isProvider(), 0, 'nothing changed');
      // The ordinary ticks still save, and the page ticks the box afterwards.
      const ok = await admin.postForm(`/admin/users/${userId}/badges`, { provider: '1' }, { csrf });
      assert.equal(ok.statusCode, 303);
      assert.equal(await isProvider(), 1);
      const after = await admin.get('/admin');
      assert.match(after.body, new RegExp(`id="badges-${userId}-provider"[^>]*checked`));
    });
  });
}
