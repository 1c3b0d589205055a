// The 收藏 and 移到 forms refused on each dialect (issue #13): too many favourites, or a folder deleted meanwhile,
// is 我的收藏 again with 422 — the sentence beside the row's folder select when 移到 was sent from that folder's
// page, else a notice with a link back to where the reader was — never the error page. JSON keeps its statuses.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertIndexedDocument } from '../../testing/engagement.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { userIdByEmail } from '../../testing/users.ts';
import { FAVORITE_LIMITS } from './service.ts';

const BODY = '关于加强公文处理工作的通知。各单位要规范行文，提高办文质量。';

for (const dialect of DIALECTS) {
  describe(`the 收藏 and 移到 forms keep the reader on 我的收藏 (${dialect})`, () => {
    let t: TestApp;
    let reader: TestClient;
    let ownerId: number;

    const db = () => t.deps.database.db;
    const folderOf = async (location: unknown) => {
      const id = /folder=(\d+)/.exec(String(location))?.[1];
      assert.ok(id, String(location));
      return id;
    };

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const owner = new TestClient(t.app);
      reader = new TestClient(t.app);
      await owner.register('toggle-owner@example.com', '上传者');
      await reader.register('toggle-reader@example.com', '读者');
      ownerId = await userIdByEmail(t.deps, 'toggle-owner@example.com');
    });
    after(() => t.close());

    test('移到 a folder deleted meanwhile: that folder page, the sentence beside the select; then the move', async () => {
      const csrf = await reader.csrf('/favorites');
      const doc = await insertIndexedDocument(t.deps, ownerId, { title: '公文处理通知', body: BODY });
      const a = await folderOf(
        (await reader.postForm('/favorites/folders', { name: '甲' }, { csrf })).headers.location,
      );
      const b = await folderOf(
        (await reader.postForm('/favorites/folders', { name: '乙' }, { csrf })).headers.location,
      );
      const c = await folderOf(
        (await reader.postForm('/favorites/folders', { name: '丙' }, { csrf })).headers.location,
      );
      const saved = await reader.postForm(`/d/${doc}/favorite`, { folder: a, next: `/d/${doc}` }, { csrf });
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal(saved.headers.location, `/d/${doc}`);
      const onA = await reader.get(`/favorites?folder=${a}`);
      assert.match(onA.body, new RegExp(`<option value="${c}">丙</option>`), 'the select offers 丙');

      // 丙 is deleted in another tab; the page still offered it.
      const gone = await reader.postForm(`/favorites/folders/${c}/delete`, { mode: 'move' }, { csrf });
      assert.equal(gone.statusCode, 303, gone.body);
      const next = `/favorites?folder=${a}`;
      const res = await reader.postForm(`/d/${doc}/favorite`, { folder: c, next }, { csrf });
      const html = assertRefusedForm(res, { form: `favorite-move-${doc}`, field: 'folder', error: /收藏夹不存在/ });
      assert.match(html, /管理“甲”/, 'the folder page it was sent from');
      assert.match(html, new RegExp(`<option value="${b}">乙</option>`));
      assert.doesNotMatch(html, new RegExp(`<option value="${c}"`), 'the deleted folder is not offered again');
      assert.doesNotMatch(html, /返回刚才的页面/, 'the form is on the page: no link back');
      assert.match(html, new RegExp(`name="next" value="/favorites\\?folder=${a}"`));

      // A script keeps its 404; the ordinary move is a 303 back to the folder page.
      const api = await reader.postForm(
        `/d/${doc}/favorite`,
        { folder: c, next },
        { csrf, headers: { accept: 'application/json' } },
      );
      assert.equal(api.statusCode, 404, api.body);
      const moved = await reader.postForm(`/d/${doc}/favorite`, { folder: b, next }, { csrf });
      assert.equal(moved.statusCode, 303, moved.body);
      assert.equal(moved.headers.location, next);
      const row = await db()
        .selectFrom('favorites')
        .select('folder_id')
        .where('document_id', '=', doc)
        .executeTakeFirstOrThrow();
      assert.equal(String(row.folder_id), b);

      // From the document page's 移到 the same refusal is the default folder with the sentence and a link back.
      const fromDoc = await reader.postForm(`/d/${doc}/favorite`, { folder: c, next: `/d/${doc}` }, { csrf });
      assert.equal(fromDoc.statusCode, 422, fromDoc.body.slice(0, 300));
      assert.match(fromDoc.body, /class="form__errors" role="alert"[^>]*><p>收藏夹不存在<\/p>/);
      assert.match(fromDoc.body, new RegExp(`<a href="/d/${doc}">返回刚才的页面</a>`));
    });

    test('the favourites limit: 我的收藏 with the sentence and a link back to where the reader was', async () => {
      const csrf = await reader.csrf('/favorites');
      const readerId = await userIdByEmail(t.deps, 'toggle-reader@example.com');
      const first = await insertIndexedDocument(t.deps, ownerId, { title: '第一篇', body: BODY });
      const one = await reader.postForm(`/d/${first}/favorite`, { next: '/search?q=x' }, { csrf });
      assert.equal(one.statusCode, 303, one.body);
      assert.equal(one.headers.location, '/search?q=x');
      // Fill the reader's favourites up to the limit (bare document rows saved straight into the default folder).
      const def = await db()
        .selectFrom('favorites')
        .select('folder_id')
        .where('user_id', '=', readerId)
        .where('document_id', '=', first)
        .executeTakeFirstOrThrow();
      const have = Number(
        (
          await db()
            .selectFrom('favorites')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('user_id', '=', readerId)
            .executeTakeFirstOrThrow()
        ).n,
      );
      const cat = await db().selectFrom('categories').select('id').orderBy('id').executeTakeFirstOrThrow();
      const now = Date.now();
      for (let left = FAVORITE_LIMITS.favorites - have; left > 0; ) {
        const n = Math.min(left, 250);
        const rows = Array.from({ length: n }, (_, i) => ({
          owner_id: ownerId,
          category_id: cat.id,
          title: `填充${left - i}`,
          title_auto: 0,
          description: '',
          format: 'txt' as const,
          original_name: 'a.txt',
          blob_key: `original/fill-${left - i}`,
          size_bytes: 1,
          price: 0,
          status: 'published' as const,
          page_count: 1,
          char_count: 1,
          download_count: 0,
          rev: 1,
          created_at: now,
          updated_at: now,
        }));
        const ids = await db().insertInto('documents').values(rows).returning('id').execute();
        await db()
          .insertInto('favorites')
          .values(ids.map((r) => ({ user_id: readerId, document_id: r.id, folder_id: def.folder_id, created_at: now })))
          .execute();
        left -= n;
      }

      const doc = await insertIndexedDocument(t.deps, ownerId, { title: '超出上限的一篇', body: BODY });
      const res = await reader.postForm(`/d/${doc}/favorite`, { next: '/search?q=%E5%85%AC%E6%96%87' }, { csrf });
      assert.equal(res.statusCode, 422, res.body.slice(0, 300));
      assert.match(res.body, /<h1 id="favorites-title">我的收藏 · 默认收藏夹/);
      const sentence = `收藏已达上限（${FAVORITE_LIMITS.favorites} 篇），请先整理收藏夹`;
      assert.match(
        res.body,
        new RegExp(`class="form__errors" role="alert"[^>]*><p>${sentence.replace(/[()（）]/g, '.')}</p>`),
      );
      assert.match(res.body, /<a href="\/search\?q=%E5%85%AC%E6%96%87">返回刚才的页面<\/a>/);

      // The link back is `next` checked as the redirect is: another origin falls back to the document.
      const evil = await reader.postForm(`/d/${doc}/favorite`, { next: '//evil.example/x' }, { csrf });
      assert.equal(evil.statusCode, 422);
      assert.ok(!evil.body.includes('evil.example'), 'never a link off the site');
      assert.match(evil.body, new RegExp(`<a href="/d/${doc}">返回刚才的页面</a>`));

      // A script keeps its 409; removing one is the ordinary 303.
      const api = await reader.postForm(`/d/${doc}/favorite`, {}, { csrf, headers: { accept: 'application/json' } });
      assert.equal(api.statusCode, 409, api.body);
      const off = await reader.postForm(`/d/${first}/unfavorite`, { next: '/favorites' }, { csrf });
      assert.equal(off.statusCode, 303, off.body);
      assert.equal(off.headers.location, '/favorites');
    });
  });
}
