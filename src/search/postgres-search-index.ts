import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { bestRatedIds, filterConditions, META_COLUMNS, mergeTiers, type TierRow } from './filters-sql.ts';
import { documentPairs } from './indexed-document.ts';
import {
  bodyWindow,
  type CandidateSet,
  HEAD_WINDOW,
  PAIR_WINDOW,
  RATED_DEPTH,
  RATED_WINDOW,
  type SearchIndex,
  type SearchRequest,
} from './search-index.ts';
import { indexText } from './segment.ts';

// to_tsvector refuses more than 1 MB of lexemes; positions stop at 16 383 anyway.
const MAX_BODY_CHARS = 300_000;

/** tsquery text: every token a quoted lexeme (no syntax reaches the parser), all required. */
function tsQuery(tokens: string[], lastAsPrefix = false, weight = '', match: 'all' | 'any' = 'all'): string {
  return tokens
    .map((t, i) => {
      const lexeme = `'${t.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
      const prefix = lastAsPrefix && i === tokens.length - 1 ? '*' : '';
      return prefix || weight ? `${lexeme}:${prefix}${weight}` : lexeme;
    })
    .join(match === 'any' ? ' | ' : ' & ');
}

/**
 * PostgreSQL over the same jieba tokens: `tsvector('simple')` (no stemming, no stop words) with GIN, one row per
 * document holding a head vector (title weight A, summary weight B), a body vector and a pair vector (adjacent word
 * pairs, decision 0030). Same tiers and windows as FTS5: each tier is read newest-first up to its window; ranking is the shared rankCandidates.
 */
export function createPostgresSearchIndex(database: Database): SearchIndex {
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
          const seg = doc.segmented ?? {
            title: indexText(doc.title),
            meta: indexText(doc.meta),
            body: indexText(doc.body.slice(0, MAX_BODY_CHARS)),
          };
          const head = sql`setweight(to_tsvector('simple', ${seg.title}), 'A') ||
            setweight(to_tsvector('simple', ${seg.meta}), 'B')`;
          const body = sql`to_tsvector('simple', ${seg.body.slice(0, MAX_BODY_CHARS * 2)})`;
          const pairs = sql`to_tsvector('simple', ${seg.pairs ?? documentPairs(doc)})`;
          await sql`INSERT INTO search_docs (document_id, head, body, pairs) VALUES (${doc.id}, ${head}, ${body}, ${pairs})
            ON CONFLICT (document_id) DO UPDATE SET head = EXCLUDED.head, body = EXCLUDED.body, pairs = EXCLUDED.pairs`.execute(
            trx,
          );
          await trx
            .insertInto('search_excerpts')
            .values({ document_id: doc.id, excerpt: doc.excerpt })
            .onConflict((oc) => oc.column('document_id').doUpdateSet({ excerpt: doc.excerpt }))
            .execute();
        }
      });
      generation++;
    },

    async remove(ids) {
      if (ids.length === 0) return;
      await db.transaction().execute(async (trx) => {
        await sql`DELETE FROM search_docs WHERE document_id IN (${sql.join(ids)})`.execute(trx);
        await trx.deleteFrom('search_excerpts').where('document_id', 'in', ids).execute();
      });
      generation++;
    },

    invalidate() {
      generation++;
    },

    async clear() {
      await sql`DELETE FROM search_docs`.execute(db);
      await db.deleteFrom('search_excerpts').execute();
      generation++;
    },

    async candidates(req: SearchRequest): Promise<CandidateSet> {
      if (req.tokens.length === 0) return { candidates: [], capped: false };
      const q = sql`to_tsquery('simple', ${tsQuery(req.tokens, false, '', req.match)})`;
      const where = filterConditions(req.filters);
      // Presence only, as in FTS5: ranking happens in rankCandidates, identically for both dialects.
      const head = await sql<TierRow>`
        SELECT s.document_id AS id, ${META_COLUMNS}
        FROM search_docs s JOIN documents d ON d.id = s.document_id
        WHERE s.head @@ ${q} AND ${where}
        ORDER BY s.document_id DESC LIMIT ${HEAD_WINDOW}`.execute(db);
      const bodyLimit = bodyWindow(head.rows.length);
      const body = await sql<TierRow>`
        SELECT s.document_id AS id, ${META_COLUMNS}
        FROM search_docs s JOIN documents d ON d.id = s.document_id
        WHERE s.body @@ ${q} AND ${where}
        ORDER BY s.document_id DESC LIMIT ${bodyLimit}`.execute(db);
      // The pair tier (decision 0030): documents holding the typed phrase, wherever the other windows stopped.
      const pairs =
        req.pairs?.length && req.match !== 'any'
          ? (
              await sql<TierRow>`
        SELECT s.document_id AS id, ${META_COLUMNS}
        FROM search_docs s JOIN documents d ON d.id = s.document_id
        WHERE s.pairs @@ to_tsquery('simple', ${tsQuery(req.pairs)}) AND ${where}
        ORDER BY s.document_id DESC LIMIT ${PAIR_WINDOW}`.execute(db)
            ).rows
          : [];
      const headFull = head.rows.length >= HEAD_WINDOW;
      const bodyFull = body.rows.length >= bodyLimit;
      // A tier whose window was not full already holds every match: only a full one can miss a well-rated document.
      if (req.sort !== 'rating' || !(headFull || bodyFull)) {
        return { candidates: mergeTiers(head.rows, body.rows, pairs), capped: headFull || bodyFull };
      }
      // 评分最高: the best-rated documents among the tier's newest RATED_DEPTH matches (as on SQLite).
      const rated = (tier: 'head' | 'body') =>
        sql<TierRow>`
        SELECT d.id AS id, ${META_COLUMNS}
        FROM documents d
        WHERE d.id IN (
          SELECT m.document_id
          FROM (SELECT document_id FROM search_docs WHERE ${sql.ref(tier)} @@ ${q}
            ORDER BY document_id DESC LIMIT ${RATED_DEPTH}) m
          WHERE m.document_id IN (${bestRatedIds(req.filters)}))
        ORDER BY d.rating_score DESC, d.id DESC LIMIT ${RATED_WINDOW}`.execute(db);
      const headRated = headFull ? (await rated('head')).rows : [];
      const bodyRated = bodyFull ? (await rated('body')).rows : [];
      return {
        candidates: mergeTiers([...head.rows, ...headRated], [...body.rows, ...bodyRated], pairs),
        capped: true,
      };
    },

    async titlePrefix(tokens, limit) {
      if (tokens.length === 0) return [];
      const q = sql`to_tsquery('simple', ${tsQuery(tokens, true, 'A')})`;
      const rows = await sql<{ id: number }>`
        SELECT document_id AS id FROM search_docs WHERE head @@ ${q}
        ORDER BY document_id DESC LIMIT ${limit}`.execute(db);
      return rows.rows.map((r) => Number(r.id));
    },
  };
}
