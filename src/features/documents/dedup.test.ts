// Duplicates through the upload flow: exact copies reuse the conversion; near copies (other format, new title,
// cover page, reordered paragraphs) are held for review with a link and a score; ten distinct speeches of the same
// genre (2026 government work reports) all publish.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createOfficeConverter, defaultSofficePath } from '../../convert/libreoffice.ts';
import { bandHashes, minhash, similarity } from '../../convert/similarity.ts';
import { TestClient } from '../../testing/client.ts';
import { CORPUS_DIR, SEED_DOCX, SEED_TXT } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

const seedParas = readFileSync(SEED_TXT, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
const REPORTS = join(CORPUS_DIR, 'text-zh', 'gov-reports-2026');

/** The full_text column of a gov-reports CSV (the last field, quoted). */
function reportText(file: string): string {
  const raw = readFileSync(join(REPORTS, file), 'utf8');
  const start = raw.indexOf(',"', raw.indexOf('\n'));
  return raw.slice(start + 2, raw.lastIndexOf('"')).replaceAll('""', '"');
}

async function finalStatus(t: TestApp, id: number, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await t.deps.database.db
      .selectFrom('documents')
      .select(['status', 'dup_of', 'dup_score', 'reject_code', 'char_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (d.status === 'published' || d.status === 'review' || d.status === 'rejected') return d;
    if (Date.now() > until) throw new Error(`document ${id} still ${d.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('MinHash: reordering and a cover page keep similarity high; different reports stay far apart', () => {
  const seed = seedParas.join('\n');
  const reordered = [...seedParas.slice(0, 3), ...seedParas.slice(3).reverse()].join('\n');
  const withCover = ['内部资料 注意保存', 'XX区委办公室 编印', '二〇二四年五月', seed].join('\n');
  const a = minhash(seed)!;
  assert.ok(similarity(a, minhash(reordered)!) >= 0.8);
  assert.ok(similarity(a, minhash(withCover)!) >= 0.8);
  const files = readdirSync(REPORTS).sort().slice(0, 2);
  const r1 = minhash(reportText(files[0]!))!;
  const r2 = minhash(reportText(files[1]!))!;
  assert.ok(similarity(r1, r2) < 0.2, `reports differ (${similarity(r1, r2)})`);
  assert.equal(bandHashes(a).length, 20);
});

for (const dialect of DIALECTS) {
  describe(`duplicates on ${dialect}`, () => {
    let t: TestApp;
    let owner: TestClient;
    let original: TestClient;
    let seedId: number;
    before(async () => {
      t = await createTestApp(dialect, { env: { UPLOAD_MAX_BYTES: '5MB' } });
      // The seed's author uploads it first; `owner` then re-uploads copies of someone else's work.
      original = new TestClient(t.app);
      await original.register('author@example.com');
      owner = new TestClient(t.app);
      await owner.register('dup@example.com');
      const up = await original.upload(SEED_DOCX, { title: '', category: '1', price: '0' });
      seedId = (up.json() as { id: number }).id;
      assert.equal((await finalStatus(t, seedId)).status, 'published');
    });
    after(() => t.close());

    test('an exact copy reuses the conversion and is held for review at 100 %', async () => {
      const up = await owner.upload(SEED_DOCX, { title: '创城讲话（再次上传）', category: '1', price: '0' });
      const { id } = up.json() as { id: number };
      const d = await finalStatus(t, id);
      assert.equal(d.status, 'review');
      assert.equal(Number(d.dup_of), seedId);
      assert.equal(d.dup_score, 100);
      const status = (await owner.get(`/api/documents/${id}/status`)).json() as { reason: string };
      assert.match(status.reason, /相似度 100%/);
      const list = (await owner.get('/my/documents')).body;
      assert.ok(list.includes(`href="/d/${seedId}"`), 'the list links to the earlier document');
      // The author re-uploading the very same file is told they already have it (issue #9) …
      const same = await original.upload(SEED_DOCX, { title: '创城讲话（再传一次）', category: '1', price: '0' });
      assert.equal(same.statusCode, 409);
      // … and a revision of their own document is theirs to publish, not held as a copy.
      const revised = Buffer.from(['（作者修订稿）', ...seedParas].join('\n'), 'utf8');
      const own = await original.upload(
        { name: 'revised.txt', data: revised },
        { title: '创城讲话（作者修订）', category: '1', price: '0' },
      );
      assert.equal((await finalStatus(t, (own.json() as { id: number }).id)).status, 'published');
    });

    test('retitled, with a cover page, paragraphs reordered (as .txt): held for review', async () => {
      const variants = {
        retitled: ['关于巩固创城成果的讲话（修订稿）', ...seedParas.slice(1)],
        cover: ['内部资料 注意保存', 'XX区委办公室 编印', '二〇二四年五月', ...seedParas],
        reordered: [...seedParas.slice(0, 3), ...seedParas.slice(3).reverse()],
      };
      for (const [name, lines] of Object.entries(variants)) {
        const up = await owner.upload(
          { name: `${name}.txt`, data: Buffer.from(lines.join('\n'), 'utf8') },
          { title: `创城讲话-${name}`, category: '1', price: '0' },
        );
        assert.equal(up.statusCode, 201, up.body);
        const d = await finalStatus(t, (up.json() as { id: number }).id);
        assert.equal(d.status, 'review', name);
        assert.ok((d.dup_score ?? 0) >= 50, `${name}: ${d.dup_score}`);
      }
    });

    test('ten distinct government work reports of the same genre all publish', async () => {
      const other = new TestClient(t.app);
      await other.register('reports@example.com');
      for (const file of readdirSync(REPORTS).sort().slice(0, 10)) {
        const up = await other.upload(
          { name: file.replace(/\.csv$/, '.txt'), data: Buffer.from(reportText(file), 'utf8') },
          { title: file.replace(/\.csv$/, ''), category: '1', price: '0' },
        );
        assert.equal(up.statusCode, 201, up.body);
        const d = await finalStatus(t, (up.json() as { id: number }).id);
        assert.equal(d.status, 'published', `${file}: ${d.dup_score}`);
      }
    });
  });
}

describe('near duplicate across formats', { skip: existsSync(defaultSofficePath()) ? false : 'no LibreOffice' }, () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite');
  });
  after(() => t.close());

  test('the seed docx converted to PDF by LibreOffice and re-uploaded is held for review', async () => {
    const author = new TestClient(t.app);
    await author.register('pdfauthor@example.com');
    const owner = new TestClient(t.app);
    await owner.register('pdfdup@example.com');
    const first = await author.upload(SEED_DOCX, { title: '', category: '1', price: '0' });
    const firstId = (first.json() as { id: number }).id;
    assert.equal((await finalStatus(t, firstId)).status, 'published');
    const office = createOfficeConverter({
      sofficePath: defaultSofficePath(),
      timeoutMs: 120_000,
      memoryMb: 2048,
      concurrency: 1,
    });
    const { pdf, dir } = await office.toPdf(SEED_DOCX, 'docx');
    try {
      const up = await owner.upload(
        { name: '创城讲话.pdf', data: await readFile(pdf) },
        { title: '创城讲话 PDF 版', category: '1', price: '0' },
      );
      const d = await finalStatus(t, (up.json() as { id: number }).id);
      assert.equal(d.status, 'review');
      assert.equal(Number(d.dup_of), firstId);
      assert.ok((d.dup_score ?? 0) >= 50, String(d.dup_score));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
