// How each corpus file ends when uploaded under its own name: sniffed, zip-inspected, then converted by the worker
// pool (docx, pdf, txt) and, with --office, by LibreOffice (other formats) with the server's default caps; without
// --office a file bound for LibreOffice that passed sniffing and zip inspection counts as `office` (LibreOffice
// takes 5–40 s a file on a loaded 2-core machine). No database: the conversion outcome only. Prints one line per
// file (`folder/name<TAB>outcome`, outcome `ok`, `office` or the message key of the refusal) to stdout and a table
// of outcomes per folder to stderr; two runs compared with `diff` give the files whose outcome changed.
//   npx tsx bench/corpus-outcomes.ts [--office] [folder… | --list FILE] > outcomes.tsv
//   (default: every folder but text-zh and ofd; --list reads `folder/name` lines; CORPUS_DIR=… for another corpus)
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConverter } from '../src/convert/converter.ts';
import { createOfficeConverter, defaultSofficePath } from '../src/convert/libreoffice.ts';
import { sniffFile } from '../src/convert/sniff.ts';
import { ConversionError, isOfficeFormat } from '../src/convert/types.ts';
import { inspectZip } from '../src/convert/zip-inspect.ts';

const CORPUS = process.env.CORPUS_DIR ?? fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
const DEFAULT_FOLDERS = ['docx', 'docx-zh', 'ooxml-other', 'legacy', 'other', 'pdf', 'pdf-zh', 'malformed'];
const args = process.argv.slice(2);
const withOffice = args.includes('--office');
const listAt = args.indexOf('--list');
const listed =
  listAt >= 0
    ? readFileSync(args[listAt + 1]!, 'utf8')
        .split('\n')
        .filter(Boolean)
    : undefined;
const named = args.filter((a, i) => !a.startsWith('--') && (listAt < 0 || i !== listAt + 1));
const folders = listed
  ? [...new Set(listed.map((l) => l.slice(0, l.indexOf('/'))))]
  : named.length > 0
    ? named
    : DEFAULT_FOLDERS;

const office = createOfficeConverter({
  sofficePath: defaultSofficePath(),
  timeoutMs: 120_000,
  memoryMb: 2048,
  concurrency: 2,
});
const converter = createConverter({ concurrency: 2, timeoutMs: 60_000, memoryMb: 512, office });

async function outcome(path: string): Promise<string> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  try {
    const sniffed = await sniffFile(path, ext);
    if (!sniffed.ok) return sniffed.reason;
    if (isOfficeFormat(sniffed.format) && !withOffice) {
      if ((await readFile(path)).subarray(0, 2).toString('latin1') === 'PK') await inspectZip(path);
      return 'office';
    }
    await converter.extract(path, sniffed.format);
    return 'ok';
  } catch (err) {
    return err instanceof ConversionError ? `convert.${err.code}` : `crash: ${String(err).slice(0, 80)}`;
  }
}

const table = new Map<string, Map<string, number>>();
for (const folder of folders) {
  const names = listed
    ? listed.filter((l) => l.startsWith(`${folder}/`)).map((l) => l.slice(folder.length + 1))
    : readdirSync(join(CORPUS, folder)).sort();
  const counts = new Map<string, number>();
  table.set(folder, counts);
  let next = 0;
  const results = new Array<string>(names.length);
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      while (next < names.length) {
        const i = next++;
        results[i] = await outcome(join(CORPUS, folder, names[i]!));
      }
    }),
  );
  names.forEach((n, i) => {
    process.stdout.write(`${folder}/${n}\t${results[i]}\n`);
    counts.set(results[i]!, (counts.get(results[i]!) ?? 0) + 1);
  });
  process.stderr.write(`${folder}: ${JSON.stringify(Object.fromEntries(counts))}\n`);
}
await converter.close();
const codes = [...new Set([...table.values()].flatMap((m) => [...m.keys()]))].sort();
process.stderr.write(`\n| outcome | ${folders.join(' | ')} |\n|---|${folders.map(() => '---:').join('|')}|\n`);
for (const code of codes) {
  process.stderr.write(`| ${code} | ${folders.map((f) => table.get(f)!.get(code) ?? 0).join(' | ')} |\n`);
}
