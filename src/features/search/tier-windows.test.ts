// The tiers' windows when a word is common: the head tier keeps its newest HEAD_WINDOW matches and, because that
// window is full, the body tier only its newest bodyWindow(HEAD_WINDOW) body-only matches. PostgreSQL reads the body
// tier to its widest window at the same time as the head tier and cuts it afterwards; both dialects must keep
// exactly the newest ones.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SUMMARY_CHARS } from '../../search/indexed-document.ts';
import { BODY_WINDOW, bodyWindow, HEAD_WINDOW } from '../../search/search-index.ts';
import { segmentQuery } from '../../search/segment.ts';
import { insertIndexedDocument } from '../../testing/engagement.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { insertUser } from '../../testing/users.ts';

const WORD = '数字乡村';
// Past the summary (which the head tier indexes), so a body-only document matches the body tier alone.
const FILLER = '围绕网格化管理和群众参与开展调研，提出对策建议。'.repeat(Math.ceil(SUMMARY_CHARS / 20) + 1);
const PLAIN = '关于推进基层治理现代化的调研报告。';

for (const dialect of DIALECTS) {
  describe(`tier windows of a common word on ${dialect}`, () => {
    let t: TestApp;
    const titled: number[] = [];
    const bodyOnly: number[] = [];
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const owner = Number(await insertUser(t.deps.database.db, { email: 'tiers@example.com', display_name: '丙' }));
      const extra = 30;
      const addBodyOnly = async (i: number) =>
        bodyOnly.push(
          await insertIndexedDocument(t.deps, owner, { title: `第${i}号材料`, body: `${FILLER}${WORD}建设。` }),
        );
      // Body-only matches before and after the title matches: the newest ones straddle them.
      for (let i = 0; i < extra; i++) await addBodyOnly(i);
      for (let i = 0; i < HEAD_WINDOW + 5; i++) {
        titled.push(await insertIndexedDocument(t.deps, owner, { title: `${WORD}工作要点${i}`, body: PLAIN }));
      }
      for (let i = extra; i < 2 * extra; i++) await addBodyOnly(i);
    });
    after(() => t.close());

    test('the newest HEAD_WINDOW title matches and the newest bodyWindow(HEAD_WINDOW) body-only ones', async () => {
      assert.ok(bodyWindow(HEAD_WINDOW) < bodyOnly.length && bodyOnly.length < BODY_WINDOW);
      const set = await t.deps.search.candidates({ tokens: segmentQuery(WORD), filters: {}, sort: 'relevance' });
      const ids = (pick: (c: (typeof set.candidates)[number]) => number) =>
        set.candidates
          .filter((c) => pick(c))
          .map((c) => c.id)
          .sort((a, b) => b - a);
      assert.deepEqual(
        ids((c) => c.head),
        titled.slice(-HEAD_WINDOW).reverse(),
      );
      assert.deepEqual(
        ids((c) => c.body),
        bodyOnly.slice(-bodyWindow(HEAD_WINDOW)).reverse(),
      );
      assert.equal(set.capped, true);
    });
  });
}
