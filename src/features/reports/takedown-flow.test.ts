// Reports → decisions → takedown, end to end over HTTP on each dialect: a reader reports a document, a moderator
// takes it down from /admin/reports, and the document is gone from every public surface (page 451 for everyone —
// a fresh anonymous request through the front cache included — search, suggestions, another document's related list,
// the sitemap, its page images, the purchase path); reporters and the uploader read the outcome in 站内信; the staff
// actions are in /admin/audit; the buyer's access and the uploader's earnings follow decision 0010; a restore brings
// everything back; `ledger verify` passes throughout.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { BlobKey } from '../../storage/blob-store.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerifiedByEmail } from '../../testing/verification.ts';
import { grantCredits } from '../credits/grants.ts';
import { balanceOf } from '../credits/repo.ts';
import { verifyLedger } from '../credits/verify.ts';

const RELATED_TEXT = [
  '创建文明城市动员讲话',
  '同志们：今天召开全区创建全国文明城市动员大会，主要任务是统一思想、明确责任，全力推进文明城市创建工作。',
  '一要提高认识。创建全国文明城市是提升城市品位、改善人居环境、增进群众福祉的重要抓手。',
  '二要突出重点。围绕市容环境整治、交通秩序治理、志愿服务和公共文明引导，逐项对标测评体系。',
  '三要压实责任。各街道、各部门主要负责同志要亲自部署、亲自督办，确保创建任务按期完成。',
].join('\n');

const A_TITLE = '高新区创建全国文明城市工作领导小组会议讲话';
const REASON_LABELS = [
  '侵犯著作权/抄袭',
  '含个人隐私',
  '涉密/敏感信息',
  '广告/垃圾',
  '色情低俗',
  '内容与标题/预览不符',
  '其他',
];

