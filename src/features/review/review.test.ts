// The operator review queue: a copy of another uploader's document is held by the pipeline; only an admin sees the
// queue and decides; approval publishes (page, search, provider badge), rejection tells the uploader why and keeps
// the copy out of search. Decisions are guarded by the 'review' state (409 the second time; a page form gets the queue again, 422) and by CSRF.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { SEED_DOCX } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

/** The document row once the pipeline is done with it (published, review or rejected). */
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

const userId = async (t: TestApp, email: string) =>
  Number(
    (await t.deps.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id,
  );

/** Ids of the documents GET /api/search returns for a query. */
async function searchIds(client: TestClient, q: string): Promise<number[]> {
  const res = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { hits: Array<{ id: number }> }).hits.map((h) => h.id);
}

const excerptCount = async (t: TestApp, id: number) =>
  (await t.deps.database.db.selectFrom('search_excerpts').select('document_id').where('document_id', '=', id).execute())
    .length;

const HELD_TITLE = '青石镇文明创建推进会讲话';
const REJECTED_TITLE = '白沙乡文明创建推进会讲话';
const REASON = '与原文内容完全一致，请上传原创文档';

for (const dialect of DIALECTS) {
  describe(`review queue on ${dialect}`, () => {
    let t: TestApp;
    let admin: TestClient;
    let author: TestClient;
    let copier: TestClient;
    let anon: TestClient;
    let seedId: number;
    let seedTitle: string;
    let heldId: number;
    let adminId: number;

    before(async () => {
      t = await createTestApp(dialect);
      anon = new TestClient(t.app);
      admin = new TestClient(t.app);
      await admin.register('admin@example.com', '管理员');
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'admin@example.com')
        .execute();
      adminId = await userId(t, 'admin@example.com');
      author = new TestClient(t.app);
      await author.register('author@example.com', '原创作者');
      copier = new TestClient(t.app);
      await copier.register('copier@example.com', '搬运工');

      const up = await author.upload(SEED_DOCX, { title: '', category: '1', price: '0' });
      seedId = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(author, seedId)).status, 'published');
      seedTitle = (await settled(t, seedId)).title;

      const copy = await copier.upload(SEED_DOCX, { title: HELD_TITLE, category: '1', price: '0' });
      assert.equal(copy.statusCode, 201, copy.body);
      heldId = (copy.json() as { id: number }).id;
      const held = await settled(t, heldId);
      assert.equal(held.status, 'review');
      assert.equal(Number(held.dup_of), seedId);
      assert.equal(held.dup_score, 100);
    });
    after(() => t.close());

    test('only admins reach the queue and its actions', async () => {
      assert.equal((await anon.get('/admin/review')).headers.location, '/login?next=%2Fadmin%2Freview');
      assert.equal((await anon.postForm(`/admin/review/${heldId}/approve`, {}, { csrf: false })).statusCode, 401);
      assert.equal((await anon.postForm(`/admin/review/${heldId}/reject`, {}, { csrf: false })).statusCode, 401);
      assert.equal((await author.get('/admin/review')).statusCode, 403);
      const csrf = await author.csrf('/upload');
      assert.equal((await author.postForm(`/admin/review/${heldId}/approve`, {}, { csrf })).statusCode, 403);
      assert.equal(
        (await author.postForm(`/admin/review/${heldId}/reject`, { reason: 'x' }, { csrf })).statusCode,
        403,
      );
      assert.equal((await settled(t, heldId)).status, 'review', 'nothing was decided');
    });

    test('the console links to the queue with its count; the queue shows both documents and the score', async () => {
      const adminPage = await admin.get('/admin');
      assert.equal(adminPage.statusCode, 200);
      assert.ok(adminPage.body.includes('href="/admin/review"'));
      assert.ok(adminPage.body.includes('待审核的相似文档（1）'));

      const res = await admin.get('/admin/review');
      assert.equal(res.statusCode, 200);
      const html = res.body;
      assert.ok(html.includes(`<a href="/d/${heldId}">${HELD_TITLE}</a>`), 'the held document links to its page');
      assert.ok(html.includes(`<a href="/d/${seedId}">${seedTitle}</a>`), 'the earlier document links to its page');
      assert.ok(html.includes('搬运工') && html.includes('原创作者'), 'both uploaders are named');
      assert.ok(html.includes('100%'));
      assert.ok(html.includes(`action="/admin/review/${heldId}/approve"`));
      assert.ok(html.includes(`action="/admin/review/${heldId}/reject"`));
      assert.match(html, /name="_csrf" value="[^"]+"/);
      assert.ok(!html.includes('暂无待审核的相似文档'));
      // The admin may open the held document; the public may not, yet.
      assert.equal((await admin.get(`/d/${heldId}`)).statusCode, 200);
      assert.equal((await anon.get(`/d/${heldId}`)).statusCode, 404);
    });

    test('a decision without the CSRF token is refused', async () => {
      const res = await admin.postForm(`/admin/review/${heldId}/approve`, {}, { csrf: false });
      assert.equal(res.statusCode, 403);
      assert.ok(res.body.includes('页面已过期'), 'refused by the CSRF check');
      assert.equal((await settled(t, heldId)).status, 'review');
    });

    test('approve publishes: public page, search, provider badge, decision recorded; twice is refused', async () => {
      assert.ok(!(await searchIds(anon, '青石镇')).includes(heldId), 'not findable while held');
      const csrf = await admin.csrf('/admin/review');
      const res = await admin.postForm(`/admin/review/${heldId}/approve`, {}, { csrf });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin/review');

      const d = await settled(t, heldId);
      assert.equal(d.status, 'published');
      assert.equal(typeof d.published_at, 'number');
      assert.equal(d.reject_code, null);
      assert.equal(d.reject_params, null);
      assert.equal(Number(d.dup_of), seedId, 'the similarity is kept for the record');
      assert.equal(d.dup_score, 100);
      assert.equal(Number(d.reviewed_by), adminId);
      assert.ok(Number(d.reviewed_at) > 0);
      const owner = await t.deps.database.db
        .selectFrom('users')
        .select('is_provider')
        .where('email', '=', 'copier@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(owner.is_provider, 1);

      const page = await anon.get(`/d/${heldId}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(HELD_TITLE));
      assert.ok((await searchIds(anon, '青石镇')).includes(heldId), 'findable by a word of its title');
      assert.equal(await excerptCount(t, heldId), 1);

      const again = await admin.postForm(`/admin/review/${heldId}/approve`, {}, { csrf });
      assert.equal(again.statusCode, 422, 'the queue again, with the sentence alone');
      assert.match(again.body, /class="form__errors" role="alert"/);
      assert.ok(again.body.includes('已不在待审核状态'), again.body);
      const reject = await admin.postForm(
        `/admin/review/${heldId}/reject`,
        {},
        { csrf, headers: { accept: 'application/json' } },
      );
      assert.equal(reject.statusCode, 409);
      assert.equal((reject.json() as { error: { code: string } }).error.code, 'conflict');
      assert.equal((await settled(t, heldId)).status, 'published');
      assert.equal((await admin.postForm('/admin/review/999999/approve', {}, { csrf })).statusCode, 404);
    });

    test('reject with a reason: the uploader reads it, the copy stays out of search; twice is refused', async () => {
      const other = new TestClient(t.app);
      await other.register('other@example.com', '另一位搬运工');
      const up = await other.upload(SEED_DOCX, { title: REJECTED_TITLE, category: '1', price: '0' });
      const id = (up.json() as { id: number }).id;
      assert.equal((await settled(t, id)).status, 'review');

      const csrf = await admin.csrf('/admin/review');
      const tooLong = await admin.postForm(`/admin/review/${id}/reject`, { reason: '长'.repeat(201) }, { csrf });
      assertRefusedForm(tooLong, {
        form: `reject-${id}`,
        field: 'reason',
        error: /200/,
        values: { reason: '长'.repeat(201) },
      });
      assert.equal((await settled(t, id)).status, 'review');

      const res = await admin.postForm(`/admin/review/${id}/reject`, { reason: `  ${REASON} ` }, { csrf });
      assert.equal(res.statusCode, 303);
      const d = await settled(t, id);
      assert.equal(d.status, 'rejected');
      assert.equal(d.reject_code, 'duplicate.rejected');
      assert.deepEqual(JSON.parse(d.reject_params ?? '{}'), {
        id: seedId,
        title: seedTitle,
        score: 100,
        reason: REASON,
      });
      assert.equal(Number(d.reviewed_by), adminId);
      assert.ok(Number(d.reviewed_at) > 0);

      const mine = (await other.get('/my/documents')).body;
      const expected = `与已有文档《${seedTitle}》高度相似（相似度 100%），经审核未通过。审核意见：${REASON}`;
      assert.ok(mine.includes(expected), 'the uploader reads the decision and the reason');
      assert.ok(mine.includes(`href="/d/${seedId}"`), 'with a link to the earlier document');
      assert.ok(!mine.includes(`action="/d/${id}/reconvert"`), 'converting again cannot change a decision');
      const status = (await other.get(`/api/documents/${id}/status`)).json() as { reason: string };
      assert.equal(status.reason, expected);
      const reconvert = await other.postForm(`/d/${id}/reconvert`, {}, { csrf: await other.csrf('/my/documents') });
      assert.equal(reconvert.statusCode, 422, '我的文档 again with the sentence');
      assert.match(
        reconvert.body,
        /<h1>我的文档<\/h1><div class="form__errors" role="alert"[^>]*><p>该文档已经人工审核未通过/,
      );

      assert.ok(!(await searchIds(anon, '白沙乡')).includes(id));
      assert.ok(!(await searchIds(anon, '文明城市')).includes(id));
      assert.equal(await excerptCount(t, id), 0);
      assert.equal((await anon.get(`/d/${id}`)).statusCode, 404);

      // A page form decided already: the queue again with the sentence (422); a script still reads 409.
      assert.equal((await admin.postForm(`/admin/review/${id}/reject`, {}, { csrf })).statusCode, 422);
      assert.equal((await admin.postForm(`/admin/review/${id}/approve`, {}, { csrf })).statusCode, 422);
      assert.equal((await settled(t, id)).status, 'rejected');
    });

    test('a rejection without a reason reads as a sentence of its own', async () => {
      const third = new TestClient(t.app);
      await third.register('third@example.com', '第三位');
      const up = await third.upload(SEED_DOCX, { title: '红旗村文明创建讲话', category: '1', price: '0' });
      const id = (up.json() as { id: number }).id;
      assert.equal((await settled(t, id)).status, 'review');
      const res = await admin.postForm(
        `/admin/review/${id}/reject`,
        { reason: '  ' },
        { csrf: await admin.csrf('/admin') },
      );
      assert.equal(res.statusCode, 303);
      const d = await settled(t, id);
      assert.deepEqual(JSON.parse(d.reject_params ?? '{}'), { id: seedId, title: seedTitle, score: 100 });
      const status = (await third.get(`/api/documents/${id}/status`)).json() as { reason: string };
      assert.equal(status.reason, `与已有文档《${seedTitle}》高度相似（相似度 100%），经审核未通过`);
    });

    test('an empty queue says so; a long one pages by 20, oldest first', async () => {
      const empty = (await admin.get('/admin/review')).body;
      assert.ok(empty.includes('暂无待审核的相似文档'));
      assert.ok((await admin.get('/admin')).body.includes('待审核的相似文档（0）'));

      const src = await settled(t, heldId);
      const base = Date.now() - 1_000_000;
      const { id: _id, ...row } = src;
      await t.deps.database.db
        .insertInto('documents')
        .values(
          Array.from({ length: 21 }, (_, i) => ({
            ...row,
            title: `排队文档${String(i).padStart(2, '0')}`,
            status: 'review' as const,
            reject_code: 'duplicate.near',
            published_at: null,
            reviewed_by: null,
            reviewed_at: null,
            created_at: base + i * 1000,
          })),
        )
        .execute();
      const first = (await admin.get('/admin/review')).body;
      assert.equal(first.match(/<tr id="review-/g)?.length, 20);
      assert.ok(first.indexOf('排队文档00') < first.indexOf('排队文档01'), 'oldest first');
      assert.ok(!first.includes('排队文档20'));
      assert.ok(first.includes('href="/admin/review?page=2"'));
      const second = (await admin.get('/admin/review?page=2')).body;
      assert.equal(second.match(/<tr id="review-/g)?.length, 1);
      assert.ok(second.includes('排队文档20'));
      assert.ok((await admin.get('/admin')).body.includes('待审核的相似文档（21）'));
    });
  });
}
