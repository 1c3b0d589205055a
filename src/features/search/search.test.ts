import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { SEED_DOCX, SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerifiedByEmail } from '../../testing/verification.ts';
import { computePreview } from '../documents/preview.ts';
import { getSiteSettings } from '../site/service.ts';

interface ApiHit {
  id: number;
  title: string;
  snippet: Array<{ text: string; hit: boolean }>;
}
interface ApiResult {
  total: number;
  page: number;
  pages: number;
  canonical: string;
  hits: ApiHit[];
  related: string[];
  facets: { categories: Array<{ slug: string; count: number }>; price: { free: number; paid: number } };
}

const RELATED_TEXT = [
  '关于文明城市创建工作的动员讲话',
  '同志们：今天召开全区创建全国文明城市动员大会，主要任务是统一思想、明确责任，全力推进文明城市创建工作。',
  '一要提高认识。创建全国文明城市是提升城市品位、改善人居环境、增进群众福祉的重要抓手。',
  '二要突出重点。围绕市容环境整治、交通秩序治理、志愿服务和公共文明引导，逐项对标测评体系。',
  '三要压实责任。各街道、各部门主要负责同志要亲自部署、亲自督办，确保创建任务按期完成。',
].join('\n');
const squash = (s: string) => s.replace(/\s+/g, '');
const seedParagraphs = readFileSync(SEED_TXT, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l.length >= 20);

