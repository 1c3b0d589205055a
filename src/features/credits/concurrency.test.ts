import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CreditsDeps, creditsDeps, insertTestDocument, insertTestUser } from '../../testing/credits.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-db.ts';
import { grantCredits } from './grants.ts';
import { ACCOUNTS } from './ledger.ts';
import { purchaseDocument } from './purchases.ts';
import * as repo from './repo.ts';
import { verifyLedger } from './verify.ts';

for (const dialect of DIALECTS) {
  describe(`ledger under concurrency (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: CreditsDeps;
    before(async () => {
      tdb = await createTestDatabase(dialect);
      deps = creditsDeps(tdb.database);
    });
    after(() => tdb.drop());

    test('200 parallel purchases with a balance that covers 50: exactly 50 succeed, the rest get 余额不足', async () => {
      const seller = await insertTestUser(tdb.database, '卖家');
      const buyer = await insertTestUser(tdb.database, '买家');
      const docs: number[] = [];
      for (let i = 0; i < 200; i++) docs.push(await insertTestDocument(tdb.database, seller, { price: 10 }));
      await grantCredits(deps, undefined, { userId: buyer, amount: 500, reason: '测试充值' });

      const results = await Promise.allSettled(
        docs.map((d) => purchaseDocument(deps, { id: buyer }, d, { acceptTerms: true })),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(ok.length, 50);
      assert.equal(failed.length, 150);
      for (const f of failed) {
        assert.equal(f.reason.code, 'insufficient_credits', String(f.reason));
        assert.equal(f.reason.status, 402);
      }
      assert.equal(await repo.balanceOf(tdb.database.db, ACCOUNTS.wallet(buyer)), 0);
      const purchases = await tdb.database.db
        .selectFrom('purchases')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('buyer_id', '=', buyer)
        .executeTakeFirstOrThrow();
      assert.equal(Number(purchases.n), 50);
      // 30 % platform share of 10 is 3; the uploader earns 7 per sale.
      assert.equal(await repo.balanceOf(tdb.database.db, ACCOUNTS.earnings(seller)), 50 * 7);
      assert.equal(await repo.balanceOf(tdb.database.db, ACCOUNTS.platform), 50 * 3);
      const report = await verifyLedger(deps);
      assert.ok(report.ok, JSON.stringify(report));
    });

    test('100 parallel purchases of the same document by the same buyer: one purchase, one charge', async () => {
      const seller = await insertTestUser(tdb.database, '卖家');
      const buyer = await insertTestUser(tdb.database, '买家');
      const doc = await insertTestDocument(tdb.database, seller, { price: 25 });
      await grantCredits(deps, undefined, { userId: buyer, amount: 1000, reason: '测试充值' });

      const results = await Promise.all(
        Array.from({ length: 100 }, () => purchaseDocument(deps, { id: buyer }, doc, { acceptTerms: true })),
      );
      assert.equal(new Set(results.map((r) => r.purchaseId)).size, 1);
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(await repo.balanceOf(tdb.database.db, ACCOUNTS.wallet(buyer)), 975);
      const report = await verifyLedger(deps);
      assert.ok(report.ok, JSON.stringify(report));
    });
  });
}
