// The purchase and top-up forms refused on each dialect (issue #13): the terms not accepted is the confirmation again
// with 422 and the sentence beside the box; an amount not offered is 充值 again with the sentence beside the amounts;
// the corrected submit goes through.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertTestDocument } from '../../testing/credits.ts';
import { type FakeAlipayGateway, startFakeAlipayGateway } from '../../testing/fake-alipay-gateway.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { userIdByEmail } from '../../testing/users.ts';
import { grantCredits } from './grants.ts';
import { TOPUP_CHOICES } from './topups.ts';

for (const dialect of DIALECTS) {
  describe(`the purchase and top-up forms (${dialect})`, () => {
    let gw: FakeAlipayGateway;
    let t: TestApp;
    let buyer: TestClient;
    let docId: number;

    before(async () => {
      gw = await startFakeAlipayGateway();
      t = await createTestApp(dialect, { env: gw.env(), worker: false });
      const seller = new TestClient(t.app);
      await seller.register('seller@example.com', '作者');
      buyer = new TestClient(t.app);
      await buyer.register('buyer@example.com', '读者');
      docId = await insertTestDocument(t.deps.database, await userIdByEmail(t.deps, 'seller@example.com'), {
        price: 10,
      });
      const buyerId = await userIdByEmail(t.deps, 'buyer@example.com');
      await grantCredits(t.deps, undefined, { userId: buyerId, amount: 50, reason: '测试发放' });
    });
    after(async () => {
      await t?.close();
      await gw?.close();
    });

    test('buying without accepting the terms: 422 beside the box, then the purchase goes through', async () => {
      const csrf = await buyer.csrf(`/d/${docId}/buy`);
      const refused = await buyer.postForm(`/d/${docId}/buy`, {}, { csrf });
      const html = assertRefusedForm(refused, {
        form: 'buy',
        field: 'acceptTerms',
        error: /请先阅读并同意下载须知/,
        values: { acceptTerms: '' },
      });
      assert.match(html, /id="confirm-buy"/, 'the confirm button is still offered');
      const bought = await buyer.postForm(`/d/${docId}/buy`, { acceptTerms: '1' }, { csrf });
      assert.equal(bought.statusCode, 303, bought.body);
      assert.equal(bought.headers.location, `/d/${docId}?purchased=1`);
    });

    test('a top-up amount not offered: 422 beside the amounts, then a real choice goes to the gateway', async () => {
      const csrf = await buyer.csrf('/my/wallet/topup');
      const refused = await buyer.postForm('/my/wallet/topup', { amount: '1' }, { csrf });
      assertRefusedForm(refused, { form: 'topup', field: 'amount', error: /充值金额/ });
      const typed = await buyer.postForm('/my/wallet/topup', { amount: 'abc' }, { csrf });
      assertRefusedForm(typed, { form: 'topup', field: 'amount', error: /充值金额/ });
      const choice = String(TOPUP_CHOICES[1]);
      const sent = await buyer.postForm('/my/wallet/topup', { amount: choice }, { csrf });
      assert.equal(sent.statusCode, 303, sent.body);
      assert.match(String(sent.headers.location), /gateway\.do/);
    });
  });
}
