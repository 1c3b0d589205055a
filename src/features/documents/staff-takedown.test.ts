// /admin/documents on each dialect: filters (status, uploader, category, title), bulk takedown with a reason and
// note (one takedown, notification and audit entry per document; the ones that cannot be taken down are skipped),
// a 410 for a non-legal takedown with buyers keeping their download and no earnings held (decision 0010), and
// "下架该用户全部文档" for a banned uploader only. Also: the sitemap index past the per-file limit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertTestDocument, insertTestUser } from '../../testing/credits.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { grantCredits } from '../credits/grants.ts';
import { purchaseDocument } from '../credits/purchases.ts';
import { verifyLedger } from '../credits/verify.ts';
import { sitemapFile, sitemapRoot } from '../sitemap/service.ts';
import { startDownload } from './service.ts';

for (const dialect of DIALECTS) {
  describe(`staff document list and bulk takedown on ${dialect}`, () => {
    let t: TestApp;
    let mod: TestClient;
    let modId: number;
    let sellerId: number;
    let otherId: number;
    let buyerId: number;
    let docs: number[];
    let otherDoc: number;
    let deletedDoc: number;

    const db = () => t.deps.database.db;
    const post = async (url: string, fields: Record<string, string>) =>
      mod.postForm(url, fields, { csrf: await mod.csrf('/admin/documents') });
    const statusOf = async (id: number) =>
      (await db().selectFrom('documents').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      mod = new TestClient(t.app);
      await mod.register('mod@example.com', '审核员');
      await db().updateTable('users').set({ role: 'moderator' }).where('email', '=', 'mod@example.com').execute();
      modId = Number(
        (await db().selectFrom('users').select('id').where('email', '=', 'mod@example.com').executeTakeFirstOrThrow())
          .id,
      );
      sellerId = await insertTestUser(t.deps.database, '卖家甲');
      otherId = await insertTestUser(t.deps.database, '作者乙');
      buyerId = await insertTestUser(t.deps.database, '买家丙');
      docs = [];
      for (let i = 0; i < 3; i++) docs.push(await insertTestDocument(t.deps.database, sellerId, { price: 10 }));
      await db().updateTable('documents').set({ title: '乡村振兴工作总结' }).where('id', '=', docs[0]!).execute();
      otherDoc = await insertTestDocument(t.deps.database, otherId, { price: 0 });
      deletedDoc = await insertTestDocument(t.deps.database, sellerId, { status: 'deleted' });
      await grantCredits(t.deps, { id: modId }, { userId: buyerId, amount: 100, reason: '测试' });
      await purchaseDocument(t.deps, { id: buyerId }, docs[0]!, { acceptTerms: true });
    });
    after(() => t.close());

    test('filters: status, uploader, category and a piece of the title', async () => {
      const ids = async (qs: string) => {
        const res = await mod.get(`/admin/documents?${qs}`, { accept: 'application/json' });
        assert.equal(res.statusCode, 200, res.body);
        return (res.json() as { rows: Array<{ id: number }> }).rows.map((r) => Number(r.id)).sort((a, b) => a - b);
      };
      assert.deepEqual(
        await ids(`owner=${sellerId}`),
        [...docs, deletedDoc].sort((a, b) => a - b),
      );
      assert.deepEqual(await ids(`owner=${sellerId}&status=published`), docs);
      assert.deepEqual(await ids('status=deleted'), [deletedDoc]);
      assert.deepEqual(await ids(`q=${encodeURIComponent('振兴')}`), [docs[0]!]);
      assert.deepEqual(await ids('q=%25'), [], 'LIKE wildcards are literal');
      const cat = await db()
        .selectFrom('documents')
        .select('category_id')
        .where('id', '=', otherDoc)
        .executeTakeFirstOrThrow();
      assert.ok((await ids(`category=${cat.category_id}`)).includes(otherDoc));
      assert.deepEqual(await ids('category=99999'), []);
      const page = await mod.get(`/admin/documents?owner=${sellerId}`);
      assert.ok(page.body.includes('乡村振兴工作总结') && page.body.includes('卖家甲'));
      assert.ok(page.body.includes(`name="d${docs[0]}"`), 'a checkbox per public document');
      assert.ok(!page.body.includes(`name="d${deletedDoc}"`));
      assert.ok(page.body.includes('已删除'), 'statuses in words');
    });

    test('bulk takedown: each checked document on its own; buyers keep a non-legal takedown; nothing is held', async () => {
      const audits = async () =>
        Number(
          (
            await db()
              .selectFrom('audit_log')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('action', '=', 'document.takedown')
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await audits();
      const noCode = await post('/admin/documents/takedown', { [`d${docs[0]}`]: '1' });
      // The form again (admin-documents-form.test.ts checks the fields kept).
      assert.equal(noCode.statusCode, 422);
      assert.match(noCode.body, /请选择下架原因/);
      const none = await post('/admin/documents/takedown', { code: 'spam' });
      assert.equal(none.statusCode, 422);
      assert.equal(await statusOf(docs[0]!), 'published');

      const res = await post('/admin/documents/takedown', {
        code: 'spam',
        note: '批量广告',
        [`d${docs[0]}`]: '1',
        [`d${docs[1]}`]: '1',
        [`d${deletedDoc}`]: '1',
      });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/admin/documents?notice=takedown&n=2&skipped=1');
      assert.equal(await statusOf(docs[0]!), 'taken_down');
      assert.equal(await statusOf(docs[1]!), 'taken_down');
      assert.equal(await statusOf(docs[2]!), 'published');
      assert.equal(await statusOf(deletedDoc), 'deleted');
      assert.equal(await audits(), before + 2, 'one audit entry per document');
      const notes = await db()
        .selectFrom('notifications')
        .select('kind')
        .where('user_id', '=', sellerId)
        .where('kind', '=', 'takedown.withNote')
        .execute();
      assert.equal(notes.length, 2, 'one notification per document');
      const flash = await mod.get(res.headers.location as string);
      assert.match(flash.body, /已下架 2 篇文档；跳过 1 篇/);

      // A spam takedown answers 410, and the buyer keeps the download (as after a deletion); nothing is held.
      const page = await new TestClient(t.app).get(`/d/${docs[0]}`);
      assert.equal(page.statusCode, 410);
      assert.match(page.body, /广告\/垃圾/);
      const buyer = { id: buyerId, displayName: '买家丙', role: 'user' as const, sessionId: 'x' };
      assert.equal((await startDownload(t.deps, docs[0]!, buyer)).id, docs[0]);
      const stranger = { id: otherId, displayName: '作者乙', role: 'user' as const, sessionId: 'y' };
      await assert.rejects(startDownload(t.deps, docs[1]!, stranger), (err: { status?: number }) => err.status === 410);
      const held = await db()
        .selectFrom('ledger_accounts')
        .select('balance')
        .where('code', '=', `held:${sellerId}`)
        .executeTakeFirst();
      assert.equal(Number(held?.balance ?? 0), 0);
      await assert.rejects(
        purchaseDocument(t.deps, { id: otherId }, docs[1]!, { acceptTerms: true }),
        (err: { status?: number }) => err.status === 410,
      );
      assert.ok((await verifyLedger(t.deps)).ok);
    });

    test('下架该用户全部文档: only for a banned uploader; code ban, one audit entry each', async () => {
      const notBanned = await post(`/admin/users/${sellerId}/takedown-all`, {});
      assert.equal(notBanned.statusCode, 422, 'the user page again, saying why');
      assert.match(notBanned.body, /该用户未处于封禁状态/);
      assert.equal(await statusOf(docs[2]!), 'published');
      const page = await mod.get(`/admin/users/${sellerId}`);
      assert.ok(!page.body.includes(`/admin/users/${sellerId}/takedown-all`), 'offered only for a banned user');

      const ban = await post(`/admin/users/${sellerId}/punish`, { kind: 'ban', days: '7', reason: '批量发布广告' });
      assert.equal(ban.statusCode, 303, ban.body);
      const banned = await mod.get(`/admin/users/${sellerId}`);
      assert.ok(banned.body.includes(`action="/admin/users/${sellerId}/takedown-all"`));
      const res = await post(`/admin/users/${sellerId}/takedown-all`, { note: '账号已封禁' });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, `/admin/documents?owner=${sellerId}&notice=takedown&n=1&skipped=0`);
      const row = await db().selectFrom('documents').selectAll().where('id', '=', docs[2]!).executeTakeFirstOrThrow();
      assert.deepEqual([row.status, row.takedown_code, row.takedown_ref], ['taken_down', 'ban', `user:${sellerId}`]);
      assert.equal(await statusOf(otherDoc), 'published', 'other uploaders untouched');
      const audit = await db()
        .selectFrom('audit_log')
        .select('target_id')
        .where('action', '=', 'document.takedown')
        .where('target_id', '=', docs[2]!)
        .execute();
      assert.equal(audit.length, 1);
    });

    test('the sitemap becomes an index of numbered files past the per-file limit', async () => {
      const published = (
        await db().selectFrom('documents').select('id').where('status', '=', 'published').orderBy('id').execute()
      ).map((r) => Number(r.id));
      for (let i = 0; i < 3; i++) published.push(await insertTestDocument(t.deps.database, otherId, { price: 0 }));
      const index = await sitemapRoot(t.deps, 2);
      assert.match(index, /<sitemapindex/);
      const files = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
      assert.deepEqual(
        files,
        [1, 2].map((n) => `${t.deps.config.http.publicUrl}/sitemap/${n}.xml`),
      );
      const listed = [];
      for (const n of [1, 2]) {
        const file = await sitemapFile(t.deps, n, 2);
        listed.push(...[...file.matchAll(/\/d\/(\d+)<\/loc>/g)].map((m) => Number(m[1])));
      }
      assert.deepEqual(listed, published);
      // The first file also lists the home page and every category page; the others only documents.
      const first = await sitemapFile(t.deps, 1, 2);
      const categories = await db().selectFrom('categories').select('slug').execute();
      assert.ok(categories.length > 0);
      for (const c of categories) assert.ok(first.includes(`/c/${c.slug}</loc>`), c.slug);
      assert.ok(first.includes(`<loc>${t.deps.config.http.publicUrl}/</loc>`));
      assert.doesNotMatch(await sitemapFile(t.deps, 2, 2), /\/c\//);
      await assert.rejects(sitemapFile(t.deps, 3, 2), (err: { status?: number }) => err.status === 404);
      const http = await new TestClient(t.app).get('/sitemap.xml');
      assert.equal(http.statusCode, 200);
      assert.match(String(http.headers['content-type']), /xml/);
      assert.equal((await new TestClient(t.app).get('/sitemap/1.xml')).statusCode, 404, 'no index below the limit');
      const robots = await new TestClient(t.app).get('/robots.txt');
      assert.match(robots.body, /Sitemap: http.*\/sitemap\.xml/);
    });
  });
}
