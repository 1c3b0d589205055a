// Near-duplicate detection from normalised text: MinHash over character 5-shingles of the Han/letter/digit stream
// (punctuation, spaces, line and page breaks removed, so the same speech from docx or from a PDF compares equal),
// with LSH banding: 60 hashes in 20 bands of 3. Two texts with Jaccard similarity J share a band with probability
// 1 − (1 − J³)²⁰: 0.93 at J = 0.5, 0.99 at J = 0.6, 0.02 at J = 0.1 — so the band index finds near copies
// and almost never proposes unrelated documents of the same genre. Candidates are confirmed on the signatures.

export const MINHASH_SIZE = 60;
export const BANDS = 20;
const ROWS = MINHASH_SIZE / BANDS;
const SHINGLE = 5;

/** The text reduced to what survives any conversion: Han characters, letters and digits, lower-cased, NFKC. */
export function dedupText(body: string): string {
  return body
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{Script=Han}\p{L}\p{N}]+/gu, '');
}

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// murmur3's finaliser: a cheap, well-mixed 32-bit permutation.
function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS = Array.from({ length: MINHASH_SIZE }, (_, i) => mix(0x9e3779b9 + i * 0x632be5ab));

/** The MinHash signature of a text (60 unsigned 32-bit values); undefined when it is too short to compare. */
export function minhash(body: string): number[] | undefined {
  const s = dedupText(body);
  if (s.length < SHINGLE * 4) return undefined;
  const sig = new Array<number>(MINHASH_SIZE).fill(0xffffffff);
  const seen = new Set<number>();
  for (let i = 0; i + SHINGLE <= s.length; i++) {
    const x = fnv1a(s, i, i + SHINGLE);
    if (seen.has(x)) continue;
    seen.add(x);
    for (let k = 0; k < MINHASH_SIZE; k++) {
      const v = mix(x ^ SEEDS[k]!);
      if (v < sig[k]!) sig[k] = v;
    }
  }
  return sig;
}

/** One hash per band (signed 32-bit, to fit an integer column on both dialects). */
export function bandHashes(sig: readonly number[]): number[] {
  const out: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = mix(b + 1);
    for (let r = 0; r < ROWS; r++) h = mix(h ^ sig[b * ROWS + r]!);
    out.push(h | 0);
  }
  return out;
}

/** Estimated Jaccard similarity of two signatures, 0..1. */
export function similarity(a: readonly number[], b: readonly number[]): number {
  let same = 0;
  for (let i = 0; i < MINHASH_SIZE; i++) if (a[i] === b[i]) same++;
  return same / MINHASH_SIZE;
}
