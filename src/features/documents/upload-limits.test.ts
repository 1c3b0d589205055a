// Issue #9, defect 9 (uploads): the upload limit was per address, so one office behind a NAT shared it and an
// honest user was refused. Uploads are now limited per user (counted in the database), with a generous per-address
// burst limit on top; the 429 says when to try again. Also the price hint of defect 5 (the uploader sees the split).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const text = (n: number) => Buffer.from(`第${n}份材料\n关于做好第${n}项工作的通知，请各单位认真贯彻落实。\n`);

for (const dialect of DIALECTS) {
  describe(`uploads are limited per user, not per address (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, {
        worker: false,
        rateLimits: { uploadsPerHour: 2, uploadsPerAddressPerHour: 100 },
      });
    });
    after(() => t.close());

    test('the third upload in an hour is refused with when to retry; a colleague on the same address still uploads', async () => {
      const busy = new TestClient(t.app);
      await busy.register('busy@example.com', '勤快人');
      for (let i = 1; i <= 2; i++) {
        const res = await busy.upload(
          { name: `材料${i}.txt`, data: text(i) },
          { title: '', category: '1', price: '0' },
        );
        assert.equal(res.statusCode, 201, `upload ${i}`);
      }
      const refused = await busy.upload({ name: '材料3.txt', data: text(3) }, { title: '', category: '1', price: '0' });
      assert.equal(refused.statusCode, 429);
      assert.match(refused.body, /每小时最多上传 2 份文档，请在 (?:59 分钟|60 分钟|1 小时)后再试/);
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter > 3500 && retryAfter <= 3600, String(retryAfter));
      // Nothing was stored for the refused upload.
      const temp = await t.deps.blobs.sweepTemp(Date.now() + 1, { dryRun: true });
      assert.equal(temp.files, 0);

      const colleague = new TestClient(t.app);
      await colleague.register('colleague@example.com', '同事');
      const ok = await colleague.upload(
        { name: '同事的材料.txt', data: text(9) },
        { title: '', category: '1', price: '0' },
      );
      assert.equal(ok.statusCode, 201);
    });

    test('the upload form tells the uploader the platform share and what they get', async () => {
      const c = new TestClient(t.app);
      await c.register('pricer@example.com', '定价人');
      const page = await c.get('/upload');
      assert.match(page.body, /平台服务费为售价的 30%（四舍五入到 1 文币）/);
      assert.match(page.body, /定价 3 得 2，定价 5 得 3，定价 10 得 7/);
    });
  });
}
