/**
 * Every corpus docx and PDF through the per-buyer mark (decision 0019): the marked copy must open and give the same
 * visible text as the original.
 *
 *   npx tsx bench/watermark-corpus.ts [--office=N] [--only=docx|pdf] [--visible=false]
 *
 * 1. every *.docx and *.pdf under /work/shared/corpus (all folders, the malformed ones included), sniffed as an
 *    upload is: a file the site refuses is never sold, so it is only counted;
 * 2. the original's visible text (the site's extractor: mammoth-like docx reader, pdf.js); a file the extractor
 *    rejects is never published (so never sold): counted as originalRejected;
 * 3. the marked copy (the visible line on unless --visible=false; a PDF pdf-lib cannot open is first rewritten by
 *    qpdf, as a download does — counted as repaired): docx — the upload inspection (zip caps, names,
 *    DTDs) and the extractor accept it; PDF — `qpdf --check` answers no worse than for the original and pdf.js reads
 *    it; its visible text (marks removed, whitespace dropped) must equal the original's;
 *    A file that cannot be marked is an exception when the site's extractor accepts it (it would be published:
 *    its page says 此文件无法加水印), and only counted when the extractor refuses it (never published);
 * 4. --office=N: N marked docx are converted to PDF by LibreOffice (fresh profile each), which must succeed.
 *
 * Prints counts, every exception with its reason, and the marking time per MB.
 */
import { execFile as execFileCb } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs, promisify } from 'node:util';
import { sniffFile } from '../src/convert/sniff.ts';
import { ConversionError } from '../src/convert/types.ts';
import { inspectZip } from '../src/convert/zip-inspect.ts';
import { markDocx, NotMarkable } from '../src/features/watermark/docx-mark.ts';
import { markPdfFile } from '../src/features/watermark/pdf-mark.ts';
import { markKey, signMark } from '../src/features/watermark/token.ts';
import { visibleText } from '../src/features/watermark/visible-text.ts';

