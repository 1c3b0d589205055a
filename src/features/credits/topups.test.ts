import assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../config.ts';
import { createAlipayProvider } from '../../payments/alipay-provider.ts';
import type { PaymentProvider } from '../../payments/payment-provider.ts';
import { TestClient } from '../../testing/client.ts';
import {
  alipaySignContent,
  type FakeAlipayGateway,
  generateRsaKeyPair,
  startFakeAlipayGateway,
} from '../../testing/fake-alipay-gateway.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { ACCOUNTS } from './ledger.ts';
import * as repo from './repo.ts';
import { handlePaymentNotify, startTopup } from './topups.ts';
import { verifyLedger } from './verify.ts';

for (const dialect of DIALECTS) {
  describe(`top-up through the Alipay SDK against the fake gateway (${dialect})`, () => {
    let gw: FakeAlipayGateway;
    let t: TestApp;
    let provider: PaymentProvider;
    let userId: number;
    const warnings: string[] = [];
    let deps: TestApp['deps'];

    before(async () => {
      gw = await startFakeAlipayGateway();
      t = await createTestApp(dialect, { env: gw.env(), worker: false });
      provider = t.deps.payments!;
      // Capture warnings to check that rejected notifies are logged.
      const sink = new Writable({
        write(chunk, _enc, cb) {
          warnings.push(String(chunk));
          cb();
        },
      });
      deps = { ...t.deps, log: pino({ level: 'warn' }, sink) };
      const c = new TestClient(t.app);
      await c.register('payer@example.com', '充值用户');
      userId = Number(
        (
          await t.deps.database.db
            .selectFrom('users')
            .select('id')
            .where('email', '=', 'payer@example.com')
            .executeTakeFirstOrThrow()
        ).id,
      );
    });
    after(async () => {
      await t?.close();
      await gw?.close();
    });

    const balance = () => repo.balanceOf(t.deps.database.db, ACCOUNTS.wallet(userId));
    const order = async (amount: number) => {
      const { outTradeNo, payUrl } = await startTopup(deps, { id: userId }, amount);
      // The gateway verifies the SDK's RSA2 request signature with the app public key and records the order.
      const res = await fetch(payUrl);
      assert.equal(res.status, 200, await res.text());
      return outTradeNo;
    };

    test('page pay is signed by the SDK and accepted by the gateway; a paid notify credits the wallet', async () => {
      const before = await balance();
      const no = await order(3000);
      assert.equal(gw.orders.get(no)?.totalAmount, '30.00');
      const r = await handlePaymentNotify(deps, provider, gw.buildNotify(no));
      assert.equal(r.outcome, 'credited');
      assert.equal(r.ack, 'success');
      assert.equal((await balance()) - before, 3000);
      const row = await t.deps.database.db
        .selectFrom('topup_orders')
        .selectAll()
        .where('out_trade_no', '=', no)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'paid');
    });

    test('parallel duplicate notifies (over HTTP, no CSRF token) credit once', async () => {
      const before = await balance();
      const no = await order(1000);
      const notify = gw.buildNotify(no);
      const results = await Promise.all(
        Array.from({ length: 30 }, () =>
          t.app.inject({
            method: 'POST',
            url: '/payments/alipay/notify',
            payload: new URLSearchParams(notify).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
        ),
      );
      for (const res of results) assert.equal(res.body, 'success');
      assert.equal((await balance()) - before, 1000);
      const outcomes = await t.deps.database.db
        .selectFrom('payment_notifications')
        .select('outcome')
        .where('out_trade_no', '=', no)
        .execute();
      assert.equal(outcomes.filter((o) => o.outcome === 'credited').length, 1);
      assert.equal(outcomes.filter((o) => o.outcome === 'duplicate').length, 29);
    });

    test('out-of-order notifies: WAIT_BUYER_PAY after payment changes nothing; paid after closed still credits', async () => {
      const before = await balance();
      const a = await order(500);
      await handlePaymentNotify(deps, provider, gw.buildNotify(a));
      const late = await handlePaymentNotify(deps, provider, gw.buildNotify(a, { trade_status: 'WAIT_BUYER_PAY' }));
      assert.equal(late.outcome, 'ignored');
      const b = await order(700);
      assert.equal(
        (await handlePaymentNotify(deps, provider, gw.buildNotify(b, { trade_status: 'TRADE_CLOSED' }))).outcome,
        'ignored',
      );
      const status = async (no: string) =>
        (
          await t.deps.database.db
            .selectFrom('topup_orders')
            .select('status')
            .where('out_trade_no', '=', no)
            .executeTakeFirstOrThrow()
        ).status;
      assert.equal(await status(a), 'paid');
      assert.equal(await status(b), 'closed');
      assert.equal((await handlePaymentNotify(deps, provider, gw.buildNotify(b))).outcome, 'credited');
      assert.equal(await status(b), 'paid');
      assert.equal((await balance()) - before, 1200);
    });

    test('tampered notifies (amount, signature, app id) are rejected, logged, and credit nothing', async () => {
      const before = await balance();
      const no = await order(2000);
      const cases: [string, Record<string, string>, string][] = [];
      // The amount edited after Alipay signed it: the signature no longer matches.
      cases.push(['amount edited', { ...gw.buildNotify(no), total_amount: '2000.00' }, 'bad_signature']);
      // A correctly signed notify whose amount differs from our order (e.g. a replay of another order's amount).
      cases.push(['amount mismatch', gw.buildNotify(no, { total_amount: '0.01' }), 'amount_mismatch']);
      // Signed by someone else's key.
      const forged = gw.buildNotify(no);
      const other = generateRsaKeyPair();
      forged.sign = createSign('RSA-SHA256')
        .update(alipaySignContent(forged, ['sign', 'sign_type']), 'utf8')
        .sign(other.privateKey, 'base64');
      cases.push(['foreign signature', forged, 'bad_signature']);
      cases.push(['no signature', { ...gw.buildNotify(no), sign: '' }, 'bad_signature']);
      // Validly signed, but for another merchant's app.
      cases.push(['app id', gw.buildNotify(no, { app_id: '2021999999999999' }), 'app_id_mismatch']);
      for (const [name, params, reason] of cases) {
        const r = await handlePaymentNotify(deps, provider, params);
        assert.equal(r.outcome, 'rejected', name);
        assert.equal(r.reason, reason, name);
        assert.equal(r.ack, 'fail', name);
      }
      // Over HTTP as well.
      const res = await t.app.inject({
        method: 'POST',
        url: '/payments/alipay/notify',
        payload: new URLSearchParams({ ...gw.buildNotify(no), total_amount: '9999.00' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(res.body, 'fail');
      assert.equal(await balance(), before);
      const rejected = await t.deps.database.db
        .selectFrom('payment_notifications')
        .select(['reason'])
        .where('out_trade_no', '=', no)
        .where('outcome', '=', 'rejected')
        .execute();
      assert.equal(rejected.length, cases.length + 1);
      assert.equal(warnings.filter((w) => w.includes('payment notify rejected')).length, cases.length);
      const row = await t.deps.database.db
        .selectFrom('topup_orders')
        .select('status')
        .where('out_trade_no', '=', no)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'pending');
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('the provider refuses notifies verified against the wrong Alipay public key', () => {
      const config = loadConfig({ ...gw.env(), ALIPAY_PUBLIC_KEY: generateRsaKeyPair().publicKey });
      const wrong = createAlipayProvider(config.alipay!);
      const check = wrong.verifyNotify(gw.buildNotify('WYX'));
      assert.equal(check.ok, false);
    });
  });
}
