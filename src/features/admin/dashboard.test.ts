// Issue #10: the admin dashboard charts 30 days of activity as server-rendered SVG with human labels.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { getDashboard } from './dashboard.ts';

for (const dialect of DIALECTS) {
  describe(`admin dashboard (${dialect})`, () => {
    let t: TestApp;
    let admin: TestClient;
    before(async () => {
      t = await createTestApp(dialect);
      admin = new TestClient(t.app);
      await admin.register('admin@example.com', '管理员');
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'admin@example.com')
        .execute();
      const writer = new TestClient(t.app);
      await writer.register('writer@example.com', '作者');
      for (const n of [1, 2]) {
        const up = await writer.upload(
          { name: `材料${n}.txt`, data: Buffer.from(`关于第${n}项工作的通知\n请各单位认真贯彻落实，按时报送。\n`) },
          { title: '', category: '1', price: '0' },
          { accept: 'application/json' },
        );
        await waitForStatus(writer, (up.json() as { id: number }).id);
      }
    });
    after(() => t.close());

    test('today counts the uploads and publications; 30 days, oldest first, each a China date', async () => {
      const d = await getDashboard(t.deps);
      assert.equal(d.days.length, 30);
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      assert.equal(d.days.at(-1)!.day, today);
      assert.equal(d.days.at(-1)!.values.uploads, 2);
      assert.equal(d.days.at(-1)!.values.publications, 2);
      assert.equal(d.days.at(-1)!.values.conversions, 2);
      assert.equal(d.totals.uploads, 2);
      assert.equal(d.totals.purchases, 0);
      // A document published 40 days ago is outside the window.
      await t.deps.database.db
        .updateTable('documents')
        .set({ created_at: Date.now() - 40 * 86_400_000 })
        .where('title', '=', '材料1')
        .execute();
      assert.equal((await getDashboard(t.deps)).totals.uploads, 1);
    });

    test('the page draws one labelled SVG chart per series; only admins see it', async () => {
      const page = await admin.get('/admin/dashboard');
      assert.equal(page.statusCode, 200);
      assert.equal((page.body.match(/<svg class="bar-chart"[^>]*role="img"/g) ?? []).length, 7);
      for (const label of ['上传数', '发布数', '购买笔数', '成交额（文币）', '举报数', '转换完成数']) {
        assert.ok(page.body.includes(label), label);
      }
      assert.match(page.body, /id="total-publications">发布数：<strong>2<\/strong>/);
      const user = new TestClient(t.app);
      await user.register('someone@example.com', '路人');
      assert.equal((await user.get('/admin/dashboard')).statusCode, 403);
      assert.equal((await new TestClient(t.app).get('/admin/dashboard')).statusCode, 303);
    });
  });
}