for (const dialect of DIALECTS) {
  describe(`search on ${dialect}`, () => {
    let t: TestApp;
    let owner: TestClient;
    let anon: TestClient;
    let paidId: number;
    let freeText: string;
    let paidOnly: string[];

    const api = async (qs: string) => {
      const res = await anon.get(`/api/search?${qs}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as ApiResult;
    };
    const q = (text: string) => `q=${encodeURIComponent(text)}`;

    before(async () => {
      t = await createTestApp(dialect);
      owner = new TestClient(t.app);
      anon = new TestClient(t.app);
      await owner.register('searcher@example.com');
      await markVerifiedByEmail(t.deps, 'searcher@example.com');
      const up = await owner.upload(SEED_DOCX, { title: '', category: '1', description: '', price: '300' });
      assert.equal(up.statusCode, 201, up.body);
      paidId = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(owner, paidId)).status, 'published');
      const text = await t.deps.database.db
        .selectFrom('document_texts')
        .selectAll()
        .where('document_id', '=', paidId)
        .executeTakeFirstOrThrow();
      const site = await getSiteSettings(t.deps);
      const preview = computePreview(
        { body: text.body, pageStarts: JSON.parse(text.page_starts), headings: [] },
        { mode: site.previewMode, value: site.previewValue, maxPercent: site.previewMaxPercent, paid: true },
      );
      assert.ok(!preview.complete, 'the paid seed has a part past the cut');
      freeText = squash(preview.freeText);
      // Paragraphs that exist only past the cut.
      paidOnly = seedParagraphs.filter((p) => !freeText.includes(squash(p).slice(0, 12)));
      assert.ok(paidOnly.length >= 3, 'the seed has paragraphs past the cut');
      // The worker indexes right after it publishes: wait for that write rather than race it.
      for (let i = 0; i < 100 && (await api(q('文明城市创建'))).total === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
    });
    after(() => t.close());

    /** Everything a reader can see of a result set, minus the query they typed themselves. */
    const assertNoPaidText = (shown: string, query: string) => {
      const visible = squash(shown).replaceAll(squash(query), '');
      for (const p of paidOnly) {
        // Any 10-character run of a paid-only paragraph that is not also in the free part.
        const s = squash(p);
        for (let i = 0; i + 10 <= s.length; i += 5) {
          const run = s.slice(i, i + 10);
          if (freeText.includes(run)) continue;
          assert.ok(!visible.includes(run), `paid text leaked: ${run}`);
        }
      }
    };

    test('a published upload is found by title and body words, with a snippet from the free part', async () => {
      const r = await api(q('文明城市创建'));
      assert.equal(r.hits[0]?.id, paidId);
      const snippet = r.hits[0]!.snippet;
      assert.ok(
        snippet.some((p) => p.hit),
        'the match is highlighted',
      );
      const plain = squash(snippet.map((p) => p.text).join('')).replaceAll('…', '');
      assert.ok(freeText.includes(plain), 'the snippet is a passage of the free part');
    });

    test('leak: no result, snippet, suggestion or related search holds text past the preview cut', async () => {
      for (const p of paidOnly.slice(0, 6)) {
        const phrase = p.slice(0, 16);
        const json = await anon.get(`/api/search?${q(phrase)}`);
        assertNoPaidText(json.body, phrase);
        for (const hit of (json.json() as ApiResult).hits) {
          const plain = squash(hit.snippet.map((s) => s.text).join('')).replaceAll('…', '');
          if (hit.id === paidId) assert.ok(freeText.includes(plain), `snippet outside the free part: ${plain}`);
        }
        const html = await anon.get(`/search?${q(phrase)}`);
        assert.equal(html.statusCode, 200);
        assertNoPaidText(html.body, phrase);
        for (let n = 2; n <= 8; n += 3) {
          const prefix = phrase.slice(0, n);
          const s = await anon.get(`/api/suggest?q=${encodeURIComponent(prefix)}`);
          assert.equal(s.statusCode, 200);
          assertNoPaidText(s.body, prefix);
        }
      }
      // A query that only matched paid text is never remembered as a suggestion or related search.
      const rows = await t.deps.database.db.selectFrom('search_queries').select('query').execute();
      for (const { query } of rows) assertNoPaidText(query, '');
    });

    test('the results page works without script: canonical URL, sort, filters with counts, pagination', async () => {
      const res = await anon.get(`/search?${q('讲话')}&sort=latest&page=1`);
      assert.equal(res.statusCode, 200);
      const html = res.body;
      const origin = t.deps.config.http.publicUrl;
      assert.ok(
        html.includes(`<link rel="canonical" href="${origin}/search?q=${encodeURIComponent('讲话')}&amp;sort=latest"`),
      );
      for (const label of ['最相关', '最新', '下载最多', '评分最高', '分类', '格式', '价格', '页数', '上传时间']) {
        assert.ok(html.includes(label), `page shows ${label}`);
      }
      assert.match(html, /<mark>讲话<\/mark>/);
      assert.ok(html.includes(`href="/d/${paidId}"`));
      assert.match(html, /search-filter__count">1</);
      // A filter that excludes the document: free only.
      const free = await api(`${q('讲话')}&price=free`);
      assert.equal(free.total, 0);
      const paid = await api(`${q('讲话')}&price=paid&fmt=docx&pages=1-5`);
      assert.deepEqual(
        paid.hits.map((h) => h.id),
        [paidId],
      );
      assert.equal(paid.canonical, `/search?q=${encodeURIComponent('讲话')}&fmt=docx&price=paid&pages=1-5`);
      // Unknown values are ignored, not errors.
      assert.equal((await anon.get(`/search?${q('讲话')}&sort=bogus&page=abc&cat=nope`)).statusCode, 200);
    });

    test('a helpful empty state, and partial matches when no document holds every word', async () => {
      const res = await anon.get(`/search?${q('量子纠缠超导体')}`);
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes('没有找到与“量子纠缠超导体”相关的文档'));
      assert.ok(res.body.includes('建议：检查错别字'));
      assert.ok(res.body.includes('href="/c/speech"'), 'categories to browse');
      const partial = await anon.get(`/search?${q('文明城市 量子纠缠')}`);
      assert.ok(partial.body.includes('以下结果包含其中部分关键词'));
      assert.ok(partial.body.includes(`href="/d/${paidId}"`));
    });

    test('suggestions: popular queries by prefix, then titles; 相关搜索 from popular queries', async () => {
      await api(q('文明城市'));
      await api(q('文明城市 讲话'));
      const s = await anon.get(`/api/suggest?q=${encodeURIComponent('文明')}`);
      const items = (s.json() as { items: Array<{ text: string; kind: string; href: string }> }).items;
      assert.ok(items.some((i) => i.kind === 'query' && i.text === '文明城市'));
      assert.ok(items.some((i) => i.kind === 'title' && i.href === `/d/${paidId}`));
      const r = await api(q('文明城市'));
      assert.ok(r.related.includes('文明城市 讲话') || r.related.includes('文明城市创建'));
      const page = await anon.get('/');
      assert.ok(page.body.includes('data-suggest="/api/suggest"'), 'the header box is wired for the island');
    });

    test('related documents on the document page; delete and preview changes keep the index in step', async () => {
      // A different document on the same subject (a copy of the seed would be held for review as a duplicate).
      const up = await owner.upload(
        { name: 'cc.txt', data: Buffer.from(RELATED_TEXT, 'utf8') },
        { title: '创建文明城市动员讲话（免费版）', category: '1', price: '0' },
      );
      const freeId = (up.json() as { id: number }).id;
      await waitForStatus(owner, freeId);
      const page = await anon.get(`/d/${freeId}`);
      assert.ok(page.body.includes('相关文档'));
      assert.ok(page.body.includes(`href="/d/${paidId}"`), 'the other copy of the speech is related');

      // An admin narrows this document's free part: the snippet source follows at once.
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'searcher@example.com')
        .execute();
      const res = await owner.postForm('/admin/document-preview', {
        documentId: String(freeId),
        mode: 'percent',
        value: '5',
      });
      assert.equal(res.statusCode, 303);
      const excerpt = await t.deps.database.db
        .selectFrom('search_excerpts')
        .select('excerpt')
        .where('document_id', '=', freeId)
        .executeTakeFirstOrThrow();
      const body = await t.deps.database.db
        .selectFrom('document_texts')
        .select('body')
        .where('document_id', '=', freeId)
        .executeTakeFirstOrThrow();
      assert.ok(excerpt.excerpt.length <= Math.ceil(body.body.length * 0.05) + 1);

      // A site-wide rule change re-cuts every excerpt in the background.
      await owner.postForm('/admin/settings', { previewMode: 'pages', previewValue: '1', previewMaxPercent: '60' });
      const job = await t.deps.database.db
        .selectFrom('jobs')
        .select('status')
        .where('name', '=', 'search.reindex')
        .executeTakeFirst();
      assert.ok(job, 'search.reindex was enqueued');
      await owner.postForm('/admin/settings', { previewMode: 'pages', previewValue: '3', previewMaxPercent: '60' });
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'user' })
        .where('email', '=', 'searcher@example.com')
        .execute();

      // Deleting takes it out of results at once.
      const before = await api(q('免费版'));
      assert.deepEqual(
        before.hits.map((h) => h.id),
        [freeId],
      );
      const csrf = await owner.csrf(`/d/${freeId}/delete`);
      const del = await owner.postForm(`/d/${freeId}/delete`, {}, { csrf });
      assert.equal(del.statusCode, 303);
      assert.equal((await api(q('免费版'))).total, 0);
    });
  });
}
