// 我的购买 and 我的下载 over HTTP on every dialect: what the buyer paid and when, a re-download that never charges
// again (the ledger does not move and still verifies), purchases that outlive the uploader's deletion (and the blob
// collector) and a price change, a legal takedown that stops them, and the download history with free documents.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerified } from '../../testing/verification.ts';
import { grantCredits } from '../credits/grants.ts';
import { ACCOUNTS } from '../credits/ledger.ts';
import * as creditsRepo from '../credits/repo.ts';
import { verifyLedger } from '../credits/verify.ts';
import { collectGarbage } from '../documents/gc.ts';
import { takeDownDocument } from '../documents/takedown.ts';

const REPORTS = ['上海市', '北京市', '四川省', '山东省', '江苏省', '云南省'];
/** A distinct plain text per province (distinct texts: a re-upload would be held as a near duplicate). */
function reportText(province: string): Buffer {
  const csv = readFileSync(
    join(CORPUS_DIR, 'text-zh', 'gov-reports-2026', `2026_${province}_政府工作报告.csv`),
    'utf8',
  );
  const lines = csv
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => [...l].length > 30);
  return Buffer.from(lines.slice(1, 14).join('\n'));
}

/** The rows of a library table: document id → the row's HTML. */
function rows(html: string, prefix: 'purchase' | 'download'): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of html.matchAll(/<tr[^>]*id="(purchase|download)-(\d+)"[^>]*>([\s\S]*?)<\/tr>/g)) {
    if (m[1] !== prefix) continue;
    const doc = prefix === 'purchase' ? Number(/data-document-id="(\d+)"/.exec(m[0])?.[1]) : Number(m[2]);
    out.set(doc, m[3]!);
  }
  return out;
}

