// Issue #12 (decision 0030): a phrase typed as one run puts the document holding it first — found through the pair
// tier even past the preview cut, ranked by the free excerpt where it is quoted — and the snippet centres on it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { queryPairs, segmentQuery } from '../../search/segment.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { insertUser } from '../../testing/users.ts';
import * as documentsRepo from '../documents/repo.ts';
import { searchDocuments, syncDocumentIndex } from './service.ts';

const FILLER = '会议听取了有关情况汇报，研究部署了下一阶段重点任务。'.repeat(8);
const PHRASE = '优化营商环境建设';
const DOCS = [
  // The phrase in its free part.
  {
    key: 'phrase',
    title: '某区工作会议纪要',
    body: `${FILLER}\n会议要求持续${PHRASE}，提升服务效能。\n${FILLER}`,
    price: 0,
  },
  // Every word of the phrase, apart, and in its title too: the words' best match without the phrase.
  {
    key: 'words',
    title: '营商环境建设实施方案',
    body: `${FILLER}\n要优化流程。\n营商环境是生产力。\n加强队伍建设。\n${FILLER}`,
    price: 0,
  },
  // The phrase only past the preview cut of a paid document: matched (pair tier), never quoted.
  { key: 'paid', title: '某县工作总结', body: `${FILLER}\n${FILLER}\n${FILLER}\n全力${PHRASE}。`, price: 5 },
];

for (const dialect of DIALECTS) {
  describe(`phrase queries on ${dialect}`, () => {
    let t: TestApp;
    const ids = new Map<string, number>();
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const { db } = t.deps.database;
      const now = Date.now();
      const user = { id: await insertUser(db, { email: 'p@example.com', display_name: '甲' }) };
      const category = await db.selectFrom('categories').select('id').orderBy('id').executeTakeFirstOrThrow();
      for (const [i, d] of DOCS.entries()) {
        // The phrase document is the oldest and least downloaded: only the text can put it first.
        const at = now - (DOCS.length - i) * 60_000;
        const id = await documentsRepo.insertDocument(db, {
          owner_id: Number(user.id),
          category_id: Number(category.id),
          title: d.title,
          title_auto: 0,
          description: '',
          format: 'txt',
          original_name: `${d.key}.txt`,
          blob_key: `original/${'0'.repeat(64)}`,
          size_bytes: d.body.length,
          price: d.price,
          preview_mode: 'percent',
          preview_value: d.price > 0 ? 50 : 100,
          status: 'published',
          page_count: 1,
          char_count: d.body.length,
          rev: 1,
          download_count: i * 100,
          created_at: at,
          updated_at: at,
          extracted_at: at,
          published_at: at,
        });
        await documentsRepo.saveDocumentText(db, id, { body: d.body, pageStarts: [0], headings: [] });
        await syncDocumentIndex(t.deps, id);
        ids.set(d.key, id);
      }
    });
    after(() => t.close());

    test('the document holding the typed phrase comes first, its snippet centred on the phrase', async () => {
      const res = await searchDocuments(t.deps, { q: PHRASE, page: 1, sort: 'relevance', filters: {} });
      assert.equal(res.hits[0]?.id, ids.get('phrase'), JSON.stringify(res.hits.map((h) => h.title)));
      const marked = res.hits[0]!.snippet.filter((p) => p.hit).map((p) => p.text);
      assert.deepEqual(marked, [PHRASE]);
      // The same words typed apart are not a phrase: the title match leads again.
      const apart = await searchDocuments(t.deps, {
        q: segmentQuery(PHRASE).join(' '),
        page: 1,
        sort: 'relevance',
        filters: {},
      });
      assert.equal(apart.hits[0]?.id, ids.get('words'));
    });

    test('the pair tier finds a phrase past the preview cut; the snippet never quotes it', async () => {
      const tokens = segmentQuery(PHRASE);
      const set = await t.deps.search.candidates({
        tokens,
        filters: {},
        sort: 'relevance',
        pairs: queryPairs(PHRASE),
      });
      assert.ok(queryPairs(PHRASE).length >= 2);
      const pair = new Map(set.candidates.map((c) => [c.id, c.pair]));
      assert.equal(pair.get(ids.get('paid')!), 1);
      assert.equal(pair.get(ids.get('phrase')!), 1);
      assert.equal(pair.get(ids.get('words')!), 0);
      const res = await searchDocuments(t.deps, { q: PHRASE, page: 1, sort: 'relevance', filters: {} });
      const paid = res.hits.find((h) => h.id === ids.get('paid'));
      assert.ok(paid, 'the paid document is found');
      assert.ok(
        !paid.snippet
          .map((p) => p.text)
          .join('')
          .includes(PHRASE),
        'paid text quoted',
      );
    });
  });
}
