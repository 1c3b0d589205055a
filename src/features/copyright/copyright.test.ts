// Copyright notices, counter-notices and 认领 end to end, on every dialect: the rights holder's notice → staff take
// the documents down (the notice forwarded to the uploader) → the uploader's counter-notice → restore or keep down,
// with what each party reads in 站内信 and what the audit log records; the refusals (no proof, no valid document,
// a counter-notice on a document never taken down, acting twice); who may see what (IDOR by id enumeration, staff
// routes refused to users and visitors); and a claim whose approval sends the next sale's earnings to the claimant.
// The 认领 test is copyright-claim.test.ts, a rejected or withdrawn notice copyright-reject.test.ts; the site they
// use is testing/copyright-site.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../../testing/client.ts';
import {
  type CopyrightSite,
  counterFields,
  holderFields,
  openCopyrightSite,
  PDF,
  PNG,
  postMultipart,
} from '../../testing/copyright-site.ts';
import type { TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`copyright notices on ${dialect}`, () => {
    let s: CopyrightSite;
    let t: TestApp;
    let anon: TestClient;
    let admin: TestClient;
    let moderator: TestClient;
    let holder: TestClient;
    let uploader: TestClient;
    let other: TestClient;
    let ids: CopyrightSite['ids'];
    let docs: CopyrightSite['docs'];
    let noticeId = 0;
    const db = () => s.db();
    const docRow = (id: number) => s.docRow(id);
    const count = (table: Parameters<CopyrightSite['count']>[0]) => s.count(table);
    const notifications = (client: TestClient) => s.notifications(client);
    const staffPost = (client: TestClient, url: string, fields?: Record<string, string>) =>
      s.staffPost(client, url, fields);

    before(async () => {
      s = await openCopyrightSite(dialect);
      ({ t, anon, admin, moderator, holder, uploader, other, ids, docs } = s);
    });

    after(() => t.close());

    test('a notice without proof, or naming no valid document, is refused and nothing is stored', async () => {
      const page = await holder.get('/copyright');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /信息网络传播权保护条例/);
      assert.match(page.body, /name="proofText"/);
      assert.match(
        (await anon.get('/copyright')).body,
        /href="\/login\?next=%2Fcopyright"/,
        'visitors are sent to log in',
      );

      const noProof = await postMultipart(t, holder, '/copyright', holderFields(`${docs.restored}`, { proofText: '' }));
      assert.equal(noProof.statusCode, 422);
      assert.match(noProof.body, /没有权属证明的通知无法受理/);
      assert.match(noProof.body, /青石出版社有限公司/, 'what was typed is shown again');

      const missing = await postMultipart(t, holder, '/copyright', holderFields('https://wenyuan.example/d/999999'));
      assert.equal(missing.statusCode, 422);
      assert.match(missing.body, /以下文档不存在或未公开，无法投诉：999999/);
      const junk = await postMultipart(t, holder, '/copyright', holderFields('not-a-link'));
      assert.equal(junk.statusCode, 422);
      assert.match(junk.body, /不是文苑文档的链接或编号：not-a-link/);
      const none = await postMultipart(t, holder, '/copyright', holderFields(''));
      assert.equal(none.statusCode, 422);
      assert.match(none.body, /请至少填写一个涉嫌侵权的文苑文档链接或编号/);
      const unsworn = await postMultipart(t, holder, '/copyright', holderFields(`${docs.restored}`, { sworn: '' }));
      assert.equal(unsworn.statusCode, 422);
      assert.match(unsworn.body, /请勾选保证声明/);
      const badFile = await postMultipart(t, holder, '/copyright', holderFields(`${docs.restored}`), [
        { name: '证书.pdf', data: Buffer.from('<html>not a pdf</html>') },
      ]);
      assert.equal(badFile.statusCode, 422);
      assert.match(badFile.body, /不是 PDF、JPG 或 PNG/);
      const visitor = await postMultipart(t, anon, '/copyright', holderFields(`${docs.restored}`), [], '/login');
      assert.equal(visitor.statusCode, 401, 'a visitor cannot file');

      const person = { holderKind: 'person', holderName: '林青石', idType: 'id_card' };
      const legacy = await postMultipart(
        t,
        holder,
        '/copyright',
        holderFields(`${docs.restored}`, { ...person, idNumber: '110105491231002' }),
      );
      assert.equal(legacy.statusCode, 422);
      assert.match(legacy.body, /15 位的第一代身份证号码已停止使用/);
      const wrongCheck = await postMultipart(
        t,
        holder,
        '/copyright',
        holderFields(`${docs.restored}`, { ...person, idNumber: '110105194912310021', proofText: '' }),
      );
      assert.match(wrongCheck.body, /居民身份证号码无效/);
      const refused = await postMultipart(
        t,
        holder,
        '/copyright',
        holderFields(`${docs.restored}`, { ...person, idNumber: '11010519491231002X', proofText: '' }),
      );
      assert.equal(refused.statusCode, 422);
      assert.doesNotMatch(refused.body, /11010519491231002X/, 'a person’s number is never written back');

      assert.equal(await count('copyright_notices'), 0);
      assert.equal(await count('copyright_files'), 0);
      assert.equal((await docRow(docs.restored!)).status, 'published');
    });

    test('visitors and ordinary users are kept out of /admin/notices*', async () => {
      for (const url of ['/admin/notices', '/admin/notices/1', '/admin/notices/files/1']) {
        const res = await anon.get(url);
        assert.equal(res.statusCode, 303, url);
        assert.equal(res.headers.location, `/login?next=${encodeURIComponent(url)}`);
        assert.equal((await other.get(url)).statusCode, 403, url);
      }
      for (const url of [
        '/admin/notices/1/take-down',
        '/admin/notices/1/reject',
        '/admin/notices/1/approve',
        '/admin/notices/1/documents/1/restore',
        '/admin/notices/1/documents/1/keep-down',
      ]) {
        const visitor = await anon.postForm(url, { reason: '理由充分' }, { csrf: await anon.csrf('/login') });
        assert.equal(visitor.statusCode, 401, url);
        const res = await staffPost(other, url, { reason: '理由充分' });
        assert.equal(res.statusCode, 403, url);
        assert.match(res.body, /<html lang="zh-CN"/);
      }
      assert.equal((await moderator.get('/admin/notices')).statusCode, 200);
    });

    test('notice → takedown → counter-notice → restore, with notifications, timeline and audit', async () => {
      // 1. The rights holder files a notice naming two documents, with two proof files.
      const res = await postMultipart(
        t,
        holder,
        '/copyright',
        holderFields(`https://wenyuan.example/d/${docs.restored}\n/d/${docs.keptDown}?from=search`),
        [
          { name: '登记证书.png', data: PNG },
          { name: '出版合同.pdf', data: PDF },
        ],
      );
      assert.equal(res.statusCode, 303, res.body);
      const m = /^\/copyright\/notices\/(\d+)\?notice=submitted$/.exec(String(res.headers.location));
      assert.ok(m, String(res.headers.location));
      noticeId = Number(m[1]);
      const stored = await db()
        .selectFrom('copyright_notices')
        .selectAll()
        .where('id', '=', noticeId)
        .executeTakeFirstOrThrow();
      assert.equal(stored.status, 'submitted');
      assert.equal(await count('copyright_files'), 2);

      const mine = await holder.get(`/copyright/notices/${noticeId}?notice=submitted`);
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /通知已提交/);
      assert.match(mine.body, /权利人提交了版权通知/);
      assert.match(mine.body, /登记证书\.png/, 'the filer sees the names of their files');
      assert.doesNotMatch(mine.body, /\/admin\/notices\/files\//, 'but no download link');
      assert.match((await holder.get('/copyright/notices')).body, new RegExp(`/copyright/notices/${noticeId}`));

      // 2. Before the takedown the uploader is not a party yet; nobody else ever is (ids enumerated: all 404).
      for (let id = 1; id <= noticeId + 3; id++) {
        assert.equal((await other.get(`/copyright/notices/${id}`)).statusCode, 404, `other #${id}`);
        assert.equal((await uploader.get(`/copyright/notices/${id}`)).statusCode, 404, `uploader #${id}`);
      }
      assert.equal((await anon.get(`/copyright/notices/${noticeId}`)).statusCode, 303);
      // No counter-notice while the document is up.
      const early = await uploader.get(`/d/${docs.restored}/counter-notice`);
      assert.equal(early.statusCode, 409);
      assert.match(early.body, /没有因版权通知被下架/);

      // 3. Staff see the queue with the proof, and download the files (attachment, nosniff); nobody else does.
      const queue = await moderator.get('/admin/notices');
      assert.match(queue.body, new RegExp(`href="/admin/notices/${noticeId}"`));
      assert.match(queue.body, /闽作登字-2024-A-00012345/);
      const staffPage = await moderator.get(`/admin/notices/${noticeId}`);
      const fileIds = [...staffPage.body.matchAll(/href="\/admin\/notices\/files\/(\d+)"/g)].map((x) => Number(x[1]));
      assert.equal(fileIds.length, 2);
      const png = await moderator.get(`/admin/notices/files/${fileIds[0]}`);
      assert.equal(png.statusCode, 200);
      assert.equal(png.headers['x-content-type-options'], 'nosniff');
      assert.match(String(png.headers['content-disposition']), /^attachment;/);
      assert.equal(png.headers['content-type'], 'image/png');
      assert.deepEqual(png.rawPayload, PNG);
      assert.equal((await holder.get(`/admin/notices/files/${fileIds[0]}`)).statusCode, 403);
      assert.equal((await uploader.get(`/admin/notices/files/${fileIds[1]}`)).statusCode, 403);

      // 4. The moderator takes the documents down; acting twice is 409.
      const down = await staffPost(moderator, `/admin/notices/${noticeId}/take-down`);
      assert.equal(down.statusCode, 303, down.body);
      for (const id of [docs.restored!, docs.keptDown!]) {
        const d = await docRow(id);
        assert.equal(d.status, 'taken_down');
        assert.equal(d.takedown_code, 'copyright');
        assert.equal(d.takedown_ref, `notice:${noticeId}`);
        assert.equal((await anon.get(`/d/${id}`)).statusCode, 451);
      }
      const twice = await staffPost(moderator, `/admin/notices/${noticeId}/take-down`);
      assert.equal(twice.statusCode, 422);
      assert.match(twice.body, /已经处理过了/);

      // 5. The notice reached the uploader (with a link to it) and the outcome the rights holder.
      const toUploader = await notifications(uploader);
      assert.match(toUploader, new RegExp(`因 青石出版社有限公司 的版权通知（第 ${noticeId} 号）已被下架`));
      const toHolder = await notifications(holder);
      assert.match(
        toHolder,
        new RegExp(`你的版权通知（第 ${noticeId} 号，作品《基层治理讲话稿汇编》）已处理：下架 2 篇文档`),
      );
      const link = await db()
        .selectFrom('notifications')
        .select('link')
        .where('user_id', '=', ids.uploader!)
        .where('kind', '=', 'copyright.forwarded')
        .execute();
      assert.deepEqual(
        link.map((l) => l.link),
        [`/copyright/notices/${noticeId}`, `/copyright/notices/${noticeId}`],
      );

      // 6. Now the uploader sees the notice as forwarded: holder, work, proof — not the address or the files.
      const forwarded = await uploader.get(`/copyright/notices/${noticeId}`);
      assert.equal(forwarded.statusCode, 200);
      assert.match(forwarded.body, /青石出版社有限公司/);
      assert.match(forwarded.body, /闽作登字-2024-A-00012345/);
      assert.doesNotMatch(forwarded.body, /五四路/);
      assert.match(forwarded.body, /另有 2 个证明文件，仅平台审核人员可见/);
      assert.match(forwarded.body, new RegExp(`href="/d/${docs.restored}/counter-notice"`));
      assert.match((await uploader.get('/copyright/notices')).body, new RegExp(`/copyright/notices/${noticeId}`));
      assert.equal((await other.get(`/copyright/notices/${noticeId}`)).statusCode, 404);

      // 7. Counter-notice: not theirs → 403; without evidence → 400; then filed with a file; twice → 409.
      const notTheirs = await other.get(`/d/${docs.restored}/counter-notice`);
      assert.equal(notTheirs.statusCode, 403);
      assert.match(notTheirs.body, /只有该文档的上传者可以提交反通知/);
      const form = await uploader.get(`/d/${docs.restored}/counter-notice`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /name="statement"/);
      const noEvidence = await postMultipart(
        t,
        uploader,
        `/d/${docs.restored}/counter-notice`,
        counterFields({ evidenceText: '' }),
      );
      assert.equal(noEvidence.statusCode, 422);
      assert.match(noEvidence.body, /请提供证据说明/);
      assert.equal(await count('copyright_counter_notices'), 0);
      const filed = await postMultipart(t, uploader, `/d/${docs.restored}/counter-notice`, counterFields(), [
        { name: '原稿.pdf', data: PDF },
      ]);
      assert.equal(filed.statusCode, 303, filed.body);
      assert.equal(filed.headers.location, `/copyright/notices/${noticeId}?notice=countered`);
      const again = await postMultipart(t, uploader, `/d/${docs.restored}/counter-notice`, counterFields());
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /你已经对该文档提交过反通知/);
      assert.equal(await count('copyright_counter_notices'), 1);

      // 8. The rights holder receives the counter-notice.
      assert.match(await notifications(holder), /的上传者对你的版权通知（第 \d+ 号）提交了反通知/);
      const withCounter = await holder.get(`/copyright/notices/${noticeId}`);
      assert.match(withCounter.body, /该文档是我本人原创的讲话稿/);
      assert.match(withCounter.body, /已转送给权利人/);

      // 9. The moderator restores it, with a reason both read; a second decision is 409.
      const restore = await staffPost(moderator, `/admin/notices/${noticeId}/documents/${docs.restored}/restore`, {
        reason: '上传者提供了早于对方出版日期的原稿',
      });
      assert.equal(restore.statusCode, 303, restore.body);
      assert.equal((await docRow(docs.restored!)).status, 'published');
      assert.equal((await anon.get(`/d/${docs.restored}`)).statusCode, 200);
      const restoreTwice = await staffPost(moderator, `/admin/notices/${noticeId}/documents/${docs.restored}/restore`, {
        reason: '上传者提供了早于对方出版日期的原稿',
      });
      assert.equal(restoreTwice.statusCode, 422);
      assert.match(
        await notifications(holder),
        /平台已恢复《.*》（版权通知第 \d+ 号），理由：上传者提供了早于对方出版日期的原稿/,
      );
      assert.match(await notifications(uploader), /已恢复上架。上传者提供了早于对方出版日期的原稿/);

      // 10. Both parties read the same dated timeline.
      const steps = [
        '权利人提交了版权通知',
        '平台受理了通知',
        '已下架',
        '通知已转送给',
        '提交了反通知，已转送给权利人',
        '平台根据反通知恢复了',
      ];
      for (const client of [holder, uploader]) {
        const body = (await client.get(`/copyright/notices/${noticeId}`)).body;
        let at = 0;
        for (const step of steps) {
          const i = body.indexOf(step, at);
          assert.ok(i > at, `${step} in order`);
          at = i;
        }
        assert.match(body, /<time datetime="\d{4}-\d{2}-\d{2}T/);
      }
    });

    test('keep-down path: the counter-notice is answered by keeping the document down, both told why', async () => {
      assert.ok(noticeId, 'runs after the whole path');
      const filed = await postMultipart(t, uploader, `/d/${docs.keptDown}/counter-notice`, counterFields());
      assert.equal(filed.statusCode, 303, filed.body);
      const noReason = await staffPost(moderator, `/admin/notices/${noticeId}/documents/${docs.keptDown}/keep-down`);
      assert.equal(noReason.statusCode, 422);
      assert.match(noReason.body, /请填写理由/);
      const keep = await staffPost(moderator, `/admin/notices/${noticeId}/documents/${docs.keptDown}/keep-down`, {
        reason: '反通知证据不足以证明原创',
      });
      assert.equal(keep.statusCode, 303, keep.body);
      assert.equal((await docRow(docs.keptDown!)).status, 'taken_down');
      const twice = await staffPost(moderator, `/admin/notices/${noticeId}/documents/${docs.keptDown}/restore`, {
        reason: '改变主意',
      });
      assert.equal(twice.statusCode, 422);
      assert.equal((await docRow(docs.keptDown!)).status, 'taken_down');
      assert.match(
        await notifications(holder),
        /平台决定维持《.*》下架（版权通知第 \d+ 号），理由：反通知证据不足以证明原创/,
      );
      assert.match(
        await notifications(uploader),
        /决定维持《.*》下架（版权通知第 \d+ 号），理由：反通知证据不足以证明原创/,
      );
      const decided = await uploader.get(`/d/${docs.keptDown}/counter-notice`);
      assert.equal(decided.statusCode, 409);

      // Every staff step is in the audit log, with its label, for the admin.
      const actions = (
        await db().selectFrom('audit_log').select('action').where('actor_id', '=', ids.moderator!).execute()
      ).map((r) => r.action);
      for (const a of [
        'notice.take_down',
        'document.takedown',
        'document.restore',
        'notice.restore',
        'notice.keep_down',
      ])
        assert.ok(actions.includes(a), a);
      const audit = await admin.get('/admin/audit');
      assert.equal(audit.statusCode, 200);
      for (const label of ['受理版权通知并下架文档', '根据反通知恢复文档', '反通知后维持下架'])
        assert.match(audit.body, new RegExp(label));
    });

    test('a counter-notice on a document never taken down is refused and changes nothing', async () => {
      const get = await uploader.get(`/d/${docs.neverDown}/counter-notice`);
      assert.equal(get.statusCode, 409);
      assert.match(get.body, /该文档没有因版权通知被下架，不能提交反通知/);
      const post = await postMultipart(t, uploader, `/d/${docs.neverDown}/counter-notice`, counterFields());
      assert.equal(post.statusCode, 409);
      assert.match(post.body, /没有因版权通知被下架/);
      const json = await postMultipart(t, other, `/d/${docs.neverDown}/counter-notice`, counterFields());
      assert.equal(json.statusCode, 403);
      assert.equal((await docRow(docs.neverDown!)).status, 'published');
      assert.equal(await count('copyright_counter_notices'), 2);
    });
  });
}
