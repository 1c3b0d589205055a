// Page images of the free pages: rendered after publication, shown above the text preview with their size, served
// only while the page is entirely free — and, in Chromium, Chinese glyphs that really render (not tofu).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../testing/browser.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { updateSiteSettings } from '../site/service.ts';

const PDF = join(CORPUS_DIR, 'pdf-zh', 'libpku__专业课__中国哲学（下）__中国哲学（下）复习纲要.pdf');

async function waitForImages(t: TestApp, id: number, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await t.deps.database.db
      .selectFrom('documents')
      .select(['page_images', 'pages_rendered_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (row.pages_rendered_at) return JSON.parse(row.page_images ?? '[]') as Array<{ n: number; w: number; h: number }>;
    if (Date.now() > until) throw new Error('page images not rendered in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Share of pixels darker than mid-grey in a PNG/WebP. */
async function inkShare(
  bytes: Buffer,
): Promise<{ ink: number; width: number; height: number; data: Uint8ClampedArray }> {
  const img = await loadImage(bytes);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, img.width, img.height);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 3 * 128) dark++;
  return { ink: dark / (img.width * img.height), width: img.width, height: img.height, data };
}

describe('page images', () => {
  let t: TestApp;
  let owner: TestClient;
  let browser: Browser | undefined;
  let base = '';
  let firstId = 0;
  before(async () => {
    t = await createTestApp('sqlite', { env: { PAGE_IMAGES: 'true' } });
    owner = new TestClient(t.app);
    await owner.register('pages@example.com');
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await browser?.close();
    await t.close();
  });

  test('free pages get WebP images above the text; paid pages never do', async () => {
    // Free document, site default preview: images of the fully free pages.
    const up = await owner.upload(PDF, { title: '中国哲学复习纲要', category: '1', price: '0' });
    assert.equal(up.statusCode, 201, up.body);
    const { id } = up.json() as { id: number };
    firstId = id;
    assert.deepEqual(await waitForStatus(owner, id, 60_000), { status: 'published', reason: null });
    const images = await waitForImages(t, id);
    assert.ok(images.length >= 1, 'at least one page image');
    const anon = new TestClient(t.app);
    const html = (await anon.get(`/d/${id}`)).body;
    // Versioned by content (decision 0023): …/pages/1.webp?v=<12 hex digits of the image's key>.
    const tag = new RegExp(`<img[^>]*src="/d/${id}/pages/1\\.(webp|png)\\?v=[0-9a-f]{12}"[^>]*>`).exec(html)?.[0] ?? '';
    assert.ok(tag, 'the page shows the first image');
    assert.match(tag, /width="900"/);
    assert.match(tag, /height="\d+"/);
    assert.ok(html.indexOf('page-images') < html.indexOf('preview-text') || !html.includes('preview-text'));
    const ext = /\.(webp|png)\?v=/.exec(tag)![1];
    const img = await anon.get(`/d/${id}/pages/1.${ext}`);
    assert.equal(img.statusCode, 200);
    assert.equal(img.headers['content-type'], ext === 'webp' ? 'image/webp' : 'image/png');
    const { ink, width } = await inkShare(img.rawPayload);
    assert.equal(width, 900);
    assert.ok(ink > 0.005 && ink < 0.5, `page 1 has ink (${ink})`);

    // A page beyond the free part answers 404 even though the number is plausible.
    const beyond = images.length + 1;
    assert.equal((await anon.get(`/d/${id}/pages/${beyond}.${ext}`)).statusCode, 404);
    assert.equal((await anon.get(`/d/${id}/pages/../../etc.${ext}`)).statusCode, 404);

    // Making it paid with a 1 % cap: no page is fully free, so no image is shown or served.
    await t.deps.database.db.updateTable('documents').set({ price: 100 }).where('id', '=', id).execute();
    await t.deps.database.db
      .updateTable('documents')
      .set((eb) => ({ rev: eb('rev', '+', 1) }))
      .where('id', '=', id)
      .execute();
    await updateSiteSettings(t.deps, { previewMaxPercent: 1 });
    const paidHtml = (await new TestClient(t.app).get(`/d/${id}`)).body;
    assert.equal((await anon.get(`/d/${id}/pages/1.${ext}`)).statusCode, 404, 'no image of a page past the cut');
    assert.ok(!paidHtml.includes(`/d/${id}/pages/1.`), 'and none on the page');
    await updateSiteSettings(t.deps, { previewMaxPercent: 60 });
    await t.deps.database.db.updateTable('documents').set({ price: 0 }).where('id', '=', id).execute();
  });

  test('in Chromium the page image and the Chinese text render real glyphs, not tofu', async () => {
    // The same file again from the same uploader is refused while the first is live (issue #9): delete it first.
    const del = await owner.postForm(`/d/${firstId}/delete`, {}, { csrf: await owner.csrf(`/d/${firstId}/delete`) });
    assert.equal(del.statusCode, 303);
    const up = await owner.upload(PDF, { title: '中国哲学复习纲要（浏览器）', category: '1', price: '0' });
    const { id } = up.json() as { id: number };
    await waitForStatus(owner, id, 60_000);
    await waitForImages(t, id);
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    await page.goto(`${base}/d/${id}`);
    const img = page.locator('.page-images__page').first();
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLImageElement>('.page-images__page');
      return !!el && el.complete && el.naturalWidth > 0;
    });
    const shot = await img.screenshot();
    const { ink } = await inkShare(shot);
    assert.ok(ink > 0.005 && ink < 0.5, `the image shows ink in the browser (${ink})`);

    // Tofu test: the browser draws the document's own title text and, in the same font, characters no font has
    // (U+10FFFD, private use): if the Chinese glyphs were missing they would be the same boxes.
    // (A string, not a function: tsx's name-keeping helper does not exist in the page.)
    const compare = (await page.evaluate(`(() => {
      const draw = (s) => {
        const c = document.createElement('canvas');
        c.width = 400;
        c.height = 60;
        const ctx = c.getContext('2d');
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, 400, 60);
        ctx.fillStyle = '#000';
        ctx.font = '32px ' + getComputedStyle(document.body).fontFamily;
        ctx.fillText(s, 4, 44);
        const d = ctx.getImageData(0, 0, 400, 60).data;
        let ink = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 128) ink++;
        return { url: c.toDataURL(), ink };
      };
      const han = draw('中国哲学复习纲要');
      const tofu = draw('\u{10FFFD}'.repeat(8));
      return { same: han.url === tofu.url, hanInk: han.ink, tofuInk: tofu.ink };
    })()`)) as { same: boolean; hanInk: number; tofuInk: number };
    assert.equal(compare.same, false, 'Chinese glyphs differ from missing-glyph boxes');
    assert.ok(compare.hanInk > 500, `Chinese text has strokes (${compare.hanInk})`);
    // Strokes of eight Han characters are denser than eight hollow boxes.
    assert.ok(compare.hanInk > compare.tofuInk, `denser than tofu (${compare.hanInk} vs ${compare.tofuInk})`);
  });
});
