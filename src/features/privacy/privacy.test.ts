// The PII screen end to end, on each dialect: a text with a valid 身份证号 and mobile numbers is held (not public,
// not findable) until a moderator acts in /admin/privacy; publishing it masked leaves no number on the page, in
// search, suggestions or JSON-LD, and withholds the original; publishing as is and rejecting; digit runs that fail
// the checks publish normally; the near-duplicate queue and this one never act on each other's documents.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { idNumberCheckChar } from '../verification/id-number.ts';
import { luhnValid } from './scan.ts';

const ID = `11010119900307123${idNumberCheckChar('11010119900307123')}`;
const MOBILE = '138-0013-8000';
const TITLE_MOBILE = '13912345678';
/** Every form in which a full number could leak. */
const FULL = [ID, MOBILE, '13800138000', '0013-8000', TITLE_MOBILE, '1234 5678', ID.slice(6, 14)];
const INTACT = '请各村（社区）于本月底前完成志愿者登记，确保服务覆盖到每一户';
const TEXT = [
  '青石镇志愿服务队联络表',
  '为做好青石镇文明创建志愿服务工作，现将联络人信息公布如下。',
  `联络人：王某某，身份证号：${ID}，手机：${MOBILE}。`,
  `${INTACT}。`,
  '本表由镇文明办负责解释。',
].join('\n');
const TITLE = `青石镇志愿者联络表${TITLE_MOBILE}`;

/** A Luhn-valid 16-digit UnionPay number. */
const CARD = (() => {
  for (let d = 0; d <= 9; d++) if (luhnValid(`622202123456789${d}`)) return `622202123456789${d}`;
  throw new Error('unreachable');
})();
const NOT_CARD = `622202123456789${(Number(CARD.at(-1)) + 1) % 10}`;

const txt = (name: string, text: string) => ({ name, data: Buffer.from(text, 'utf8') });

