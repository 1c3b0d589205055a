// 评分 on each dialect: who may rate (buyer, free downloader, non-buyer, owner, visitor), bad input, exact figures
// through edits and removals (also under concurrent raters), the uploader's 站内信, the page (cached anonymous render
// included), and the Bayesian 评分最高 order in search — reflected at once, and reaching past the newest-first window.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bayesianRating } from '../../search/rating-score.ts';
import { HEAD_WINDOW } from '../../search/search-index.ts';
import { TestClient } from '../../testing/client.ts';
import { insertIndexedDocument, insertReader, recordDownload } from '../../testing/engagement.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { userIdByEmail } from '../../testing/users.ts';
import { grantCredits } from '../credits/grants.ts';
import { purchaseDocument } from '../credits/purchases.ts';
import { rateDocument } from './service.ts';

const BODY = '关于推进基层治理现代化的调研报告。围绕网格化管理、数字化赋能和群众参与三个方面开展调研，提出对策建议。';

for (const dialect of DIALECTS) {
  describe(`ratings on ${dialect}`, () => {
    let t: TestApp;
    let owner: TestClient;
    let buyer: TestClient;
    let downloader: TestClient;
    let stranger: TestClient;
    let visitor: TestClient;
    let ownerId: number;
    let buyerId: number;
    let paid: number;
    let free: number;

    const db = () => t.deps.database.db;
    const figures = async (id: number) => {
      const r = await db()
        .selectFrom('documents')
        .select(['rating_count', 'rating_sum', 'rating_avg', 'rating_score'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { count: r.rating_count, sum: r.rating_sum, avg: r.rating_avg, score: r.rating_score };
    };
    const ratingRows = async () =>
      Number(
        (
          await db()
            .selectFrom('ratings')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const rate = (c: TestClient, id: number, stars: string, csrf: string) =>
      c.postForm(`/d/${id}/rating`, { stars, next: `/d/${id}#rating` }, { csrf });
    const searchIds = async (q: string, sort = 'rating') => {
      const res = await visitor.get(`/api/search?q=${encodeURIComponent(q)}&sort=${sort}`);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { hits: Array<{ id: number }> }).hits.map((h) => h.id);
    };
    /** `n` new readers who downloaded the free document `id`, each rating it with the next of `stars`. */
    const ratedBy = async (id: number, stars: number[]) => {
      for (const s of stars) {
        const reader = await insertReader(t.deps);
        await recordDownload(t.deps, reader, id);
        await rateDocument(t.deps, { id: reader }, id, String(s));
      }
    };

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      owner = new TestClient(t.app);
      buyer = new TestClient(t.app);
      downloader = new TestClient(t.app);
      stranger = new TestClient(t.app);
      visitor = new TestClient(t.app);
      await owner.register('rate-owner@example.com', '上传者');
      await buyer.register('rate-buyer@example.com', '买家');
      await downloader.register('rate-dl@example.com', '下载者');
      await stranger.register('rate-stranger@example.com', '路人');
      ownerId = await userIdByEmail(t.deps, 'rate-owner@example.com');
      buyerId = await userIdByEmail(t.deps, 'rate-buyer@example.com');
      paid = await insertIndexedDocument(t.deps, ownerId, { title: '基层治理调研报告（付费）', body: BODY, price: 8 });
      free = await insertIndexedDocument(t.deps, ownerId, { title: '基层治理调研报告（免费）', body: BODY });
      await grantCredits(t.deps, undefined, { userId: buyerId, amount: 100, reason: '测试充值' });
      await purchaseDocument(t.deps, { id: buyerId }, paid, { acceptTerms: true });
      // The free document's reader downloads it through the real route (which records the download).
      const dl = await downloader.get(`/d/${free}/download`);
      assert.equal(dl.statusCode, 303, dl.body);
      assert.match(String(dl.headers.location), /^\/dl\//);
    });
    after(() => t.close());

    test('who may rate: buyer and free downloader yes; non-buyer, owner and visitor no, and nothing changes', async () => {
      const buyerCsrf = await buyer.csrf(`/d/${paid}`);
      const page = await buyer.get(`/d/${paid}`);
      assert.match(page.body, /<legend>我的评分<\/legend>/);
      assert.equal(page.body.match(/type="radio" id="rating-form-stars[^"]*" name="stars"/g)?.length, 5);
      const ok = await rate(buyer, paid, '4', buyerCsrf);
      assert.equal(ok.statusCode, 303, ok.body);
      assert.equal(ok.headers.location, `/d/${paid}#rating`);
      assert.deepEqual(await figures(paid), { count: 1, sum: 4, avg: 4, score: bayesianRating(4, 1) });

      const dlCsrf = await downloader.csrf(`/d/${free}`);
      assert.equal((await rate(downloader, free, '5', dlCsrf)).statusCode, 303);
      assert.equal((await figures(free)).count, 1);
      // The downloader of the free document has not bought the paid one.
      const notBought = await rate(downloader, paid, '1', dlCsrf);
      assert.equal(notBought.statusCode, 403);
      assert.match(notBought.body, /购买该文档后才能评分/);
      assert.match((await downloader.get(`/d/${paid}`)).body, /购买该文档后才能评分/);

      const strangerCsrf = await stranger.csrf(`/d/${free}`);
      const notDownloaded = await stranger.postForm(
        `/d/${free}/rating`,
        { stars: '1' },
        {
          csrf: strangerCsrf,
          headers: { accept: 'application/json' },
        },
      );
      assert.equal(notDownloaded.statusCode, 403);
      assert.deepEqual(notDownloaded.json(), { error: { code: 'forbidden', message: '下载该文档后才能评分' } });

      const ownerCsrf = await owner.csrf(`/d/${paid}`);
      const own = await rate(owner, paid, '5', ownerCsrf);
      assert.equal(own.statusCode, 403);
      assert.match(own.body, /不能给自己上传的文档评分/);

      const visitorCsrf = await visitor.csrf('/login');
      const anon = await rate(visitor, paid, '5', visitorCsrf);
      assert.equal(anon.statusCode, 303);
      assert.equal(anon.headers.location, `/login?next=${encodeURIComponent(`/d/${paid}#rating`)}`);
      assert.match((await visitor.get(`/d/${paid}`)).body, /登录<\/a>后，购买或下载过本文档的读者可以评分/);

      assert.deepEqual(await figures(paid), { count: 1, sum: 4, avg: 4, score: bayesianRating(4, 1) });
      assert.equal(await ratingRows(), 2);
    });

    test('bad input: stars 0, 6, abc, 4.5 or none are refused beside the stars; a deleted or unknown document 410/404', async () => {
      const csrf = await buyer.csrf(`/d/${paid}`);
      // The document page again (422), the sentence beside the stars, none of them chosen (none was valid).
      for (const stars of ['0', '6', 'abc', '4.5', '', '-1', '５']) {
        const res = await rate(buyer, paid, stars, csrf);
        assertRefusedForm(res, {
          form: 'rating-form',
          field: 'stars',
          error: /评分须为 1 到 5 星/,
          values: { stars: '' },
        });
      }
      // No stars at all: the rating already given stays chosen.
      const none = await buyer.postForm(`/d/${paid}/rating`, {}, { csrf });
      assertRefusedForm(none, {
        form: 'rating-form',
        field: 'stars',
        error: /评分须为 1 到 5 星/,
        values: { stars: '4' },
      });
      const json = await buyer.postForm(
        `/d/${paid}/rating`,
        { stars: '6' },
        { csrf, headers: { accept: 'application/json' } },
      );
      assert.equal(json.statusCode, 400, 'JSON keeps its 400');
      assert.deepEqual(await figures(paid), { count: 1, sum: 4, avg: 4, score: bayesianRating(4, 1) });

      const gone = await insertIndexedDocument(t.deps, ownerId, { title: '将被删除的报告', body: BODY });
      await recordDownload(t.deps, buyerId, gone);
      await db()
        .updateTable('documents')
        .set({ status: 'deleted', deleted_at: Date.now() })
        .where('id', '=', gone)
        .execute();
      const deleted = await rate(buyer, gone, '5', csrf);
      assert.equal(deleted.statusCode, 410);
      assert.match(deleted.body, /该文档已删除或下架，无法评分/);
      assert.equal((await rate(buyer, 99999999, '5', csrf)).statusCode, 404);
      assert.equal((await figures(gone)).count, 0);
    });

    test('editing and removing keep count, sum, average and score exact; the uploader is told', async () => {
      const second = await insertReader(t.deps, '第二位买家');
      await grantCredits(t.deps, undefined, { userId: second, amount: 100, reason: '测试充值' });
      await purchaseDocument(t.deps, { id: second }, paid, { acceptTerms: true });
      await rateDocument(t.deps, { id: second }, paid, '5');
      assert.deepEqual(await figures(paid), { count: 2, sum: 9, avg: 4.5, score: bayesianRating(9, 2) });

      const csrf = await buyer.csrf(`/d/${paid}`);
      const edit = await buyer.postForm(
        `/d/${paid}/rating`,
        { stars: '2' },
        { csrf, headers: { accept: 'application/json' } },
      );
      assert.equal(edit.statusCode, 200);
      assert.deepEqual(edit.json(), { documentId: paid, stars: 2, avg: 3.5, count: 2, message: '评分已保存' });
      assert.deepEqual(await figures(paid), { count: 2, sum: 7, avg: 3.5, score: bayesianRating(7, 2) });
      const page = await buyer.get(`/d/${paid}`);
      assert.match(page.body, /<strong[^>]*>3\.5 分<\/strong> <span class="muted">2 人评分<\/span>/);
      assert.match(page.body, /value="2" checked required/);
      assert.match(page.body, /你的评分：2 星/);
      assert.match(page.body, /修改评分/);
      // Visitors see the new figures although their page was cached before.
      assert.match((await visitor.get(`/d/${paid}`)).body, /3\.5 分/);

      const removed = await buyer.postForm(`/d/${paid}/rating/delete`, { next: `/d/${paid}#rating` }, { csrf });
      assert.equal(removed.statusCode, 303);
      assert.deepEqual(await figures(paid), { count: 1, sum: 5, avg: 5, score: bayesianRating(5, 1) });
      assert.match((await visitor.get(`/d/${paid}`)).body, /5\.0 分/);
      assert.ok(!(await buyer.get(`/d/${paid}`)).body.includes('撤销评分'));

      const inbox = (await owner.get('/notifications')).body;
      assert.match(inbox, /你的文档《基层治理调研报告（付费）》收到一个 4 星评分/);
      assert.match(inbox, /你的文档《基层治理调研报告（付费）》收到一个 5 星评分/);
      // Changing a rating is not news: no message for the buyer's 2 stars.
      assert.doesNotMatch(inbox, /2 星评分/);
      assert.match(inbox, /你的文档《基层治理调研报告（免费）》收到一个 5 星评分/);
    });

    test('concurrent raters: the figures equal the ratings table', async () => {
      const doc = await insertIndexedDocument(t.deps, ownerId, { title: '并发评分报告', body: BODY });
      const raters: number[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await insertReader(t.deps);
        await recordDownload(t.deps, r, doc);
        raters.push(r);
      }
      const stars = raters.map((_, i) => (i % 5) + 1);
      await Promise.all(raters.map((r, i) => rateDocument(t.deps, { id: r }, doc, String(stars[i]))));
      const sum = stars.reduce((a, b) => a + b, 0);
      assert.deepEqual(await figures(doc), { count: 12, sum, avg: sum / 12, score: bayesianRating(sum, 12) });
    });

    test('评分最高 orders by the Bayesian score, at once, past the newest-first window', async () => {
      const word = '数字乡村';
      const many = await insertIndexedDocument(t.deps, ownerId, { title: `${word}建设方案（二十人评）`, body: BODY });
      const one = await insertIndexedDocument(t.deps, ownerId, { title: `${word}建设方案（一人评）`, body: BODY });
      const none = await insertIndexedDocument(t.deps, ownerId, { title: `${word}建设方案（无人评）`, body: BODY });
      // Warm the hot-query cache: the next answers must not come from it.
      assert.deepEqual((await searchIds(word)).slice(0, 3), [none, one, many]);

      await ratedBy(one, [5]);
      await ratedBy(many, [...Array(12).fill(5), ...Array(8).fill(4)]);
      assert.equal((await figures(many)).avg, 4.6);
      assert.ok((await figures(one)).score < (await figures(many)).score);
      // 20 × 4.6★ ≈ 4.38 before 1 × 5★ ≈ 3.75 before unrated = 3.5.
      assert.deepEqual((await searchIds(word)).slice(0, 3), [many, one, none]);

      // A new rating shows at once (the cached window is dropped): twenty 1-star votes sink `many` below unrated.
      await ratedBy(many, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
      assert.deepEqual((await searchIds(word)).slice(0, 3), [one, none, many]);

      // More newer matches than the window holds: the best-rated (oldest) one is still first.
      for (let i = 0; i < HEAD_WINDOW + 5; i++) {
        await insertIndexedDocument(t.deps, ownerId, { title: `${word}工作要点${i}`, body: BODY });
      }
      assert.equal((await searchIds(word))[0], one);
      assert.notEqual((await searchIds(word, 'latest'))[0], one);
    });
  });
}
