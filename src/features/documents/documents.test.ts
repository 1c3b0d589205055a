import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR, SEED_DOCX, SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerifiedByEmail } from '../../testing/verification.ts';

const seedLines = readFileSync(SEED_TXT, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
const FIRST_BODY = seedLines[2]!.slice(0, 40); // 创建全国文明城市,是XX市…
const PAST_CUT = seedLines.at(-1)!.slice(0, 24); // 第二、思路不变,把创城作为重要载体牵动全局 — the last paragraph
const ANY_PDF = join(CORPUS_DIR, 'pdf-zh', readdirSync(join(CORPUS_DIR, 'pdf-zh')).find((f) => f.endsWith('.pdf'))!);
// Distinct documents per test: re-uploading the same text is (rightly) held for review as a duplicate.
const corpusDocx = (name: string) => join(CORPUS_DIR, 'docx-zh', name);
const MULTI_PAGE_DOCX = corpusDocx('libpku__通选课__A__地震概论__地震概论复习要点.docx');
const DELETE_DOCX = corpusDocx('libpku__通选课__A__自然保护学__自然保护学.docx');
const REPORT_DOCX = corpusDocx('libpku__通选课__B__孙子兵法导读__孙子兵法导读复习资料整理.docx');
/** Plain Chinese text (a provincial government work report), for the GBK upload. */
function reportText(): string {
  const csv = readFileSync(join(CORPUS_DIR, 'text-zh', 'gov-reports-2026', '2026_北京市_政府工作报告.csv'), 'utf8');
  const lines = csv
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => [...l].length > 30);
  return lines.slice(1, 12).join('\n');
}

/** Text as preact escapes it inside an element. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Every file under the blob store except the temp directory (what an upload left behind). */
function storedFiles(t: TestApp): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(t.deps.config.storage.dir);
  return out;
}