async function settled(t: TestApp, id: number, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await t.deps.database.db
      .selectFrom('documents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (d.status !== 'uploaded' && d.status !== 'converting') return d;
    if (Date.now() > until) throw new Error(`document ${id} still ${d.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function upload(client: TestClient, name: string, text: string, fields: Record<string, string> = {}) {
  const res = await client.upload(txt(name, text), { title: '', category: '1', price: '0', ...fields });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { id: number }).id;
}

async function searchHits(client: TestClient, q: string) {
  const res = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { hits: Array<{ id: number; title: string; snippet: string }> }).hits;
}

const assertNoNumber = (where: string, s: string) => {
  for (const n of FULL) assert.ok(!s.includes(n), `${where} shows ${n}`);
};

for (const dialect of DIALECTS) {
  describe(`PII screen on ${dialect}`, () => {
    let t: TestApp;
    let admin: TestClient;
    let moderator: TestClient;
    let author: TestClient;
    let reader: TestClient;
    let anon: TestClient;
    let heldId: number;

    const setRole = (email: string, role: 'admin' | 'moderator') =>
      t.deps.database.db.updateTable('users').set({ role }).where('email', '=', email).execute();

    before(async () => {
      t = await createTestApp(dialect);
      anon = new TestClient(t.app);
      admin = new TestClient(t.app);
      await admin.register('admin@example.com', '管理员');
      await setRole('admin@example.com', 'admin');
      moderator = new TestClient(t.app);
      await moderator.register('mod@example.com', '审核员甲');
      await setRole('mod@example.com', 'moderator');
      author = new TestClient(t.app);
      await author.register('author@example.com', '青石镇文明办');
      reader = new TestClient(t.app);
      await reader.register('reader@example.com', '读者');

      heldId = await upload(author, 'lianluo.txt', TEXT, { title: TITLE });
      const d = await settled(t, heldId);
      assert.equal(d.status, 'review');
      assert.equal(d.reject_code, 'privacy.held');
      assert.equal(d.pii_state, 'held');
    });
    after(() => t.close());

    test('held: not public, not findable; the uploader reads masked numbers only; matches stored masked', async () => {
      assert.equal((await anon.get(`/d/${heldId}`)).statusCode, 404);
      assert.equal((await reader.get(`/d/${heldId}`)).statusCode, 404);
      assert.ok(!(await searchHits(anon, '青石镇')).some((h) => h.id === heldId));
      assert.ok(!(await searchHits(anon, '志愿服务')).some((h) => h.id === heldId));

      const rows = await t.deps.database.db
        .selectFrom('document_pii')
        .selectAll()
        .where('document_id', '=', heldId)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.kind, r.field, r.masked]),
        [
          ['idNumber', 'body', `110101********${ID.slice(14)}`],
          ['mobile', 'body', '138-****-8000'],
          ['mobile', 'title', '139****5678'],
        ],
      );
      const body = (await t.deps.database.db
        .selectFrom('document_texts')
        .select('body')
        .where('document_id', '=', heldId)
        .executeTakeFirstOrThrow())!.body;
      assert.equal(body.slice(rows[0]!.start_offset, rows[0]!.end_offset), ID, 'offsets point at the number');

      const mine = (await author.get('/my/documents')).body;
      assert.ok(mine.includes('正在等待隐私审核'), 'the uploader is told why');
      assert.ok(mine.includes(`110101********${ID.slice(14)}`));
      assertNoNumber('我的文档', mine);
      const status = (await author.get(`/api/documents/${heldId}/status`)).json() as { reason: string };
      assert.match(status.reason, /3 处疑似个人信息/);
      assertNoNumber('the status API', JSON.stringify(status));
      // The owner may open the held page: masked there too.
      const own = await author.get(`/d/${heldId}`);
      assert.equal(own.statusCode, 200);
      assert.ok(own.body.includes(INTACT));
      assertNoNumber('the owner’s view of the held page', own.body);
    });

    test('the near-duplicate queue neither lists nor decides a document held for privacy', async () => {
      const review = await admin.get('/admin/review');
      assert.equal(review.statusCode, 200);
      assert.ok(!review.body.includes(`review-${heldId}`));
      const csrf = await admin.csrf('/admin/review');
      assert.equal((await admin.postForm(`/admin/review/${heldId}/approve`, {}, { csrf })).statusCode, 409);
      assert.equal((await admin.postForm(`/admin/review/${heldId}/reject`, {}, { csrf })).statusCode, 409);
      assert.equal((await settled(t, heldId)).status, 'review');
    });

    test('staff only: a visitor goes to the login form, a normal user gets 403', async () => {
      const page = await anon.get('/admin/privacy');
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/login?next=%2Fadmin%2Fprivacy');
      for (const d of ['publish', 'mask', 'reject']) {
        assert.equal((await anon.postForm(`/admin/privacy/${heldId}/${d}`, {}, { csrf: false })).statusCode, 401);
        const csrf = await reader.csrf('/upload');
        assert.equal((await reader.postForm(`/admin/privacy/${heldId}/${d}`, {}, { csrf })).statusCode, 403);
      }
      assert.equal((await reader.get('/admin/privacy')).statusCode, 403);
      assert.equal((await author.get('/admin/privacy')).statusCode, 403, 'not even the uploader');
      assert.equal((await settled(t, heldId)).status, 'review', 'nothing was decided');
    });

    test('the queue shows each number in full, highlighted, to a moderator; the nav links to it', async () => {
      const res = await moderator.get('/admin/privacy');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'private, no-store');
      const html = res.body;
      assert.ok(html.includes(`<mark class="pii pii--idNumber">${ID}</mark>`));
      assert.ok(html.includes(`<mark class="pii pii--mobile">${MOBILE}</mark>`));
      assert.ok(html.includes(`<mark class="pii pii--mobile">${TITLE_MOBILE}</mark>`), 'the title too');
      assert.ok(html.includes('联络人：王某某，身份证号：'), 'with the text around it');
      assert.ok(html.includes(`action="/admin/privacy/${heldId}/mask"`));
      assert.ok(html.includes('href="/admin/privacy"'), 'the staff navigation links to the queue');
    });

    test('publish masked: no number anywhere public, the rest intact, original withheld; twice is 409', async () => {
      const csrf = await moderator.csrf('/admin/privacy');
      const res = await moderator.postForm(`/admin/privacy/${heldId}/mask`, {}, { csrf });
      assert.equal(res.statusCode, 303, res.body);
      const d = await settled(t, heldId);
      assert.equal(d.status, 'published');
      assert.equal(d.pii_state, 'masked');
      assert.equal(d.reject_code, null);
      assert.equal(d.title, '青石镇志愿者联络表139****5678');
      assert.equal(d.price, 0);

      const page = await anon.get(`/d/${heldId}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(INTACT), 'the rest of the text is intact');
      assert.ok(page.body.includes(`110101********${ID.slice(14)}`));
      assert.ok(page.body.includes('138-****-8000'));
      assertNoNumber('the public page', page.body);
      const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page.body)?.[1];
      assert.ok(ld?.includes('青石镇'), 'JSON-LD present');
      assertNoNumber('JSON-LD', ld!);
      const meta = /<meta name="description" content="([^"]*)"/.exec(page.body)?.[1] ?? '';
      assertNoNumber('the meta description', meta);
      assert.ok(page.body.includes('原文件不提供下载'), 'readers are told the original is withheld');
      assert.ok(!page.body.includes(`href="/d/${heldId}/download"`));

      const hits = await searchHits(anon, '青石镇');
      assert.ok(
        hits.some((h) => h.id === heldId),
        'findable',
      );
      assertNoNumber('search results', JSON.stringify(hits));
      for (const q of [ID, '13800138000', TITLE_MOBILE, '志愿者联络表'])
        assertNoNumber(`search for ${q}`, JSON.stringify(await searchHits(anon, q)));
      const suggest = await anon.get(`/api/suggest?q=${encodeURIComponent('青石镇志愿者')}`);
      assert.ok(suggest.body.includes('139****5678'), suggest.body);
      assertNoNumber('suggestions', suggest.body);

      // Stored text, excerpts, notification and audit entry: masked or count-only.
      const db = t.deps.database.db;
      const stored = await db.selectFrom('document_texts').selectAll().where('document_id', '=', heldId).execute();
      assertNoNumber('document_texts', JSON.stringify(stored));
      assert.ok(stored[0]!.body.includes(INTACT));
      const excerpts = await db.selectFrom('search_excerpts').selectAll().execute();
      assertNoNumber('search_excerpts', JSON.stringify(excerpts));
      const notes = await db.selectFrom('notifications').selectAll().where('kind', 'like', 'privacy.%').execute();
      assert.deepEqual(
        notes.map((n) => n.kind),
        ['privacy.masked'],
      );
      assertNoNumber('notifications', JSON.stringify(notes));
      const audit = await db.selectFrom('audit_log').selectAll().where('target_id', '=', heldId).execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['privacy.mask'],
      );
      assert.deepEqual(JSON.parse(audit[0]!.before ?? '{}').matches, { idNumber: 1, mobile: 2, bankCard: 0 });
      assertNoNumber('the audit log', JSON.stringify(audit));

      // The original still holds the numbers: only its owner and admins may download it.
      const denied = await reader.get(`/d/${heldId}/download`);
      assert.equal(denied.statusCode, 403);
      assert.ok(denied.body.includes('原文件不提供下载'));
      assert.equal((await anon.get(`/d/${heldId}/download`)).statusCode, 303, 'visitors go to login first');
      const own = await author.get(`/d/${heldId}/download`);
      assert.equal(own.statusCode, 303);
      assert.match(String(own.headers.location), /^\/dl\//);

      // Twice, or another decision: 409, nothing changes.
      for (const decision of ['mask', 'publish', 'reject']) {
        const again = await moderator.postForm(
          `/admin/privacy/${heldId}/${decision}`,
          {},
          { csrf, headers: { accept: 'application/json' } },
        );
        assert.equal(again.statusCode, 409, decision);
        assert.equal((again.json() as { error: { code: string } }).error.code, 'conflict');
      }
      assert.equal((await moderator.postForm('/admin/privacy/999999/mask', {}, { csrf })).statusCode, 404);
      assert.equal((await settled(t, heldId)).pii_state, 'masked');
      assert.ok(!(await moderator.get('/admin/privacy')).body.includes(`privacy-${heldId}`), 'out of the queue');
    });

    test('the same bytes uploaded again are screened again, not passed on the masked text', async () => {
      const copier = new TestClient(t.app);
      await copier.register('copier@example.com', '搬运工');
      const id = await upload(copier, 'copy.txt', TEXT, { title: '青石镇志愿者联络表' });
      const d = await settled(t, id);
      assert.equal(d.status, 'review');
      assert.equal(d.reject_code, 'privacy.held');
      assert.equal(Number(d.dup_of), heldId, 'and it is a near duplicate too');
    });

    test('publish as is (a false positive): published with the text unchanged, indexed, uploader told', async () => {
      const id = await upload(
        author,
        'hotline.txt',
        `青石镇便民服务热线通知\n便民服务热线：13800138000，欢迎来电。\n${INTACT}。`,
      );
      assert.equal((await settled(t, id)).reject_code, 'privacy.held');
      const res = await admin.postForm(
        `/admin/privacy/${id}/publish`,
        {},
        { csrf: await admin.csrf('/admin/privacy') },
      );
      assert.equal(res.statusCode, 303);
      const d = await settled(t, id);
      assert.equal(d.status, 'published');
      assert.equal(d.pii_state, 'cleared');
      assert.equal(typeof d.published_at, 'number');
      const page = await anon.get(`/d/${id}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('便民服务热线：13800138000'), 'as is');
      assert.ok((await searchHits(anon, '便民服务热线')).some((h) => h.id === id));
      assert.ok(!page.body.includes('原文件不提供下载'));
      const note = await t.deps.database.db
        .selectFrom('notifications')
        .select('kind')
        .where('kind', '=', 'privacy.published')
        .execute();
      assert.equal(note.length, 1);
      const owner = await t.deps.database.db
        .selectFrom('users')
        .select('is_provider')
        .where('email', '=', 'author@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(owner.is_provider, 1);
      assert.equal((await reader.get(`/d/${id}/download`)).statusCode, 303, 'the original is downloadable');
      const again = await admin.postForm(`/admin/privacy/${id}/publish`, {}, { csrf: await admin.csrf('/admin') });
      assert.equal(again.statusCode, 409);
    });

    test('reject with a reason: the uploader reads it, no 重新转换, never public; twice is 409', async () => {
      const id = await upload(author, 'card.txt', `青石镇补贴发放名单\n收款人：李某某，卡号 ${CARD}。\n${INTACT}。`);
      const held = await settled(t, id);
      assert.equal(held.reject_code, 'privacy.held');
      const [match] = await t.deps.database.db
        .selectFrom('document_pii')
        .selectAll()
        .where('document_id', '=', id)
        .execute();
      assert.equal(match?.kind, 'bankCard');
      assert.equal(match?.masked, `${CARD.slice(0, 4)}********${CARD.slice(12)}`);
      const queue = (await moderator.get('/admin/privacy')).body;
      assert.ok(queue.includes(`<mark class="pii pii--bankCard">${CARD}</mark>`));

      const csrf = await moderator.csrf('/admin/privacy');
      const tooLong = await moderator.postForm(`/admin/privacy/${id}/reject`, { reason: '长'.repeat(201) }, { csrf });
      assert.equal(tooLong.statusCode, 400);
      const res = await moderator.postForm(`/admin/privacy/${id}/reject`, { reason: '含有他人银行卡号' }, { csrf });
      assert.equal(res.statusCode, 303);
      const d = await settled(t, id);
      assert.equal(d.status, 'rejected');
      assert.equal(d.reject_code, 'privacy.rejected');
      assert.equal(d.pii_state, 'rejected');
      const mine = (await author.get('/my/documents')).body;
      assert.ok(mine.includes('经隐私审核未通过。审核意见：含有他人银行卡号'), 'the uploader reads the reason');
      assert.ok(!mine.includes(`action="/d/${id}/reconvert"`));
      assert.ok(!mine.includes(CARD));
      const reconvert = await author.postForm(`/d/${id}/reconvert`, {}, { csrf: await author.csrf('/my/documents') });
      assert.equal(reconvert.statusCode, 400);
      assert.equal((await anon.get(`/d/${id}`)).statusCode, 404);
      assert.ok(!(await searchHits(anon, '补贴发放')).some((h) => h.id === id));
      const note = await t.deps.database.db
        .selectFrom('notifications')
        .select('params')
        .where('kind', '=', 'privacy.rejected')
        .executeTakeFirstOrThrow();
      assert.ok(!note.params.includes(CARD));
      assert.equal((await moderator.postForm(`/admin/privacy/${id}/reject`, {}, { csrf })).statusCode, 409);
      assert.equal((await moderator.postForm(`/admin/privacy/${id}/publish`, {}, { csrf })).statusCode, 409);
    });

    test('random 18-digit runs, wrong check digits, 11-digit non-mobiles and a Luhn-failing card publish normally', async () => {
      const wrong = `${ID.slice(0, 17)}${ID[17] === '0' ? '1' : '0'}`;
      const text = [
        '白沙乡统计台账说明',
        `台账编号 123456789012345678、987650123498765012，核对码 ${wrong}。`,
        '联系座机 010-65123456，业务编码 12345678901、10086123456、11912345678。',
        `旧卡号格式示例 ${NOT_CARD}，仅供说明。`,
        INTACT,
      ].join('\n');
      const id = await upload(author, 'ledger.txt', text);
      assert.equal((await waitForStatus(author, id)).status, 'published');
      const d = await settled(t, id);
      assert.equal(d.pii_state, null);
      assert.equal(d.reject_code, null);
      const rows = await t.deps.database.db
        .selectFrom('document_pii')
        .select('seq')
        .where('document_id', '=', id)
        .execute();
      assert.equal(rows.length, 0);
      assert.equal((await anon.get(`/d/${id}`)).statusCode, 200);
    });

    test('a near duplicate with PII: the privacy decision first, then the duplicate queue publishes it', async () => {
      const original = new TestClient(t.app);
      await original.register('original@example.com', '原作者');
      const seed = readFileSync(SEED_TXT, 'utf8');
      const first = await upload(original, 'seed.txt', seed);
      assert.equal((await waitForStatus(original, first)).status, 'published');

      const copier = new TestClient(t.app);
      await copier.register('copier2@example.com', '转载者');
      const id = await upload(copier, 'seed-copy.txt', `${seed}\n转载联系人电话：139 1234 5678`);
      const held = await settled(t, id);
      assert.equal(held.reject_code, 'privacy.held');
      assert.equal(Number(held.dup_of), first);
      assert.ok(!(await admin.get('/admin/review')).body.includes(`review-${id}`), 'not in the duplicate queue yet');
      assert.ok((await admin.get('/admin/privacy')).body.includes('同时与已有文档相似'));

      const csrf = await admin.csrf('/admin/privacy');
      assert.equal((await admin.postForm(`/admin/privacy/${id}/mask`, {}, { csrf })).statusCode, 303);
      const moved = await settled(t, id);
      assert.equal(moved.status, 'review', 'still held: now as a near duplicate');
      assert.equal(moved.reject_code, 'duplicate.near');
      assert.equal(moved.pii_state, 'masked');
      assert.equal((await anon.get(`/d/${id}`)).statusCode, 404);
      assert.ok((await admin.get('/admin/review')).body.includes(`review-${id}`));
      assert.equal((await admin.postForm(`/admin/privacy/${id}/publish`, {}, { csrf })).statusCode, 409);

      assert.equal((await admin.postForm(`/admin/review/${id}/approve`, {}, { csrf })).statusCode, 303);
      const page = await anon.get(`/d/${id}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('原文件不提供下载'));
      assert.ok(!page.body.includes('139 1234 5678'));
    });
  });
}
