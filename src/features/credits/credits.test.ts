import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerified } from '../../testing/verification.ts';
import { grantCredits } from './grants.ts';
import { ACCOUNTS } from './ledger.ts';
import * as repo from './repo.ts';
import { verifyLedger } from './verify.ts';

const FILE = readFileSync(SEED_TXT);

for (const dialect of DIALECTS) {
  describe(`buying, downloading, refunds, payouts and rewards over HTTP (${dialect})`, () => {
    let t: TestApp;
    let writer: TestClient;
    let buyer: TestClient;
    let admin: TestClient;
    let docId: number;
    const ids: Record<string, number> = {};
    let writerVerification: number;
    const idOf = async (email: string) =>
      Number(
        (await t.deps.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
          .id,
      );
    const balance = (code: string) => repo.balanceOf(t.deps.database.db, code);

    before(async () => {
      t = await createTestApp(dialect, { env: { DOWNLOAD_DAILY_CAP_USER: '8' } });
      writer = new TestClient(t.app);
      buyer = new TestClient(t.app);
      admin = new TestClient(t.app);
      await writer.register('writer@example.com', '基层小笔杆');
      await buyer.register('buyer@example.com', '买家读者');
      await admin.register('admin@example.com', '管理员');
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'admin@example.com')
        .execute();
      for (const e of ['writer', 'buyer', 'admin']) ids[e] = await idOf(`${e}@example.com`);
      // Selling needs real-name verification.
      writerVerification = (await markVerified(t.deps, ids.writer!)).id;
      const up = await writer.upload(
        { name: '关于加强基层治理的讲话.txt', data: FILE },
        { title: '', category: '1', price: '100' },
      );
      docId = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(writer, docId)).status, 'published');
    });
    after(() => t.close());

    test('the first original upload earns the first-upload reward (held); an identical file earns nothing', async () => {
      // The reward follows the publication (same job, just after it commits), held until the holding period ends.
      for (let i = 0; i < 100 && (await balance(ACCOUNTS.pending(ids.writer!))) === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(await balance(ACCOUNTS.pending(ids.writer!)), 100);
      assert.equal(await balance(ACCOUNTS.wallet(ids.writer!)), 0);
      const other = new TestClient(t.app);
      await other.register('copier@example.com', '搬运工');
      const up = await other.upload(
        { name: 'copy.txt', data: FILE },
        { title: '抄来的讲话稿', category: '1', price: '0' },
      );
      const copyId = (up.json() as { id: number }).id;
      // The pipeline holds duplicates for review (or publishes them): either way, no reward.
      for (let i = 0; i < 600; i++) {
        const d = await t.deps.database.db
          .selectFrom('documents')
          .select('status')
          .where('id', '=', copyId)
          .executeTakeFirstOrThrow();
        if (d.status !== 'uploaded' && d.status !== 'converting') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await balance(ACCOUNTS.wallet(await idOf('copier@example.com'))), 0);
    });

    test('a paid document offers purchase, not download, and the terms must be accepted', async () => {
      const page = await buyer.get(`/d/${docId}`);
      assert.match(page.body, new RegExp(`href="/d/${docId}/buy"`));
      assert.match(page.body, /付费下载（100 文币）/);
      // Download without buying leads to the confirmation.
      const dl = await buyer.get(`/d/${docId}/download`);
      assert.equal(dl.statusCode, 303);
      assert.equal(dl.headers.location, `/d/${docId}/buy`);
      const confirm = await buyer.get(`/d/${docId}/buy`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /当您付费下载文档后/);
      assert.match(confirm.body, /余额不足/);
      const csrf = await buyer.csrf(`/d/${docId}/buy`);
      const noTerms = await buyer.postForm(`/d/${docId}/buy`, {}, { csrf });
      assert.equal(noTerms.statusCode, 422);
      assert.match(noTerms.body, /请先阅读并同意下载须知/);
      const broke = await buyer.postForm(`/d/${docId}/buy`, { acceptTerms: '1' }, { csrf });
      assert.equal(broke.statusCode, 402);
      assert.match(broke.body, /余额不足/);
    });

    test('buy → entitlement → signed download of the original with RFC 5987 name and ranges; never twice', async () => {
      await grantCredits(t.deps, { id: ids.admin! }, { userId: ids.buyer!, amount: 250, reason: '测试发放' });
      const csrf = await buyer.csrf(`/d/${docId}/buy`);
      // The terms were accepted (and recorded) on the first attempt: the form no longer needs the box.
      assert.match((await buyer.get(`/d/${docId}/buy`)).body, /您已同意下载须知/);
      const bought = await buyer.postForm(`/d/${docId}/buy`, {}, { csrf });
      assert.equal(bought.statusCode, 303);
      assert.equal(bought.headers.location, `/d/${docId}?purchased=1`);
      assert.equal(await balance(ACCOUNTS.wallet(ids.buyer!)), 150);
      assert.equal(await balance(ACCOUNTS.earnings(ids.writer!)), 70);
      assert.equal(await balance(ACCOUNTS.platform), 30);
      const accepted = await t.deps.database.db
        .selectFrom('terms_acceptances')
        .selectAll()
        .where('user_id', '=', ids.buyer!)
        .execute();
      assert.equal(accepted.length, 1);
      assert.match(accepted[0]!.terms_version, /^terms-[0-9a-f]{12}$/);

      const after = await buyer.get(`/d/${docId}?purchased=1`);
      assert.match(after.body, /已购买 · 免费下载/);
      assert.match(after.body, /http-equiv="refresh"/);
      assert.doesNotMatch(after.body, new RegExp(`href="/d/${docId}/buy"`));

      const dl = await buyer.get(`/d/${docId}/download`);
      assert.equal(dl.statusCode, 303);
      const url = dl.headers.location as string;
      assert.match(url, /^\/dl\//);
      const file = await buyer.get(url);
      assert.equal(file.statusCode, 200);
      assert.ok(file.rawPayload.equals(FILE), 'byte-identical to the upload');
      const cd = file.headers['content-disposition'] as string;
      assert.match(cd, /^attachment; filename="[ -~]+"; filename\*=UTF-8''/);
      const title = decodeURIComponent(cd.split("UTF-8''")[1]!);
      assert.ok(title.endsWith('.txt'));
      assert.equal(file.headers['accept-ranges'], 'bytes');
      const part = await buyer.get(url, { range: 'bytes=3-12' });
      assert.equal(part.statusCode, 206);
      assert.equal(part.headers['content-range'], `bytes 3-12/${FILE.length}`);
      assert.ok(part.rawPayload.equals(FILE.subarray(3, 13)));
      const tail = await buyer.get(url, { range: `bytes=-5` });
      assert.ok(tail.rawPayload.equals(FILE.subarray(FILE.length - 5)));
      assert.equal((await buyer.get(url, { range: `bytes=${FILE.length + 10}-` })).statusCode, 416);
      // The URL is bound to the buyer: anyone else (or a forged one) gets 404.
      assert.equal((await writer.get(url)).statusCode, 404);
      assert.equal((await new TestClient(t.app).get(url)).statusCode, 404);
      assert.equal((await buyer.get(`${url.slice(0, -2)}xx`)).statusCode, 404);

      // Buying again is not offered and not possible: the confirmation redirects to the download, no charge.
      const again = await buyer.get(`/d/${docId}/buy`);
      assert.equal(again.headers.location, `/d/${docId}/download`);
      const post = await buyer.postForm(
        `/d/${docId}/buy`,
        { acceptTerms: '1' },
        { csrf, headers: { accept: 'application/json' } },
      );
      assert.equal((post.json() as { created: boolean }).created, false);
      assert.equal(await balance(ACCOUNTS.wallet(ids.buyer!)), 150);
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('the history shows the purchase with filters', async () => {
      const all = await buyer.get('/my/wallet');
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /购买文档/);
      assert.match(all.body, /平台赠送/);
      const purchases = await buyer.get('/my/wallet?kind=purchase');
      assert.match(purchases.body, /购买文档/);
      assert.doesNotMatch(purchases.body, /测试发放/);
      const earnings = await writer.get('/my/earnings');
      assert.match(earnings.body, /<svg class="bar-chart"/);
      assert.match(earnings.body, /id="earnings-balance">70</);
      assert.match(earnings.body, /action="\/my\/earnings\/payout"/, 'the verified writer may ask for a payout');
    });

    test('the buyer keeps the file after the uploader deletes it; others get 410; the reward is clawed back', async () => {
      const writerBefore = await balance(ACCOUNTS.wallet(ids.writer!));
      assert.equal(await balance(ACCOUNTS.pending(ids.writer!)), 100);
      const csrf = await writer.csrf(`/d/${docId}/delete`);
      assert.equal((await writer.postForm(`/d/${docId}/delete`, {}, { csrf })).statusCode, 303);
      // Still held: all of it comes back from pending; the wallet is untouched.
      assert.equal(await balance(ACCOUNTS.pending(ids.writer!)), 0);
      assert.equal(await balance(ACCOUNTS.wallet(ids.writer!)), writerBefore);
      const dl = await buyer.get(`/d/${docId}/download`);
      assert.equal(dl.statusCode, 303);
      const file = await buyer.get(dl.headers.location as string);
      assert.ok(file.rawPayload.equals(FILE));
      const stranger = new TestClient(t.app);
      await stranger.register('stranger@example.com', '路人甲');
      assert.equal((await stranger.get(`/d/${docId}/download`)).statusCode, 410);
      // Deleting again (or a retried job) never claws back twice.
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('payouts need real-name verification; admin approves and marks paid', async () => {
      // An admin revokes the writer's verification: payouts are refused until a new one is approved.
      const revoked = await admin.postForm(
        `/admin/verifications/${writerVerification}/revoke`,
        { reason: '证件信息需要复核' },
        { csrf: await admin.csrf('/admin/verifications?status=approved') },
      );
      assert.equal(revoked.statusCode, 303);
      const csrf = await writer.csrf('/my/earnings');
      const refused = await writer.postForm('/my/earnings/payout', { amount: '100' }, { csrf });
      assert.equal(refused.statusCode, 403);
      const unverified = await writer.get('/my/earnings');
      assert.match(unverified.body, /完成实名认证后才能申请提现/);
      assert.ok(unverified.body.includes('href="/account/verification"'));
      await markVerified(t.deps, ids.writer!);
      const tooMuch = await writer.postForm('/my/earnings/payout', { amount: '1000' }, { csrf });
      assert.equal(tooMuch.statusCode, 402);
      // Earnings are 70 < the 100 minimum: a second sale makes it possible.
      const fan = new TestClient(t.app);
      await fan.register('fan@example.com', '粉丝');
      const up = await writer.upload(
        { name: '第二篇.txt', data: Buffer.from('第二篇文档的正文内容，用于测试提现。'.repeat(20)) },
        { title: '第二篇材料', category: '1', price: '200' },
      );
      const doc2 = (up.json() as { id: number }).id;
      await waitForStatus(writer, doc2);
      await grantCredits(
        t.deps,
        { id: ids.admin! },
        { userId: await idOf('fan@example.com'), amount: 200, reason: '测试发放' },
      );
      const fcsrf = await fan.csrf(`/d/${doc2}/buy`);
      assert.equal((await fan.postForm(`/d/${doc2}/buy`, { acceptTerms: '1' }, { csrf: fcsrf })).statusCode, 303);
      assert.equal(await balance(ACCOUNTS.earnings(ids.writer!)), 70 + 140);
      const ok = await writer.postForm('/my/earnings/payout', { amount: '150' }, { csrf });
      assert.equal(ok.statusCode, 303);
      assert.equal(await balance(ACCOUNTS.earnings(ids.writer!)), 60);
      const payout = await t.deps.database.db.selectFrom('payouts').selectAll().executeTakeFirstOrThrow();
      const acsrf = await admin.csrf('/admin/finance');
      const page = await admin.get('/admin/finance');
      assert.match(page.body, /待处理提现/);
      assert.equal((await writer.get('/admin/finance')).statusCode, 403);
      // Marking paid before approval is refused: the finance console's form comes back with the reason (422).
      const early = await admin.postForm(`/admin/finance/payouts/${payout.id}`, { action: 'paid' }, { csrf: acsrf });
      assert.equal(early.statusCode, 422);
      assert.match(early.body, /role="alert"/);
      assert.equal(
        (await admin.postForm(`/admin/finance/payouts/${payout.id}`, { action: 'approve' }, { csrf: acsrf }))
          .statusCode,
        303,
      );
      assert.equal(
        (await admin.postForm(`/admin/finance/payouts/${payout.id}`, { action: 'paid' }, { csrf: acsrf })).statusCode,
        303,
      );
      assert.equal(await balance(ACCOUNTS.cashOut), 150);
      assert.equal(await balance(ACCOUNTS.payoutsPending), 0);
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('an admin refund credits the buyer, reverses earnings and share, and revokes the entitlement', async () => {
      const fanId = await idOf('fan@example.com');
      const p = await t.deps.database.db
        .selectFrom('purchases')
        .selectAll()
        .where('buyer_id', '=', fanId)
        .executeTakeFirstOrThrow();
      const acsrf = await admin.csrf('/admin/finance');
      const before = {
        fan: await balance(ACCOUNTS.wallet(fanId)),
        earnings: await balance(ACCOUNTS.earnings(ids.writer!)),
        platform: await balance(ACCOUNTS.platform),
      };
      // Earnings are 60 after the payout, less than the 140 to reverse: the refund is refused, nothing moves.
      const short = await admin.postForm(
        '/admin/finance/refund',
        { purchaseId: String(p.id), reason: '内容与预览不符' },
        { csrf: acsrf },
      );
      // The finance page again (422), the sentence in the refund form of that purchase.
      assert.equal(short.statusCode, 422);
      assert.match(short.body, /收益余额不足/);
      // Another sale to the same uploader covers it.
      const doc2 = Number(p.document_id);
      await grantCredits(t.deps, undefined, { userId: ids.buyer!, amount: 200, reason: '测试发放' });
      const bcsrf = await buyer.csrf(`/d/${doc2}/buy`);
      assert.equal((await buyer.postForm(`/d/${doc2}/buy`, { acceptTerms: '1' }, { csrf: bcsrf })).statusCode, 303);
      const ok = await admin.postForm(
        '/admin/finance/refund',
        { purchaseId: String(p.id), reason: '内容与预览不符' },
        { csrf: acsrf },
      );
      assert.equal(ok.statusCode, 303);
      assert.equal(await balance(ACCOUNTS.wallet(fanId)), before.fan + 200);
      assert.equal(await balance(ACCOUNTS.earnings(ids.writer!)), before.earnings + 140 - 140);
      assert.equal(await balance(ACCOUNTS.platform), before.platform + 60 - 60);
      const fan = new TestClient(t.app);
      await fan.postForm(
        '/login',
        { identifier: 'fan@example.com', password: 'correct horse 1' },
        { csrf: await fan.csrf('/login') },
      );
      const dl = await fan.get(`/d/${doc2}/download`);
      assert.equal(dl.headers.location, `/d/${doc2}/buy`);
      // Refunding twice does nothing.
      await admin.postForm('/admin/finance/refund', { purchaseId: String(p.id), reason: '重复' }, { csrf: acsrf });
      assert.equal(await balance(ACCOUNTS.wallet(fanId)), before.fan + 200);
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('daily sign-in credits once per day; grants are recorded with their reason', async () => {
      const csrf = await buyer.csrf('/my/wallet');
      const before = await balance(ACCOUNTS.wallet(ids.buyer!));
      const first = await buyer.postForm('/my/wallet/signin', {}, { csrf });
      assert.match(first.headers.location as string, /notice=signin/);
      const second = await buyer.postForm('/my/wallet/signin', {}, { csrf });
      assert.match(second.headers.location as string, /notice=signed/);
      assert.equal(await balance(ACCOUNTS.wallet(ids.buyer!)), before + 10);
      const acsrf = await admin.csrf('/admin/finance');
      const form = { userId: String(ids.buyer), amount: '5', reason: '活动补偿', requestKey: 'form-1' };
      await admin.postForm('/admin/finance/grant', form, { csrf: acsrf });
      await admin.postForm('/admin/finance/grant', form, { csrf: acsrf }); // resubmitted form: granted once
      assert.equal(await balance(ACCOUNTS.wallet(ids.buyer!)), before + 15);
      const grant = await t.deps.database.db
        .selectFrom('ledger_transactions')
        .selectAll()
        .where('idempotency_key', '=', 'grant:form-1')
        .executeTakeFirstOrThrow();
      assert.equal(grant.memo, '活动补偿');
      assert.equal(Number(grant.created_by), ids.admin);
    });

    test('the per-user daily download cap answers 429', async () => {
      let last = 0;
      for (let i = 0; i < 12; i++)
        last = (
          await writer.get(
            `/d/${(await t.deps.database.db.selectFrom('documents').select('id').where('owner_id', '=', ids.writer!).where('status', '=', 'published').executeTakeFirstOrThrow()).id}/download`,
          )
        ).statusCode;
      assert.equal(last, 429);
    });
  });
}
