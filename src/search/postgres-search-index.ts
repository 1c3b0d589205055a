import { type RawBuilder, sql } from 'kysely';
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
  type SearchFilters,
  type SearchIndex,
  type SearchRequest,
} from './search-index.ts';
import { indexText } from './segment.ts';

// to_tsvector refuses more than 1 MB of lexemes; positions stop at 16 383 anyway.
const MAX_BODY_CHARS = 300_000;
/** Documents per multi-row statement (bounded so one statement's parameters stay a few MB). */
const UPSERT_CHUNK = 200;

/** tsquery text: every token a quoted lexeme (no syntax reaches the parser), all required. */
export function tsQuery(tokens: string[], lastAsPrefix = false, weight = '', match: 'all' | 'any' = 'all'): string {
  return tokens
    .map((t, i) => {
      const lexeme = `'${t.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
      const prefix = lastAsPrefix && i === tokens.length - 1 ? '*' : '';
      return prefix || weight ? `${lexeme}:${prefix}${weight}` : lexeme;
    })
    .join(match === 'any' ? ' | ' : ' & ');
}

/**
 * Where a tier is read first: the RECENT_SPAN highest document ids; older matches only when those do not fill the
 * window. Decision 0033: the range is a heap filter (`+ 0`), not an index condition; what bounds the heap visits is
 * the span lexemes below, which intersect it with the word's matches inside GIN.
 */
export const RECENT_SPAN = 20_000;

/**
 * Every vector carries one span lexeme, `~s<id >> SPAN_BITS>` (a `~` never survives segmentation, so no word can be
 * one), naming the block of 2^SPAN_BITS consecutive document ids it lies in. The recent read asks for `q & ~s<b>`
 * once per block of the recent span: both terms are required, so GIN walks the block's short posting list and skips
 * through the word's long one, and a common word's recent window costs its matches in the span, not in the whole
 * collection (decision 0033, second update).
 */
export const SPAN_BITS = 14;
const SPAN_PREFIX = '~s';

/** Where the recent read starts (ids above `cut`) and the span blocks that hold those ids. */
interface RecentSpan {
  readonly cut: number;
  readonly blocks: readonly number[];
}

/** The blocks holding ids in (cut, newest], newest first. */
export function spanBlocks(cut: number, newest: number, bits = SPAN_BITS): number[] {
  const out: number[] = [];
  for (let b = Math.floor(newest / 2 ** bits); b >= 0 && b >= Math.floor((cut + 1) / 2 ** bits); b--) out.push(b);
  return out;
}

/** `q & ~s<block>`, unless q has no lexeme at all (then `q && span` would be the whole block: q alone stays empty). */
function inBlock(q: RawBuilder<unknown>, block: number) {
  return sql`(CASE WHEN numnode(${q}) = 0 THEN ${q} ELSE ${q} && ${`'${SPAN_PREFIX}${block}'`}::tsquery END)`;
}

/**
 * One tier's window, newest first, in one statement: its matches with ids above `cut`, and only when those do not
 * fill the window, the older ones. The window is cut on `search_docs` alone, then joined to `documents` for ranking
 * fields; with filters beyond the published status the join comes first (a filter must not empty the window).
 * `document_id + 0` everywhere: the GIN bitmap is the only index the planner can use for the tier, so a row's vector
 * is never detoasted to test it. Letting the primary key serve the range, the planner chose its range bitmap alone
 * with `@@` as a per-row filter for common words (财政 at 100 000 documents: 20 000 body vectors detoasted, 1.5 s);
 * walking the key for the order did the same for the head tier. The caller also turns plain index and sequential
 * scans off for these statements.
 */
function tierQuery(
  tier: 'head' | 'body' | 'pairs',
  q: RawBuilder<unknown>,
  f: SearchFilters,
  { cut, blocks }: RecentSpan,
  limit: number,
) {
  const filtered = Object.values(f).some((v) => v !== undefined);
  const from = filtered ? sql`search_docs s JOIN documents d ON d.id = s.document_id` : sql`search_docs s`;
  const cond = filtered ? sql`AND ${filterConditions(f)}` : sql``;
  const col = sql.ref(`s.${tier}`);
  const recentMatch = sql.join(
    blocks.map((b) => sql`${col} @@ ${inBlock(q, b)}`),
    sql` OR `,
  );
  return sql<TierRow>`
    WITH recent AS MATERIALIZED (
      SELECT s.document_id FROM ${from} WHERE (${recentMatch}) AND s.document_id + 0 > ${cut} ${cond}
      ORDER BY s.document_id + 0 DESC LIMIT ${limit}),
    older AS MATERIALIZED (
      SELECT s.document_id FROM ${from} WHERE ${col} @@ ${q} AND s.document_id + 0 <= ${cut} ${cond}
        AND (SELECT count(*) FROM recent) < ${limit}
      ORDER BY s.document_id + 0 DESC LIMIT ${limit})
    SELECT m.document_id AS id, ${META_COLUMNS}
    FROM (SELECT document_id FROM recent UNION ALL SELECT document_id FROM older) m
    JOIN documents d ON d.id = m.document_id
    WHERE ${filterConditions(f)}
    ORDER BY m.document_id DESC LIMIT ${limit}`;
}

/**
 * PostgreSQL over the same jieba tokens: `tsvector('simple')` (no stemming, no stop words) with GIN, one row per
 * document holding a head vector (title weight A, summary weight B), a body vector and a pair vector (adjacent word
 * pairs, decision 0030). Same tiers and windows as FTS5: each tier is read newest-first up to its window; ranking is the shared rankCandidates.
 */
export function createPostgresSearchIndex(
  database: Database,
  opts: { recentSpan?: number; spanBits?: number } = {},
): SearchIndex {
  const recentSpan = opts.recentSpan ?? RECENT_SPAN;
  // Smaller blocks only in tests (several blocks among a few documents); rows must be written with the same value.
  const spanBits = opts.spanBits ?? SPAN_BITS;
  const { db } = database;
  let generation = 0;
  // The highest indexed id, re-read at most once a minute: only where the recent window starts depends on it, never
  // which documents a tier finds, so a stale value costs speed, not results.
  let newest = { id: 0, at: -Infinity, generation: -1 };
  const newestId = async () => {
    if (newest.generation === generation && performance.now() - newest.at < 60_000) return newest.id;
    const r = await sql<{ id: number | null }>`SELECT max(document_id) AS id FROM search_docs`.execute(db);
    newest = { id: Number(r.rows[0]?.id ?? 0), at: performance.now(), generation };
    return newest.id;
  };
  return {
    get generation() {
      return generation;
    },

    async upsert(docs) {
      if (docs.length === 0) return;
      // One multi-row statement per table and batch (arrays unnested server-side): a statement per document made a
      // bulk load round-trip bound (82 documents/s).
      const rows = docs.map((doc) => {
        const seg = doc.segmented ?? {
          title: indexText(doc.title),
          meta: indexText(doc.meta),
          body: indexText(doc.body.slice(0, MAX_BODY_CHARS)),
        };
        return {
          id: doc.id,
          title: seg.title,
          meta: seg.meta,
          body: seg.body.slice(0, MAX_BODY_CHARS * 2),
          pairs: seg.pairs ?? documentPairs(doc),
          excerpt: doc.excerpt,
        };
      });
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
          const part = rows.slice(i, i + UPSERT_CHUNK);
          const ids = part.map((r) => r.id);
          const arr = <K extends keyof (typeof rows)[number]>(k: K) => part.map((r) => r[k]);
          await sql`INSERT INTO search_docs (document_id, head, body, pairs)
            SELECT u.id,
              setweight(to_tsvector('simple', u.title), 'A') || setweight(to_tsvector('simple', u.meta), 'B') || u.span,
              to_tsvector('simple', u.body) || u.span, strip(to_tsvector('simple', u.pairs)) || u.span
            FROM (
              SELECT *, array_to_tsvector(ARRAY[${SPAN_PREFIX}::text || (id >> ${spanBits}::int)]) AS span
              FROM unnest(${ids}::bigint[], ${arr('title')}::text[], ${arr('meta')}::text[], ${arr('body')}::text[],
                ${arr('pairs')}::text[]) AS v(id, title, meta, body, pairs)
            ) u
            ON CONFLICT (document_id) DO UPDATE SET head = EXCLUDED.head, body = EXCLUDED.body, pairs = EXCLUDED.pairs`.execute(
            trx,
          );
          await sql`INSERT INTO search_excerpts (document_id, excerpt)
            SELECT * FROM unnest(${ids}::bigint[], ${arr('excerpt')}::text[])
            ON CONFLICT (document_id) DO UPDATE SET excerpt = EXCLUDED.excerpt`.execute(trx);
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
      const top = await newestId();
      const cut = top - recentSpan;
      const recent: RecentSpan = { cut, blocks: spanBlocks(cut, top, spanBits) };
      // Presence only, as in FTS5: ranking happens in rankCandidates, identically for both dialects.
      // No parallel workers: at a million documents the planner put a Gather Merge (2 workers) under the older read,
      // and launching them cost ~30 ms a tier even when that read's one-time filter left it unexecuted (decision 0033).
      const { head, body, pairs, bodyLimit } = await db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true),
            set_config('max_parallel_workers_per_gather', '0', true)`.execute(trx);
        const head = (await tierQuery('head', q, req.filters, recent, HEAD_WINDOW).execute(trx)).rows;
        const bodyLimit = bodyWindow(head.length);
        const body = (await tierQuery('body', q, req.filters, recent, bodyLimit).execute(trx)).rows;
        // The pair tier (decision 0030): documents holding the typed phrase, wherever the other windows stopped.
        const pairQ = sql`to_tsquery('simple', ${tsQuery(req.pairs ?? [])})`;
        const pairs =
          req.pairs?.length && req.match !== 'any'
            ? (await tierQuery('pairs', pairQ, req.filters, recent, PAIR_WINDOW).execute(trx)).rows
            : [];
        return { head, body, pairs, bodyLimit };
      });
      const headFull = head.length >= HEAD_WINDOW;
      const bodyFull = body.length >= bodyLimit;
      // A tier whose window was not full already holds every match: only a full one can miss a well-rated document.
      if (req.sort !== 'rating' || !(headFull || bodyFull)) {
        return { candidates: mergeTiers(head, body, pairs), capped: headFull || bodyFull };
      }
      // 评分最高: the best-rated documents among the tier's newest RATED_DEPTH matches (as on SQLite). `+ 0`: the
      // matches come from the GIN bitmap, never from walking the primary key and testing each row's vector.
      const rated = (tier: 'head' | 'body') =>
        sql<TierRow>`
        SELECT d.id AS id, ${META_COLUMNS}
        FROM documents d
        WHERE d.id IN (
          SELECT m.document_id
          FROM (SELECT document_id FROM search_docs WHERE ${sql.ref(tier)} @@ ${q}
            ORDER BY document_id + 0 DESC LIMIT ${RATED_DEPTH}) m
          WHERE m.document_id IN (${bestRatedIds(req.filters)}))
        ORDER BY d.rating_score DESC, d.id DESC LIMIT ${RATED_WINDOW}`.execute(db);
      const headRated = headFull ? (await rated('head')).rows : [];
      const bodyRated = bodyFull ? (await rated('body')).rows : [];
      return {
        candidates: mergeTiers([...head, ...headRated], [...body, ...bodyRated], pairs),
        capped: true,
      };
    },

    async titlePrefix(tokens, limit) {
      if (tokens.length === 0) return [];
      const q = sql`to_tsquery('simple', ${tsQuery(tokens, true, 'A')})`;
      const rows = await sql<{ id: number }>`
        SELECT document_id AS id FROM search_docs WHERE head @@ ${q}
        ORDER BY document_id + 0 DESC LIMIT ${limit}`.execute(db);
      return rows.rows.map((r) => Number(r.id));
    },
  };
}
