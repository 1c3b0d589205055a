// Decision 0033: PostgreSQL reads a tier's matches among the newest ids first, then those in the near span's blocks,
// and the older ones only when those do not fill the window. Whatever the split, a tier finds the same documents as
// reading every match (both dialects: SQLite has one doclist walk, PostgreSQL is run here with a recent span of 3
// ids and a near span of 2 so all three reads answer, and with span blocks of 2 ids, so the recent read crosses
// blocks).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { up as addSpanLexemes } from '../../db/migrations/20261205100000-search-span-lexemes.ts';
import { createPostgresSearchIndex, readSpans, spanBlocks } from '../../search/postgres-search-index.ts';
import type { SearchIndex } from '../../search/search-index.ts';
import { segmentQuery } from '../../search/segment.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { insertUser } from '../../testing/users.ts';
import * as documentsRepo from '../documents/repo.ts';
import { syncDocumentIndex } from './service.ts';

// Eight documents, oldest first: 通知 in every one, 营商环境 in the oldest and the newest only.
const TITLES = ['营商环境工作通知', ...Array.from({ length: 6 }, (_, i) => `第${i + 2}号通知`), '营商环境建设通知'];

for (const dialect of DIALECTS) {
  describe(`recent window on ${dialect}`, () => {
    let t: TestApp;
    let index: SearchIndex;
    const ids: number[] = [];
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const { db } = t.deps.database;
      const now = Date.now();
      // Written and read with blocks of 2 ids on PostgreSQL (the app's own index uses 16 384).
      index =
        dialect === 'postgres'
          ? createPostgresSearchIndex(t.deps.database, { recentSpan: 3, nearSpan: 2, spanBits: 1 })
          : t.deps.search;
      const deps = { ...t.deps, search: index };
      const owner = await insertUser(db, { email: 'w@example.com', display_name: '乙' });
      const category = await db.selectFrom('categories').select('id').orderBy('id').executeTakeFirstOrThrow();
      for (const [i, title] of TITLES.entries()) {
        const at = now - (TITLES.length - i) * 60_000;
        const body = `${title}。请各单位认真贯彻落实。`;
        const id = await documentsRepo.insertDocument(db, {
          owner_id: Number(owner),
          category_id: Number(category.id),
          title,
          title_auto: 0,
          description: '',
          format: 'txt',
          original_name: `${i}.txt`,
          blob_key: `original/${'0'.repeat(64)}`,
          size_bytes: body.length,
          price: 0,
          preview_mode: 'percent',
          preview_value: 100,
          status: 'published',
          page_count: 1,
          char_count: body.length,
          rev: 1,
          download_count: 0,
          created_at: at,
          updated_at: at,
          extracted_at: at,
          published_at: at,
        });
        await documentsRepo.saveDocumentText(db, id, { body, pageStarts: [0], headings: [] });
        await syncDocumentIndex(deps, id);
        ids.push(id);
      }
    });
    after(() => t.close());

    const found = async (q: string, filters = {}) => {
      const set = await index.candidates({ tokens: segmentQuery(q), filters, sort: 'relevance' });
      return {
        head: set.candidates
          .filter((c) => c.head)
          .map((c) => c.id)
          .sort((a, b) => a - b),
        body: set.candidates
          .filter((c) => c.body)
          .map((c) => c.id)
          .sort((a, b) => a - b),
      };
    };

    test('a word in the oldest and the newest document: both, from the recent and the older reads', async () => {
      const r = await found('营商环境');
      assert.deepEqual(r.head, [ids[0], ids[7]]);
      assert.deepEqual(r.body, [ids[0], ids[7]]);
    });

    test('a word in every document: every one, and filters narrow both reads', async () => {
      assert.deepEqual(
        (await found('通知')).head,
        [...ids].sort((a, b) => a - b),
      );
      assert.deepEqual((await found('营商环境', { pagesMin: 2 })).head, []);
    });

    if (dialect === 'postgres') {
      test('span blocks: the recent read covers every block of the span, newest first', () => {
        assert.deepEqual(spanBlocks(5, 8, 1), [4, 3]);
        assert.deepEqual(spanBlocks(-20_000, 3, 14), [0]);
        assert.deepEqual(spanBlocks(16_383, 40_000, 14), [2, 1]);
        assert.deepEqual(spanBlocks(16_384, 40_000, 14), [2, 1]);
        assert.deepEqual(spanBlocks(32_767, 40_000, 14), [2]);
      });

      test('read spans: recent above the cut, whole near blocks below it, older below those', () => {
        // ids 6–8 recent; blocks of 2 ids: 4–5 near (block 2); older up to 3.
        assert.deepEqual(readSpans(8, 3, 2, 1), { cut: 5, blocks: [4, 3], nearBlocks: [2], nearCut: 3 });
        // The near span ends inside block 1 (ids 2–3): the whole block is near, older starts below it.
        assert.deepEqual(readSpans(8, 3, 3, 1), { cut: 5, blocks: [4, 3], nearBlocks: [2, 1], nearCut: 1 });
        assert.deepEqual(readSpans(8, 3, 0, 1), { cut: 5, blocks: [4, 3], nearBlocks: [], nearCut: 5 });
        // A small collection: no near blocks below id 0.
        assert.deepEqual(readSpans(100, 20_000, 150_000), {
          cut: -19_900,
          blocks: [0],
          nearBlocks: [],
          nearCut: -19_900,
        });
        // A million: the block holding the cut and the ones below it down to 150 000 ids under it.
        const m = readSpans(1_000_000, 20_000, 150_000);
        assert.deepEqual(m.nearBlocks, [59, 58, 57, 56, 55, 54, 53, 52, 51, 50]);
        assert.equal(m.nearCut, 50 * 16_384 - 1);
      });

      test('the three reads together: a word in the near span and below it, and in the recent span', async () => {
        // 营商环境 in ids[0] (older) and ids[7] (recent); 通知 everywhere; 第6号通知 (ids[4], near) alone.
        const spans = readSpans(Math.max(...ids), 3, 2, 1);
        const at = (id: number) => (id > spans.cut ? 'recent' : id > spans.nearCut ? 'near' : 'older');
        assert.deepEqual(new Set(ids.map(at)), new Set(['recent', 'near', 'older']));
        const one = (await found(TITLES[4]!)).head;
        assert.deepEqual(one, [ids[4]]);
        assert.deepEqual((await found('通知')).head.map(at).sort(), ids.map(at).sort());
      });

      test('rows written without span lexemes get them from the migration, and answer as before', async () => {
        const { db } = t.deps.database;
        const before = await found('通知');
        // As an older release wrote them: no span lexeme, pair positions kept.
        await sql`UPDATE search_docs SET head = ts_filter(head, '{a,b}'), body = to_tsvector('simple', ''),
          pairs = to_tsvector('simple', '')`.execute(db);
        // Without their block the recent and near spans are missed; the older read still finds the rest.
        const { nearCut } = readSpans(Math.max(...before.head), 3, 2, 1);
        assert.deepEqual(
          (await found('通知')).head,
          before.head.filter((id) => id <= nearCut),
        );
        await sql`UPDATE search_docs SET body = head`.execute(db);
        // The migration writes blocks of 16 384: read back with an index of that size.
        await addSpanLexemes(db as never, 'postgres');
        const wide = createPostgresSearchIndex(t.deps.database, { recentSpan: 3 });
        const set = await wide.candidates({ tokens: segmentQuery('通知'), filters: {}, sort: 'relevance' });
        assert.deepEqual(
          set.candidates
            .filter((c) => c.head)
            .map((c) => c.id)
            .sort((a, b) => a - b),
          before.head,
        );
        const lexemes = await sql<{ n: number }>`SELECT count(*)::int AS n FROM search_docs
          WHERE array_position(tsvector_to_array(pairs), '~s0') IS NULL`.execute(db);
        assert.equal(lexemes.rows[0]?.n, 0);
      });
    }
  });
}
