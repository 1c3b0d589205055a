// Editing an upload (/d/:id/edit) over HTTP on every dialect: the owner's edit reaches the anonymous cached page (the
// front cache included), search and the sitemap at once; others get 404; the upload form's limits and the selling
// requirement hold; staff edits are audited and notified; and a blank title falls back as the form promises.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerified } from '../../testing/verification.ts';
import { takeDownDocument } from './takedown.ts';

/** A distinct plain text (a province's government work report, first paragraphs). */
function reportText(province: string): Buffer {
  const file = join(CORPUS_DIR, 'text-zh', 'gov-reports-2026', `2026_${province}_政府工作报告.csv`);
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => [...l].length > 30);
  return Buffer.from(lines.slice(1, 14).join('\n'));
}
const corpusDocx = (name: string) => readFileSync(join(CORPUS_DIR, 'docx-zh', name));
const NOTICE_DOCX = 'odd__demo__offline__notice-通知__20260404-关于开展“我的刀盾”传播素材整理工作的通知-v01.docx';
const NOTICE_TITLE = '关于开展“我的刀盾”传播素材整理工作的通知';
const COURSE_DOCX = 'libpku__通选课__A__自然保护学__自然保护学.docx';

for (const dialect of DIALECTS) {
  describe(`editing an upload (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    let owner: TestClient;
    let other: TestClient;
    let mod: TestClient;
    let docId: number;
    const idOf = async (email: string) =>
      Number(
        (await t.deps.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
          .id,
      );
    const row = (id: number) =>
      t.deps.database.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const upload = async (client: TestClient, province: string, fields: Record<string, string> = {}) => {
      const up = await client.upload(
        { name: `${province}政府工作报告摘编.txt`, data: reportText(province) },
        { title: `${province}政府工作报告摘编`, category: '1', price: '0', ...fields },
      );
      assert.equal(up.statusCode, 201, up.body);
      const id = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(client, id)).status, 'published');
      return id;
    };
    const form = (over: Record<string, string> = {}) => ({
      title: '广东省政府工作报告摘编',
      description: '',
      category: '1',
      price: '0',
      previewMode: 'site',
      previewValue: '',
      ...over,
    });
    const save = async (client: TestClient, id: number, fields: Record<string, string>) =>
      client.postForm(`/d/${id}/edit`, fields, { csrf: await client.csrf('/') });
    const anonymous = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
    const frontHits = async () =>
      ((await (await anonymous('/healthz')).json()) as { pageCache: { frontHits: number } }).pageCache.frontHits;

    before(async () => {
      t = await createTestApp(dialect);
      owner = new TestClient(t.app);
      other = new TestClient(t.app);
      mod = new TestClient(t.app);
      await owner.register('owner@example.com', '上传者');
      await other.register('other@example.com', '旁人');
      await mod.register('mod@example.com', '版主');
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'moderator' })
        .where('email', '=', 'mod@example.com')
        .execute();
      await markVerified(t.deps, await idOf('owner@example.com'));
      docId = await upload(owner, '广东省');
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(() => t.close());

    test("the owner's edit reaches the cached anonymous page, search and the sitemap at once", async () => {
      // The anonymous page is rendered once and then answered by the front cache.
      const first = await anonymous(`/d/${docId}`);
      assert.equal(first.status, 200);
      const oldEtag = first.headers.get('etag')!;
      assert.ok((await first.text()).includes('广东省政府工作报告摘编'));
      const hits = await frontHits();
      assert.equal((await anonymous(`/d/${docId}`)).status, 200);
      assert.equal(await frontHits(), hits + 1, 'served from the front cache before the edit');
      // An old lastmod, to see the sitemap move.
      await t.deps.database.db
        .updateTable('documents')
        .set({ updated_at: Date.parse('2020-01-01T00:00:00Z') })
        .where('id', '=', docId)
        .execute();
      assert.match(await (await anonymous('/sitemap.xml')).text(), /<lastmod>2020-01-01<\/lastmod>/);
      // Every word of the query in the indexed title (not a partial match on a few words of the body).
      const matchesAll = async (q: string) => {
        const r = (await (await anonymous(`/api/search?q=${encodeURIComponent(q)}`)).json()) as {
          partial: boolean;
          hits: { id: number; title: string }[];
        };
        return r.partial ? [] : r.hits;
      };
      const NEW_WORDS = '鹦鹉螺琥珀工作法';
      assert.deepEqual(await matchesAll(NEW_WORDS), []);
      assert.equal((await matchesAll('广东省政府工作报告摘编'))[0]?.id, docId);

      // The form comes prefilled.
      const edit = await owner.get(`/d/${docId}/edit`);
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /value="广东省政府工作报告摘编"/);
      assert.match(edit.body, /name="_csrf"/);
      assert.match(edit.body, /<option value="1" selected>/);
      const saved = await save(
        owner,
        docId,
        form({
          title: '鹦鹉螺琥珀工作法交流材料（广东）',
          description: '修改后的简介：交流材料',
          category: '2',
          price: '5',
          previewMode: 'pages',
          previewValue: '1',
        }),
      );
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal(saved.headers.location, `/d/${docId}/edit?notice=saved`);
      assert.match((await owner.get(`/d/${docId}/edit?notice=saved`)).body, /已保存/);

      const page = await anonymous(`/d/${docId}`);
      assert.equal(page.status, 200);
      assert.notEqual(page.headers.get('etag'), oldEtag);
      const html = await page.text();
      assert.ok(html.includes('鹦鹉螺琥珀工作法交流材料（广东）'), 'the new title at once');
      assert.ok(!html.includes('广东省政府工作报告摘编'), 'the old title is gone');
      assert.ok(html.includes('修改后的简介'));
      assert.ok(html.includes('5 文币'), 'the new price');
      assert.equal((await anonymous(`/d/${docId}`, { 'if-none-match': oldEtag })).status, 200, 'not a stale 304');
      const found = await matchesAll(NEW_WORDS);
      assert.deepEqual(
        found.map((h) => h.id),
        [docId],
        'found by the words of its new title at once',
      );
      assert.equal(found[0]!.title, '鹦鹉螺琥珀工作法交流材料（广东）');
      assert.deepEqual(await matchesAll('摘编'), [], 'no longer by a word only its old title had');
      assert.doesNotMatch(await (await anonymous('/sitemap.xml')).text(), /<lastmod>2020-01-01<\/lastmod>/);
      const doc = await row(docId);
      assert.equal(doc.category_id, 2);
      assert.equal(doc.price, 5);
      assert.equal(doc.preview_mode, 'pages');
      assert.equal(doc.preview_value, 1);
      assert.equal(doc.title_auto, 0);
      // The owner's own edit is not a staff action.
      const audit = await t.deps.database.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'document.edit')
        .execute();
      assert.equal(audit.length, 0);
      // The document page offers its owner 编辑 (and nobody else).
      assert.match((await owner.get(`/d/${docId}`)).body, new RegExp(`href="/d/${docId}/edit"`));
      assert.doesNotMatch((await other.get(`/d/${docId}`)).body, /\/edit"/);
      // 我的文档: an 编辑 link and the price.
      const mine = await owner.get('/my/documents');
      assert.match(mine.body, new RegExp(`href="/d/${docId}/edit"`));
      assert.match(mine.body, /5 文币/);
    });

    test('anyone but the owner and staff gets 404 and changes nothing; visitors are sent to log in', async () => {
      const before = await row(docId);
      assert.equal((await other.get(`/d/${docId}/edit`)).statusCode, 404);
      assert.equal((await save(other, docId, form({ title: '被旁人改掉的标题' }))).statusCode, 404);
      assert.equal((await other.get('/d/999999/edit')).statusCode, 404);
      const anon = new TestClient(t.app);
      const page = await anon.get(`/d/${docId}/edit`);
      assert.equal(page.statusCode, 303);
      assert.match(String(page.headers.location), /^\/login\?next=/);
      const post = await anon.postForm(`/d/${docId}/edit`, form({ title: '匿名改标题' }), {
        csrf: await anon.csrf('/login'),
      });
      assert.ok(post.statusCode === 401 || post.statusCode === 403, String(post.statusCode));
      assert.equal((await owner.postForm(`/d/${docId}/edit`, form(), { csrf: false })).statusCode, 403, 'CSRF');
      assert.deepEqual(await row(docId), before);
    });

    test('the limits of the upload form hold, and a refused form comes back as typed with the reason', async () => {
      const before = await row(docId);
      const cases: [Record<string, string>, RegExp][] = [
        [form({ price: '10001' }), /价格需为 0–10000 之间的整数/],
        [form({ price: '-1' }), /价格需为/],
        [form({ price: '1.5' }), /价格需为/],
        [form({ title: '甲' }), /标题需为 2–100 个字符/],
        [form({ title: '长'.repeat(101) }), /标题需为 2–100 个字符/],
        [form({ title: '通知\u202e反转' }), /标题需为 2–100 个字符/],
        [form({ description: '简'.repeat(2001) }), /简介不能超过 2000 个字符/],
        [form({ category: '9999' }), /请选择分类/],
        [form({ previewMode: 'pages', previewValue: '0' }), /免费预览需为/],
        [form({ previewMode: 'percent', previewValue: '101' }), /免费预览需为/],
        [form({ previewMode: 'all' }), /免费预览需为/],
        [form({ title: '联系人13812345678的通知' }), /身份证号、手机号或银行卡号/],
      ];
      for (const [fields, message] of cases) {
        const res = await save(owner, docId, fields);
        assert.equal(res.statusCode, 422, `${JSON.stringify(fields).slice(0, 80)}: ${res.statusCode}`);
        assert.match(res.body, message);
        assert.match(res.body, /<form id="edit" class="form" method="post"/, 'the form again');
      }
      const typed = await save(owner, docId, form({ title: '打错的标题', price: '99999' }));
      assert.match(typed.body, /value="打错的标题"/, 'what was typed is kept');
      // A control character is refused by the route schema before the service: the form again too.
      assert.equal((await save(owner, docId, form({ title: '通知\u0007' }))).statusCode, 422);
      assert.deepEqual(await row(docId), before, 'nothing changed');
    });

    test('a price above 0 needs what a paid upload needs (real-name verification)', async () => {
      const seller = new TestClient(t.app);
      await seller.register('seller@example.com', '未认证作者');
      const id = await upload(seller, '浙江省');
      const refused = await save(seller, id, form({ title: '浙江省政府工作报告摘编', price: '10' }));
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /实名认证/);
      assert.equal((await row(id)).price, 0);
      // Free edits need nothing.
      const free = await save(seller, id, form({ title: '浙江省政府工作报告（节选）' }));
      assert.equal(free.statusCode, 303);
      assert.equal((await row(id)).title, '浙江省政府工作报告（节选）');
      await markVerified(t.deps, await idOf('seller@example.com'));
      assert.equal(
        (await save(seller, id, form({ title: '浙江省政府工作报告（节选）', price: '10' }))).statusCode,
        303,
      );
      assert.equal((await row(id)).price, 10);
    });

    test('staff edits are audited and the uploader is notified; a taken-down document cannot be edited', async () => {
      const page = await mod.get(`/d/${docId}/edit`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /以管理人员身份编辑他人的文档/);
      const res = await save(
        mod,
        docId,
        form({
          title: '鹦鹉螺琥珀工作法交流材料',
          description: '修改后的简介：交流材料',
          category: '2',
          price: '5',
          previewMode: 'pages',
          previewValue: '1',
        }),
      );
      assert.equal(res.statusCode, 303, res.body);
      const audit = await t.deps.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'document.edit')
        .where('target_id', '=', docId)
        .executeTakeFirstOrThrow();
      assert.equal(audit.actor_id, await idOf('mod@example.com'));
      assert.deepEqual(JSON.parse(audit.before!), { title: '鹦鹉螺琥珀工作法交流材料（广东）' });
      assert.deepEqual(JSON.parse(audit.after!), { title: '鹦鹉螺琥珀工作法交流材料' });
      const note = await t.deps.database.db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', await idOf('owner@example.com'))
        .where('kind', '=', 'document.edited')
        .executeTakeFirstOrThrow();
      assert.equal(note.link, `/d/${docId}`);
      assert.match(
        (await owner.get('/notifications')).body,
        /管理人员修改了您的文档《鹦鹉螺琥珀工作法交流材料》的信息/,
      );

      await takeDownDocument(
        t.deps,
        { id: await idOf('mod@example.com'), role: 'moderator' },
        { documentId: docId, code: 'spam', ip: '127.0.0.1' },
      );
      assert.equal((await owner.get(`/d/${docId}/edit`)).statusCode, 409);
      assert.equal((await save(owner, docId, form({ title: '下架后改标题' }))).statusCode, 409);
    });

    test('a blank title falls back to the file name, or for a generic name to the title the document states', async () => {
      const blank = { title: '', category: '1', price: '0' };
      // `1.docx` was refused before; now it is named after its stated title.
      const one = await owner.upload({ name: '1.docx', data: corpusDocx(NOTICE_DOCX) }, blank);
      assert.equal(one.statusCode, 201, one.body);
      const oneId = (one.json() as { id: number }).id;
      // A generic name and no stated title: the document's first line.
      const word = await owner.upload({ name: '新建 Microsoft Word 文档.docx', data: corpusDocx(COURSE_DOCX) }, blank);
      assert.equal(word.statusCode, 201, word.body);
      const wordId = (word.json() as { id: number }).id;
      // A chosen name is the title.
      const named = await owner.upload(
        { name: '关于加强机关作风建设的通知 - 副本.txt', data: reportText('湖北省') },
        blank,
      );
      assert.equal(named.statusCode, 201, named.body);
      const namedId = (named.json() as { id: number }).id;
      for (const id of [oneId, wordId, namedId]) assert.equal((await waitForStatus(owner, id)).status, 'published');
      assert.equal((await row(oneId)).title, NOTICE_TITLE);
      assert.equal((await row(wordId)).title, '自然保护学');
      assert.equal((await row(namedId)).title, '关于加强机关作风建设的通知');
      assert.ok((await owner.get(`/d/${oneId}`)).body.includes(NOTICE_TITLE));
      // Still editable like any upload, and the typed title then stays.
      assert.equal((await save(owner, namedId, form({ title: '机关作风建设通知' }))).statusCode, 303);
      assert.equal((await row(namedId)).title_auto, 0);
    });
  });
}
