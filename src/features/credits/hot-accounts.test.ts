// Hot accounts (decision 0017): sales credit the uploader's earnings and platform revenue through unsettled rows
// that a settle step folds into the balances. These tests hold that to exactness: under concurrent purchases,
// settlers, payouts and refunds every balance is exact, never negative, and `ledger verify` agrees.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { TestClient } from '../../testing/client.ts';
import { type CreditsDeps, creditsDeps, insertTestDocument, insertTestUser } from '../../testing/credits.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-db.ts';
import { startSession } from '../accounts/service.ts';
import { grantCredits } from './grants.ts';
import { ACCOUNTS } from './ledger.ts';
import { ledgerTotalsGauge } from './ledger-metrics.ts';
import { MIN_PAYOUT, requestPayout } from './payouts.ts';
import { purchaseDocument } from './purchases.ts';
import { refundPurchase } from './refunds.ts';
import * as repo from './repo.ts';
import { settlePending, startSettling } from './settle.ts';
import { verifyLedger } from './verify.ts';
import { getEarnings } from './wallet.ts';

const PRICE = 10;
const NET = 7; // 30 % of 10 is 3 for the platform (decision 0009)

for (const dialect of DIALECTS) {
  describe(`hot accounts: deferred credits stay exact (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: CreditsDeps;
    const db = () => tdb.database.db;
    const balance = (code: string) => repo.balanceOf(db(), code);
    /** The stored column alone, without unsettled credits. */
    const stored = async (code: string) =>
      Number(
        (await db().selectFrom('ledger_accounts').select('balance').where('code', '=', code).executeTakeFirst())
          ?.balance ?? 0,
      );
    const unsettledRows = async () =>
      Number(
        (
          await db()
            .selectFrom('ledger_unsettled')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const assertVerified = async () => {
      const report = await verifyLedger(deps);
      assert.ok(report.ok, JSON.stringify(report));
      return report;
    };
    /** A seller with `docs` documents and `buyers` buyers funded for all of them. */
    const market = async (docs: number, buyers: number, opts: { price?: number; verified?: boolean } = {}) => {
      const price = opts.price ?? PRICE;
      const seller = await insertTestUser(tdb.database, '卖家', { verified: opts.verified });
      // Payouts also need a verified email or phone.
      await db().updateTable('users').set({ contact_verified_at: Date.now() }).where('id', '=', seller).execute();
      const docIds: number[] = [];
      for (let i = 0; i < docs; i++) docIds.push(await insertTestDocument(tdb.database, seller, { price }));
      const buyerIds: number[] = [];
      for (let i = 0; i < buyers; i++) {
        const id = await insertTestUser(tdb.database, `买家${i}`);
        await grantCredits(deps, undefined, { userId: id, amount: price * docs, reason: '测试充值' });
        buyerIds.push(id);
      }
      return { seller, docIds, buyerIds };
    };

    before(async () => {
      tdb = await createTestDatabase(dialect);
      deps = creditsDeps(tdb.database);
    });
    after(() => tdb.drop());

    test('many buyers of one seller at once, with three settlers running: every balance exact, then all settled', async () => {
      const platformBefore = await balance(ACCOUNTS.platform);
      const { seller, docIds, buyerIds } = await market(10, 30);
      let buying = true;
      // Three settle loops, as three worker processes would run them, racing the purchases and each other.
      const settlers = Array.from({ length: 3 }, async () => {
        let passes = 0;
        while (buying || passes === 0) {
          await settlePending(deps);
          passes++;
          await new Promise((r) => setTimeout(r, 5));
        }
      });
      await Promise.all(
        buyerIds.map(async (b) => {
          for (const d of docIds) await purchaseDocument(deps, { id: b }, d, { acceptTerms: true });
        }),
      );
      buying = false;
      await Promise.all(settlers);
      const sales = docIds.length * buyerIds.length;
      for (const b of buyerIds) assert.equal(await balance(ACCOUNTS.wallet(b)), 0);
      assert.equal(await balance(ACCOUNTS.earnings(seller)), sales * NET);
      assert.equal(await balance(ACCOUNTS.platform), platformBefore + sales * (PRICE - NET));
      await assertVerified();

      // What is left unsettled is settled once; the stored columns then hold everything.
      await settlePending(deps);
      assert.equal(await unsettledRows(), 0);
      assert.equal(await stored(ACCOUNTS.earnings(seller)), sales * NET);
      assert.equal(await stored(ACCOUNTS.platform), platformBefore + sales * (PRICE - NET));
      const report = await assertVerified();
      assert.deepEqual(report.unsettled, { rows: 0, amount: 0 });
    });

    test('a payout settles first: unsettled earnings can be paid out to the fen, and not one fen more', async () => {
      const { seller, docIds, buyerIds } = await market(3, 10, { price: 100, verified: true });
      for (const d of docIds) await purchaseDocument(deps, { id: buyerIds[0]! }, d, { acceptTerms: true });
      assert.equal(await stored(ACCOUNTS.earnings(seller)), 0, 'nothing settled yet');
      assert.equal(await balance(ACCOUNTS.earnings(seller)), 210);
      await assert.rejects(requestPayout(deps, { id: seller }, 211), (e: { status?: number }) => e.status === 402);
      await requestPayout(deps, { id: seller }, 210);
      assert.equal(await balance(ACCOUNTS.earnings(seller)), 0);
      assert.equal(await stored(ACCOUNTS.earnings(seller)), 0);
      await assertVerified();
    });

    test('payouts and refunds racing purchases and settlers: nothing lost, nothing negative', async () => {
      const { seller, docIds, buyerIds } = await market(8, 20, { price: 100, verified: true });
      const net = 70;
      const purchases: number[] = [];
      const refunded: number[] = [];
      const paidOut: number[] = [];
      const admin = await insertTestUser(tdb.database, '管理员');
      // Side operations start from inside the buying loops (not from timers, which a SQLite run — all microtasks —
      // would starve) and run beside the purchases that follow: a payout every 7th purchase, a refund of every 5th,
      // a settle pass every 3rd.
      const side: Promise<unknown>[] = [];
      const payout = async () => {
        try {
          await requestPayout(deps, { id: seller }, 150);
          paidOut.push(150);
        } catch (err) {
          assert.equal((err as { status?: number }).status, 402, String(err));
        }
      };
      const refund = async (purchaseId: number) => {
        try {
          if ((await refundPurchase(deps, { id: admin }, purchaseId, '测试退款')).refunded) refunded.push(purchaseId);
        } catch (err) {
          // Earnings already paid out: refused, never overdrawn.
          assert.equal((err as { status?: number }).status, 409, String(err));
        }
      };
      await Promise.all(
        buyerIds.map(async (b, i) => {
          for (const [j, d] of docIds.entries()) {
            const { purchaseId } = await purchaseDocument(deps, { id: b }, d, { acceptTerms: true });
            purchases.push(purchaseId);
            const n = i * docIds.length + j;
            if (n % 7 === 0) side.push(payout());
            if (n % 5 === 0) side.push(refund(purchaseId));
            if (n % 3 === 0) side.push(settlePending(deps));
          }
        }),
      );
      await Promise.all(side);

      assert.ok(paidOut.length > 0 && refunded.length > 0, `${paidOut.length} payouts, ${refunded.length} refunds`);
      const active = purchases.length - refunded.length;
      const earnings = await balance(ACCOUNTS.earnings(seller));
      assert.equal(earnings, active * net - paidOut.reduce((s, a) => s + a, 0));
      assert.ok(earnings >= 0 && (await stored(ACCOUNTS.earnings(seller))) >= 0);
      await assertVerified();
      // The rest, exactly, and then nothing more.
      if (earnings >= MIN_PAYOUT) await requestPayout(deps, { id: seller }, earnings);
      await assert.rejects(
        requestPayout(deps, { id: seller }, MIN_PAYOUT),
        (e: { status?: number }) => e.status === 402,
      );
      await assertVerified();
    });

    // Only PostgreSQL lets a purchase and a takedown interleave within one process (SQLite has one connection here).
    if (dialect === 'postgres') {
      test('a takedown committing while the purchase waits on the document row refuses it and charges nothing', async () => {
        const { docIds, buyerIds } = await market(1, 1);
        const doc = docIds[0]!;
        const buyer = buyerIds[0]!;
        let release = () => {};
        let locked = () => {};
        const isLocked = new Promise<void>((r) => {
          locked = r;
        });
        // A takedown in flight: its uncommitted update holds the document row.
        const takedown = db()
          .transaction()
          .execute(async (trx) => {
            await trx.updateTable('documents').set({ status: 'taken_down' }).where('id', '=', doc).execute();
            locked();
            await new Promise<void>((r) => {
              release = r;
            });
          });
        await isLocked;
        const purchase = purchaseDocument(deps, { id: buyer }, doc, { acceptTerms: true });
        const settled = purchase.then(
          () => undefined,
          (err: unknown) => err,
        );
        // The purchase got past its checks (the update is not visible yet) and now waits on the row lock.
        for (let waited = 0; ; waited += 20) {
          const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(db());
          if (Number(waiting.rows[0]?.n) > 0) break;
          assert.ok(waited < 5000, 'the purchase reaches the document row lock');
          await new Promise((r) => setTimeout(r, 20));
        }
        release();
        await takedown;
        const err = (await settled) as { status?: number; messageKey?: string } | undefined;
        assert.equal(err?.status, 410);
        assert.equal(err?.messageKey, 'takedown.noPurchase');
        assert.equal(await balance(ACCOUNTS.wallet(buyer)), PRICE, 'nothing charged');
        assert.equal(await repo.findPurchase(db(), buyer, doc), undefined);
        assert.equal(
          await repo.findTransactionByKey(db(), `purchase:${buyer}:${doc}`),
          undefined,
          'the key is not spent',
        );
        await assertVerified();
      });
    }

    test('ledger verify counts unsettled credits, and catches one that matches no entry', async () => {
      await settlePending(deps);
      const platform = await repo.ensureAccount(db(), ACCOUNTS.platform, 'platform', null, false);
      const stray = await db()
        .insertInto('ledger_unsettled')
        .values({ account_id: platform.id, transaction_id: 1, amount: 5, created_at: Date.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const report = await verifyLedger(deps);
      assert.equal(report.ok, false);
      assert.equal(report.unsettledWithoutEntry, 1);
      assert.deepEqual(
        report.mismatched.map((m) => m.code),
        [ACCOUNTS.platform],
      );
      assert.equal(report.total, 5);
      await db().deleteFrom('ledger_unsettled').where('id', '=', stray.id).execute();
      await assertVerified();
    });
  });

  describe(`hot accounts: 我的收益, 我的钱包 and the admin finance page show settled plus unsettled (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
    });
    after(() => t.close());

    test('sales show at once on every page, and the settle loop drains them without changing a number', async () => {
      const { database } = t.deps;
      const seller = await insertTestUser(database, '卖家');
      const buyer = await insertTestUser(database, '买家');
      const admin = await insertTestUser(database, '管理员');
      await database.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin).execute();
      await grantCredits(t.deps, undefined, { userId: buyer, amount: 100, reason: '测试充值' });
      for (let i = 0; i < 3; i++) {
        const doc = await insertTestDocument(database, seller, { price: 20 });
        await purchaseDocument(t.deps, { id: buyer }, doc, { acceptTerms: true });
      }
      const client = async (userId: number) => {
        const c = new TestClient(t.app);
        c.cookies.set('wy_sid', (await startSession(t.deps, userId, { ip: '127.0.0.1', userAgent: 'test' })).token);
        return c;
      };
      const [sellerClient, buyerClient, adminClient] = await Promise.all([
        client(seller),
        client(buyer),
        client(admin),
      ]);
      const pages = async () => {
        const earnings = await sellerClient.get('/my/earnings');
        const wallet = await buyerClient.get('/my/wallet');
        const finance = await adminClient.get('/admin/finance');
        assert.equal(finance.statusCode, 200);
        return { earnings: earnings.body, wallet: wallet.body, finance: finance.body };
      };
      const check = (p: { earnings: string; wallet: string; finance: string }) => {
        assert.match(p.earnings, /id="earnings-balance">42</); // 3 × (20 − 6)
        assert.match(p.wallet, /id="wallet-balance">40</);
        assert.match(p.finance, /<li>平台收入 · 18</);
        // Totals by kind: the one uploader's earnings and the platform's revenue, unsettled included.
        assert.match(p.finance, /上传者收益<\/td><td class="num">1<\/td><td class="num">42</);
        assert.match(p.finance, /平台收入<\/td><td class="num">1<\/td><td class="num">18</);
      };
      const before = await pages();
      check(before);
      // 我的收益's chart: this (China) month holds the three sales, the eleven before it nothing.
      const { months } = await getEarnings(t.deps, { id: seller });
      assert.equal(months.length, 12);
      assert.deepEqual(
        months.map((m) => m.total),
        [...Array(11).fill(0), 42],
      );
      assert.equal(months.at(-1)?.month, new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7));
      // The ledger totals /metrics serves: unsettled included, so the kinds still sum to zero.
      const totals = await ledgerTotalsGauge(t.deps).collect();
      assert.equal(totals.find((r) => r.labels.kind === 'earnings')?.value, 42);
      assert.equal(
        totals.reduce((sum, r) => sum + r.value, 0),
        0,
      );
      assert.ok(Number((await database.db.selectFrom('ledger_unsettled').select('id').execute()).length) > 0);

      // A worker's settle loop: the rows are folded in within a generous bound (a correctness bound, not a speed
      // assertion), and every page shows the same numbers afterwards.
      const settler = startSettling(t.deps, pino({ level: 'silent' }), 20);
      try {
        for (let waited = 0; ; waited += 20) {
          const left = await database.db.selectFrom('ledger_unsettled').select('id').execute();
          if (left.length === 0) break;
          assert.ok(waited < 5000, 'the settle loop drains the unsettled credits');
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await settler.stop();
      }
      check(await pages());
      assert.ok((await verifyLedger(t.deps)).ok);
    });
  });
}
