// Issue #13: the search page's forms — the header box keeps the query, the results button is a styled one — and the
// 格式 filter accepts every stored format (not only docx/pdf/txt).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { normaliseQuery } from './params.ts';

for (const dialect of DIALECTS)
  describe(`the search page forms (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
    });
    after(() => t.close());

    test('the header search box shows the query searched for, and the results button is styled', async () => {
      const res = await new TestClient(t.app).get(`/search?q=${encodeURIComponent('创城攻坚 "<b>"')}`);
      assert.equal(res.statusCode, 200);
      const header = /<form class="search"[^>]*>.*?<\/form>/s.exec(res.body)?.[0] ?? '';
      assert.match(header, /name="q" value="创城攻坚 &quot;&lt;b>&quot;"/, 'filled and escaped');
      assert.match(
        res.body,
        /<form class="search-page-form"[^>]*>.*?<button type="submit" class="button button--primary">/s,
      );
      const home = await new TestClient(t.app).get('/');
      assert.doesNotMatch(/<form class="search"[^>]*>.*?<\/form>/s.exec(home.body)?.[0] ?? '', /name="q" value=/);
    });

    test('the 格式 filter accepts every format an upload is stored as', () => {
      for (const fmt of ['doc', 'xls', 'ppt', 'pptx', 'xlsx', 'odt', 'wps', 'rtf', 'docx', 'pdf', 'txt']) {
        assert.equal(normaliseQuery({ q: '通知', fmt }, []).fmt, fmt, fmt);
      }
      assert.equal(normaliseQuery({ q: '通知', fmt: 'exe' }, []).fmt, undefined);
    });
  });