const execFile = promisify(execFileCb);
const CORPUS = '/work/shared/corpus';
const { values } = parseArgs({
  options: {
    office: { type: 'string', default: '0' },
    only: { type: 'string' },
    visible: { type: 'string', default: 'true' },
  },
});
const LINE = values.visible === 'false' ? undefined : '文苑 · 仅供 买**者 个人使用 · 购于 2026-12-01';
const token = signMark(markKey('bench secret'), 123456);

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (/\.(docx|pdf)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

async function qpdf(path: string): Promise<number> {
  try {
    await execFile('qpdf', ['--check', path], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

const outcome = async (f: () => Promise<string>) => {
  try {
    return { text: await f() };
  } catch (err) {
    return { error: err instanceof ConversionError ? `convert.${err.code}` : String(err).slice(0, 160) };
  }
};

const files = (await walk(CORPUS)).filter((f) => !values.only || f.toLowerCase().endsWith(`.${values.only}`));
const work = mkdtempSync(join(tmpdir(), 'wy-wm-corpus-'));
const counts = {
  files: files.length,
  refused: 0,
  sold: 0,
  same: 0,
  noTextBoth: 0,
  originalRejected: 0,
  repaired: 0,
  unmarkableNeverPublished: 0,
  unmarkablePublished: 0,
};
// Exceptions are printed as they are found (a run over the whole corpus is long on a loaded machine).
const exceptions: string[] = [];
const except = (line: string) => {
  exceptions.push(line);
  console.log(`! ${line}`);
};
const perFormat: Record<string, { n: number; bytes: number; ms: number }> = {
  docx: { n: 0, bytes: 0, ms: 0 },
  pdf: { n: 0, bytes: 0, ms: 0 },
};
const docxMarked: string[] = [];
try {
  for (const [i, path] of files.entries()) {
    const rel = path.slice(CORPUS.length + 1);
    const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase() as 'docx' | 'pdf';
    const sniffed = await sniffFile(path, ext);
    if (!sniffed.ok || sniffed.format !== ext) {
      counts.refused++;
      continue;
    }
    counts.sold++;
    const out = join(work, `${i}.${ext}`);
    const size = (await stat(path)).size;
    const started = performance.now();
    try {
      if (ext === 'docx') {
        await pipeline(Readable.from(await markDocx(path, { token, visibleLine: LINE })), createWriteStream(out));
      } else {
        const marked = await markPdfFile(path, { token, visibleLine: LINE });
        if (marked.repaired) counts.repaired++;
        await writeFile(out, marked.bytes);
      }
    } catch (err) {
      // Not markable: is it ever published? (The site's extractor must accept the original.) If it is, its page
      // says 此文件无法加水印 (mark_state from the conversion's probe) and, with marks required, it is not sold.
      const code = err instanceof NotMarkable ? err.code : 'error';
      const original = await outcome(() => visibleText(path, ext));
      // (A scan without text, convert.emptyText, is published when OCR reads it: an exception too.)
      if (original.error && original.error !== 'convert.emptyText') {
        counts.unmarkableNeverPublished++;
        console.log(`  ${rel}: not markable (${code}); never published (${original.error})`);
      } else {
        counts.unmarkablePublished++;
        except(
          `${rel}: not markable (${code}: ${String(err).slice(0, 120)}) — page says 此文件无法加水印; not sold when marks are required`,
        );
      }
      continue;
    }
    perFormat[ext]!.n++;
    perFormat[ext]!.bytes += size;
    perFormat[ext]!.ms += performance.now() - started;
    if (ext === 'docx') {
      const inspected = await outcome(async () => {
        await inspectZip(out);
        return '';
      });
      if (inspected.error) {
        except(`${rel}: the marked docx fails the upload inspection: ${inspected.error}`);
        continue;
      }
      docxMarked.push(out);
    } else {
      const [before, afterCheck] = [await qpdf(path), await qpdf(out)];
      if (afterCheck !== 0 && afterCheck > before) {
        except(`${rel}: qpdf --check ${afterCheck} (original ${before})`);
        continue;
      }
    }
    const [a, b] = [await outcome(() => visibleText(path, ext)), await outcome(() => visibleText(out, ext, LINE))];
    // A scan without a text layer (published only when OCR reads it): the marked copy must have no text but the
    // mark. Another original the extractor refuses (unreadable, too many pages) is never published: counted only.
    if (a.error === 'convert.emptyText' && (b.error === a.error || b.text === '')) counts.noTextBoth++;
    else if (a.error) counts.originalRejected++;
    else if (b.error) except(`${rel}: original ok, marked ${b.error}`);
    else if (a.text === b.text) counts.same++;
    else {
      let at = 0;
      while (a.text![at] === b.text![at]) at++;
      except(
        `${rel}: visible text differs at ${at}: …${a.text!.slice(Math.max(0, at - 10), at + 20)}… vs …${b.text!.slice(Math.max(0, at - 10), at + 20)}…`,
      );
    }
    if (!(ext === 'docx' && docxMarked.length <= (Number(values.office) || 0))) rmSync(out, { force: true });
    if ((i + 1) % 50 === 0) console.error(`${i + 1}/${files.length} ${JSON.stringify(counts)}`);
  }
  const office = Math.min(Number(values.office) || 0, docxMarked.length);
  let officeOk = 0;
  for (const path of docxMarked.slice(0, office)) {
    const profile = mkdtempSync(join(tmpdir(), 'wy-lo-'));
    try {
      await execFile(
        'soffice',
        [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', work, path],
        { timeout: 180_000 },
      );
      officeOk++;
    } catch (err) {
      except(`${path}: LibreOffice failed: ${String(err).slice(0, 160)}`);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }
  console.log(JSON.stringify(counts));
  for (const [f, s] of Object.entries(perFormat)) {
    const mb = s.bytes / 1024 / 1024;
    console.log(
      `${f}: ${s.n} marked, ${mb.toFixed(1)} MB, ${(s.ms / Math.max(mb, 1e-9)).toFixed(0)} ms per MB of original`,
    );
  }
  if (office) console.log(`LibreOffice converted ${officeOk}/${office} marked docx to PDF`);
  console.log(`exceptions: ${exceptions.length}`);
  for (const e of exceptions) console.log(`  ${e}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
