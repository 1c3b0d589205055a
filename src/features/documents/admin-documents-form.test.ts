// /admin/documents on the shared form pattern (web/form-state.ts): a refused bulk 下架 is the same list again with
// 422, the sentence beside the reason (or in the summary when no document is ticked), the ticks, the reason and the
// note kept; a refused restore (the document is not taken down) is the list with the sentence alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertTestDocument, insertTestUser } from '../../testing/credits.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

/** Whether the page ticks document `id`'s checkbox. */
const tickedIn = (body: string, id: number) =>
  new RegExp(`<input type="checkbox" name="d${id}" value="1" checked`).test(body);

for (const dialect of DIALECTS) {
  describe(`/admin/documents forms keep what was chosen (${dialect})`, () => {
    let t: TestApp;
    let mod: TestClient;
    let sellerId: number;
    let docs: number[];
    let otherDoc: number;
    const db = () => t.deps.database.db;
    const statusOf = async (id: number) =>
      (await db().selectFrom('documents').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      mod = new TestClient(t.app);
      await mod.register('docs-mod@example.com', '审核员');
      await db().updateTable('users').set({ role: 'moderator' }).where('email', '=', 'docs-mod@example.com').execute();
      sellerId = await insertTestUser(t.deps.database, '卖家甲');
      const otherId = await insertTestUser(t.deps.database, '作者乙');
      docs = [];
      for (let i = 0; i < 3; i++) docs.push(await insertTestDocument(t.deps.database, sellerId));
      otherDoc = await insertTestDocument(t.deps.database, otherId);
    });
    after(() => t.close());

    test('bulk 下架 without a reason: the reason marked, the ticks, the note and the filtered list kept', async () => {
      const listPath = `/admin/documents?owner=${sellerId}`;
      const page = await mod.get(listPath);
      const list = /name="list" value="([^"]*)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
      assert.equal(list, `owner=${sellerId}&page=1`, 'the form carries the list it was shown with');
      const res = await mod.postForm(
        '/admin/documents/takedown',
        { list: list ?? '', note: '批量广告 <b>', [`d${docs[0]}`]: '1', [`d${docs[2]}`]: '1' },
        { csrf: await mod.csrf(listPath) },
      );
      const body = assertRefusedForm(res, {
        form: 'bulk-takedown',
        field: 'code',
        error: /请选择下架原因/,
        values: { code: '', note: '批量广告 <b>' },
      });
      assert.ok(tickedIn(body, docs[0]!) && tickedIn(body, docs[2]!), 'the ticked documents stay ticked');
      assert.ok(!tickedIn(body, docs[1]!), 'the others are not');
      assert.ok(body.includes(`name="d${docs[1]}"`) && !body.includes(`name="d${otherDoc}"`), 'the same filter');
      for (const id of docs) assert.equal(await statusOf(id), 'published');
    });

    test('bulk 下架 with nothing ticked: the sentence in the summary, the reason kept', async () => {
      const res = await mod.postForm(
        '/admin/documents/takedown',
        { list: 'page=1', code: 'spam', note: '无勾选' },
        { csrf: await mod.csrf('/admin/documents') },
      );
      assertRefusedForm(res, {
        form: 'bulk-takedown',
        error: /请至少勾选一篇文档/,
        values: { code: 'spam', note: '无勾选' },
      });
    });

    test('restoring a document that is not taken down: the list with the sentence alone', async () => {
      const res = await mod.postForm(
        `/admin/documents/${docs[1]}/restore`,
        { list: `owner=${sellerId}&page=1` },
        { csrf: await mod.csrf('/admin/documents') },
      );
      assert.equal(res.statusCode, 422);
      const alert = /<div class="form__errors" role="alert"[^>]*><p>([^<]*)<\/p><\/div>/.exec(res.body);
      assert.match(alert?.[1] ?? '', /该文档未处于下架状态，无法恢复/);
      assert.ok(res.body.includes(`name="d${docs[1]}"`), 'the list it came from');
      assert.ok(!res.body.includes(`id="restore-${docs[1]}"`), 'no form of its own');
      // A JSON client still gets the 409.
      const json = await mod.postForm(
        `/admin/documents/${docs[1]}/restore`,
        {},
        { csrf: await mod.csrf('/admin/documents'), headers: { accept: 'application/json' } },
      );
      assert.equal(json.statusCode, 409);
    });
  });
}
