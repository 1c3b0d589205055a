import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { bestRatedIds, filterConditions, META_COLUMNS, mergeTiers, type TierRow } from './filters-sql.ts';
import { documentPairs } from './indexed-document.ts';
import {
  bodyWindow,
  type CandidateSet,
  HEAD_WINDOW,
  type IndexedDocument,
  PAIR_WINDOW,
  RATED_DEPTH,
  RATED_WINDOW,
  type SearchIndex,
  type SearchRequest,
} from './search-index.ts';
import { indexText } from './segment.ts';

/** FTS5 query text: every token quoted (no query syntax reaches FTS5), all required (or any one of them). */
export function ftsQuery(tokens: string[], match: 'all' | 'any' = 'all'): string {
  return tokens.map((t) => `"${t.replaceAll('"', '""')}"`).join(match === 'any' ? ' OR ' : ' ');
}

/**
 * FTS5 rowids run opposite to document ids (rowid = ROWID_BASE − id): FTS5 reads a doclist forwards natively and
 * backwards at about twice the cost, and newest-first is the order every window reads.
 */
export const ROWID_BASE = Number.MAX_SAFE_INTEGER;
const rowidOf = (id: number) => ROWID_BASE - id;

/**
 * SQLite FTS5 over jieba tokens. Three contentless tables, rowid = ROWID_BASE − document id:
 * `search_head` (title, summary; detail=column for the title filter of suggestions), `search_body` (full text;
 * detail=none: only whether a document matches is ever read) and `search_pairs` (adjacent word pairs, detail=none,
 * decision 0030). Each is read newest-first and cut at its window.
 */
