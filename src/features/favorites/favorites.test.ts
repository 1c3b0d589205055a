// 收藏 over HTTP on each dialect: the no-JS form flow (redirect back through safeNext), the JSON flow the island uses,
// idempotence, folders (create, rename, move, delete both ways, limits, escaping), the /favorites page with pages and
// unavailable documents, search-result buttons, and visitors sent to log in.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertIndexedDocument } from '../../testing/engagement.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { userIdByEmail } from '../../testing/users.ts';
import { FAVORITE_LIMITS } from './service.ts';

const BODY =
  '乡村振兴战略实施方案。坚持农业农村优先发展，按照产业兴旺、生态宜居、乡风文明、治理有效、生活富裕的总要求推进。';

for (const dialect of DIALECTS) {
  describe(`favorites on ${dialect}`, () => {
    let t: TestApp;
    let reader: TestClient;
    let other: TestClient;
    let visitor: TestClient;
    let ownerId: number;
    let readerId: number;
    let docA: number;
    let docB: number;

    const db = () => t.deps.database.db;
    const favCount = async (id: number) =>
      Number(
        (await db().selectFrom('documents').select('favorite_count').where('id', '=', id).executeTakeFirstOrThrow())
          .favorite_count,
      );
    const rowsOf = async (userId: number) =>
      db().selectFrom('favorites').selectAll().where('user_id', '=', userId).orderBy('document_id').execute();
    const folderIdByName = async (userId: number, name: string) =>
      Number(
        (
          await db()
            .selectFrom('favorite_folders')
            .select('id')
            .where('user_id', '=', userId)
            .where('name', '=', name)
            .executeTakeFirstOrThrow()
        ).id,
      );
    const json = (c: TestClient, url: string, csrf: string, body: Record<string, string> = {}) =>
      c.postForm(url, body, { csrf, headers: { accept: 'application/json' } });

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const owner = new TestClient(t.app);
      reader = new TestClient(t.app);
      other = new TestClient(t.app);
      visitor = new TestClient(t.app);
      await owner.register('fav-owner@example.com', '上传者');
      await reader.register('fav-reader@example.com', '读者甲');
      await other.register('fav-other@example.com', '读者乙');
      ownerId = await userIdByEmail(t.deps, 'fav-owner@example.com');
      readerId = await userIdByEmail(t.deps, 'fav-reader@example.com');
      docA = await insertIndexedDocument(t.deps, ownerId, { title: '乡村振兴实施方案范文', body: BODY });
      docB = await insertIndexedDocument(t.deps, ownerId, { title: '乡村振兴工作总结', body: BODY, price: 5 });
    });
    after(() => t.close());

    test('without script: a form post saves once, redirects back, and the page shows it', async () => {
      const page = await reader.get(`/d/${docA}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`action="/d/${docA}/favorite"`));
      assert.match(page.body, /0 人收藏/);
      const csrf = await reader.csrf(`/d/${docA}`);
      for (let i = 0; i < 2; i++) {
        // A double click: two posts, one favorite.
        const res = await reader.postForm(`/d/${docA}/favorite`, { next: `/d/${docA}` }, { csrf });
        assert.equal(res.statusCode, 303, res.body);
        assert.equal(res.headers.location, `/d/${docA}`);
      }
      assert.equal(await favCount(docA), 1);
      assert.equal((await rowsOf(readerId)).length, 1);
      const after = await reader.get(`/d/${docA}`);
      assert.match(after.body, new RegExp(`action="/d/${docA}/unfavorite"`));
      assert.match(after.body, /aria-pressed="true"/);
      assert.match(after.body, /1 人收藏/);
      assert.match(after.body, /收藏在 <a href="\/favorites">默认收藏夹<\/a>/);
      // The anonymous page shows the new count too (its cached render was for the old revision).
      assert.match((await visitor.get(`/d/${docA}`)).body, /1 人收藏/);

      // An off-site next falls back to the document.
      const evil = await reader.postForm(`/d/${docA}/unfavorite`, { next: '//evil.example/x' }, { csrf });
      assert.equal(evil.statusCode, 303);
      assert.equal(evil.headers.location, `/d/${docA}`);
      assert.equal(await favCount(docA), 0);
      assert.equal((await rowsOf(readerId)).length, 0);
    });

    test('with script: the JSON answers carry the state and the count text', async () => {
      const csrf = await reader.csrf(`/d/${docA}`);
      const on = await json(reader, `/d/${docA}/favorite`, csrf);
      assert.equal(on.statusCode, 200, on.body);
      assert.deepEqual(on.json(), {
        documentId: docA,
        favorited: true,
        folderId: (await rowsOf(readerId))[0]!.folder_id,
        count: 1,
        countText: '1 人收藏',
      });
      const again = await json(reader, `/d/${docA}/favorite`, csrf);
      assert.equal((again.json() as { count: number }).count, 1);
      const off = await json(reader, `/d/${docA}/unfavorite`, csrf);
      assert.deepEqual(off.json(), {
        documentId: docA,
        favorited: false,
        folderId: null,
        count: 0,
        countText: '0 人收藏',
      });
      // Without a CSRF token nothing changes.
      const forged = await reader.postForm(
        `/d/${docA}/favorite`,
        {},
        { csrf: false, headers: { accept: 'application/json' } },
      );
      assert.equal(forged.statusCode, 403);
      assert.equal(await favCount(docA), 0);
    });

    test('visitors are sent to log in and back; scripts get 401', async () => {
      const page = await visitor.get(`/d/${docA}`);
      assert.match(page.body, new RegExp(`href="/login\\?next=%2Fd%2F${docA}"`));
      const csrf = await visitor.csrf('/login');
      const res = await visitor.postForm(`/d/${docA}/favorite`, { next: `/d/${docA}` }, { csrf });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/login?next=${encodeURIComponent(`/d/${docA}`)}`);
      const api = await json(visitor, `/d/${docA}/favorite`, csrf);
      assert.equal(api.statusCode, 401);
      assert.equal((await visitor.get('/favorites')).headers.location, '/login?next=%2Ffavorites');
      assert.equal(await favCount(docA), 0);
    });

    test('folders: create, save into, move, rename, delete (moving or removing), with limits and escaping', async () => {
      const csrf = await reader.csrf('/favorites');
      const created = await reader.postForm('/favorites/folders', { name: '  公文  范文 ' }, { csrf });
      assert.equal(created.statusCode, 303, created.body);
      const f1 = await folderIdByName(readerId, '公文 范文');
      assert.equal(created.headers.location, `/favorites?folder=${f1}&notice=created`);

      // Refusals re-show the page with the zh-CN reason and change nothing.
      for (const [name, status, message] of [
        ['公文 范文', 422, '已有名为“公文 范文”的收藏夹'],
        ['', 422, '请填写收藏夹名称'],
        ['一'.repeat(FAVORITE_LIMITS.nameChars + 1), 422, `收藏夹名称不能超过 ${FAVORITE_LIMITS.nameChars} 个字`],
        ['默认收藏夹', 422, '“默认收藏夹”是保留名称'],
      ] as const) {
        const res = await reader.postForm('/favorites/folders', { name }, { csrf });
        assert.equal(res.statusCode, status, name);
        assert.ok(res.body.includes(message), `${name}: ${message}`);
      }

      // A name that is markup is shown as text everywhere.
      const markup = '<b onclick=x>"&\'</b>';
      assert.equal([...markup].length, 20);
      assert.equal((await reader.postForm('/favorites/folders', { name: markup }, { csrf })).statusCode, 303);
      const f2 = await folderIdByName(readerId, markup);
      const listing = await reader.get(`/favorites?folder=${f2}`);
      assert.ok(!listing.body.includes('<b onclick'));
      assert.ok(listing.body.includes('&lt;b onclick=x>&quot;&amp;'));
      const docPage = await reader.get(`/d/${docA}`);
      assert.ok(!docPage.body.includes('<b onclick') && docPage.body.includes('&lt;b onclick=x>&quot;&amp;'));

      // Save into f1 (the select on the document page), then move to f2 from the folder page.
      assert.match(docPage.body, new RegExp(`<option value="${f1}">公文 范文</option>`));
      const saved = await reader.postForm(`/d/${docA}/favorite`, { folder: String(f1), next: `/d/${docA}` }, { csrf });
      assert.equal(saved.statusCode, 303);
      assert.equal((await rowsOf(readerId))[0]!.folder_id, f1);
      assert.match((await reader.get(`/favorites?folder=${f1}`)).body, new RegExp(`href="/d/${docA}"`));
      const moved = await reader.postForm(
        `/d/${docA}/favorite`,
        { folder: String(f2), next: `/favorites?folder=${f1}` },
        { csrf },
      );
      assert.equal(moved.headers.location, `/favorites?folder=${f1}`);
      assert.equal((await rowsOf(readerId))[0]!.folder_id, f2);
      assert.equal(await favCount(docA), 1, 'a move is not a second favorite');

      // Another user's folder does not exist for this one: the form is refused (422, 我的收藏 with the sentence),
      // a script gets 404 as for any folder not found.
      const otherCsrf = await other.csrf('/favorites');
      const notTheirs = await other.postForm(`/d/${docA}/favorite`, { folder: String(f1) }, { csrf: otherCsrf });
      assert.equal(notTheirs.statusCode, 422);
      assert.ok(notTheirs.body.includes('收藏夹不存在') && !notTheirs.body.includes('公文 范文'));
      assert.equal((await json(other, `/d/${docA}/favorite`, otherCsrf, { folder: String(f1) })).statusCode, 404);
      assert.equal((await other.get(`/favorites?folder=${f1}`)).statusCode, 404);
      assert.equal((await other.postForm(`/favorites/folders/${f1}/delete`, {}, { csrf: otherCsrf })).statusCode, 404);
      assert.equal((await reader.postForm(`/d/${docA}/favorite`, { folder: 'abc' }, { csrf })).statusCode, 422);
      assert.equal((await json(reader, `/d/${docA}/favorite`, csrf, { folder: 'abc' })).statusCode, 400);

      // Rename: to a taken name is refused; the default folder cannot be renamed or deleted.
      assert.equal(
        (await reader.postForm(`/favorites/folders/${f2}/rename`, { name: '公文 范文' }, { csrf })).statusCode,
        422,
      );
      const renamed = await reader.postForm(`/favorites/folders/${f2}/rename`, { name: '讲话稿' }, { csrf });
      assert.equal(renamed.headers.location, `/favorites?folder=${f2}&notice=renamed`);
      assert.match((await reader.get(renamed.headers.location as string)).body, /收藏夹已重命名/);
      const def = await folderIdByName(readerId, '');
      assert.equal(
        (await reader.postForm(`/favorites/folders/${def}/rename`, { name: 'x' }, { csrf })).statusCode,
        422,
      );
      assert.equal((await reader.postForm(`/favorites/folders/${def}/delete`, {}, { csrf })).statusCode, 422);

      // Deleting 讲话稿 moves its document to the default folder; deleting with "remove" un-saves.
      assert.equal(
        (await reader.postForm(`/favorites/folders/${f2}/delete`, { mode: 'move' }, { csrf })).statusCode,
        303,
      );
      assert.equal((await rowsOf(readerId))[0]!.folder_id, def);
      assert.equal(await favCount(docA), 1);
      await reader.postForm(`/d/${docB}/favorite`, { folder: String(f1) }, { csrf });
      assert.equal(await favCount(docB), 1);
      assert.equal(
        (await reader.postForm(`/favorites/folders/${f1}/delete`, { mode: 'remove' }, { csrf })).statusCode,
        303,
      );
      assert.equal(await favCount(docB), 0);
      assert.deepEqual(
        (await rowsOf(readerId)).map((r) => Number(r.document_id)),
        [docA],
      );

      // The folder limit counts the default folder.
      const existing = Number(
        (
          await db()
            .selectFrom('favorite_folders')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('user_id', '=', readerId)
            .executeTakeFirstOrThrow()
        ).n,
      );
      for (let i = existing; i < FAVORITE_LIMITS.folders; i++) {
        assert.equal((await reader.postForm('/favorites/folders', { name: `夹${i}` }, { csrf })).statusCode, 303);
      }
      const over = await reader.postForm('/favorites/folders', { name: '再来一个' }, { csrf });
      assert.equal(over.statusCode, 422);
      assert.ok(over.body.includes(`最多可以建 ${FAVORITE_LIMITS.folders} 个收藏夹`));
    });

    test('the folder page: counts, pages of 20, and documents that became unavailable', async () => {
      const csrf = await other.csrf('/favorites');
      const otherId = await userIdByEmail(t.deps, 'fav-other@example.com');
      const ids: number[] = [];
      for (let i = 0; i < 23; i++) {
        const id = await insertIndexedDocument(t.deps, ownerId, { title: `分页文档${i}`, body: BODY });
        ids.push(id);
        assert.equal((await other.postForm(`/d/${id}/favorite`, {}, { csrf })).statusCode, 303);
      }
      const first = await other.get('/favorites');
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /默认收藏夹<\/a> <span class="muted">23 篇/);
      assert.equal(first.body.match(/id="fav-/g)?.length, 20);
      assert.match(first.body, /href="\/favorites\?page=2"/);
      const second = await other.get('/favorites?page=2');
      assert.equal(second.body.match(/id="fav-/g)?.length, 3);

      // Deleted and taken down: still listed (newest first), marked, without a link; 收藏 again is 410.
      const [deleted, takenDown] = [ids[22]!, ids[21]!];
      await db()
        .updateTable('documents')
        .set({ status: 'deleted', deleted_at: Date.now() })
        .where('id', '=', deleted)
        .execute();
      await db()
        .updateTable('documents')
        .set({ status: 'taken_down', taken_down_at: Date.now() })
        .where('id', '=', takenDown)
        .execute();
      const page = await other.get('/favorites');
      assert.match(page.body, new RegExp(`id="fav-${deleted}"[^]*?已删除[^]*?分页文档22`));
      assert.match(page.body, new RegExp(`id="fav-${takenDown}"[^]*?已下架[^]*?分页文档21`));
      assert.ok(!page.body.includes(`href="/d/${deleted}"`));
      assert.equal((await other.postForm(`/d/${deleted}/favorite`, {}, { csrf })).statusCode, 410);
      // It can still be removed, and the count follows.
      assert.equal(
        (await other.postForm(`/d/${deleted}/unfavorite`, { next: '/favorites' }, { csrf })).statusCode,
        303,
      );
      assert.equal((await rowsOf(otherId)).length, 22);
      assert.equal((await other.postForm('/d/99999999/favorite', {}, { csrf })).statusCode, 404);
    });

    test('search results carry the button in this reader’s state', async () => {
      const q = encodeURIComponent('乡村振兴');
      const mine = await reader.get(`/search?q=${q}`);
      assert.equal(mine.statusCode, 200);
      // docA is saved (from the folder test), docB is not.
      assert.match(mine.body, new RegExp(`action="/d/${docA}/unfavorite"`));
      assert.match(mine.body, new RegExp(`action="/d/${docB}/favorite"`));
      assert.match(mine.body, new RegExp(`name="next" value="/search\\?q=${q}"`));
      const csrf = await reader.csrf(`/search?q=${q}`);
      const res = await reader.postForm(`/d/${docB}/favorite`, { next: `/search?q=${q}` }, { csrf });
      assert.equal(res.headers.location, `/search?q=${q}`);
      const anon = await visitor.get(`/search?q=${q}`);
      assert.match(anon.body, new RegExp(`href="/login\\?next=%2Fsearch%3Fq%3D${encodeURIComponent(q)}"`));
    });
  });
}