for (const dialect of DIALECTS) {
  describe(`reports → takedown on ${dialect}`, () => {
    let t: TestApp;
    let base: string;
    let admin: TestClient;
    let mod: TestClient;
    let uploader: TestClient;
    let reporter: TestClient;
    let reporter2: TestClient;
    let buyer: TestClient;
    let user: TestClient;
    let visitor: TestClient;
    let ids: Record<string, number>;
    let aId: number; // paid, reported for copyright, taken down and restored
    let bId: number; // free, related to A
    let reportId: number;
    let report2Id: number;

    const db = () => t.deps.database.db;
    const idOf = async (email: string) =>
      Number((await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
    // The balance including credits not yet settled (decision 0017).
    const balance = (code: string) => balanceOf(db(), code);
    const searchIds = async (q: string) => {
      const res = await visitor.get(`/api/search?q=${encodeURIComponent(q)}`);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { hits: Array<{ id: number }> }).hits.map((h) => h.id);
    };
    const suggestions = async (q: string) =>
      ((await visitor.get(`/api/suggest?q=${encodeURIComponent(q)}`)).json() as { items: Array<{ href: string }> })
        .items;
    const notificationsOf = async (c: TestClient) => {
      const res = await c.get('/notifications');
      assert.equal(res.statusCode, 200);
      return res.body;
    };
    const frontHits = async () =>
      ((await (await fetch(`${base}/healthz`)).json()) as { pageCache: { frontHits: number } }).pageCache.frontHits;
    const auditCount = async () =>
      Number(
        (
          await db()
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const report = async (c: TestClient, docId: number, reason: string, detail = '') =>
      c.postForm(
        `/d/${docId}/report`,
        { reason, detail },
        { csrf: await c.csrf(`/d/${docId}/report`), headers: { accept: 'application/json' } },
      );
    const staffPost = async (c: TestClient, url: string, fields: Record<string, string>) =>
      c.postForm(url, fields, { csrf: await c.csrf('/admin/reports') });

    before(async () => {
      t = await createTestApp(dialect);
      const make = async (email: string, name: string) => {
        const c = new TestClient(t.app);
        const res = await c.register(email, name);
        assert.equal(res.statusCode, 303, res.body);
        return c;
      };
      admin = await make('admin@example.com', '站长');
      mod = await make('mod@example.com', '审核员小王');
      uploader = await make('uploader@example.com', '上传者老李');
      reporter = await make('reporter@example.com', '热心读者');
      reporter2 = await make('reporter2@example.com', '第二位读者');
      buyer = await make('buyer@example.com', '付费读者');
      user = await make('user@example.com', '普通用户');
      visitor = new TestClient(t.app);
      await db().updateTable('users').set({ role: 'admin' }).where('email', '=', 'admin@example.com').execute();
      await db().updateTable('users').set({ role: 'moderator' }).where('email', '=', 'mod@example.com').execute();
      ids = {
        admin: await idOf('admin@example.com'),
        uploader: await idOf('uploader@example.com'),
        buyer: await idOf('buyer@example.com'),
      };
      await markVerifiedByEmail(t.deps, 'uploader@example.com');

      const a = await uploader.upload(
        { name: 'speech.txt', data: readFileSync(SEED_TXT) },
        { title: A_TITLE, category: '1', price: '5' },
      );
      assert.equal(a.statusCode, 201, a.body);
      aId = (a.json() as { id: number }).id;
      assert.equal((await waitForStatus(uploader, aId)).status, 'published');
      const b = await uploader.upload(
        { name: 'related.txt', data: Buffer.from(RELATED_TEXT, 'utf8') },
        { title: '创建文明城市动员讲话（免费版）', category: '1', price: '0' },
      );
      bId = (b.json() as { id: number }).id;
      assert.equal((await waitForStatus(uploader, bId)).status, 'published');

      // A page image of A's first (free) page, as the page stage would store it.
      const bytes = Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 fake page image');
      const temp = t.deps.blobs.tempPath('page');
      writeFileSync(temp, bytes);
      const key = `page/${createHash('sha256').update(bytes).digest('hex')}` as BlobKey;
      await t.deps.blobs.putFile(temp, key);
      await db()
        .updateTable('documents')
        .set({
          page_images: JSON.stringify([{ n: 1, w: 900, h: 1200, f: 'webp', key }]),
          pages_rendered_at: Date.now(),
        })
        .where('id', '=', aId)
        .execute();

      // The buyer buys A before anything happens to it.
      await grantCredits(t.deps, { id: ids.admin! }, { userId: ids.buyer!, amount: 100, reason: '测试发放' });
      const bought = await buyer.postForm(
        `/d/${aId}/buy`,
        { acceptTerms: '1' },
        { csrf: await buyer.csrf(`/d/${aId}/buy`) },
      );
      assert.equal(bought.statusCode, 303, bought.body);

      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(() => t.close());

    test('staff routes: a visitor is sent to login, a normal user gets 403, and nothing changes', async () => {
      for (const path of [
        '/admin/reports',
        '/admin/reports?status=closed',
        '/admin/documents',
        '/admin/documents?status=published',
      ]) {
        const res = await visitor.get(path);
        assert.equal(res.statusCode, 303, path);
        assert.equal(res.headers.location, `/login?next=${encodeURIComponent(path)}`);
        assert.equal((await user.get(path)).statusCode, 403, path);
        assert.equal((await mod.get(path)).statusCode, 200, path);
      }
      const audits = await auditCount();
      const posts: Array<[string, Record<string, string>]> = [
        ['/admin/reports/1/dismiss', { reason: '不成立的举报' }],
        ['/admin/reports/1/takedown', { note: '' }],
        ['/admin/reports/1/warn', { message: '请注意' }],
        ['/admin/reports/1/punish', { kind: 'ban', days: '1', reason: '违规' }],
        ['/admin/documents/takedown', { code: 'spam', [`d${aId}`]: '1' }],
        [`/admin/documents/${aId}/takedown`, { code: 'spam' }],
        [`/admin/documents/${aId}/restore`, {}],
        [`/admin/users/${ids.uploader}/takedown-all`, {}],
      ];
      for (const [url, fields] of posts) {
        assert.equal((await user.postForm(url, fields, { csrf: await user.csrf('/') })).statusCode, 403, url);
        // A visitor's post is not a page view: 401 (a page redirects to login only on GET).
        assert.equal(
          (await visitor.postForm(url, fields, { csrf: await visitor.csrf('/login') })).statusCode,
          401,
          url,
        );
      }
      assert.equal(await auditCount(), audits);
      const doc = await db().selectFrom('documents').select('status').where('id', '=', aId).executeTakeFirstOrThrow();
      assert.equal(doc.status, 'published');
    });

    test('the report form offers exactly the seven reasons; a second open report is 409 and changes nothing', async () => {
      const form = await reporter.get(`/d/${aId}/report`);
      assert.equal(form.statusCode, 200);
      const offered = [...form.body.matchAll(/name="reason" value="[a-z]+"[^>]*\/?>\s*(?:<!-- -->)?\s*([^<]+)</g)].map(
        (m) => m[1]!.trim(),
      );
      assert.deepEqual(offered, REASON_LABELS);

      const first = await report(reporter, aId, 'copyright', '这是我单位内部材料的原文，未经许可转载');
      assert.equal(first.statusCode, 201, first.body);
      reportId = (first.json() as { id: number }).id;
      const count = async () =>
        Number(
          (
            await db()
              .selectFrom('reports')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const again = await reporter.postForm(
        `/d/${aId}/report`,
        { reason: 'spam', detail: '' },
        { csrf: await reporter.csrf(`/d/${aId}/report`) },
      );
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /你已举报过该文档/);
      assert.equal(await count(), before);

      const second = await report(reporter2, aId, 'privacy', '');
      assert.equal(second.statusCode, 201, second.body);
      report2Id = (second.json() as { id: number }).id;
    });

    test('/admin/reports lists open reports oldest first with document, uploader, reporter and the reason in words', async () => {
      const page = await mod.get('/admin/reports');
      assert.equal(page.statusCode, 200);
      const first = page.body.indexOf(`id="report-${reportId}"`);
      const second = page.body.indexOf(`id="report-${report2Id}"`);
      assert.ok(first > 0 && second > first, 'oldest first');
      assert.ok(page.body.includes(`href="/d/${aId}"`));
      assert.ok(page.body.includes(A_TITLE));
      assert.ok(page.body.includes('上传者老李') && page.body.includes('热心读者') && page.body.includes('第二位读者'));
      assert.ok(page.body.includes('侵犯著作权/抄袭') && page.body.includes('含个人隐私'));
      assert.ok(page.body.includes('这是我单位内部材料的原文'));
      assert.ok(!/>copyright</.test(page.body), 'no internal codes');
    });

    test('take down from a report: gone from page, search, suggestions, related lists, sitemap and page images', async () => {
      // Before: everything shows A; the anonymous pages are cached and served by the front cache.
      const sitemapBefore = await (await fetch(`${base}/sitemap.xml`)).text();
      assert.ok(sitemapBefore.includes(`/d/${aId}</loc>`));
      assert.ok(sitemapBefore.startsWith('<?xml'));
      assert.ok((await searchIds('文明城市')).includes(aId));
      assert.ok((await suggestions('高新区')).some((s) => s.href === `/d/${aId}`));
      assert.equal((await visitor.get(`/d/${aId}/pages/1.webp`)).statusCode, 200);
      for (let i = 0; i < 2; i++) assert.equal((await fetch(`${base}/d/${aId}`)).status, 200);
      const hits = await frontHits();
      const related = await fetch(`${base}/d/${bId}`);
      assert.equal(related.status, 200);
      assert.ok((await related.text()).includes(`href="/d/${aId}"`), 'A is related to B');
      assert.equal((await fetch(`${base}/d/${bId}`)).status, 200);
      assert.ok((await frontHits()) > hits, 'B is served from the front cache');
      const pendingBefore = await balance(`pending:${ids.uploader}`);
      assert.ok(pendingBefore > 0, 'the first-upload reward is held for A');
      const earningsBefore = await balance(`earnings:${ids.uploader}`);
      assert.ok(earningsBefore > 0);

      const res = await staffPost(mod, `/admin/reports/${reportId}/takedown`, { note: '经核实为转载内部材料' });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/admin/reports?notice=takedown');

      const doc = await db().selectFrom('documents').selectAll().where('id', '=', aId).executeTakeFirstOrThrow();
      assert.equal(doc.status, 'taken_down');
      assert.equal(doc.takedown_code, 'copyright');
      assert.equal(doc.takedown_ref, `report:${reportId}`);
      const reports = await db()
        .selectFrom('reports')
        .selectAll()
        .where('document_id', '=', aId)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        reports.map((r) => [r.status, r.decision]),
        [
          ['actioned', 'takedown'],
          ['actioned', 'takedown'],
        ],
      );

      // The page: 451 with the reason, for everyone; a fresh anonymous request does not get the cached page.
      const anon = await fetch(`${base}/d/${aId}`);
      assert.equal(anon.status, 451);
      const anonBody = await anon.text();
      assert.match(anonBody, /侵犯著作权\/抄袭/);
      assert.ok(!anonBody.includes(A_TITLE));
      for (const c of [visitor, reporter, buyer, mod, admin]) {
        const page = await c.get(`/d/${aId}`);
        assert.equal(page.statusCode, 451);
        assert.ok(!page.body.includes('counter-notice'));
      }
      const own = await uploader.get(`/d/${aId}`);
      assert.equal(own.statusCode, 451);
      assert.ok(own.body.includes(`href="/d/${aId}/counter-notice"`));
      assert.ok(own.body.includes('经核实为转载内部材料'));
      assert.equal((await visitor.get(`/d/${aId}`, { accept: 'application/json' })).statusCode, 451);

      // Search, suggestions, related lists (B's cached page is rendered again), sitemap, page images.
      assert.ok(!(await searchIds('文明城市')).includes(aId));
      assert.ok(!(await suggestions('高新区')).some((s) => s.href === `/d/${aId}`));
      const bPage = await fetch(`${base}/d/${bId}`);
      assert.equal(bPage.status, 200);
      assert.ok(!(await bPage.text()).includes(`href="/d/${aId}"`), 'A left B’s related list');
      const sitemapAfter = await (await fetch(`${base}/sitemap.xml`)).text();
      assert.ok(!sitemapAfter.includes(`/d/${aId}</loc>`));
      assert.ok(sitemapAfter.includes(`/d/${bId}</loc>`));
      const image = await visitor.get(`/d/${aId}/pages/1.webp`);
      assert.ok(image.statusCode === 451 || image.statusCode === 410, String(image.statusCode));
      assert.notEqual(image.headers['content-type'], 'image/webp');

      // It stops selling.
      const buy = await user.get(`/d/${aId}/buy`);
      assert.equal(buy.statusCode, 410);
      assert.match(buy.body, /该文档已下架，无法购买/);

      // Money (decision 0010): a copyright takedown cuts the buyer off, holds the uploader's earnings from it and
      // takes the first-upload reward back.
      assert.equal((await buyer.get(`/d/${aId}/download`)).statusCode, 451);
      const net = Number(
        (
          await db()
            .selectFrom('purchases')
            .select(['price', 'platform_share'])
            .where('document_id', '=', aId)
            .executeTakeFirstOrThrow()
        ).price,
      );
      const purchase = await db()
        .selectFrom('purchases')
        .selectAll()
        .where('document_id', '=', aId)
        .executeTakeFirstOrThrow();
      assert.ok(net > 0);
      assert.equal(await balance(`held:${ids.uploader}`), Number(purchase.price) - Number(purchase.platform_share));
      assert.equal(
        await balance(`earnings:${ids.uploader}`),
        earningsBefore - (Number(purchase.price) - Number(purchase.platform_share)),
      );
      assert.equal(await balance(`pending:${ids.uploader}`), 0, 'the held reward was clawed back');
      const ledger = await verifyLedger(t.deps);
      assert.ok(ledger.ok, JSON.stringify(ledger));
    });

    test('the reporters and the uploader read the outcome in 站内信; the actions are in the audit log', async () => {
      assert.match(
        await notificationsOf(reporter),
        new RegExp(`你对《${A_TITLE}》的举报（#${reportId}）已核实，文档已下架`),
      );
      assert.match(
        await notificationsOf(reporter2),
        new RegExp(`你对《${A_TITLE}》的举报（#${report2Id}）已核实，文档已下架`),
      );
      const own = await notificationsOf(uploader);
      assert.match(own, new RegExp(`你的文档《${A_TITLE}》已被下架，原因：侵犯著作权/抄袭`));
      assert.ok(own.includes('销售收益'), 'told about the held earnings');
      const open = await uploader.get('/notifications', { accept: 'application/json' });
      const links = (open.json() as { items: Array<{ link: string | null }> }).items.map((i) => i.link);
      assert.ok(links.includes(`/d/${aId}/counter-notice`));

      const audit = await admin.get('/admin/audit?action=document.takedown');
      assert.equal(audit.statusCode, 200);
      assert.ok(audit.body.includes('下架文档'));
      assert.ok(audit.body.includes(`report:${reportId}`));
      const closed = await admin.get('/admin/audit?action=report.takedown');
      assert.ok(closed.body.includes('举报成立（下架）'));
    });

    test('acting on a closed report is 409 with a message and changes nothing', async () => {
      const audits = await auditCount();
      for (const [action, fields] of [
        ['takedown', { note: '' }],
        ['dismiss', { reason: '重复操作' }],
        ['warn', { message: '重复操作' }],
        ['punish', { kind: 'mute', days: '1', reason: '重复操作' }],
      ] as const) {
        const res = await staffPost(mod, `/admin/reports/${report2Id}/${action}`, fields);
        assert.equal(res.statusCode, 409, action);
        assert.match(res.body, /该举报已处理（已处理），不能重复操作/);
      }
      assert.equal(await auditCount(), audits);
      const up = await db()
        .selectFrom('users')
        .select('muted_until')
        .where('id', '=', ids.uploader!)
        .executeTakeFirstOrThrow();
      assert.equal(up.muted_until, null);
      // The closed list shows both, with the outcome in words.
      const closed = await mod.get('/admin/reports?status=closed');
      assert.ok(closed.body.includes(`id="report-${reportId}"`) && closed.body.includes('已下架文档'));
      // Taking it down again is 409 too.
      const again = await staffPost(mod, `/admin/documents/${aId}/takedown`, { code: 'spam' });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /该文档已被下架/);
    });

    test('restore brings the document back everywhere; held earnings return; the buyer downloads again', async () => {
      const earnings = await balance(`earnings:${ids.uploader}`);
      const held = await balance(`held:${ids.uploader}`);
      const res = await staffPost(mod, `/admin/documents/${aId}/restore`, { note: '反通知材料充分' });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal((await fetch(`${base}/d/${aId}`)).status, 200);
      assert.equal((await visitor.get(`/d/${aId}/pages/1.webp`)).statusCode, 200);
      assert.ok((await searchIds('文明城市')).includes(aId));
      assert.ok((await (await fetch(`${base}/sitemap.xml`)).text()).includes(`/d/${aId}</loc>`));
      assert.ok((await (await fetch(`${base}/d/${bId}`)).text()).includes(`href="/d/${aId}"`));
      assert.equal(await balance(`held:${ids.uploader}`), 0);
      assert.equal(await balance(`earnings:${ids.uploader}`), earnings + held);
      assert.equal(await balance(`pending:${ids.uploader}`), 0, 'the reward is not paid twice');
      const dl = await buyer.get(`/d/${aId}/download`);
      assert.equal(dl.statusCode, 303);
      assert.match(String(dl.headers.location), /^\/dl\//);
      assert.match(await notificationsOf(uploader), new RegExp(`你的文档《${A_TITLE}》已恢复上架`));
      assert.ok((await admin.get('/admin/audit?action=document.restore')).body.includes('恢复文档'));
      assert.equal((await staffPost(mod, `/admin/documents/${aId}/restore`, {})).statusCode, 409);
      const ledger = await verifyLedger(t.deps);
      assert.ok(ledger.ok, JSON.stringify(ledger));
    });

    test('dismiss needs a reason; the reporter reads it; the uploader is told', async () => {
      const filed = await report(reporter, bId, 'mismatch', '标题写的是讲话，内容也确实是讲话？');
      const id = (filed.json() as { id: number }).id;
      const empty = await staffPost(mod, `/admin/reports/${id}/dismiss`, { reason: ' ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /请填写驳回原因/);
      assert.equal(
        (await db().selectFrom('reports').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
        'open',
      );
      const ok = await staffPost(mod, `/admin/reports/${id}/dismiss`, { reason: '内容与标题一致，举报不成立' });
      assert.equal(ok.statusCode, 303);
      const row = await db().selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.status, row.decision, row.decision_reason],
        ['dismissed', 'dismiss', '内容与标题一致，举报不成立'],
      );
      assert.match(await notificationsOf(reporter), /经核实未予采纳，原因：内容与标题一致，举报不成立/);
      assert.match(await notificationsOf(uploader), /收到的一条举报经核实未予采纳/);
      assert.ok((await admin.get('/admin/audit?action=report.dismiss')).body.includes('驳回举报'));
      assert.equal(
        (await db().selectFrom('documents').select('status').where('id', '=', bId).executeTakeFirstOrThrow()).status,
        'published',
      );
    });

    test('warn and punish the uploader close the report; a muted user cannot report', async () => {
      const w = (await report(reporter2, bId, 'spam', '文末有广告')).json() as { id: number };
      const warn = await staffPost(mod, `/admin/reports/${w.id}/warn`, { message: '请删除文末的广告链接' });
      assert.equal(warn.statusCode, 303);
      assert.match(
        await notificationsOf(uploader),
        /管理员就你的文档《创建文明城市动员讲话（免费版）》向你发出警告：请删除文末的广告链接/,
      );
      assert.match(await notificationsOf(reporter2), /我们已警告上传者/);

      const p = (await report(reporter, bId, 'other', '上传者多次发布广告')).json() as { id: number };
      const punish = await staffPost(mod, `/admin/reports/${p.id}/punish`, {
        kind: 'mute',
        days: '1',
        reason: '多次发布广告',
      });
      assert.equal(punish.statusCode, 303, punish.body);
      const rows = await db()
        .selectFrom('reports')
        .select(['id', 'status', 'decision'])
        .where('id', 'in', [w.id, p.id])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.status, r.decision]),
        [
          ['actioned', 'warn'],
          ['actioned', 'punish'],
        ],
      );
      assert.match(await notificationsOf(reporter), /我们已处罚上传者/);
      const refused = await uploader.postForm(
        `/d/${aId}/report`,
        { reason: 'spam', detail: '' },
        { csrf: await uploader.csrf('/') },
      );
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /你已被禁言/);
    });

    test('when the uploader deletes a document, its open reports close and the reporters are told', async () => {
      const filed = (await report(reporter2, bId, 'copyright', '')).json() as { id: number };
      const del = await uploader.postForm(`/d/${bId}/delete`, {}, { csrf: await uploader.csrf(`/d/${bId}/delete`) });
      assert.equal(del.statusCode, 303, del.body);
      const row = await db().selectFrom('reports').selectAll().where('id', '=', filed.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.status, row.decision_reason], ['dismissed', '文档已被上传者删除']);
      assert.match(await notificationsOf(reporter2), /已关闭：文档已被上传者删除/);
      assert.ok((await verifyLedger(t.deps)).ok);
    });
  });
}
