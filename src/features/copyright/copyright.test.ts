// Copyright notices, counter-notices and 认领 end to end, on every dialect: the rights holder's notice → staff take
// the documents down (the notice forwarded to the uploader) → the uploader's counter-notice → restore or keep down,
// with what each party reads in 站内信 and what the audit log records; the refusals (no proof, no valid document,
// a counter-notice on a document never taken down, acting twice); who may see what (IDOR by id enumeration, staff
// routes refused to users and visitors); and a claim whose approval sends the next sale's earnings to the claimant.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { TestClient } from '../../testing/client.ts';
import { insertTestDocument } from '../../testing/credits.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { grantCredits } from '../credits/grants.ts';
import { balanceOf } from '../credits/repo.ts';
import { verifyLedger } from '../credits/verify.ts';

// The smallest valid PNG (1×1) and a minimal PDF header: file-type recognises both by their bytes.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

type FilePart = { field?: string; name: string; data: Buffer };

/** Posts a multipart form (fields and files) the way the browser does, the CSRF token in the URL. */
async function postMultipart(
  t: TestApp,
  client: TestClient,
  url: string,
  fields: Record<string, string>,
  files: FilePart[] = [],
  csrfPage = '/copyright/notices',
): Promise<LightMyRequestResponse> {
  const csrf = await client.csrf(csrfPage);
  const boundary = `----wycopyright${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'proof'}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return t.app.inject({
    method: 'POST',
    url: `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf)}`,
    payload: Buffer.concat(chunks),
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
}

const holderFields = (documents: string, extra: Record<string, string> = {}) => ({
  holderKind: 'organisation',
  holderName: '青石出版社有限公司',
  idType: 'uscc',
  idNumber: '91350100M000100Y43',
  phone: '13800138000',
  email: 'rights@example.com',
  address: '福建省福州市鼓楼区五四路 1 号',
  workTitle: '基层治理讲话稿汇编',
  workAuthor: '林青石',
  workPublished: '2024 年 3 月，青石出版社《基层治理》第 2 期',
  documents,
  proofText: '本社享有该作品的专有出版权，附著作权登记证书（登记号 闽作登字-2024-A-00012345）及出版合同。',
  sworn: '1',
  ...extra,
});

const counterFields = (extra: Record<string, string> = {}) => ({
  name: '张上传',
  contact: 'uploader@example.com',
  address: '北京市东城区东长安街 1 号',
  statement: '该文档是我本人原创的讲话稿，2023 年即已在本单位内网发布，与对方作品无关。',
  evidenceText: '附 2023 年的原始稿件文件与内网发布截图，文件创建日期早于对方出版日期。',
  sworn: '1',
  ...extra,
});

for (const dialect of DIALECTS) {
  describe(`copyright notices and claims on ${dialect}`, () => {
    let t: TestApp;
    let anon: TestClient;
    let admin: TestClient;
    let moderator: TestClient;
    let holder: TestClient;
    let uploader: TestClient;
    let other: TestClient;
    let buyer: TestClient;
    const ids: Record<string, number> = {};
    const docs: Record<string, number> = {};
    let noticeId = 0;

    const db = () => t.deps.database.db;
    const userId = async (email: string) =>
      Number((await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);
    const docRow = (id: number) =>
      db().selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const count = async (table: 'copyright_notices' | 'copyright_counter_notices' | 'copyright_files') =>
      Number(
        (
          await db()
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const notifications = async (client: TestClient) => {
      const res = await client.get('/notifications');
      assert.equal(res.statusCode, 200);
      return res.body;
    };
    const staffPost = async (client: TestClient, url: string, fields: Record<string, string> = {}) =>
      client.postForm(url, fields, { csrf: await client.csrf('/copyright/notices') });
    // The balance including credits not yet settled (decision 0017).
    const balance = (code: string) => balanceOf(db(), code);

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      anon = new TestClient(t.app);
      const people: Array<[string, string, string]> = [
        ['admin', 'admin@example.com', '站长'],
        ['moderator', 'mod@example.com', '审核员甲'],
        ['holder', 'holder@example.com', '青石出版社'],
        ['uploader', 'uploader@example.com', '张上传'],
        ['other', 'other@example.com', '路人乙'],
        ['buyer', 'buyer@example.com', '读者丙'],
      ];
      const clients: Record<string, TestClient> = {};
      for (const [key, email, name] of people) {
        clients[key] = new TestClient(t.app);
        const res = await clients[key]!.register(email, name);
        assert.equal(res.statusCode, 303, res.body);
        ids[key] = await userId(email);
      }
      ({ admin, moderator, holder, uploader, other, buyer } = clients as Record<string, TestClient> & {
        admin: TestClient;
        moderator: TestClient;
        holder: TestClient;
        uploader: TestClient;
        other: TestClient;
        buyer: TestClient;
      });
      await db().updateTable('users').set({ role: 'admin' }).where('id', '=', ids.admin!).execute();
      await db().updateTable('users').set({ role: 'moderator' }).where('id', '=', ids.moderator!).execute();
      for (const key of ['restored', 'keptDown', 'neverDown', 'rejected', 'claimed']) {
        docs[key] = await insertTestDocument(t.deps.database, ids.uploader!, { price: key === 'claimed' ? 20 : 0 });
      }
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
      assert.equal(noProof.statusCode, 400);
      assert.match(noProof.body, /没有权属证明的通知无法受理/);
      assert.match(noProof.body, /青石出版社有限公司/, 'what was typed is shown again');

      const missing = await postMultipart(t, holder, '/copyright', holderFields('https://wenyuan.example/d/999999'));
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /以下文档不存在或未公开，无法投诉：999999/);
      const junk = await postMultipart(t, holder, '/copyright', holderFields('not-a-link'));
      assert.equal(junk.statusCode, 400);
      assert.match(junk.body, /不是文苑文档的链接或编号：not-a-link/);
      const none = await postMultipart(t, holder, '/copyright', holderFields(''));
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /请至少填写一个涉嫌侵权的文苑文档链接或编号/);
      const unsworn = await postMultipart(t, holder, '/copyright', holderFields(`${docs.restored}`, { sworn: '' }));
      assert.equal(unsworn.statusCode, 400);
      assert.match(unsworn.body, /请勾选保证声明/);
      const badFile = await postMultipart(t, holder, '/copyright', holderFields(`${docs.restored}`), [
        { name: '证书.pdf', data: Buffer.from('<html>not a pdf</html>') },
      ]);
      assert.equal(badFile.statusCode, 400);
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
      assert.equal(legacy.statusCode, 400);
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
      assert.equal(refused.statusCode, 400);
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
      assert.equal(twice.statusCode, 409);
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
      assert.equal(noEvidence.statusCode, 400);
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
      assert.equal(restoreTwice.statusCode, 409);
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
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /请填写理由/);
      const keep = await staffPost(moderator, `/admin/notices/${noticeId}/documents/${docs.keptDown}/keep-down`, {
        reason: '反通知证据不足以证明原创',
      });
      assert.equal(keep.statusCode, 303, keep.body);
      assert.equal((await docRow(docs.keptDown!)).status, 'taken_down');
      const twice = await staffPost(moderator, `/admin/notices/${noticeId}/documents/${docs.keptDown}/restore`, {
        reason: '改变主意',
      });
      assert.equal(twice.statusCode, 409);
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

    test('rejecting a notice tells the rights holder why; acting again is 409; a withdrawn notice stays untouched', async () => {
      const res = await postMultipart(
        t,
        holder,
        '/copyright',
        holderFields(`${docs.rejected}`, {
          holderKind: 'person',
          holderName: '林青石',
          idType: 'id_card',
          idNumber: '11010519491231002x',
        }),
      );
      assert.equal(res.statusCode, 303, res.body);
      const id = Number(/notices\/(\d+)/.exec(String(res.headers.location))![1]);
      const row = await db().selectFrom('copyright_notices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.id_number, '110105********002X', 'a person’s number is kept masked only');
      assert.equal((await staffPost(moderator, `/admin/notices/${id}/reject`)).statusCode, 400);
      const reject = await staffPost(moderator, `/admin/notices/${id}/reject`, { reason: '证明材料与作品不符' });
      assert.equal(reject.statusCode, 303);
      assert.equal((await staffPost(moderator, `/admin/notices/${id}/reject`, { reason: '再驳' })).statusCode, 409);
      assert.equal((await staffPost(moderator, `/admin/notices/${id}/take-down`)).statusCode, 409);
      assert.equal((await docRow(docs.rejected!)).status, 'published');
      assert.match(await notifications(holder), new RegExp(`第 ${id} 号.*未予受理，理由：证明材料与作品不符`));
      assert.ok(
        await db()
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'notice.reject')
          .where('target_id', '=', id)
          .executeTakeFirst(),
      );

      const second = await postMultipart(t, holder, '/copyright', holderFields(`${docs.rejected}`));
      const id2 = Number(/notices\/(\d+)/.exec(String(second.headers.location))![1]);
      assert.equal(
        (
          await other.postForm(
            `/copyright/notices/${id2}/withdraw`,
            {},
            { csrf: await other.csrf('/copyright/notices') },
          )
        ).statusCode,
        404,
      );
      const withdraw = await holder.postForm(
        `/copyright/notices/${id2}/withdraw`,
        {},
        {
          csrf: await holder.csrf('/copyright/notices'),
        },
      );
      assert.equal(withdraw.statusCode, 303);
      assert.equal((await staffPost(moderator, `/admin/notices/${id2}/take-down`)).statusCode, 409);
      assert.equal((await docRow(docs.rejected!)).status, 'published');
    });

    test('认领: an approved claim sends the next sale’s earnings to the claimant; past ones stay; ledger verifies', async () => {
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
      assert.equal(noProof.statusCode, 400);
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
      assert.equal((await staffPost(moderator, `/admin/notices/${claimId}/approve`)).statusCode, 409);
      assert.equal(
        (await staffPost(moderator, `/admin/notices/${claimId}/reject`, { reason: '晚了' })).statusCode,
        409,
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
      assert.equal(holderBuys.statusCode, 400, 'the claimant does not buy from themselves');
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
