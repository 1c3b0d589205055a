// Known-item queries and their scoring, shared by bench/relevance.ts's corpus and generated-document runs (issue 12).
import { cutExact } from '../src/search/segment.ts';

/** A document as the queries are built from it: `free` is the text before its preview cut. */
export interface KnownDoc {
  id: number;
  title: string;
  free: string;
}
export interface KnownQuery {
  cls: string;
  q: string;
  target: number;
}
export const CLASSES = ['title', 'phrase', 'two words', 'unique phrase'] as const;

const WORD = /^[\p{L}\p{N}]+$/u;
const HAN = /\p{Script=Han}/u;

/**
 * The queries of the four classes for one document, cut at jieba word boundaries as a person types them: the exact
 * title; three consecutive words typed without spaces (5–12 characters); two words from two different paragraphs
 * typed with a space; and a phrase like the second that `occurrences` says is in this one document only (the first
 * of up to 40 draws, when there is one).
 */
export async function queriesFor(
  doc: KnownDoc,
  rnd: () => number,
  occurrences: (phrase: string) => number | Promise<number>,
): Promise<KnownQuery[]> {
  const out: KnownQuery[] = [{ cls: 'title', q: doc.title, target: doc.id }];
  const words = cutExact(doc.free);
  const phraseAt = (i: number) => {
    const w = words.slice(i, i + 3);
    if (w.length < 3 || !w.every((x) => WORD.test(x)) || !w.some((x) => HAN.test(x))) return undefined;
    const p = w.join('');
    return p.length >= 5 && p.length <= 12 ? p : undefined;
  };
  const draw = async (tries: number, ok: (p: string) => boolean | Promise<boolean>) => {
    for (let t = 0; t < tries; t++) {
      const p = phraseAt(Math.floor(rnd() * words.length));
      if (p && (await ok(p))) return p;
    }
    return undefined;
  };
  const phrase = await draw(200, () => true);
  if (phrase) out.push({ cls: 'phrase', q: phrase, target: doc.id });
  const paragraphs = doc.free
    .split(/\n+/)
    .map((p) => cutExact(p).filter((w) => WORD.test(w) && [...w].length >= 2 && HAN.test(w)))
    .filter((ws) => ws.length > 0);
  if (paragraphs.length >= 2) {
    const a = Math.floor(rnd() * paragraphs.length);
    let b = Math.floor(rnd() * (paragraphs.length - 1));
    if (b >= a) b++;
    const wa = paragraphs[a]![Math.floor(rnd() * paragraphs[a]!.length)]!;
    const wb = paragraphs[b]![Math.floor(rnd() * paragraphs[b]!.length)]!;
    if (wa !== wb) out.push({ cls: 'two words', q: `${wa} ${wb}`, target: doc.id });
  }
  const unique = await draw(40, async (p) => (await occurrences(p)) === 1);
  if (unique) out.push({ cls: 'unique phrase', q: unique, target: doc.id });
  return out;
}

interface Score {
  n: number;
  /** Naive statements cancelled at their time limit (counted as misses). */
  cancelled: number;
  at1: number;
  at10: number;
  rr: number;
  ms: number[];
}
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;

/** The title class scored again counting any document with exactly the query's title (generated titles repeat). */
const SAME_TITLE = 'title (same title)';

/**
 * Runs every query through both sides (each returns the first ten ids, best first; the naive side undefined when
 * cancelled) and prints success@1, success@10 and MRR (over the first ten) per class, and our time per query (mean
 * and p95, in process). With `titleOf`, the title class is also scored counting any document whose title is the
 * query (an exact title shared by several documents names all of them).
 */
export async function evaluate(
  queries: KnownQuery[],
  ours: (q: string) => Promise<number[]>,
  naive: (q: string) => Promise<number[] | undefined> | number[],
  verbose: boolean,
  titleOf?: (id: number) => Promise<string | undefined>,
): Promise<void> {
  const classes = titleOf ? [...CLASSES, SAME_TITLE] : [...CLASSES];
  const make = () =>
    new Map(classes.map((c) => [c as string, { n: 0, at1: 0, at10: 0, rr: 0, ms: [], cancelled: 0 } as Score]));
  const a = make();
  const b = make();
  const add = (s: Score, rank: number) => {
    s.n++;
    if (rank === 0) s.at1++;
    if (rank >= 0 && rank < 10) {
      s.at10++;
      s.rr += 1 / (rank + 1);
    }
  };
  const misses: string[] = [];
  const sameTitleRank = async (ids: number[], q: KnownQuery) => {
    for (const [i, id] of ids.entries()) if (id === q.target || (await titleOf!(id)) === q.q) return i;
    return -1;
  };
  for (const q of queries) {
    const t = performance.now();
    const ids = await ours(q.q);
    a.get(q.cls)!.ms.push(performance.now() - t);
    const rank = ids.indexOf(q.target);
    add(a.get(q.cls)!, rank);
    const naiveIds = await naive(q.q);
    if (naiveIds === undefined) b.get(q.cls)!.cancelled++;
    const naiveRank = (naiveIds ?? []).indexOf(q.target);
    add(b.get(q.cls)!, naiveRank);
    if (titleOf && q.cls === 'title') {
      add(a.get(SAME_TITLE)!, await sameTitleRank(ids, q));
      add(b.get(SAME_TITLE)!, await sameTitleRank(naiveIds ?? [], q));
    }
    if (verbose && rank !== 0)
      misses.push(
        `  ${q.cls}: ${q.q} → ours ${rank < 0 ? '-' : rank + 1}, naive ${naiveRank < 0 ? '-' : naiveRank + 1}`,
      );
  }
  const f = (x: number) => x.toFixed(3);
  console.log(
    '\n| class | n | wenyuan s@1 | naive s@1 | wenyuan s@10 | naive s@10 | wenyuan MRR | naive MRR | ours ms mean / p95 | naive cancelled |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of classes) {
    const x = a.get(c)!;
    const y = b.get(c)!;
    if (x.n === 0) continue;
    const mean = x.ms.reduce((s, v) => s + v, 0) / x.n;
    console.log(
      `| ${c} | ${x.n} | ${f(x.at1 / x.n)} | ${f(y.at1 / y.n)} | ${f(x.at10 / x.n)} | ${f(y.at10 / y.n)} | ` +
        `${f(x.rr / x.n)} | ${f(y.rr / y.n)} | ${x.ms.length ? `${mean.toFixed(1)} / ${pct(x.ms, 0.95).toFixed(1)}` : '—'} | ${y.cancelled} |`,
    );
  }
  if (misses.length) console.log(`\nnot first:\n${misses.join('\n')}`);
}
