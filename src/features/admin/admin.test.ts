import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { SEED_DOCX } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerifiedByEmail } from '../../testing/verification.ts';

for (const dialect of DIALECTS) {
  describe(`operator console and cached pages on ${dialect}`, () => {
    let t: TestApp;
    let admin: TestClient;
    let writer: TestClient;
    let docId: number;
    let writerId: number;
    before(async () => {
      t = await createTestApp(dialect);
      admin = new TestClient(t.app);
      await admin.register('admin@example.com', '管理员');
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'admin@example.com')
        .execute();
      writer = new TestClient(t.app);
      await writer.register('writer@example.com', '基层小笔杆');
      // Selling needs real-name verification, granted only by an approved submission.
      await markVerifiedByEmail(t.deps, 'writer@example.com');
      const up = await writer.upload(SEED_DOCX, { title: '', category: '1', price: '100' });
      docId = (up.json() as { id: number }).id;
      await waitForStatus(writer, docId);
      writerId = (
        await t.deps.database.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'writer@example.com')
          .executeTakeFirstOrThrow()
      ).id;
    });
    after(() => t.close());

    test('only admins reach /admin', async () => {
      const visitor = await new TestClient(t.app).get('/admin');
      assert.equal(visitor.statusCode, 303);
      assert.equal(visitor.headers.location, '/login?next=%2Fadmin');
      assert.equal((await writer.get('/admin')).statusCode, 403);
      assert.equal(
        (await writer.postForm('/admin/settings', { previewValue: '9' }, { csrf: await writer.csrf('/upload') }))
          .statusCode,
        403,
      );
      assert.equal((await admin.get('/admin')).statusCode, 200);
    });

    test('a badge changed by an admin shows at once on the cached anonymous page; 实名认证 is no checkbox', async () => {
      const anon = new TestClient(t.app);
      const first = await anon.get(`/d/${docId}`);
      assert.ok(first.body.includes('badge--provider'), 'publishing made the writer a provider');
      assert.ok(first.body.includes('badge--verified'), 'the approved verification shows');
      const etag = first.headers.etag as string;
      assert.equal((await anon.get(`/d/${docId}`, { 'if-none-match': etag })).statusCode, 304);

      const consolePage = await admin.get('/admin');
      assert.ok(!consolePage.body.includes('name="verified"'), 'no 实名认证 checkbox on the console');
      // The form without `provider` clears that badge; a `verified` field is ignored either way.
      const res = await admin.postForm(
        `/admin/users/${writerId}/badges`,
        { verified: '0' },
        { csrf: await admin.csrf('/admin') },
      );
      assert.equal(res.statusCode, 303);
      const after = await anon.get(`/d/${docId}`, { 'if-none-match': etag });
      assert.equal(after.statusCode, 200, 'the old ETag no longer matches');
      assert.ok(!after.body.includes('badge--provider'));
      assert.ok(after.body.includes('badge--verified'), 'only a revocation clears 实名认证');

      const reader = new TestClient(t.app);
      await reader.register('unverified@example.com', '未认证用户');
      const readerId = (
        await t.deps.database.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'unverified@example.com')
          .executeTakeFirstOrThrow()
      ).id;
      await admin.postForm(
        `/admin/users/${readerId}/badges`,
        { verified: '1', provider: '1' },
        { csrf: await admin.csrf('/admin') },
      );
      const row = await t.deps.database.db
        .selectFrom('users')
        .select(['real_name_verified', 'is_provider'])
        .where('id', '=', readerId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { real_name_verified: 0, is_provider: 1 }, 'no form field sets 实名认证');
    });

    test('following changes the count on the cached page; following oneself is refused', async () => {
      const reader = new TestClient(t.app);
      await reader.register('reader@example.com', '读者');
      const csrf = await reader.csrf('/upload');
      assert.equal((await reader.postForm(`/u/${writerId}/follow`, { next: `/d/${docId}` }, { csrf })).statusCode, 303);
      assert.equal((await reader.postForm(`/u/${writerId}/follow`, {}, { csrf })).statusCode, 303, 'idempotent');
      assert.ok((await new TestClient(t.app).get(`/d/${docId}`)).body.includes('1 人关注'));
      assert.ok((await reader.get(`/d/${docId}`)).body.includes('已关注'));
      await reader.postForm(`/u/${writerId}/unfollow`, {}, { csrf });
      assert.ok((await new TestClient(t.app).get(`/d/${docId}`)).body.includes('0 人关注'));
      const self = await writer.postForm(`/u/${writerId}/follow`, {}, { csrf: await writer.csrf('/upload') });
      assert.equal(self.statusCode, 400);
    });

    test('categories are operator-editable and the navigation follows', async () => {
      const csrf = await admin.csrf('/admin');
      assert.equal(
        (
          await admin.postForm(
            '/admin/categories',
            { slug: 'speech-draft', name: '发言材料', sortOrder: '5' },
            { csrf },
          )
        ).statusCode,
        303,
      );
      const home = await new TestClient(t.app).get('/');
      assert.ok(home.body.includes('href="/c/speech-draft"'));
      assert.equal((await new TestClient(t.app).get('/c/speech-draft')).statusCode, 200);
      const dup = await admin.postForm(
        '/admin/categories',
        { slug: 'speech-draft', name: '重复' },
        { csrf, headers: { accept: 'application/json' } },
      );
      assert.equal(dup.statusCode, 409);
      await admin.postForm('/admin/categories/1', { name: '领导讲话', sortOrder: '0' }, { csrf });
      const page = await new TestClient(t.app).get(`/d/${docId}`);
      assert.ok(page.body.includes('领导讲话'), 'the renamed category shows on the cached page');
    });

    test('customer service text is operator-configurable', async () => {
      await admin.postForm(
        '/admin/settings',
        { serviceText: '请扫码联系客服小文', serviceWechat: 'wenyuan-kefu' },
        { csrf: await admin.csrf('/admin') },
      );
      const page = await new TestClient(t.app).get(`/d/${docId}`);
      assert.ok(page.body.includes('请扫码联系客服小文'));
      assert.ok(page.body.includes('wenyuan-kefu'));
    });
  });
}