for (const dialect of DIALECTS) {
  describe(`我的购买 and 我的下载 (${dialect})`, () => {
    let t: TestApp;
    let writer: TestClient;
    let buyer: TestClient;
    const ids: Record<string, number> = {};
    const docs: Record<string, number> = {};
    const bytes: Record<string, Buffer> = {};
    const idOf = async (email: string) =>
      Number(
        (await t.deps.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
          .id,
      );
    const balance = (code: string) => creditsRepo.balanceOf(t.deps.database.db, code);
    const ledgerState = async () => ({
      wallet: await balance(ACCOUNTS.wallet(ids.buyer!)),
      earnings: await balance(ACCOUNTS.earnings(ids.writer!)),
      platform: await balance(ACCOUNTS.platform),
      transactions: Number(
        (
          await t.deps.database.db
            .selectFrom('ledger_transactions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      purchases: Number(
        (
          await t.deps.database.db
            .selectFrom('purchases')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    });
    /** Follows /d/:id/download to the signed URL and fetches the file. */
    const download = async (client: TestClient, id: number) => {
      const start = await client.get(`/d/${id}/download`);
      if (start.statusCode !== 303 || !String(start.headers.location).startsWith('/dl/')) return start;
      return client.get(String(start.headers.location));
    };

    before(async () => {
      t = await createTestApp(dialect, { env: { DOWNLOAD_DAILY_CAP_USER: '200' } });
      writer = new TestClient(t.app);
      buyer = new TestClient(t.app);
      await writer.register('writer@example.com', '基层小笔杆');
      await buyer.register('buyer@example.com', '买家读者');
      ids.writer = await idOf('writer@example.com');
      ids.buyer = await idOf('buyer@example.com');
      await markVerified(t.deps, ids.writer);
      // kept: re-downloaded; deleted: the uploader deletes it; legal: a copyright takedown; spam: a takedown buyers
      // survive; repriced: the price changes after the sale; free: a free document.
      const plan: [string, string, string][] = [
        ['kept', REPORTS[0]!, '100'],
        ['deleted', REPORTS[1]!, '80'],
        ['legal', REPORTS[2]!, '60'],
        ['spam', REPORTS[3]!, '40'],
        ['repriced', REPORTS[4]!, '20'],
        ['free', REPORTS[5]!, '0'],
      ];
      for (const [key, province, price] of plan) {
        bytes[key] = reportText(province);
        const up = await writer.upload(
          { name: `${province}政府工作报告摘编.txt`, data: bytes[key]! },
          { title: `${province}政府工作报告摘编`, category: '1', price },
        );
        assert.equal(up.statusCode, 201, up.body);
        docs[key] = (up.json() as { id: number }).id;
      }
      for (const key of Object.keys(docs)) assert.equal((await waitForStatus(writer, docs[key]!)).status, 'published');
      await grantCredits(t.deps, undefined, { userId: ids.buyer, amount: 1000, reason: '测试发放' });
      for (const key of ['kept', 'deleted', 'legal', 'spam', 'repriced']) {
        const csrf = await buyer.csrf(`/d/${docs[key]}/buy`);
        const res = await buyer.postForm(`/d/${docs[key]}/buy`, { acceptTerms: '1' }, { csrf });
        assert.equal(res.statusCode, 303, res.body);
      }
    });
    after(() => t.close());

    test('我的购买 lists each purchase with the price paid, the date, the status and a re-download link', async () => {
      const page = await buyer.get('/my/purchases');
      assert.equal(page.statusCode, 200);
      const list = rows(page.body, 'purchase');
      assert.deepEqual(
        [...list.keys()],
        ['repriced', 'spam', 'legal', 'deleted', 'kept'].map((k) => docs[k]),
        'newest purchase first',
      );
      const kept = list.get(docs.kept!)!;
      assert.match(kept, /100 文币/);
      assert.match(kept, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      assert.match(kept, /data-library-status="available"/);
      assert.match(kept, new RegExp(`href="/d/${docs.kept}/download"`));
      assert.match(kept, new RegExp(`href="/d/${docs.kept}"`));
      // Reached from the header and from 我的钱包.
      assert.match(page.body, /href="\/my\/purchases"/);
      assert.match((await buyer.get('/my/wallet')).body, /href="\/my\/purchases"/);
      // Only one's own purchases; visitors are sent to log in.
      assert.equal(rows((await writer.get('/my/purchases')).body, 'purchase').size, 0);
      const anon = await new TestClient(t.app).get('/my/purchases');
      assert.equal(anon.statusCode, 303);
      assert.match(String(anon.headers.location), /^\/login\?next=/);
    });

    test('re-downloading a bought document never charges again: the ledger does not move and verifies', async () => {
      const beforeState = await ledgerState();
      for (let i = 0; i < 3; i++) {
        const file = await download(buyer, docs.kept!);
        assert.equal(file.statusCode, 200, file.body);
        assert.deepEqual(file.rawPayload, bytes.kept);
      }
      // Buying again answers with the entitlement it already has.
      const again = await buyer.postForm(
        `/d/${docs.kept}/buy`,
        { acceptTerms: '1' },
        { csrf: await buyer.csrf(`/d/${docs.kept}`) },
      );
      assert.equal(again.statusCode, 303);
      assert.deepEqual(await ledgerState(), beforeState);
      const report = await verifyLedger(t.deps);
      assert.equal(report.ok, true, JSON.stringify(report));
    });

    test('a purchase outlives a price change and the uploader deleting the document, and the blob collector', async () => {
      // The price changes after the sale (even to free, then the document is deleted): the buyer keeps it.
      const editCsrf = await writer.csrf(`/d/${docs.repriced}/edit`);
      const fields = { title: `${REPORTS[4]}政府工作报告摘编`, category: '1', description: '', previewMode: 'site' };
      let res = await writer.postForm(`/d/${docs.repriced}/edit`, { ...fields, price: '300' }, { csrf: editCsrf });
      assert.equal(res.statusCode, 303, res.body);
      let file = await download(buyer, docs.repriced!);
      assert.equal(file.statusCode, 200, 'a raised price asks nothing more of a buyer');
      res = await writer.postForm(`/d/${docs.repriced}/edit`, { ...fields, price: '0' }, { csrf: editCsrf });
      assert.equal(res.statusCode, 303, res.body);
      for (const key of ['repriced', 'deleted']) {
        const del = await writer.postForm(
          `/d/${docs[key]}/delete`,
          {},
          { csrf: await writer.csrf(`/d/${docs[key]}/delete`) },
        );
        assert.equal(del.statusCode, 303, del.body);
      }
      // Past the grace period the collector runs: the originals of bought documents stay.
      await collectGarbage(t.deps, { now: Date.now() + 30 * 86_400_000 });
      const beforeState = await ledgerState();
      for (const key of ['repriced', 'deleted']) {
        file = await download(buyer, docs[key]!);
        assert.equal(file.statusCode, 200, `${key}: ${file.body}`);
        assert.deepEqual(file.rawPayload, bytes[key]);
      }
      assert.deepEqual(await ledgerState(), beforeState);
      const list = rows((await buyer.get('/my/purchases')).body, 'purchase');
      for (const key of ['repriced', 'deleted']) {
        assert.match(list.get(docs[key]!)!, /data-library-status="deleted"/);
        assert.match(list.get(docs[key]!)!, /上传者已删除（仍可下载）/);
        assert.match(list.get(docs[key]!)!, new RegExp(`href="/d/${docs[key]}/download"`));
        assert.doesNotMatch(list.get(docs[key]!)!, new RegExp(`href="/d/${docs[key]}"`), 'no link to a 410 page');
      }
      assert.match(list.get(docs.repriced!)!, /20 文币/, 'what was paid, not the price now');
      // A reader who never bought it gets nothing.
      const stranger = new TestClient(t.app);
      await stranger.register('stranger@example.com', '路人');
      assert.equal((await stranger.get(`/d/${docs.deleted}/download`)).statusCode, 410);
    });

    test('a legal takedown stops the re-download; a takedown for spam does not', async () => {
      await new TestClient(t.app).register('staff@example.com', '版主');
      const admin = { id: await idOf('staff@example.com'), role: 'admin' as const };
      await t.deps.database.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.id).execute();
      await takeDownDocument(t.deps, admin, { documentId: docs.legal!, code: 'copyright', ip: '127.0.0.1' });
      await takeDownDocument(t.deps, admin, { documentId: docs.spam!, code: 'spam', ip: '127.0.0.1' });
      const legal = await buyer.get(`/d/${docs.legal}/download`);
      assert.equal(legal.statusCode, 451);
      const spam = await download(buyer, docs.spam!);
      assert.equal(spam.statusCode, 200);
      assert.deepEqual(spam.rawPayload, bytes.spam);
      const list = rows((await buyer.get('/my/purchases')).body, 'purchase');
      assert.match(list.get(docs.legal!)!, /data-library-status="takenDownBlocked"/);
      assert.doesNotMatch(list.get(docs.legal!)!, /\/download"/);
      assert.match(list.get(docs.legal!)!, /不可下载/);
      assert.match(list.get(docs.spam!)!, /data-library-status="takenDown"/);
      assert.match(list.get(docs.spam!)!, new RegExp(`href="/d/${docs.spam}/download"`));
      assert.equal((await verifyLedger(t.deps)).ok, true);
    });

    test('我的下载 lists free and bought documents with the last time, the count and a download link', async () => {
      const free = await download(buyer, docs.free!);
      assert.equal(free.statusCode, 200);
      assert.deepEqual(free.rawPayload, bytes.free);
      const page = await buyer.get('/my/downloads');
      assert.equal(page.statusCode, 200);
      const list = rows(page.body, 'download');
      assert.equal([...list.keys()][0], docs.free, 'the latest download first');
      assert.match(list.get(docs.free!)!, />免费</);
      assert.match(list.get(docs.free!)!, new RegExp(`href="/d/${docs.free}/download"`));
      assert.match(list.get(docs.kept!)!, />已购</);
      assert.match(list.get(docs.kept!)!, /<td class="num">3<\/td>/, 'three downloads of the kept document');
      assert.match(list.get(docs.legal!) ?? '', /^$/, 'never downloaded: not listed');
      // The free download was recorded for this reader (ratings by readers of free documents read the same rows).
      const recorded = await t.deps.database.db
        .selectFrom('downloads')
        .select('id')
        .where('user_id', '=', ids.buyer!)
        .where('document_id', '=', docs.free!)
        .execute();
      assert.equal(recorded.length, 1);
      // The uploader deletes the free document: it stays in the history, without a link.
      await writer.postForm(`/d/${docs.free}/delete`, {}, { csrf: await writer.csrf(`/d/${docs.free}/delete`) });
      const afterDelete = rows((await buyer.get('/my/downloads')).body, 'download');
      assert.match(afterDelete.get(docs.free!)!, /data-library-status="gone"/);
      assert.doesNotMatch(afterDelete.get(docs.free!)!, /\/download"/);
    });

    test('both lists page: 我的购买 by keyset, 我的下载 by page', async () => {
      // 25 more purchases and downloads for a fresh reader, written directly (the money paths are tested above).
      const reader = new TestClient(t.app);
      await reader.register('pager@example.com', '翻页读者');
      const readerId = await idOf('pager@example.com');
      const now = Date.now();
      const cat = await t.deps.database.db.selectFrom('categories').select('id').executeTakeFirstOrThrow();
      for (let i = 0; i < 25; i++) {
        const doc = await t.deps.database.db
          .insertInto('documents')
          .values({
            owner_id: ids.writer!,
            category_id: cat.id,
            title: `翻页文档 ${String(i).padStart(2, '0')}`,
            title_auto: 0,
            description: '',
            format: 'txt',
            original_name: 'p.txt',
            blob_key: `original/${'0'.repeat(62)}${String(i).padStart(2, '0')}`,
            size_bytes: 1,
            price: 1,
            status: 'published',
            reject_code: null,
            reject_params: null,
            page_count: 1,
            char_count: 1,
            preview_mode: null,
            preview_value: null,
            download_count: 0,
            rev: 1,
            created_at: now,
            updated_at: now,
            extracted_at: now,
            published_at: now,
            deleted_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await t.deps.database.db
          .insertInto('purchases')
          .values({
            buyer_id: readerId,
            document_id: doc.id,
            seller_id: ids.writer!,
            price: 1,
            platform_share: 0,
            transaction_id: 0,
            status: 'active',
            created_at: now + i,
            refunded_at: null,
          })
          .execute();
        await t.deps.database.db
          .insertInto('downloads')
          .values({ user_id: readerId, document_id: doc.id, ip: '127.0.0.1', created_at: now + i })
          .execute();
      }
      const first = await reader.get('/my/purchases');
      const firstRows = rows(first.body, 'purchase');
      assert.equal(firstRows.size, 20);
      const next = /href="\/my\/purchases\?before=(\d+)"/.exec(first.body)?.[1];
      assert.ok(next, 'a next-page link');
      const second = await reader.get(`/my/purchases?before=${next}`);
      const secondRows = rows(second.body, 'purchase');
      assert.equal(secondRows.size, 5);
      assert.ok(second.body.includes('href="/my/purchases"'), 'back to the first page');
      assert.equal(new Set([...firstRows.keys(), ...secondRows.keys()]).size, 25, 'no row twice, none missing');
      assert.ok(!/before=/.test(second.body.replace(/href="\/my\/purchases"/, '')), 'no further page');
      // A nonsense cursor is the first page, not an error.
      assert.equal(rows((await reader.get('/my/purchases?before=abc')).body, 'purchase').size, 20);

      const d1 = await reader.get('/my/downloads');
      assert.equal(rows(d1.body, 'download').size, 20);
      assert.match(d1.body, /href="\/my\/downloads\?page=2"/);
      const d2 = await reader.get('/my/downloads?page=2');
      const d2Rows = rows(d2.body, 'download');
      assert.equal(d2Rows.size, 5);
      assert.match(d2.body, /翻页文档 00/, 'the oldest download is last');
    });
  });
}
