// Whole-corpus import (issue 17): every file under ../shared/corpus through `importFiles` — exactly `wenyuan import`
// — on a fresh SQLite database, page images on (unless --no-pages), then a table of outcomes (published / repaired / duplicate / held /
// rejected by code), one TSV line per file, and the peak RSS of each process of the tree (main, LibreOffice, page
// renderers).
//   npx tsx bench/ingest.ts --corpus [--out results.tsv] [--only pdf-zh,legacy] [--no-pages] [--workers 2]
//     [--office-last | --office-only] [--sample N --seed S]
// OCR, OCR_MAX_PAGES, OFFICE_CONCURRENCY, OFFICE_MEMORY_MB, OFFICE_TIMEOUT_MS, CONVERT_TIMEOUT_MS,
// CONVERT_MEMORY_MB, LIBREOFFICE_POOL and LIBREOFFICE_RECYCLE are taken from the environment (OCR is on by default:
// OCR_MAX_PAGES bounds it). Each result line is appended to <out>.partial as it ends, and SIGINT/SIGTERM closes the
// converters (no LibreOffice, render or OCR process left) and prints the table so far with the peaks, so a run cut
// short still reports what it measured. Each process's own peak RSS goes to <out>.rss.tsv.
// Compare two runs: npx tsx bench/ingest.ts --diff before.tsv after.tsv
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessConverter } from '../src/convert/converter.ts';
import { expandPaths, type ImportResult } from '../src/features/documents/import.ts';
import { onStop, openBenchSite, ownTmp, strayProcesses, waitDocumentJobs } from './bench-site.ts';
import { peakHwmMb, peakSpreadMb, peaksInMb, peaksTsv, sampleRss } from './proc-rss.ts';

const CORPUS = process.env.CORPUS_DIR ?? fileURLToPath(new URL('../../shared/corpus/', import.meta.url));

const opt = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** One file's outcome, as a TSV line holds it. */
interface Row {
  file: string;
  outcome: string;
  code: string;
  title: string;
  chars: number;
  head: string;
}

const OFFICE_EXT =
  /\.(docm|dotx?|dotm|xlsx?|xlsm|xlsb|xltx?|xltm|pptx?|pptm|potx?|potm|ppsx?|odt|ods|odp|ott|rtf|wps|et|dps|doc)$/i;

const tsvCell = (s: string) => s.replace(/[\t\n\r]/g, ' ');
const tsvLine = (r: Row) => [r.file, r.outcome, r.code, tsvCell(r.title), r.chars, tsvCell(r.head)].join('\t');
const PASSED_ENV = [
  'OCR',
  'OCR_MAX_PAGES',
  'OFFICE_CONCURRENCY',
  'OFFICE_MEMORY_MB',
  'OFFICE_TIMEOUT_MS',
  'CONVERT_TIMEOUT_MS',
  'CONVERT_MEMORY_MB',
  'LIBREOFFICE_POOL',
  'LIBREOFFICE_RECYCLE',
];

function readTsv(path: string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    if (!line) continue;
    const [file, outcome, code, title, chars, head] = line.split('\t');
    out.set(file!, { file: file!, outcome: outcome!, code: code!, title: title!, chars: Number(chars), head: head! });
  }
  return out;
}

