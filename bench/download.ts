/**
 * Marked downloads against unmarked ones (decision 0019): throughput and the latency the mark adds per MB.
 *
 *   npx tsx bench/download.ts [--rounds=5] [--big-mb=20]
 *
 * 1. a site on SQLite (temp database and data directory) with one uploader and one buyer; paid documents: the
 *    largest corpus docx and PDF, and two built here to reach --big-mb (another corpus docx plus an incompressible
 *    media entry; corpus PDFs concatenated with pdf-lib until the size is reached);
 * 2. the buyer buys them all; for each document, `--rounds` downloads by the uploader (the original, streamed from
 *    the store) and by the buyer (marked at download time), alternating, through the app (inject: the route, the
 *    database reads, the marking, the whole body), timed to the last byte;
 * 3. prints per document: size, median time unmarked and marked, MB/s of each, and the added milliseconds per MB;
 *    and the process's peak RSS.
 *
 * Figures only: nothing is asserted beyond every download answering 200 with a body.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { grantCredits } from '../src/features/credits/grants.ts';
import { openZipIndex, rewriteZip } from '../src/features/watermark/zip-rewrite.ts';
import { TestClient, waitForStatus } from '../src/testing/client.ts';
import { createTestApp } from '../src/testing/test-app.ts';
import { markVerified } from '../src/testing/verification.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, 'big-mb': { type: 'string', default: '20' } },
});
const ROUNDS = Number(values.rounds);
const BIG = Number(values['big-mb']) * 1024 * 1024;
const CORPUS = '/work/shared/corpus';
const DOCX = `${CORPUS}/docx-zh/libpku__专业课__信号与系统__信号与系统整理by高飙.docx`;
const PDF = `${CORPUS}/pdf-zh/libpku__专业课__计算机系统导论__期末试题__2014期末带答案.pdf`;
// The big docx is built on another corpus docx (the same text twice would be held as a near duplicate).
const BIG_BASE = `${CORPUS}/docx-zh/libpku__专业课__普通化学__2019普化B期中试题助教团队做题答案反馈.docx`;

let peakRss = 0;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50).unref();

const t = await createTestApp('sqlite', {
  env: {
    DOWNLOAD_DAILY_CAP_USER: '100000',
    DOWNLOAD_DAILY_CAP_IP: '100000',
    UPLOAD_MAX_BYTES: `${BIG * 2}`,
    // Extracting the big PDF is not what is measured; a loaded machine must not time it out.
    CONVERT_TIMEOUT_MS: '1200000',
  },
});
try {
  // The big files, built in the data directory.
  const bigDocx = join(t.dataDir, 'big.docx');
  const index = await openZipIndex(BIG_BASE);
  await pipeline(
    Readable.from(rewriteZip(index, new Map(), new Map([['word/media/bench-noise.bin', randomBytes(BIG)]]))),
    createWriteStream(bigDocx),
  );
  const bigPdf = join(t.dataDir, 'big.pdf');
  const merged = await PDFDocument.create();
  const pdfs = (await readdir(`${CORPUS}/pdf-zh`)).filter((n) => n.endsWith('.pdf')).sort();
  let size = 0;
  for (const name of pdfs) {
    if (size >= BIG) break;
    try {
      const src = await PDFDocument.load(readFileSync(`${CORPUS}/pdf-zh/${name}`));
      for (const page of await merged.copyPages(src, src.getPageIndices())) merged.addPage(page);
      size += statSync(`${CORPUS}/pdf-zh/${name}`).size;
    } catch {
      // encrypted or unreadable: skipped
    }
  }
  writeFileSync(bigPdf, await merged.save());

  const writer = new TestClient(t.app);
  await writer.register('bench-writer@example.com', '写作者');
  const buyer = new TestClient(t.app);
  await buyer.register('bench-buyer@example.com', '买家读者');
  const idOf = async (email: string) =>
    Number(
      (await t.deps.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
        .id,
    );
  await markVerified(t.deps, await idOf('bench-writer@example.com'));
  // The big files are another uploader's (each uploader's own re-uploads are refused).
  const writer2 = new TestClient(t.app);
  await writer2.register('bench-writer2@example.com', '另一作者');
  await markVerified(t.deps, await idOf('bench-writer2@example.com'));
  await grantCredits(t.deps, undefined, {
    userId: await idOf('bench-buyer@example.com'),
    amount: 1000,
    reason: 'bench',
  });
  const docs: Array<{ label: string; id: number; bytes: number; owner: TestClient }> = [];
  for (const [label, path] of [
    ['docx (corpus)', DOCX],
    ['pdf (corpus)', PDF],
    ['docx (big)', bigDocx],
    ['pdf (big)', bigPdf],
  ] as const) {
    const owner = label.includes('big') ? writer2 : writer;
    const up = await owner.upload(path, { title: `下载基准 ${label}`, category: '1', description: '', price: '10' });
    if (up.statusCode !== 201) throw new Error(`${label}: upload ${up.statusCode} ${up.body}`);
    const id = (up.json() as { id: number }).id;
    const status = await waitForStatus(owner, id, 600_000);
    if (status.status !== 'published') throw new Error(`${label}: ${JSON.stringify(status)}`);
    const csrf = await buyer.csrf(`/d/${id}/buy`);
    const res = await buyer.postForm(`/d/${id}/buy`, { acceptTerms: '1' }, { csrf });
    if (res.statusCode !== 303) throw new Error(`${label}: buy ${res.statusCode}`);
    docs.push({ label, id, bytes: statSync(path).size, owner });
  }

  const timeOne = async (client: TestClient, id: number) => {
    const link = await client.get(`/d/${id}/download`);
    const started = performance.now();
    const file = await client.get(String(link.headers.location));
    const ms = performance.now() - started;
    if (file.statusCode !== 200 || file.rawPayload.length === 0) throw new Error(`download ${file.statusCode}`);
    return ms;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log('document        | MB    | unmarked ms | marked ms | unmarked MB/s | marked MB/s | added ms/MB');
  for (const d of docs) {
    const plain: number[] = [];
    const marked: number[] = [];
    await timeOne(d.owner, d.id);
    await timeOne(buyer, d.id);
    for (let r = 0; r < ROUNDS; r++) {
      plain.push(await timeOne(d.owner, d.id));
      marked.push(await timeOne(buyer, d.id));
    }
    const mb = d.bytes / 1024 / 1024;
    const [p, m] = [median(plain), median(marked)];
    console.log(
      `${d.label.padEnd(15)} | ${mb.toFixed(2).padStart(5)} | ${p.toFixed(1).padStart(11)} | ${m.toFixed(1).padStart(9)} | ` +
        `${(mb / (p / 1000)).toFixed(1).padStart(13)} | ${(mb / (m / 1000)).toFixed(1).padStart(11)} | ${((m - p) / mb).toFixed(1).padStart(11)}`,
    );
  }
  console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB; ${ROUNDS} rounds, medians`);
} finally {
  await t.close();
}