export function createSqliteSearchIndex(database: Database): SearchIndex {
  const { db } = database;
  let generation = 0;
  return {
    get generation() {
      return generation;
    },

    async upsert(docs) {
      if (docs.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const doc of docs) {
          await writeOne(trx, doc);
        }
      });
      generation++;
    },

    async remove(ids) {
      if (ids.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const id of ids) {
          await sql`DELETE FROM search_head WHERE rowid = ${rowidOf(id)}`.execute(trx);
          await sql`DELETE FROM search_body WHERE rowid = ${rowidOf(id)}`.execute(trx);
          await sql`DELETE FROM search_pairs WHERE rowid = ${rowidOf(id)}`.execute(trx);
        }
        await trx.deleteFrom('search_excerpts').where('document_id', 'in', ids).execute();
      });
      generation++;
    },

    invalidate() {
      generation++;
    },

    async clear() {
      await sql`DELETE FROM search_head`.execute(db);
      await sql`DELETE FROM search_body`.execute(db);
      await sql`DELETE FROM search_pairs`.execute(db);
      await db.deleteFrom('search_excerpts').execute();
      generation++;
    },

    async candidates(req: SearchRequest): Promise<CandidateSet> {
      if (req.tokens.length === 0) return { candidates: [], capped: false };
      const match = ftsQuery(req.tokens, req.match);
      const where = filterConditions(req.filters);
      // No bm25(): its IDF counts every match of every word (a full doclist scan, 0.3–1 s for 人民 at a million
      // documents). FTS5 walks the doclists newest-first and stops at the window; `rankCandidates` orders it.
      const head = await sql<TierRow>`
        SELECT d.id AS id, ${META_COLUMNS}
        FROM search_head JOIN documents d ON d.id = ${ROWID_BASE} - search_head.rowid
        WHERE search_head MATCH ${match} AND ${where}
        ORDER BY search_head.rowid LIMIT ${HEAD_WINDOW}`.execute(db);
      const bodyLimit = bodyWindow(head.rows.length);
      const body = await sql<TierRow>`
        SELECT d.id AS id, ${META_COLUMNS}
        FROM search_body JOIN documents d ON d.id = ${ROWID_BASE} - search_body.rowid
        WHERE search_body MATCH ${match} AND ${where}
        ORDER BY search_body.rowid LIMIT ${bodyLimit}`.execute(db);
      // The pair tier: documents holding the typed phrase, wherever the common words' windows stopped.
      const pairs =
        req.pairs?.length && req.match !== 'any'
          ? (
              await sql<TierRow>`
        SELECT d.id AS id, ${META_COLUMNS}
        FROM search_pairs JOIN documents d ON d.id = ${ROWID_BASE} - search_pairs.rowid
        WHERE search_pairs MATCH ${ftsQuery(req.pairs)} AND ${where}
        ORDER BY search_pairs.rowid LIMIT ${PAIR_WINDOW}`.execute(db)
            ).rows
          : [];
      const headFull = head.rows.length >= HEAD_WINDOW;
      const bodyFull = body.rows.length >= bodyLimit;
      // A tier whose window was not full already holds every match: only a full one can miss a well-rated document.
      if (req.sort !== 'rating' || !(headFull || bodyFull)) {
        return { candidates: mergeTiers(head.rows, body.rows, pairs), capped: headFull || bodyFull };
      }
      // 评分最高: the best-rated documents among the tier's newest RATED_DEPTH matches. FTS5 walks the doclist (row
      // ids only, no join) and each row id is checked against the small set of best-rated ids; the unary + keeps
      // SQLite from turning that check into one FTS5 lookup per id (each costs a doclist seek).
      const rated = (table: 'search_head' | 'search_body') =>
        sql<TierRow>`
        SELECT d.id AS id, ${META_COLUMNS}
        FROM documents d
        WHERE d.id IN (
          SELECT CAST(${ROWID_BASE} AS INTEGER) - m.rowid
          FROM (SELECT rowid FROM ${sql.table(table)} WHERE ${sql.table(table)} MATCH ${match}
            ORDER BY rowid LIMIT ${RATED_DEPTH}) m
          WHERE +m.rowid IN (SELECT CAST(${ROWID_BASE} AS INTEGER) - best.id FROM (${bestRatedIds(req.filters)}) best))
        ORDER BY d.rating_score DESC, d.id DESC LIMIT ${RATED_WINDOW}`.execute(db);
      const headRated = headFull ? (await rated('search_head')).rows : [];
      const bodyRated = bodyFull ? (await rated('search_body')).rows : [];
      return {
        candidates: mergeTiers([...head.rows, ...headRated], [...body.rows, ...bodyRated], pairs),
        capped: true,
      };
    },

    async titlePrefix(tokens, limit) {
      if (tokens.length === 0) return [];
      const match = `title : (${ftsQuery(tokens)}*)`;
      const rows = await sql<{ rowid: number }>`
        SELECT rowid FROM search_head WHERE search_head MATCH ${match} ORDER BY rowid LIMIT ${limit}`.execute(db);
      return rows.rows.map((r) => ROWID_BASE - Number(r.rowid));
    },
  };

  async function writeOne(trx: typeof db, doc: IndexedDocument) {
    const rowid = rowidOf(doc.id);
    await sql`DELETE FROM search_head WHERE rowid = ${rowid}`.execute(trx);
    await sql`DELETE FROM search_body WHERE rowid = ${rowid}`.execute(trx);
    await sql`DELETE FROM search_pairs WHERE rowid = ${rowid}`.execute(trx);
    const seg = doc.segmented ?? { title: indexText(doc.title), meta: indexText(doc.meta), body: indexText(doc.body) };
    const pairs = seg.pairs ?? documentPairs(doc);
    await sql`INSERT INTO search_head (rowid, title, meta) VALUES (${rowid}, ${seg.title}, ${seg.meta})`.execute(trx);
    await sql`INSERT INTO search_body (rowid, body) VALUES (${rowid}, ${seg.body})`.execute(trx);
    await sql`INSERT INTO search_pairs (rowid, pairs) VALUES (${rowid}, ${pairs})`.execute(trx);
    await trx
      .insertInto('search_excerpts')
      .values({ document_id: doc.id, excerpt: doc.excerpt })
      .onConflict((oc) => oc.column('document_id').doUpdateSet({ excerpt: doc.excerpt }))
      .execute();
  }
}
