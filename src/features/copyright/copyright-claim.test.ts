// 认领: a rights holder claims a paid document; once staff approve, the next sale's earnings go to the claimant
// while past ones stay with the uploader, and the ledger still verifies. The site: testing/copyright-site.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../../testing/client.ts';
import {
  type CopyrightSite,
  holderFields,
  openCopyrightSite,
  PNG,
  postMultipart,
} from '../../testing/copyright-site.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { grantCredits } from '../credits/grants.ts';
import { verifyLedger } from '../credits/verify.ts';

for (const dialect of DIALECTS) {
  describe(`copyright claims on ${dialect}`, () => {
    let s: CopyrightSite;
    before(async () => {
      s = await openCopyrightSite(dialect);
    });
    after(() => s.t.close());

    test('认领: an approved claim sends the next sale’s earnings to the claimant; past ones stay; ledger verifies', async () => {
      const { t, ids, docs, holder, uploader, moderator, buyer, other, db, docRow, notifications, staffPost, balance } =
        s;
      const docId = docs.claimed!;
      const share = (price: number) => Math.floor((price * t.deps.config.credits.platformSharePercent + 50) / 100);
      await grantCredits(t.deps, { id: ids.admin! }, { userId: ids.buyer!, amount: 100, reason: '测试发放' });
      await grantCredits(t.deps, { id: ids.admin! }, { userId: ids.other!, amount: 100, reason: '测试发放' });
      const buy = async (client: TestClient) => {
        const res = await client.postForm(
          `/d/${docId}/buy`,
          { acceptTerms: '1' },
          { csrf: await client.csrf(`/d/${docId}/buy`) },
        );
        assert.equal(res.statusCode, 303, res.body);
      };
      // A sale before the claim: the uploader earns.
      await buy(buyer);
      const uploaderBefore = await balance(`earnings:${ids.uploader}`);
      assert.equal(uploaderBefore, 20 - share(20));

      assert.equal((await uploader.get(`/copyright/claim?doc=${docId}`)).statusCode, 400, 'not one’s own document');
      const form = await holder.get(`/copyright/claim?doc=${docId}`);
      assert.equal(form.statusCode, 200);
      const noProof = await postMultipart(t, holder, '/copyright/claim', {
        ...holderFields('', { proofText: '' }),
        doc: String(docId),
      });
      assert.equal(noProof.statusCode, 422);
      assert.match(noProof.body, /没有权属证明/);
      const filed = await postMultipart(t, holder, '/copyright/claim', { ...holderFields(''), doc: String(docId) }, [
        { name: '登记证书.png', data: PNG },
      ]);
      assert.equal(filed.statusCode, 303, filed.body);
      const claimId = Number(/notices\/(\d+)\?notice=claimed/.exec(String(filed.headers.location))![1]);
      const pending = await postMultipart(t, holder, '/copyright/claim', { ...holderFields(''), doc: String(docId) });
      assert.equal(pending.statusCode, 409);
      assert.match(pending.body, /正在审核中/);
      assert.equal((await uploader.get(`/copyright/notices/${claimId}`)).statusCode, 404, 'not forwarded yet');

      const approve = await staffPost(moderator, `/admin/notices/${claimId}/approve`, { reason: '登记证书核实无误' });
      assert.equal(approve.statusCode, 303, approve.body);
      assert.equal((await staffPost(moderator, `/admin/notices/${claimId}/approve`)).statusCode, 422);
      assert.equal(
        (await staffPost(moderator, `/admin/notices/${claimId}/reject`, { reason: '晚了' })).statusCode,
        422,
      );
      assert.equal(Number((await docRow(docId)).earnings_user_id), ids.holder);
      assert.match(await notifications(holder), /你对《.*》的认领（第 \d+ 号）已通过/);
      assert.match(await notifications(uploader), /对你上传的《.*》的认领已通过（第 \d+ 号）.*备注：登记证书核实无误/);
      assert.equal((await uploader.get(`/copyright/notices/${claimId}`)).statusCode, 200);
      const again = await holder.get(`/copyright/claim?doc=${docId}`);
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /该文档已被认领/);

      // The next sale credits the claimant; the uploader keeps what they had; the ledger still verifies.
      await buy(other);
      assert.equal(await balance(`earnings:${ids.holder}`), 20 - share(20));
      assert.equal(await balance(`earnings:${ids.uploader}`), uploaderBefore);
      const sale = await db()
        .selectFrom('purchases')
        .select('seller_id')
        .where('buyer_id', '=', ids.other!)
        .where('document_id', '=', docId)
        .executeTakeFirstOrThrow();
      assert.equal(Number(sale.seller_id), ids.holder);
      const holderBuys = await holder.postForm(
        `/d/${docId}/buy`,
        { acceptTerms: '1' },
        {
          csrf: await holder.csrf(`/d/${docId}/buy`),
        },
      );
      assert.equal(holderBuys.statusCode, 422, 'the claimant does not buy from themselves (the buy page again)');
      const report = await verifyLedger(t.deps);
      assert.ok(report.ok, JSON.stringify(report));
      assert.ok(
        await db()
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'claim.approve')
          .where('target_id', '=', claimId)
          .executeTakeFirst(),
      );
    });
  });
}
