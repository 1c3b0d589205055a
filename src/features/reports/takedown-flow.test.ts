// Reports → decisions → takedown, end to end over HTTP on each dialect: a reader reports a document, a moderator
// takes it down from /admin/reports, and the document is gone from every public surface (page 451 for everyone —
// a fresh anonymous request through the front cache included — search, suggestions, another document's related list,
// the sitemap, its page images, the purchase path); reporters and the uploader read the outcome in 站内信; the staff
// actions are in /admin/audit; the buyer's access and the uploader's earnings follow decision 0010; a restore brings
// everything back; `ledger verify` passes throughout.
// The staff decisions that do not take a document down (dismiss, warn, punish, the uploader deleting) are
// report-decisions.test.ts; the site both use is testing/takedown-site.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../../testing/client.ts';
import { A_TITLE, openTakedownSite, type TakedownSite } from '../../testing/takedown-site.ts';
import type { TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { verifyLedger } from '../credits/verify.ts';

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
    let s: TakedownSite;
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
    const db = () => s.db();
    const balance = (code: string) => s.balance(code);
    const searchIds = (q: string) => s.searchIds(q);
    const suggestions = (q: string) => s.suggestions(q);
    const notificationsOf = (c: TestClient) => s.notificationsOf(c);
    const frontHits = () => s.frontHits();
    const auditCount = () => s.auditCount();
    const report = (c: TestClient, docId: number, reason: string, detail = '') => s.report(c, docId, reason, detail);
    const staffPost = (c: TestClient, url: string, fields: Record<string, string>) => s.staffPost(c, url, fields);

    before(async () => {
      s = await openTakedownSite(dialect);
      ({ t, base, admin, mod, uploader, reporter, reporter2, buyer, user, visitor, ids, aId, bId } = s);
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

    test('the report form offers exactly the seven reasons; a second open report is refused and changes nothing', async () => {
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
      assert.equal(again.statusCode, 422, 'the form again, saying why');
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

    test('acting on a closed report is refused with a message (the queue again, 422) and changes nothing', async () => {
      const audits = await auditCount();
      for (const [action, fields] of [
        ['takedown', { note: '' }],
        ['dismiss', { reason: '重复操作' }],
        ['warn', { message: '重复操作' }],
        ['punish', { kind: 'mute', days: '1', reason: '重复操作' }],
      ] as const) {
        const res = await staffPost(mod, `/admin/reports/${report2Id}/${action}`, fields);
        assert.equal(res.statusCode, 422, action);
        assert.match(res.body, /class="form__errors" role="alert"/, 'the sentence alone: the report has no forms left');
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
      // Taking it down again is refused too: the list again with the sentence (422; JSON keeps the 409).
      const again = await staffPost(mod, `/admin/documents/${aId}/takedown`, { code: 'spam' });
      assert.equal(again.statusCode, 422);
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
      assert.equal((await staffPost(mod, `/admin/documents/${aId}/restore`, {})).statusCode, 422, 'restored already');
      const ledger = await verifyLedger(t.deps);
      assert.ok(ledger.ok, JSON.stringify(ledger));
    });
  });
}
