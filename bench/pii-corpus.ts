// The PII screen over the shared corpus: every text a user could publish from it (text-zh laws and reports,
// docx-zh, pdf-zh, the seed; `--all` adds the English-language docx/ and pdf/ suites) extracted as an upload would be
// (sniff, then the converter pool), then scanned. Prints, per folder, how many documents the screen would hold and
// why, with the masked numbers and a masked snippet around each, so false positives can be judged by eye.
//
//   npx tsx bench/pii-corpus.ts [--all]
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConverter } from '../src/convert/converter.ts';
import { sniffFile } from '../src/convert/sniff.ts';
import { maskPii, type PiiKind, scanPii } from '../src/features/privacy/scan.ts';

const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
const all = process.argv.includes('--all');
const FOLDERS = [
  'corpus/text-zh',
  'corpus/docx-zh',
  'corpus/pdf-zh',
  'seed',
  ...(all ? ['corpus/docx', 'corpus/pdf'] : []),
];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

const converter = createConverter({ concurrency: 2, timeoutMs: 60_000, memoryMb: 512 });
const totals = { docs: 0, held: 0, failed: 0 };
const byKind: Record<PiiKind, number> = { idNumber: 0, mobile: 0, bankCard: 0 };
// Digit runs the rules looked at, before their checks: what the check digit, Luhn and the prefixes turned away.
const candidates = { run18: 0, mobileShaped: 0, run16to19: 0 };
const countCandidates = (body: string) => {
  for (const m of body.matchAll(/(?<!\d)\d+[Xx]?(?!\d)/g)) {
    const n = m[0].length;
    if (n === 18) candidates.run18++;
    if (n >= 16 && n <= 19) candidates.run16to19++;
    if (n === 11 && /^1[3-9]/.test(m[0])) candidates.mobileShaped++;
  }
};
try {
  for (const folder of FOLDERS) {
    let docs = 0;
    let held = 0;
    for (const path of await files(join(SHARED, folder))) {
      const name = relative(SHARED, path);
      // Plain text (laws in Markdown, reports) is uploaded as .txt; everything else under its own extension.
      const ext = /\.(md|txt)$/i.test(path) ? 'txt' : path.slice(path.lastIndexOf('.') + 1);
      const sniffed = await sniffFile(path, ext);
      if (!sniffed.ok) continue;
      let body: string;
      try {
        body = (await converter.extract(path, sniffed.format)).body;
      } catch {
        totals.failed++;
        continue;
      }
      docs++;
      countCandidates(body);
      const matches = scanPii(body);
      if (matches.length === 0) continue;
      held++;
      const masked = maskPii(body, matches);
      console.log(`HELD ${name}: ${matches.length} match(es)`);
      for (const m of matches.slice(0, 8)) {
        byKind[m.kind]++;
        const around = masked
          .slice(Math.max(0, m.start - 20), m.end + 12)
          .replace(/\s+/g, ' ')
          .trim();
        console.log(`  ${m.kind.padEnd(8)} ${m.masked.padEnd(24)} …${around}…`);
      }
      for (const m of matches.slice(8)) byKind[m.kind]++;
    }
    totals.docs += docs;
    totals.held += held;
    console.log(`== ${folder}: ${docs} documents extracted, ${held} would be held`);
  }
} finally {
  await converter.close();
}
console.log(
  `TOTAL ${totals.docs} documents, ${totals.held} held (${((100 * totals.held) / Math.max(1, totals.docs)).toFixed(2)}%), ` +
    `${totals.failed} not extractable; matches: ${JSON.stringify(byKind)}; ` +
    `contiguous digit runs seen: ${JSON.stringify(candidates)}`,
);

// Random digit runs in running text (a seeded generator, so the figures repeat): how often each length is flagged.
let seed = 20261130;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
for (const n of [16, 17, 18, 19]) {
  const trials = 100_000;
  const flagged: Record<PiiKind, number> = { idNumber: 0, mobile: 0, bankCard: 0 };
  for (let i = 0; i < trials; i++) for (const m of scanPii(`编号${digits(n)}。`)) flagged[m.kind]++;
  console.log(`random ${n}-digit runs: ${trials} → ${JSON.stringify(flagged)}`);
}
