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
export function queriesFor(doc: KnownDoc, rnd: () => number, occurrences: (phrase: string) => number): KnownQuery[] {
  const out: KnownQuery[] = [{ cls: 'title', q: doc.title, target: doc.id }];
  const words = cutExact(doc.free);
  const phraseAt = (i: number) => {
    const w = words.slice(i, i + 3);
    if (w.length < 3 || !w.every((x) => WORD.test(x)) || !w.some((x) => HAN.test(x))) return undefined;
    const p = w.join('');
    return p.length >= 5 && p.length <= 12 ? p : undefined;
  };
  const draw = (tries: number, ok: (p: string) => boolean) => {
    for (let t = 0; t < tries; t++) {
      const p = phraseAt(Math.floor(rnd() * words.length));
      if (p && ok(p)) return p;
    }
    return undefined;
  };
  const phrase = draw(200, () => true);
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
  const unique = draw(40, (p) => occurrences(p) === 1);
  if (unique) out.push({ cls: 'unique phrase', q: unique, target: doc.id });
  return out;
}

interface Score {
  n: number;
  at1: number;
  at10: number;
  rr: number;
  ms: number[];
}
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;

/**
 * Runs every query through both sides (each returns the first ten ids, best first) and prints success@1,
 * success@10 and MRR (over the first ten) per class, and our time per query (mean and p95, in process).
 */
export async function evaluate(
  queries: KnownQuery[],
  ours: (q: string) => Promise<number[]>,
  naive: (q: string) => number[],
  verbose: boolean,
): Promise<void> {
  const make = () => new Map(CLASSES.map((c) => [c as string, { n: 0, at1: 0, at10: 0, rr: 0, ms: [] } as Score]));
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
  for (const q of queries) {
    const t = performance.now();
    const rank = (await ours(q.q)).indexOf(q.target);
    a.get(q.cls)!.ms.push(performance.now() - t);
    add(a.get(q.cls)!, rank);
    const naiveRank = naive(q.q).indexOf(q.target);
    add(b.get(q.cls)!, naiveRank);
    if (verbose && rank !== 0)
      misses.push(
        `  ${q.cls}: ${q.q} → ours ${rank < 0 ? '-' : rank + 1}, naive ${naiveRank < 0 ? '-' : naiveRank + 1}`,
      );
  }
  const f = (x: number) => x.toFixed(3);
  console.log(
    '\n| class | n | wenyuan s@1 | naive s@1 | wenyuan s@10 | naive s@10 | wenyuan MRR | naive MRR | ours ms mean / p95 |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const c of CLASSES) {
    const x = a.get(c)!;
    const y = b.get(c)!;
    if (x.n === 0) continue;
    const mean = x.ms.reduce((s, v) => s + v, 0) / x.n;
    console.log(
      `| ${c} | ${x.n} | ${f(x.at1 / x.n)} | ${f(y.at1 / y.n)} | ${f(x.at10 / x.n)} | ${f(y.at10 / y.n)} | ` +
        `${f(x.rr / x.n)} | ${f(y.rr / y.n)} | ${mean.toFixed(1)} / ${pct(x.ms, 0.95).toFixed(1)} |`,
    );
  }
  if (misses.length) console.log(`\nnot first:\n${misses.join('\n')}`);
}
