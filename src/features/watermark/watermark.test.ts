// Per-buyer download marks on every dialect (decision 0019): buy → download → trace for a docx and a PDF from the
// corpus; the same after LibreOffice re-saves the docx (docx→docx, docx→pdf) and after the text is copied out to a
// .txt; a file edited to carry another purchase's id is refused; an unmarked file is reported unmarked; the admin
// page and `wenyuan trace` say the same.
import assert from 'node:assert/strict';
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { markVerified } from '../../testing/verification.ts';
import { grantCredits } from '../credits/grants.ts';
import { probeMarkState } from './mark-state.ts';
import { probeDocuments } from './probe.ts';
import { saveMarkSettings } from './service.ts';
import { findAsciiTokens, findInvisibleTokens, markKey, signMark, toAscii, toInvisible, verifyMark } from './token.ts';
import { traceFile } from './trace.ts';
import { openZipIndex, readEntry, rewriteZip } from './zip-rewrite.ts';

const execFile = promisify(execFileCb);
const DOCX = join(CORPUS_DIR, 'docx-zh', 'gfsgongwen__测试文案.docx');
const PDF = join(CORPUS_DIR, 'pdf-zh', 'libpku__专业课__常微分方程__常微2004春期中.pdf');
const PDF2 = join(CORPUS_DIR, 'pdf-zh', 'libpku__专业课__实变函数__刘和平实变2007秋期中.pdf');
const ROOT = new URL('../../../', import.meta.url).pathname;
const ENCRYPTED = (work: string) => join(work, 'encrypted.pdf');

/**
 * LibreOffice with its own profile per run, as an operator or a leaker would re-save the file. On this shared,
 * loaded machine soffice now and then exits 255 at start-up: one more attempt with a fresh profile.
 */
async function soffice(input: string, target: string, outDir: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const profile = mkdtempSync(join(tmpdir(), 'wy-lo-'));
    try {
      await execFile(
        'soffice',
        [
          '--headless',
          '--invisible',
          '--norestore',
          '--nolockcheck',
          '--nodefault',
          '--nologo',
          `-env:UserInstallation=file://${profile}`,
          '--convert-to',
          target,
          '--outdir',
          outDir,
          input,
        ],
        { timeout: 300_000 },
      );
      break;
    } catch (err) {
      if (attempt >= 2) throw err;
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }
  const ext = target.split(':')[0]!;
  return join(outDir, basename(input).replace(/\.[^.]+$/, `.${ext}`));
}

describe('mark tokens', () => {
  const key = markKey('test secret');
  test('sign, verify, both encodings round-trip; another id with the same MAC is refused', () => {
    const token = signMark(key, 4242);
    assert.deepEqual(verifyMark(key, token), { ok: true, purchaseId: 4242 });
    assert.deepEqual(findAsciiTokens(`x ${toAscii(token)} y`), [token]);
    assert.deepEqual(findInvisibleTokens(`正文${toInvisible(token)}继续`), [token]);
    // Interleaved text (a frame split across runs or lines) does not break a frame.
    const frame = toInvisible(token);
    assert.deepEqual(findInvisibleTokens(`${frame.slice(0, 20)}<w:r>\n${frame.slice(20)}`), [token]);
    const forged = Buffer.from(token);
    forged.writeUIntBE(4243, 1, 5);
    assert.deepEqual(verifyMark(key, forged), { ok: false, claimedId: 4243 });
    assert.deepEqual(verifyMark(markKey('another site'), token), { ok: false, claimedId: 4242 });
    // No symbol repeats its neighbour (text extraction drops such duplicates).
    for (let i = 1; i < frame.length; i++) assert.notEqual(frame[i], frame[i - 1]);
  });
});

