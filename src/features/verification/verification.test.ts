// Real-name verification over HTTP on each dialect: submission and its refusals, the staff queue (approve, reject,
// 409 on a second decision), the badge following approval and revocation, one verified account per number, the
// admin-only audited reveal, and the sale gate on paid uploads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { makeIdNumber } from '../../testing/verification.ts';
import { maskIdNumber } from './id-number.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const TEXT = readFileSync(SEED_TXT);
const JSON_ACCEPT = { accept: 'application/json' };

function submit(
  client: TestClient,
  legalName: string,
  idNumber: string,
  opts: { photo?: { name: string; data: Buffer }; consent?: boolean; json?: boolean } = {},
): Promise<LightMyRequestResponse> {
  return client.postMultipart(
    '/account/verification',
    { legalName, idNumber, ...(opts.consent === false ? {} : { consent: '1' }) },
    {
      file: opts.photo ? { field: 'photo', ...opts.photo } : undefined,
      accept: opts.json ? 'application/json' : undefined,
    },
  );
}

const errorMessage = (res: LightMyRequestResponse) => (res.json() as { error: { message: string } }).error.message;

for (const dialect of DIALECTS) {
  describe(`real-name verification (${dialect})`, () => {
    let t: TestApp;
    let alice: TestClient;
    let bob: TestClient;
    let carol: TestClient;
    let moderator: TestClient;
    let admin: TestClient;
    const ids: Record<string, number> = {};
    const aliceNumber = makeIdNumber({ region: '440304', birth: '19900307', seq: '123' });
    const bobNumber = makeIdNumber({ region: '320102', birth: '19851111', seq: '456' });

    const idOf = async (email: string) =>
      Number(
        (await t.deps.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
          .id,
      );
    const user = (id: number) =>
      t.deps.database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const rows = () => t.deps.database.db.selectFrom('verifications').selectAll().orderBy('id').execute();
    const audit = (action: string) =>
      t.deps.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
    const notifications = (userId: number) =>
      t.deps.database.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('id').execute();
    const act = async (client: TestClient, id: number, action: string, fields: Record<string, string> = {}) =>
      client.postForm(`/admin/verifications/${id}/${action}`, fields, {
        csrf: await client.csrf('/notifications'),
        headers: JSON_ACCEPT,
      });

    before(async () => {
      t = await createTestApp(dialect);
      const make = async (name: string, display: string) => {
        const c = new TestClient(t.app);
        await c.register(`${name}@example.com`, display);
        ids[name] = await idOf(`${name}@example.com`);
        return c;
      };
      alice = await make('alice', '爱丽丝');
      bob = await make('bob', '鲍勃');
      carol = await make('carol', '卡罗尔');
      moderator = await make('moderator', '审核员小张');
      admin = await make('admin', '管理员老李');
      const db = t.deps.database.db;
      await db.updateTable('users').set({ role: 'moderator' }).where('id', '=', ids.moderator!).execute();
      await db.updateTable('users').set({ role: 'admin' }).where('id', '=', ids.admin!).execute();
    });
    after(() => t.close());

    test('bad input is refused with a clear zh-CN message and stores nothing', async () => {
      const wrongCheck = aliceNumber.slice(0, 17) + (aliceNumber.endsWith('0') ? '1' : '0');
      const cases: Array<[LightMyRequestResponse, number, RegExp]> = [
        [await submit(alice, '张三', wrongCheck, { json: true }), 400, /校验位不正确/],
        [await submit(alice, '张三', '440304900307123', { json: true }), 400, /15 位.*18 位/],
        [await submit(alice, '张三', aliceNumber.slice(0, 17), { json: true }), 400, /应为 18 位，你填写了 17 位/],
        [await submit(alice, '张三', `${aliceNumber}1`, { json: true }), 400, /你填写了 19 位/],
        [await submit(alice, '张三', '44030419900230123X', { json: true }), 400, /出生日期/],
        [await submit(alice, '张三', '99030419900307123X', { json: true }), 400, /地区代码/],
        [await submit(alice, '张三', '44030419900307A23X', { json: true }), 400, /只能包含数字/],
        [await submit(alice, 'Zhang San', aliceNumber, { json: true }), 400, /真实姓名/],
        [await submit(alice, '张三', aliceNumber, { json: true, consent: false }), 400, /同意/],
        [
          await submit(alice, '张三', aliceNumber, { json: true, photo: { name: 'card.jpg', data: TEXT } }),
          422,
          /JPEG、PNG 或 WebP/,
        ],
      ];
      for (const [res, status, message] of cases) {
        assert.equal(res.statusCode, status, res.body);
        assert.match(errorMessage(res), message);
      }
      // The HTML form answers with the same sentence on the page, the name kept, the number not echoed.
      const page = await submit(alice, '张三', wrongCheck);
      assert.equal(page.statusCode, 422);
      assert.match(page.body, /校验位不正确/);
      assert.match(page.body, /value="张三"/);
      assert.ok(!page.body.includes(wrongCheck));
      assert.deepEqual(await rows(), []);
      // A visitor cannot submit.
      const visitor = new TestClient(t.app);
      assert.equal(
        (await visitor.get('/account/verification')).headers.location,
        '/login?next=%2Faccount%2Fverification',
      );
    });

    let aliceVerification: number;
    test('submit (full-width digits, photo) → pending, masked, no resubmission → approved by a moderator → badge', async () => {
      const fullWidth = [...aliceNumber.toLowerCase()]
        .map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
        .join('');
      const res = await submit(alice, ' 张三丰 ', fullWidth, { photo: { name: 'card.png', data: PNG } });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/account/verification?notice=submitted');
      const [row] = await rows();
      assert.ok(row);
      aliceVerification = Number(row.id);
      assert.equal(row.status, 'pending');
      assert.match(row.id_number_sealed, /^v1\.[0-9a-f]{8}\./);
      assert.ok(!row.id_number_sealed.includes(aliceNumber) && !row.legal_name_sealed.includes('张三丰'));
      // The sealed number opens to the normalised number (full-width and lower-case x normalised).
      assert.equal(t.deps.pii.openText(row.id_number_sealed, `verification.number:${ids.alice}`), aliceNumber);

      const mine = await alice.get('/account/verification');
      assert.match(mine.body, /审核中/);
      assert.ok(mine.body.includes('张**'));
      assert.ok(mine.body.includes(maskIdNumber(aliceNumber)));
      assert.ok(!mine.body.includes(aliceNumber));
      assert.ok(!mine.body.includes('name="idNumber"'), 'no form while pending');

      const again = await submit(alice, '张三丰', aliceNumber, { json: true });
      assert.equal(again.statusCode, 409);
      assert.match(errorMessage(again), /正在审核中/);
      assert.equal((await rows()).length, 1);

      // The queue shows it masked to the moderator, without the reveal form (admins only).
      const queue = await moderator.get('/admin/verifications');
      assert.equal(queue.statusCode, 200);
      assert.equal(queue.headers['cache-control'], 'private, no-store');
      assert.ok(queue.body.includes('张**') && queue.body.includes(maskIdNumber(aliceNumber)));
      assert.ok(!queue.body.includes(aliceNumber));
      assert.ok(!queue.body.includes('/reveal'));

      const approved = await act(moderator, aliceVerification, 'approve');
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal((await user(ids.alice!)).real_name_verified, 1);
      const twice = await act(admin, aliceVerification, 'approve');
      assert.equal(twice.statusCode, 409);
      assert.match(errorMessage(twice), /已经处理过/);
      const rejectAfter = await act(moderator, aliceVerification, 'reject', { reason: '信息不符' });
      assert.equal(rejectAfter.statusCode, 409);

      const [entry] = await audit('verification.approve');
      assert.ok(entry);
      assert.equal(Number(entry.actor_id), ids.moderator);
      assert.ok(entry.before?.includes(maskIdNumber(aliceNumber)) && entry.before.includes('张**'));
      assert.ok(!`${entry.before}${entry.after}`.includes(aliceNumber));
      const [note] = await notifications(ids.alice!);
      assert.equal(note?.kind, 'verification.approved');
      assert.match((await alice.get('/notifications')).body, /实名认证已通过/);

      const after = await alice.get('/account/verification');
      assert.match(after.body, /已认证/);
      assert.ok(!after.body.includes('name="idNumber"'));
      assert.equal((await submit(alice, '张三丰', aliceNumber, { json: true })).statusCode, 409);
      assert.ok((await new TestClient(t.app).get(`/u/${ids.alice}`)).body.includes('badge--verified'));
    });

    test('one verified account per number: another account with the same number is refused', async () => {
      const res = await submit(carol, '张三丰', aliceNumber, { json: true });
      assert.equal(res.statusCode, 409);
      assert.match(errorMessage(res), /已认证其他账号/);
    });

    let bobVerification: number;
    test('reject with a reason → the applicant reads it and may resubmit; a second decision is 409', async () => {
      const res = await submit(bob, '李四', bobNumber, { json: true });
      assert.equal(res.statusCode, 201);
      bobVerification = (res.json() as { id: number }).id;
      const noReason = await act(moderator, bobVerification, 'reject', { reason: ' ' });
      assert.equal(noReason.statusCode, 400);
      assert.match(errorMessage(noReason), /请填写原因/);
      const rejected = await act(moderator, bobVerification, 'reject', { reason: '姓名与证件不一致' });
      assert.equal(rejected.statusCode, 200);
      assert.equal((await act(moderator, bobVerification, 'reject', { reason: '姓名与证件不一致' })).statusCode, 409);
      assert.equal((await act(admin, bobVerification, 'approve')).statusCode, 409);
      assert.equal((await user(ids.bob!)).real_name_verified, 0);
      const page = await bob.get('/account/verification');
      assert.match(page.body, /未通过/);
      assert.match(page.body, /姓名与证件不一致/);
      assert.ok(page.body.includes('name="idNumber"'), 'the form is back after a rejection');
      assert.match((await bob.get('/notifications')).body, /实名认证未通过，原因：姓名与证件不一致/);
      const [entry] = await audit('verification.reject');
      assert.equal(entry?.reason, '姓名与证件不一致');
      assert.ok(!`${entry?.before}${entry?.after}`.includes(bobNumber));
    });

    test('staff only: visitors go to login, users get 403; moderators cannot reveal or revoke; nobody reviews themselves', async () => {
      const visitor = new TestClient(t.app);
      const list = await visitor.get('/admin/verifications');
      assert.equal(list.statusCode, 303);
      assert.equal(list.headers.location, '/login?next=%2Fadmin%2Fverifications');
      const visitorPost = await visitor.postForm(
        `/admin/verifications/${bobVerification}/approve`,
        {},
        {
          csrf: await visitor.csrf('/login'),
          headers: JSON_ACCEPT,
        },
      );
      assert.equal(visitorPost.statusCode, 401);
      assert.equal((await carol.get('/admin/verifications')).statusCode, 403);
      for (const action of ['approve', 'reject', 'revoke', 'reveal']) {
        const res = await act(carol, aliceVerification, action, { reason: '想看看' });
        assert.equal(res.statusCode, 403, action);
      }
      assert.equal((await act(moderator, aliceVerification, 'reveal', { reason: '核对信息' })).statusCode, 403);
      assert.equal((await act(moderator, aliceVerification, 'revoke', { reason: '核对信息' })).statusCode, 403);
      assert.equal((await act(admin, 999999, 'approve')).statusCode, 404);

      // A moderator's own submission is decided by someone else.
      const own = await submit(moderator, '王五', makeIdNumber(), { json: true });
      const ownId = (own.json() as { id: number }).id;
      assert.equal((await act(moderator, ownId, 'approve')).statusCode, 403);
      assert.equal((await user(ids.moderator!)).real_name_verified, 0);
      assert.equal((await act(admin, ownId, 'reject', { reason: '测试用申请' })).statusCode, 200);
      assert.equal((await audit('verification.reveal')).length, 0, 'refused reveals are not reveals');
    });

    test('an admin reveals with a reason: shown once, uncached, audited with masked values', async () => {
      const noReason = await act(admin, aliceVerification, 'reveal', { reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.match(errorMessage(noReason), /查看原因/);
      const res = await admin.postForm(
        `/admin/verifications/${aliceVerification}/reveal`,
        { reason: '用户申诉，核对证件' },
        { csrf: await admin.csrf('/admin/verifications') },
      );
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'private, no-store');
      assert.ok(res.body.includes(aliceNumber), 'the full number, once');
      assert.ok(res.body.includes('张三丰'));
      assert.ok(res.body.includes(`src="data:image/png;base64,${PNG.toString('base64')}"`), 'the photo');
      const [entry] = await audit('verification.reveal');
      assert.ok(entry);
      assert.equal(Number(entry.actor_id), ids.admin);
      assert.equal(Number(entry.target_id), aliceVerification);
      assert.equal(entry.reason, '用户申诉，核对证件');
      assert.ok(entry.after?.includes(maskIdNumber(aliceNumber)));
      assert.ok(!JSON.stringify(entry).includes(aliceNumber));
      const queue = await admin.get('/admin/verifications?status=approved');
      assert.ok(!queue.body.includes(aliceNumber), 'the queue stays masked for the admin');
      assert.ok(queue.body.includes(`/admin/verifications/${aliceVerification}/reveal`));
      const auditPage = await admin.get('/admin/audit');
      assert.ok(!auditPage.body.includes(aliceNumber));
    });

    test('selling needs verification: a paid upload is refused with a link; revocation clears the badge', async () => {
      // An unverified user: the form says so, a paid upload is refused, a free one is fine.
      const form = await carol.get('/upload');
      assert.ok(form.body.includes('data-needs-verification'));
      assert.ok(form.body.includes('href="/account/verification"'));
      const paid = await carol.upload({ name: '付费材料.txt', data: TEXT }, { title: '', category: '1', price: '5' });
      assert.equal(paid.statusCode, 403);
      assert.match(errorMessage(paid), /实名认证.*\/account\/verification/);
      assert.equal(await countDocuments(ids.carol!), 0, 'nothing stored');
      const notes = Buffer.from('免费分享的学习笔记，第一部分。'.repeat(60));
      const free = await carol.upload({ name: '免费材料.txt', data: notes }, { title: '', category: '1', price: '0' });
      assert.equal(free.statusCode, 201);

      // A verified user sells.
      assert.ok(!(await alice.get('/upload')).body.includes('data-needs-verification'));
      const sold = await alice.upload(
        { name: '出售材料.txt', data: TEXT },
        { title: '出售的材料', category: '1', price: '5' },
      );
      assert.equal(sold.statusCode, 201, sold.body);
      assert.equal((await waitForStatus(alice, (sold.json() as { id: number }).id)).status, 'published');

      // Revocation: admins only, with a reason; the badge goes, paid uploads are refused again, the user is told.
      assert.equal((await act(admin, aliceVerification, 'revoke', { reason: '' })).statusCode, 400);
      const revoked = await act(admin, aliceVerification, 'revoke', { reason: '证件已挂失，请重新认证' });
      assert.equal(revoked.statusCode, 200);
      assert.equal(
        (await act(admin, aliceVerification, 'revoke', { reason: '证件已挂失，请重新认证' })).statusCode,
        409,
      );
      assert.equal((await user(ids.alice!)).real_name_verified, 0);
      assert.ok(!(await new TestClient(t.app).get(`/u/${ids.alice}`)).body.includes('badge--verified'));
      const again = await alice.upload(
        { name: '又一份.txt', data: Buffer.from('又一份材料。'.repeat(50)) },
        {
          title: '又一份',
          category: '1',
          price: '5',
        },
      );
      assert.equal(again.statusCode, 403);
      assert.match((await alice.get('/notifications')).body, /已被撤销，原因：证件已挂失/);
      const page = await alice.get('/account/verification');
      assert.match(page.body, /已撤销/);
      assert.ok(page.body.includes('name="idNumber"'), 'may submit again');
      const [entry] = await audit('verification.revoke');
      assert.equal(entry?.reason, '证件已挂失，请重新认证');

      // The number is free again after the revocation: the same person may be verified anew.
      const resubmitted = await submit(alice, '张三丰', aliceNumber, { json: true });
      assert.equal(resubmitted.statusCode, 201);
      assert.equal((await act(moderator, (resubmitted.json() as { id: number }).id, 'approve')).statusCode, 200);
      assert.equal((await user(ids.alice!)).real_name_verified, 1);
    });

    async function countDocuments(ownerId: number) {
      const r = await t.deps.database.db
        .selectFrom('documents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_id', '=', ownerId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    }

    test('two accounts pending with one number: approving the second is refused (409)', async () => {
      const shared = makeIdNumber({ region: '510104' });
      const first = new TestClient(t.app);
      await first.register('twin1@example.com', '甲方用户');
      const second = new TestClient(t.app);
      await second.register('twin2@example.com', '乙方用户');
      const a = ((await submit(first, '赵六', shared, { json: true })).json() as { id: number }).id;
      const b = ((await submit(second, '赵六', shared, { json: true })).json() as { id: number }).id;
      const queue = await moderator.get('/admin/verifications');
      assert.match(queue.body, /另有 1 个账号提交过同一号码/);
      assert.equal((await act(moderator, a, 'approve')).statusCode, 200);
      const refused = await act(moderator, b, 'approve');
      assert.equal(refused.statusCode, 409);
      assert.match(errorMessage(refused), /已认证其他账号/);
      assert.equal((await user(await idOf('twin2@example.com'))).real_name_verified, 0);
    });
  });
}
