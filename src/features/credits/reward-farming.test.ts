// Issue #9, defect 2: credits minted from junk uploads. The attack, replayed: a new account uploads a two-line file,
// spends the first-upload reward on other users' documents and deletes the junk; the same file uploaded five times.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR, SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerifiedByEmail } from '../../testing/verification.ts';
import { approveHeldDocument } from '../review/service.ts';
import { grantCredits } from './grants.ts';
import { ACCOUNTS } from './ledger.ts';
import { platformShare } from './purchases.ts';
import * as repo from './repo.ts';
import { releaseUploadReward, updateRewardSettings } from './rewards.ts';
import { verifyLedger } from './verify.ts';

const SEED = readFileSync(SEED_TXT);
const JUNK = Buffer.from('关于开展工作的通知\n请各单位遵照执行。\n');
const LAW = (name: string) => readFileSync(`${CORPUS_DIR}text-zh/laws/宪法/${name}`);

for (const dialect of DIALECTS) {
  describe(`the first-upload reward cannot be farmed (${dialect})`, () => {
    let t: TestApp;
    let seller: TestClient;
    let attacker: TestClient;
    let sellerDoc: number;
    const idOf = async (email: string) =>
      Number(
        (await t.deps.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
          .id,
      );
    const balance = (code: string) => repo.balanceOf(t.deps.database.db, code);
    /** Waits until no job is due or running (the reward is granted by the conversion job after it publishes). */
    const settle = async () => {
      for (let i = 0; i < 600; i++) {
        const busy = await t.deps.database.db
          .selectFrom('jobs')
          .select('id')
          .where((eb) =>
            eb.or([
              eb('status', '=', 'running'),
              eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', Date.now())]),
            ]),
          )
          .executeTakeFirst();
        if (!busy) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('jobs did not settle');
    };
    const upload = async (client: TestClient, name: string, data: Buffer, price = '0') => {
      const res = await client.upload(
        { name, data },
        { title: '', category: '1', price },
        { accept: 'application/json' },
      );
      return res;
    };
    const buy = async (client: TestClient, id: number) => {
      const csrf = await client.csrf(`/d/${id}/buy`);
      return client.postForm(`/d/${id}/buy`, { acceptTerms: '1' }, { csrf, headers: { accept: 'application/json' } });
    };

    before(async () => {
      t = await createTestApp(dialect);
      seller = new TestClient(t.app);
      attacker = new TestClient(t.app);
      await seller.register('seller@example.com', '卖家');
      await attacker.register('attacker@example.com', '刷分用户');
      await markVerifiedByEmail(t.deps, 'seller@example.com');
      const up = await upload(seller, '关于加强基层治理的讲话.txt', SEED, '5');
      sellerDoc = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(seller, sellerDoc)).status, 'published');
      await settle();
    });
    after(() => t.close());

    test('a two-line upload publishes but earns nothing; the attacker cannot buy with credits they do not have', async () => {
      const up = await upload(attacker, 'junk.txt', JUNK);
      assert.equal(up.statusCode, 201);
      const id = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(attacker, id)).status, 'published');
      await settle();
      const me = await idOf('attacker@example.com');
      assert.equal(await balance(ACCOUNTS.wallet(me)), 0);
      assert.equal(await balance(ACCOUNTS.pending(me)), 0);
      assert.equal((await buy(attacker, sellerDoc)).statusCode, 402);
    });

    test('the same file again from the same uploader is refused with 你已上传过该文档, four times over', async () => {
      for (let i = 0; i < 4; i++) {
        const again = await upload(attacker, `junk-${i}.txt`, JUNK);
        assert.equal(again.statusCode, 409);
        assert.match((again.json() as { error: { message: string } }).error.message, /你已上传过该文档/);
      }
      const owned = await t.deps.database.db
        .selectFrom('documents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_id', '=', await idOf('attacker@example.com'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(owned.n), 1);
      // The page form says it in words too.
      const page = await attacker.upload({ name: 'junk.txt', data: JUNK }, { title: '', category: '1', price: '0' });
      assert.equal(page.statusCode, 409);
      assert.match(page.body, /你已上传过该文档/);
    });

    test('a real document earns a held reward that cannot be spent; deleting it takes all of it back', async () => {
      const me = await idOf('attacker@example.com');
      const up = await upload(attacker, '宪法.md', LAW('宪法.md'));
      const id = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(attacker, id)).status, 'published');
      await settle();
      assert.equal(await balance(ACCOUNTS.pending(me)), 100);
      assert.equal(await balance(ACCOUNTS.wallet(me)), 0);
      // Visible on 我的钱包, with the date it becomes usable.
      const wallet = await attacker.get('/my/wallet');
      assert.match(wallet.body, /id="wallet-pending"[^>]*>待入账：100 文币/);
      // Not spendable: the purchase is refused and no seller earns anything from it.
      assert.equal((await buy(attacker, sellerDoc)).statusCode, 402);
      const sellerId = await idOf('seller@example.com');
      assert.equal(await balance(ACCOUNTS.earnings(sellerId)), 0);
      // The release is scheduled for the end of the holding period (7 days by default).
      const job = await t.deps.database.db
        .selectFrom('jobs')
        .select(['run_at', 'status'])
        .where('name', '=', 'credits.releaseReward')
        .where('dedupe_key', '=', `release-reward:${me}`)
        .executeTakeFirstOrThrow();
      assert.equal(job.status, 'queued');
      assert.ok(Number(job.run_at) > Date.now() + 6.9 * 86_400_000);

      const csrf = await attacker.csrf(`/d/${id}/delete`);
      assert.equal((await attacker.postForm(`/d/${id}/delete`, {}, { csrf })).statusCode, 303);
      assert.equal(await balance(ACCOUNTS.pending(me)), 0);
      assert.equal(await balance(ACCOUNTS.wallet(me)), 0);
      // The release job, when its time comes, finds nothing to release.
      assert.equal(await releaseUploadReward(t.deps, id), false);
      assert.equal(await balance(ACCOUNTS.wallet(me)), 0);
      // One reward per user, ever: a second original document earns nothing now.
      const second = await upload(attacker, '宪法修正案（1988年）.md', LAW('宪法修正案（1988年）.md'));
      assert.equal((await waitForStatus(attacker, (second.json() as { id: number }).id)).status, 'published');
      await settle();
      assert.equal(await balance(ACCOUNTS.pending(me)), 0);
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('a copy of someone else’s document, approved from review, earns nothing', async () => {
      const copier = new TestClient(t.app);
      await copier.register('copier@example.com', '搬运工');
      const me = await idOf('copier@example.com');
      // Different bytes (a line added), the same text: held for review as a near duplicate.
      const up = await upload(copier, '讲话稿.txt', Buffer.concat([Buffer.from('学习材料\n'), SEED]));
      const id = (up.json() as { id: number }).id;
      await settle();
      const doc = await t.deps.database.db
        .selectFrom('documents')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(doc.status, 'review');
      await approveHeldDocument(t.deps, { id: await idOf('seller@example.com'), role: 'admin' }, id);
      await settle();
      assert.equal(await balance(ACCOUNTS.pending(me)), 0);
      assert.equal(await balance(ACCOUNTS.wallet(me)), 0);
    });

    test('a near copy of the uploader’s own earlier document earns nothing', async () => {
      const writer = new TestClient(t.app);
      await writer.register('own@example.com', '自我复制');
      const me = await idOf('own@example.com');
      await updateRewardSettings(t.deps, { firstUpload: 0 });
      const first = await upload(writer, '宪法修正案（1993年）.md', LAW('宪法修正案（1993年）.md'));
      assert.equal((await waitForStatus(writer, (first.json() as { id: number }).id)).status, 'published');
      await settle();
      await updateRewardSettings(t.deps, { firstUpload: 100 });
      const variant = Buffer.concat([Buffer.from('（修订稿）\n'), LAW('宪法修正案（1993年）.md')]);
      const again = await upload(writer, '修订稿.md', variant);
      // The uploader's own versions publish (they are not copying anyone) …
      assert.equal((await waitForStatus(writer, (again.json() as { id: number }).id)).status, 'published');
      await settle();
      // … but earn no reward.
      assert.equal(await balance(ACCOUNTS.pending(me)), 0);
      assert.equal(await balance(ACCOUNTS.wallet(me)), 0);
    });

    test('an honest reward is released to the wallet after the holding period and then spends normally', async () => {
      const honest = new TestClient(t.app);
      await honest.register('honest@example.com', '老实人');
      const me = await idOf('honest@example.com');
      const up = await upload(honest, '宪法修正案（2018年）.md', LAW('宪法修正案（2018年）.md'));
      const id = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(honest, id)).status, 'published');
      await settle();
      assert.equal(await balance(ACCOUNTS.pending(me)), 100);
      // The job's time has come (it would run at run_at): release.
      assert.equal(await releaseUploadReward(t.deps, id), true);
      assert.equal(await releaseUploadReward(t.deps, id), false, 'released once');
      assert.equal(await balance(ACCOUNTS.pending(me)), 0);
      assert.equal(await balance(ACCOUNTS.wallet(me)), 100);
      assert.equal((await buy(honest, sellerDoc)).statusCode, 200);
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('the platform share is rounded half up: a 5-文币 sale gives the platform 2 and the seller 3', async () => {
      const sellerId = await idOf('seller@example.com');
      // The honest buyer above paid 5.
      assert.equal(await balance(ACCOUNTS.platform), 2);
      assert.equal(await balance(ACCOUNTS.earnings(sellerId)), 3);
      const buyer = new TestClient(t.app);
      await buyer.register('buyer3@example.com', '买家');
      await grantCredits(t.deps, undefined, { userId: await idOf('buyer3@example.com'), amount: 50, reason: '测试' });
      assert.equal((await buy(buyer, sellerDoc)).statusCode, 200);
      assert.equal(await balance(ACCOUNTS.platform), 2 * platformShare(5, 30));
      assert.ok((await verifyLedger(t.deps)).ok);
    });
  });
}