for (const dialect of DIALECTS) {
  describe(`per-buyer download marks (${dialect})`, () => {
    let t: TestApp;
    let work: string;
    const buyer = { client: undefined as unknown as TestClient, id: 0 };
    const other = { client: undefined as unknown as TestClient, id: 0 };
    const docs = { docx: 0, pdf: 0, encrypted: 0 };
    const files: Record<string, string> = {};
    const purchaseOf = async (userId: number, documentId: number) =>
      Number(
        (
          await t.deps.database.db
            .selectFrom('purchases')
            .select('id')
            .where('buyer_id', '=', userId)
            .where('document_id', '=', documentId)
            .executeTakeFirstOrThrow()
        ).id,
      );
    const download = async (client: TestClient, id: number) => {
      const start = await client.get(`/d/${id}/download`);
      assert.equal(start.statusCode, 303, start.body);
      const file = await client.get(String(start.headers.location));
      assert.equal(file.statusCode, 200, file.body);
      return file;
    };
    const expectPurchase = async (path: string, purchaseId: number, documentId: number) => {
      const r = await traceFile(t.deps, path);
      assert.equal(r.status, 'marked', `${basename(path)}: ${JSON.stringify(r)}`);
      if (r.status !== 'marked') return r;
      assert.equal(r.purchases.length, 1, JSON.stringify(r));
      const p = r.purchases[0]!;
      assert.equal(p.purchaseId, purchaseId);
      assert.equal(p.documentId, documentId);
      assert.equal(p.buyer, '买**者', 'the buyer, masked');
      assert.match(p.date ?? '', /^\d{4}-\d{2}-\d{2}$/);
      return r;
    };

    before(async () => {
      t = await createTestApp(dialect);
      work = mkdtempSync(join(tmpdir(), 'wy-mark-'));
      const writer = new TestClient(t.app);
      await writer.register('mark-writer@example.com', '写作者');
      buyer.client = new TestClient(t.app);
      await buyer.client.register('mark-buyer@example.com', '买家读者');
      other.client = new TestClient(t.app);
      await other.client.register('mark-other@example.com', '另一读者');
      const idOf = async (email: string) =>
        Number(
          (
            await t.deps.database.db
              .selectFrom('users')
              .select('id')
              .where('email', '=', email)
              .executeTakeFirstOrThrow()
          ).id,
        );
      await markVerified(t.deps, await idOf('mark-writer@example.com'));
      buyer.id = await idOf('mark-buyer@example.com');
      other.id = await idOf('mark-other@example.com');
      // The corpus PDF encrypted with an empty user password (owner restrictions only): pdf.js opens it, so the
      // site publishes it; pdf-lib cannot, so the mark goes on the copy `qpdf --decrypt` makes.
      execFileSync('qpdf', ['--encrypt', '', '', '256', '--', PDF2, ENCRYPTED(work)], { stdio: 'pipe' });
      for (const [kind, path] of [
        ['docx', DOCX],
        ['pdf', PDF],
        ['encrypted', ENCRYPTED(work)],
      ] as const) {
        const up = await writer.upload(path, { title: `标记测试${kind}`, category: '1', description: '', price: '10' });
        assert.equal(up.statusCode, 201, up.body);
        docs[kind] = (up.json() as { id: number }).id;
        assert.equal((await waitForStatus(writer, docs[kind], 600_000)).status, 'published');
      }
      for (const u of [buyer, other]) {
        await grantCredits(t.deps, undefined, { userId: u.id, amount: 100, reason: '测试发放' });
        for (const id of Object.values(docs)) {
          const csrf = await u.client.csrf(`/d/${id}/buy`);
          const res = await u.client.postForm(`/d/${id}/buy`, { acceptTerms: '1' }, { csrf });
          assert.equal(res.statusCode, 303, res.body);
        }
      }
    });
    after(async () => {
      await t?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('the bought docx and PDF are marked for the buyer and trace back to the purchase', async () => {
      for (const kind of ['docx', 'pdf'] as const) {
        const file = await download(buyer.client, docs[kind]);
        assert.equal(file.headers['accept-ranges'], 'none');
        const original = readFileSync(kind === 'docx' ? DOCX : PDF);
        assert.ok(!file.rawPayload.equals(original), 'not the original bytes');
        // The same purchase always gets the same bytes (nothing random, nothing stored).
        assert.ok((await download(buyer.client, docs[kind])).rawPayload.equals(file.rawPayload));
        files[kind] = join(work, `marked.${kind}`);
        writeFileSync(files[kind], file.rawPayload);
        const r = await expectPurchase(files[kind], await purchaseOf(buyer.id, docs[kind]), docs[kind]);
        if (r.status === 'marked') {
          const carriers = r.purchases[0]!.carriers;
          assert.ok(carriers.includes('metadata'), `${kind}: metadata carries it (${carriers})`);
          assert.ok(carriers.includes(kind === 'docx' ? 'text' : 'hidden'), `${kind}: the text layer carries it`);
          if (kind === 'pdf') assert.ok(carriers.includes('xmp'), `pdf: XMP carries it (${carriers})`);
        }
        // The other buyer's copy names the other buyer's purchase, never this one.
        const theirs = join(work, `theirs.${kind}`);
        writeFileSync(theirs, (await download(other.client, docs[kind])).rawPayload);
        const rt = await traceFile(t.deps, theirs);
        assert.equal(rt.status, 'marked');
        if (rt.status === 'marked') {
          assert.deepEqual(
            rt.purchases.map((p) => p.purchaseId),
            [await purchaseOf(other.id, docs[kind])],
          );
        }
      }
      // qpdf accepts the marked PDF.
      execFileSync('qpdf', ['--check', files.pdf!], { stdio: 'pipe' });
      // The uploader's own download is the original.
      const unmarked = join(work, 'original.pdf');
      writeFileSync(unmarked, readFileSync(PDF));
      assert.equal((await traceFile(t.deps, unmarked)).status, 'unmarked');
    });

    test('LibreOffice re-saves (docx→docx, docx→pdf) and text copied to .txt still trace', async () => {
      assert.ok(files.docx && files.pdf, 'the first test wrote the marked files');
      const purchase = await purchaseOf(buyer.id, docs.docx);
      const lo = join(work, 'lo');
      // One LibreOffice at a time (the machine is shared).
      const resaved = await soffice(files.docx, 'docx:MS Word 2007 XML', join(lo, 'docx'));
      const exported = await soffice(files.docx, 'pdf', join(lo, 'pdf'));
      const text = await soffice(files.docx, 'txt:Text (encoded):UTF8', join(lo, 'txt'));
      await expectPurchase(resaved, purchase, docs.docx);
      const fromPdf = await expectPurchase(exported, purchase, docs.docx);
      if (fromPdf.status === 'marked') assert.ok(fromPdf.purchases[0]!.carriers.includes('hidden'));
      const fromTxt = await expectPurchase(text, purchase, docs.docx);
      if (fromTxt.status === 'marked') assert.deepEqual(fromTxt.purchases[0]!.carriers, ['text']);
      // The re-saved docx, exported once more to PDF: still traced.
      await expectPurchase(await soffice(resaved, 'pdf', join(lo, 'pdf2')), purchase, docs.docx);
      // The PDF's text copied out (pdftotext, as a viewer's select-all and copy gives it).
      const pdfText = join(work, 'pdf-copy.txt');
      execFileSync('pdftotext', ['-enc', 'UTF-8', files.pdf!, pdfText], { stdio: 'pipe' });
      await expectPurchase(pdfText, await purchaseOf(buyer.id, docs.pdf), docs.pdf);
    });

    test('a file edited to carry another purchase id is refused; an unmarked file is unmarked', async () => {
      const key = markKey(t.deps.downloadUrlSecret);
      const mine = signMark(key, await purchaseOf(buyer.id, docs.docx));
      const theirs = await purchaseOf(other.id, docs.docx);
      // Keep the MAC, change the id to the other buyer's purchase — in every carrier of the docx.
      const forged = Buffer.from(mine);
      forged.writeUIntBE(theirs, 1, 5);
      const swap = (s: string) =>
        s.split(toAscii(mine)).join(toAscii(forged)).split(toInvisible(mine)).join(toInvisible(forged));
      const index = await openZipIndex(files.docx!);
      const replace = new Map<string, Buffer>();
      for (const name of index.entries.keys()) {
        if (!/\.xml$/.test(name)) continue;
        const xml = (await readEntry(index, name, 50 * 1024 * 1024))!.toString('utf8');
        if (swap(xml) !== xml) replace.set(name, Buffer.from(swap(xml)));
      }
      assert.ok(replace.size >= 2, 'the token was found in the body and the properties');
      const edited = join(work, 'edited.docx');
      await pipeline(Readable.from(rewriteZip(index, replace, new Map())), createWriteStream(edited));
      const r = await traceFile(t.deps, edited);
      assert.deepEqual(r, { status: 'forged', kind: 'docx', claimedIds: [theirs] });
      // The same in a text copy.
      const txt = join(work, 'edited.txt');
      writeFileSync(txt, `第一段${toInvisible(forged)}正文`);
      assert.equal((await traceFile(t.deps, txt)).status, 'forged');
      // Unmarked: the corpus originals and a plain text.
      assert.deepEqual(await traceFile(t.deps, DOCX), { status: 'unmarked', kind: 'docx' });
      assert.deepEqual(await traceFile(t.deps, PDF), { status: 'unmarked', kind: 'pdf' });
      writeFileSync(txt, '没有标记的文本');
      assert.deepEqual(await traceFile(t.deps, txt), { status: 'unmarked', kind: 'text' });
    });

    test('the visible line follows the operator switch; the admin page and `wenyuan trace` report the purchase', async () => {
      await saveMarkSettings(t.deps, { visible: false, required: false });
      const quiet = join(work, 'quiet.docx');
      writeFileSync(quiet, (await download(buyer.client, docs.docx)).rawPayload);
      const footers = async (path: string) => {
        const index = await openZipIndex(path);
        let text = '';
        for (const name of index.entries.keys())
          if (/footer/.test(name)) text += (await readEntry(index, name, 1 << 20))!.toString('utf8');
        index.zip.close();
        return text;
      };
      assert.doesNotMatch(await footers(quiet), /仅供/);
      assert.match(await footers(files.docx!), /仅供 买\*\*者 个人使用/);
      await expectPurchase(quiet, await purchaseOf(buyer.id, docs.docx), docs.docx);
      await saveMarkSettings(t.deps, { visible: true, required: false });
      // The document page tells the buyer the download is marked.
      assert.match((await buyer.client.get(`/d/${docs.docx}`)).body, /data-mark="marked"/);

      // The CLI against this site's database and data directory.
      const cli = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'trace', files.pdf!], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: t.dataDir, DATABASE_URL: t.tdb.url },
        encoding: 'utf8',
      });
      assert.match(cli, new RegExp(`购买 #${await purchaseOf(buyer.id, docs.pdf)}：买家 买\\*\\*者`));
      const none = (() => {
        try {
          execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'trace', PDF], {
            cwd: ROOT,
            env: { ...process.env, DATA_DIR: t.dataDir, DATABASE_URL: t.tdb.url },
            encoding: 'utf8',
          });
          return { status: 0, stdout: '' };
        } catch (err) {
          return err as { status: number; stdout: string };
        }
      })();
      assert.equal(none.status, 1);
      assert.match(none.stdout, /未发现购买者标记/);

      // The admin page: a buyer is refused; the admin uploads the file and reads the purchase.
      assert.equal((await buyer.client.get('/admin/trace')).statusCode, 403);
      const admin = new TestClient(t.app);
      await admin.register('mark-admin@example.com', '管理员');
      await t.deps.database.db
        .updateTable('users')
        .set({ role: 'admin' })
        .where('email', '=', 'mark-admin@example.com')
        .execute();
      const relog = new TestClient(t.app);
      const csrfLogin = await relog.csrf('/login');
      await relog.postForm(
        '/login',
        { identifier: 'mark-admin@example.com', password: 'correct horse 1' },
        { csrf: csrfLogin },
      );
      const page = await relog.get('/admin/trace');
      assert.equal(page.statusCode, 200, page.body);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const boundary = '----wenyuanTrace';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="leak.docx"\r\n\r\n`),
        readFileSync(files.docx!),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await t.app.inject({
        method: 'POST',
        url: `/admin/trace?_csrf=${encodeURIComponent(csrf)}`,
        payload: body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: relog.cookieHeader() },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, new RegExp(`购买 #${await purchaseOf(buyer.id, docs.docx)}：买家 买\\*\\*者`));
    });
    test('an empty-password encrypted PDF is decrypted, marked and traced; a file that cannot be marked says so', async () => {
      const db = t.deps.database.db;
      const stateOf = async (id: number) =>
        (await db.selectFrom('documents').select('mark_state').where('id', '=', id).executeTakeFirstOrThrow())
          .mark_state;
      // Conversion marked each paid file once: all three can carry the mark.
      for (const id of Object.values(docs)) assert.equal(await stateOf(id), 'ok');
      // A document converted before the probe existed is probed by `wenyuan trace --probe`.
      await db.updateTable('documents').set({ mark_state: null }).where('id', '=', docs.encrypted).execute();
      assert.deepEqual(await probeDocuments(t.deps), { checked: 1, unmarkable: [] });
      assert.equal(await stateOf(docs.encrypted), 'ok');
      const marked = join(work, 'encrypted-marked.pdf');
      writeFileSync(marked, (await download(buyer.client, docs.encrypted)).rawPayload);
      assert.ok(readFileSync(marked).indexOf('/Encrypt') < 0, 'the marked copy is the decrypted one');
      execFileSync('qpdf', ['--check', marked], { stdio: 'pipe' });
      const r = await expectPurchase(marked, await purchaseOf(buyer.id, docs.encrypted), docs.encrypted);
      if (r.status === 'marked') assert.deepEqual(r.purchases[0]!.carriers, ['hidden', 'metadata', 'xmp']);
      assert.match((await buyer.client.get(`/d/${docs.encrypted}`)).body, /data-mark="marked"/);

      // A file the marker cannot rewrite (as if qpdf could not repair it): the page says so and the buyer gets the
      // original; with marks required it is not sold, and an earlier buyer still gets the original.
      assert.equal(await probeMarkState(join(ROOT, 'package.json'), 'pdf'), 'unreadable');
      await db
        .updateTable('documents')
        .set((eb) => ({ mark_state: 'unreadable', rev: eb('rev', '+', 1) }))
        .where('id', '=', docs.pdf)
        .execute();
      const third = new TestClient(t.app);
      await third.register('mark-third@example.com', '第三读者');
      const page = (await third.get(`/d/${docs.pdf}`)).body;
      assert.match(page, /data-mark="unmarkable"/);
      assert.match(page, /此文件无法加水印（文件结构无法改写）/);
      assert.ok((await download(buyer.client, docs.pdf)).rawPayload.equals(readFileSync(PDF)), 'the original');
      await saveMarkSettings(t.deps, { visible: true, required: true });
      try {
        assert.match((await third.get(`/d/${docs.pdf}`)).body, /data-mark="notForSale"/);
        const refused = await third.get(`/d/${docs.pdf}/buy`);
        assert.equal(refused.statusCode, 400);
        assert.match(refused.body, /此文件无法加水印，暂停出售/);
        assert.ok((await download(buyer.client, docs.pdf)).rawPayload.equals(readFileSync(PDF)));
        // The markable ones are still sold, marked.
        assert.match((await third.get(`/d/${docs.docx}`)).body, /data-mark="marked"/);
      } finally {
        await saveMarkSettings(t.deps, { visible: true, required: false });
        await db.updateTable('documents').set({ mark_state: 'ok' }).where('id', '=', docs.pdf).execute();
      }
    });
  });
}