/** The outcome table: outcome (rejected split by code) → count. */
function table(rows: Iterable<Row>): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of rows) {
    const k = r.outcome === 'rejected' ? `rejected ${r.code}` : r.outcome;
    t[k] = (t[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(t).sort((a, b) => b[1] - a[1]));
}

export async function diffRuns(beforePath: string, afterPath: string): Promise<void> {
  const before = readTsv(beforePath);
  const after = readTsv(afterPath);
  const keys = new Set([...Object.keys(table(before.values())), ...Object.keys(table(after.values()))]);
  const tb = table(before.values());
  const ta = table(after.values());
  console.log('| outcome | before | after |\n|---|---:|---:|');
  for (const k of [...keys].sort()) console.log(`| ${k} | ${tb[k] ?? 0} | ${ta[k] ?? 0} |`);
  console.log(`| total | ${before.size} | ${after.size} |`);
  console.log('\nChanged outcomes:');
  for (const [file, a] of after) {
    const b = before.get(file);
    const was = b ? (b.outcome === 'rejected' ? `rejected ${b.code}` : b.outcome) : 'absent';
    const now = a.outcome === 'rejected' ? `rejected ${a.code}` : a.outcome;
    if (was !== now) console.log(`${file}\t${was} → ${now}\t${a.title}\t${a.head.slice(0, 60)}`);
  }
  console.log('\nTitles changed (published both times):');
  for (const [file, a] of after) {
    const b = before.get(file);
    if (b && a.title !== b.title && a.outcome !== 'rejected' && b.outcome !== 'rejected')
      console.log(`${file}\t${b.title} → ${a.title}`);
  }
}

export async function runCorpus(): Promise<void> {
  const only = opt('--only')?.split(',');
  const workers = Number(opt('--workers') ?? 2);
  const pages = !process.argv.includes('--no-pages');
  const outPath = opt('--out') ?? join(tmpdir(), `wenyuan-corpus-${Date.now()}.tsv`);
  const dirs = (
    only ?? ['docx', 'docx-zh', 'legacy', 'malformed', 'ofd', 'ooxml-other', 'other', 'pdf', 'pdf-zh', 'text-zh']
  ).map((d) => join(CORPUS, d));
  // --skip-office: leave out the files LibreOffice converts (by extension), except those matching --office <regex>;
  // on a loaded machine LibreOffice takes most of the run.
  const officeKeep = opt('--office') ? new RegExp(opt('--office')!) : undefined;
  const files = (await expandPaths(dirs)).filter(
    (f) => !process.argv.includes('--skip-office') || !OFFICE_EXT.test(f) || officeKeep?.test(f),
  );
  // --sample N [--seed S]: N files drawn at random (a seeded generator, so two trees compare on the same files),
  // kept in folder order.
  const sample = opt('--sample') ? Number(opt('--sample')) : undefined;
  if (sample !== undefined && sample < files.length) {
    let seed = Number(opt('--seed') ?? 1) >>> 0;
    // mulberry32
    const random = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const order = files.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const keep = new Set(order.slice(0, sample));
    files.splice(0, files.length, ...files.filter((_, i) => keep.has(i)));
  }
  // --office-last: the files LibreOffice converts after all others (they take most of the time on a loaded machine;
  // a run cut short then still has every other file).
  // --office-only: only those (a second run beside one that has the others).
  if (process.argv.includes('--office-only')) files.splice(0, files.length, ...files.filter((f) => OFFICE_EXT.test(f)));
  if (process.argv.includes('--office-last')) {
    const office = files.filter((f) => OFFICE_EXT.test(f));
    files.splice(0, files.length, ...files.filter((f) => !OFFICE_EXT.test(f)), ...office);
  }
  // --dump DIR: every extraction as the converter returned it (JSON per file, named by the file's SHA-256), so the
  // text-quality gate and the titles can be evaluated again on exactly these texts (bench/quality-replay.ts).
  const dumpDir = opt('--dump');
  ownTmp('wy-bench-corpus');
  const rss = sampleRss(100);
  const site = await openBenchSite(
    'wy-bench-corpus-',
    {
      PAGE_IMAGES: String(pages),
      ...Object.fromEntries(PASSED_ENV.filter((k) => process.env[k]).map((k) => [k, process.env[k]!])),
    },
    workers,
  );
  const { database, deps } = site;
  const rows: Row[] = [];
  const t0 = performance.now();
  try {
    if (dumpDir) {
      mkdirSync(dumpDir, { recursive: true });
      const extract = deps.converter.extract.bind(deps.converter);
      (deps.converter as { extract: typeof extract }).extract = async (path, format, o) => {
        const text = await extract(path, format, o);
        const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
        writeFileSync(join(dumpDir, `${sha}.json`), JSON.stringify({ format, text }));
        return text;
      };
    }
    // One row per file as soon as it ends (its document read at once), appended to <out>.partial.
    const rowOf = async (r: ImportResult): Promise<Row> => {
      const d = r.id
        ? await database.db.selectFrom('documents').selectAll().where('id', '=', r.id).executeTakeFirst()
        : undefined;
      const text = r.id
        ? await database.db
            .selectFrom('document_texts')
            .select('body')
            .where('document_id', '=', r.id)
            .executeTakeFirst()
        : undefined;
      const quality = d?.text_quality ? (JSON.parse(d.text_quality) as { repairs?: string[]; ocr?: boolean }) : {};
      const flags = d?.source_flags ? (JSON.parse(d.source_flags) as string[]) : [];
      const code = r.code ?? d?.reject_code ?? (r.status === 'rejected' ? `upload: ${r.reason}` : '');
      let outcome: string = r.status;
      if (r.status === 'published' && (quality.ocr || flags.includes('ocr'))) outcome = 'ocr';
      else if (r.status === 'published' && quality.repairs?.length) outcome = 'repaired';
      // The same bytes refused at upload (`id` is then the earlier document), not by the conversion job.
      const atUpload = r.status === 'duplicate' && r.duplicateOf === r.id ? '@upload' : '';
      if (r.status === 'duplicate' && !atUpload && d?.reject_code === 'privacy.held') outcome = 'held';
      return {
        file: relative(CORPUS, r.file),
        outcome,
        // For OCR: `unreadable` when the extracted text was garbage and the pages were read instead, `scan` when the
        // file had no text at all (the text-less case was refused as emptyText before OCR existed).
        code:
          outcome === 'ocr'
            ? quality.ocr
              ? 'unreadable'
              : 'scan'
            : outcome === 'published' || outcome === 'repaired'
              ? ''
              : `${code ?? ''}${atUpload}`,
        title: d?.title ?? '',
        chars: Number(d?.char_count ?? 0),
        head: (text?.body ?? '').slice(0, 80),
      };
    };
    const partial = `${outPath}.partial`;
    writeFileSync(partial, 'file\toutcome\tcode\ttitle\tchars\thead\n');
    const pending: Promise<void>[] = [];
    const report = (final: boolean) => {
      const peaks = rss.peek();
      writeFileSync(`${outPath}.rss.tsv`, peaksTsv(peaks));
      return {
        files: files.length,
        done: rows.length,
        ...(final ? {} : { cutShort: true }),
        seconds: Math.round((performance.now() - t0) / 1000),
        pages,
        workers,
        ocr: deps.ocr?.available ? `tesseract, at most ${deps.config.convert.ocrMaxPages} pages a document` : 'off',
        outcomes: table(rows),
        results: final ? outPath : partial,
        ...peaksInMb(peaks),
        // Each process's own peak, by kind (main; every LibreOffice, driver, page-render, tesseract process).
        peakRssMbSpread: peakSpreadMb(peaks),
        perProcessPeaks: `${outPath}.rss.tsv`,
        mainVmHwmMb: peakHwmMb(),
        libreoffice: deps.converter.officeStats(),
        // Extraction children (decision 0037): started, recycled, killed for their task, stopped when idle.
        extraction: (deps.converter as Partial<ProcessConverter>).extractionStats?.(),
      };
    };
    onStop(() => report(false));
    await site.importAll(
      files,
      (r) => {
        pending.push(
          rowOf(r).then((row) => {
            rows.push(row);
            appendFileSync(partial, `${tsvLine(row)}\n`);
            if (rows.length % 100 === 0) {
              const p = peaksInMb(rss.peek()).peakRssMbPerProcess;
              process.stderr.write(
                `${rows.length}/${files.length} ${Math.round((performance.now() - t0) / 1000)} s load ${loadavg()[0]!.toFixed(1)} ${JSON.stringify(p)}\n`,
              );
            }
          }),
        );
      },
      20,
    );
    await Promise.all(pending);
    // Page-image jobs run after publication: wait for them, so their memory is measured.
    await waitDocumentJobs(database.db);
    const final = report(true);
    rows.sort((a, b) => a.file.localeCompare(b.file));
    writeFileSync(outPath, `file\toutcome\tcode\ttitle\tchars\thead\n${rows.map(tsvLine).join('\n')}\n`);
    await site.close({ keep: process.argv.includes('--keep') });
    rss.stop();
    console.log(JSON.stringify({ ...final, strayProcesses: strayProcesses() }, null, 2));
    console.log(
      `\n| outcome | files |\n|---|---:|\n${Object.entries(final.outcomes)
        .map(([k, n]) => `| ${k} | ${n} |`)
        .join('\n')}`,
    );
    if (process.argv.includes('--keep')) console.log(`kept ${site.dataDir}`);
  } finally {
    await site.close();
  }
}