for (const dialect of DIALECTS) {
  describe(`documents on ${dialect}`, () => {
    let t: TestApp;
    let owner: TestClient;
    before(async () => {
      t = await createTestApp(dialect, { env: { UPLOAD_MAX_BYTES: '2MB' } });
      owner = new TestClient(t.app);
      const res = await owner.register('writer@example.com');
      assert.equal(res.statusCode, 303);
      // Selling needs real-name verification.
      await markVerifiedByEmail(t.deps, 'writer@example.com');
    });
    after(() => t.close());

    test('a paid seed upload is published, and anonymous readers see only the free part', async () => {
      const up = await owner.upload(SEED_DOCX, { title: '', category: '1', description: '', price: '300' });
      assert.equal(up.statusCode, 201, up.body);
      const { id } = up.json() as { id: number };
      assert.deepEqual(await waitForStatus(owner, id), { status: 'published', reason: null });

      const anon = new TestClient(t.app);
      const page = await anon.get(`/d/${id}`);
      assert.equal(page.statusCode, 200);
      const html = page.body;
      assert.ok(html.includes('在高新区创建全国文明城市工作领导小组(扩大)会议上的讲话'), 'title from the file name');
      assert.ok(html.includes(FIRST_BODY), 'the opening of the speech is in the preview');
      assert.ok(!html.includes(PAST_CUT), 'text past the cut must not be in the page');
      for (const element of [
        '碎片内容',
        '关注',
        '内容提供者',
        '回到顶部',
        '微信客服',
        '违规举报',
        '添加到桌面',
        'DOCX',
      ]) {
        assert.ok(html.includes(element), `page shows ${element}`);
      }
      assert.match(html, /剩余 \d+ 页（约 \d+ 字）未读，下载后阅读全文/);
      assert.ok(html.includes('当您付费下载文档后，您只拥有了使用权限'));
      assert.ok(html.includes('rel="manifest"'));
      assert.ok(!html.includes('name="_csrf"'), 'the shared anonymous page carries no CSRF token');

      // The cached page revalidates with its ETag.
      const etag = page.headers.etag as string;
      assert.ok(etag);
      const again = await anon.get(`/d/${id}`, { 'if-none-match': etag });
      assert.equal(again.statusCode, 304);

      // JSON-LD holds nothing from past the cut either.
      const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
      assert.ok(ld.includes('DigitalDocument'));
      assert.ok(!ld.includes(PAST_CUT));
    });

    test('the preview rule: first N pages or P percent, site default and per-document override', async () => {
      const up = await owner.upload(MULTI_PAGE_DOCX, {
        title: '地震概论复习要点（预览规则）',
        category: '1',
        price: '0',
      });
      const { id } = up.json() as { id: number };
      await waitForStatus(owner, id);
      const text = await t.deps.database.db
        .selectFrom('document_texts')
        .selectAll()
        .where('document_id', '=', id)
        .executeTakeFirstOrThrow();
      const starts = JSON.parse(text.page_starts) as number[];
      assert.ok(starts.length >= 3, 'the seed spans several pages');
      const anon = new TestClient(t.app);
      // Snippets within one paragraph (paragraphs become separate elements), compared as escaped HTML text.
      const lastLine = (end: number) => text.body.slice(0, end).trimEnd().split('\n').pop()!;
      const firstLine = (start: number) => text.body.slice(start).trimStart().split('\n')[0]!;
      const before = (end: number) => esc(lastLine(end).slice(-12));
      const after = (start: number) => esc(firstLine(start).slice(0, 12));
      const firstPageEnd = before(starts[1]!);
      const secondPageStart = after(starts[1]!);
      assert.ok(firstPageEnd.length >= 4 && secondPageStart.length >= 4, 'usable snippets');

      const admin = await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'writer@example.com')
        .execute();
      assert.equal(Number(admin[0]?.numUpdatedRows), 1);

      // Site default: first 1 page.
      let res = await owner.postForm('/admin/settings', {
        previewMode: 'pages',
        previewValue: '1',
        previewMaxPercent: '60',
      });
      assert.equal(res.statusCode, 303, res.body);
      let html = (await anon.get(`/d/${id}`)).body;
      assert.ok(html.includes(firstPageEnd), 'page 1 is shown');
      assert.ok(!html.includes(secondPageStart), 'page 2 is not');

      // Site default: 10 percent of the text.
      res = await owner.postForm('/admin/settings', { previewMode: 'percent', previewValue: '10' });
      assert.equal(res.statusCode, 303);
      html = (await anon.get(`/d/${id}`)).body;
      const cut = Math.floor(text.body.length * 0.1);
      assert.ok(html.includes(before(cut)), 'text just before 10 % is shown');
      assert.ok(!html.includes(`${before(cut)}${after(cut)}`), 'text just after 10 % is not');

      // Per-document override wins over the site default: 2 pages.
      res = await owner.postForm('/admin/document-preview', { documentId: String(id), mode: 'pages', value: '2' });
      assert.equal(res.statusCode, 303);
      html = (await anon.get(`/d/${id}`)).body;
      assert.ok(html.includes(secondPageStart), 'page 2 shown under the override');
      assert.ok(!html.includes(after(starts[2]!)), 'page 3 not shown');

      await owner.postForm('/admin/settings', { previewMode: 'pages', previewValue: '3' });
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'user' })
        .where('email', '=', 'writer@example.com')
        .execute();
    });

    test('a file whose extension lies is rejected with a clear message and nothing is stored', async () => {
      const before = storedFiles(t).length;
      const docsBefore = await t.deps.database.db.selectFrom('documents').select('id').execute();
      const res = await owner.upload(
        { name: '讲话稿.docx', data: readFileSync(ANY_PDF) },
        { category: '1', price: '0' },
      );
      assert.equal(res.statusCode, 422);
      const body = res.json() as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'unsupported_file');
      assert.match(body.error.message, /文件内容与扩展名不符：扩展名为 \.docx，实际内容为 PDF/);
      assert.equal(storedFiles(t).length, before);
      assert.equal((await t.deps.database.db.selectFrom('documents').select('id').execute()).length, docsBefore.length);
    });

    test('an over-size upload answers 413 and stores nothing', async () => {
      const before = storedFiles(t).length;
      const big = Buffer.alloc(3 * 1024 * 1024, 0x41);
      const res = await owner.upload({ name: 'big.txt', data: big }, { category: '1', price: '0' });
      assert.equal(res.statusCode, 413);
      assert.match((res.json() as { error: { message: string } }).error.message, /文件过大/);
      assert.equal(storedFiles(t).length, before, 'no blob and no temp file');
    });

    test('a GBK text file is decoded correctly', async () => {
      const text = reportText();
      const gbk = iconv.encode(text, 'gbk');
      const res = await owner.upload({ name: '讲话稿-gbk.txt', data: gbk }, { category: '1', price: '0' });
      assert.equal(res.statusCode, 201, res.body);
      const { id } = res.json() as { id: number };
      assert.equal((await waitForStatus(owner, id)).status, 'published');
      const html = (await new TestClient(t.app).get(`/d/${id}`)).body;
      const opening = text.split('\n')[0]!.slice(0, 20);
      assert.ok(html.includes(opening), `GBK text shows as Chinese: ${opening}`);
    });

    test('a broken file ends rejected with a reason the uploader can read', async () => {
      const res = await owner.upload(
        { name: '坏文件.pdf', data: Buffer.from('%PDF-1.7\n1 0 obj <<>> garbage') },
        { category: '1', price: '0' },
      );
      assert.equal(res.statusCode, 201, res.body);
      const { id } = res.json() as { id: number };
      const final = await waitForStatus(owner, id);
      assert.equal(final.status, 'rejected');
      assert.ok(final.reason && /损坏|无法读取|未能/.test(final.reason), final.reason ?? '');
      const list = await owner.get('/my/documents');
      assert.ok(list.body.includes('未通过'));
      assert.ok(list.body.includes(final.reason!));
    });

    test('deletion asks 确认删除?, then the page answers 410 for everyone', async () => {
      const up = await owner.upload(DELETE_DOCX, { title: '将被删除的文档', category: '1', price: '5' });
      const { id } = up.json() as { id: number };
      await waitForStatus(owner, id);
      const stranger = new TestClient(t.app);
      await stranger.register('stranger@example.com', '路人甲');
      assert.equal((await stranger.get(`/d/${id}/delete`)).statusCode, 403);
      assert.equal((await stranger.postForm(`/d/${id}/delete`, {})).statusCode, 403);

      const confirm = await owner.get(`/d/${id}/delete`);
      assert.equal(confirm.statusCode, 200);
      assert.ok(confirm.body.includes('确认删除?'));
      assert.equal((await owner.postForm(`/d/${id}/delete`, {}, { csrf: false })).statusCode, 403, 'CSRF required');
      const del = await owner.postForm(`/d/${id}/delete`, {});
      assert.equal(del.statusCode, 303);
      assert.equal((await new TestClient(t.app).get(`/d/${id}`)).statusCode, 410);
      assert.equal((await owner.get(`/d/${id}`)).statusCode, 410);
      const row = await t.deps.database.db
        .selectFrom('documents')
        .select(['status', 'blob_key'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'deleted');
      assert.ok(
        storedFiles(t).some((f) => f.endsWith(row.blob_key.split('/')[1]!)),
        'the blob is kept',
      );
    });

    test('a report is recorded with its reason', async () => {
      const up = await owner.upload(REPORT_DOCX, { title: '被举报的文档', category: '1', price: '0' });
      const { id } = up.json() as { id: number };
      await waitForStatus(owner, id);
      const reader = new TestClient(t.app);
      assert.equal((await reader.get(`/d/${id}/report`)).statusCode, 303, 'login first');
      await reader.register('reader@example.com', '读者');
      const form = await reader.get(`/d/${id}/report`);
      assert.ok(form.body.includes('违规举报'));
      const res = await reader.postForm(`/d/${id}/report`, { reason: 'copyright', detail: '抄袭了我的文章' });
      assert.equal(res.statusCode, 303);
      const rows = await t.deps.database.db.selectFrom('reports').selectAll().where('document_id', '=', id).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.reason, 'copyright');
      assert.equal(rows[0]!.detail, '抄袭了我的文章');
    });
  });
}
