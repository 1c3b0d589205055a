// OFD through the whole site: upload → published with its text, 含电子签章 on a signed package, page images drawn from
// the package (checked in Chromium: ink, and Chinese glyphs rather than missing-glyph boxes), the image-only
// packages rejected with the no-text reason.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Browser } from 'playwright-core';
import { renderOfdPages } from '../../convert/render-ofd.ts';
import { launchBrowser } from '../../testing/browser.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { buildZip } from '../../testing/zip-fixtures.ts';

const OFD = join(CORPUS_DIR, 'ofd');
// A real 公文 (a 函 of a municipal bureau): red header, body text, a seal image.
const GONGWEN = join(OFD, 'ofdrw__ofdrw-converter__testPathFillOpacity.ofd');

async function waitForImages(t: TestApp, id: number, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await t.deps.database.db
      .selectFrom('documents')
      .select(['page_images', 'pages_rendered_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (row.pages_rendered_at) return JSON.parse(row.page_images ?? '[]') as Array<{ n: number }>;
    if (Date.now() > until) throw new Error('page images not rendered in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Share of dark pixels, and of red ones (the 红头 and the seal), in an image. */
async function inks(bytes: Buffer) {
  const img = await loadImage(bytes);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, img.width, img.height);
  let dark = 0;
  let red = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (r + g + b < 3 * 110) dark++;
    if (r > 180 && g < 90 && b < 90) red++;
  }
  const n = img.width * img.height;
  return { dark: dark / n, red: red / n, width: img.width };
}

describe('OFD documents on the site', () => {
  let t: TestApp;
  let owner: TestClient;
  let browser: Browser | undefined;
  let base = '';
  before(async () => {
    t = await createTestApp('sqlite', { env: { PAGE_IMAGES: 'true' } });
    owner = new TestClient(t.app);
    await owner.register('ofd@example.com');
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await browser?.close();
    await t.close();
  });

  test('a 公文 OFD publishes with its text, and its page image shows real Chinese glyphs in Chromium', async () => {
    const up = await owner.upload(GONGWEN, { title: '', category: '1', price: '0' });
    assert.equal(up.statusCode, 201, up.body);
    const { id } = up.json() as { id: number };
    assert.deepEqual(await waitForStatus(owner, id, 60_000), { status: 'published', reason: null });
    const images = await waitForImages(t, id);
    assert.equal(images.length, 1);
    const html = (await new TestClient(t.app).get(`/d/${id}`)).body;
    assert.match(html, /关于加快南货场铁路涵洞下穿建设的函/);
    assert.match(html, /蚌山区政府/);
    const ext = /\/d\/\d+\/pages\/1\.(webp|png)/.exec(html)?.[1];
    assert.ok(ext, 'the page shows its image');

    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    await page.goto(`${base}/d/${id}`);
    const img = page.locator('.page-images__page').first();
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLImageElement>('.page-images__page');
      return !!el && el.complete && el.naturalWidth > 0;
    });
    const shot = await inks(await img.screenshot());
    assert.ok(shot.dark > 0.01 && shot.dark < 0.3, `body text is drawn (${shot.dark})`);
    assert.ok(shot.red > 0.005, `the red header and seal are drawn (${shot.red})`);
  });

  test('the glyphs are Chinese glyphs, not missing-glyph boxes: the same page with unknown characters differs', async () => {
    // The same one-line page twice: once with Chinese text, once with characters no font has (U+10FFFD).
    const dir = await mkdtemp(join(tmpdir(), 'wenyuan-ofd-'));
    try {
      const make = async (name: string, text: string) => {
        const NS = 'xmlns:ofd="http://www.ofdspec.org/2016"';
        const path = join(dir, name);
        const chars = Array.from(text);
        await writeFile(
          path,
          buildZip([
            {
              name: 'OFD.xml',
              data: `<ofd:OFD ${NS} Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
            },
            {
              name: 'Doc_0/Document.xml',
              data: `<ofd:Document ${NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 60</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>`,
            },
            {
              name: 'Doc_0/PublicRes.xml',
              data: `<ofd:Res ${NS}><ofd:Fonts><ofd:Font ID="2" FontName="仿宋_GB2312"/></ofd:Fonts></ofd:Res>`,
            },
            {
              name: 'Doc_0/Pages/Page_0/Content.xml',
              data: `<ofd:Page ${NS}><ofd:Content><ofd:Layer ID="3"><ofd:TextObject ID="4" Boundary="10 20 190 20" Font="2" Size="12"><ofd:TextCode X="0" Y="12" DeltaX="g ${chars.length - 1} 14">${text}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>`,
            },
          ]),
        );
        const out = join(dir, name.replace('.ofd', ''));
        const r = await renderOfdPages({
          pdfPath: path,
          source: 'ofd',
          pages: 1,
          outDir: out,
          width: 900,
          maxHeight: 4000,
          watermark: '',
          maxPages: 10,
        });
        return readFile(r.pages[0]!.file);
      };
      // Missing glyphs all look alike (two different unknown characters give the same image: the control); real
      // Chinese glyphs differ from each other and from the boxes. Without CJK fonts the two Chinese lines would be
      // the same row of boxes.
      const tofuA = await make('tofu-a.ofd', '\u{10FFFD}'.repeat(13));
      const tofuB = await make('tofu-b.ofd', '\u{10FFFC}'.repeat(13));
      const hanA = await make('han-a.ofd', '关于做好年度工作总结的通知');
      const hanB = await make('han-b.ofd', '各单位要认真贯彻落实会议精');
      assert.deepEqual(tofuA, tofuB, 'control: unknown characters all render as the same boxes');
      assert.notDeepEqual(hanA, hanB, 'two Chinese lines render differently');
      assert.notDeepEqual(hanA, tofuA, 'Chinese text renders differently from unknown characters');
      assert.ok((await inks(hanA)).dark > 0.01, 'Chinese glyphs have strokes');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a signed package says 含电子签章; an image-only package is rejected with the no-text reason', async () => {
    const signed = await owner.upload(join(OFD, 'ofdrw__ofdrw-converter__999.ofd'), {
      title: '增值税电子普通发票',
      category: '1',
      price: '0',
    });
    const { id } = signed.json() as { id: number };
    assert.equal((await waitForStatus(owner, id, 60_000)).status, 'published');
    const html = (await new TestClient(t.app).get(`/d/${id}`)).body;
    assert.match(html, /含电子签章（未验证）/);
    assert.match(html, /发票代码：050001700111/);

    const scan = await owner.upload(join(OFD, 'ofdrw__ofdrw-converter__containsJPEG.ofd'), {
      title: '扫描件',
      category: '1',
      price: '0',
    });
    const scanId = (scan.json() as { id: number }).id;
    const status = await waitForStatus(owner, scanId, 60_000);
    assert.equal(status.status, 'rejected');
    assert.match(String(status.reason), /文字/);
  });
});
