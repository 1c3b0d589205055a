// Decision 0033: PostgreSQL reads a tier's matches among the newest ids first and the older ones only when those do
// not fill the window. Whatever the split, a tier finds the same documents as reading every match (both dialects:
// SQLite has one doclist walk, PostgreSQL is run here with a recent span of 3 ids so both branches answer, and with
// span blocks of 2 ids, so the recent read crosses blocks).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { up as addSpanLexemes } from '../../db/migrations/20261205100000-search-span-lexemes.ts';
import { createPostgresSearchIndex, spanBlocks } from '../../search/postgres-search-index.ts';
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
          ? createPostgresSearchIndex(t.deps.database, { recentSpan: 3, spanBits: 1 })
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

      test('rows written without span lexemes get them from the migration, and answer as before', async () => {
        const { db } = t.deps.database;
        const before = await found('通知');
        // As an older release wrote them: no span lexeme, pair positions kept.
        await sql`UPDATE search_docs SET head = ts_filter(head, '{a,b}'), body = to_tsvector('simple', ''),
          pairs = to_tsvector('simple', '')`.execute(db);
        // Without their block the newest three (the recent span) are missed; the older read still finds the rest.
        const newest = Math.max(...before.head);
        assert.deepEqual(
          (await found('通知')).head,
          before.head.filter((id) => id <= newest - 3),
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
