import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/testing/browser.ts';
import { type FakeAlipayGateway, startFakeAlipayGateway } from '../src/testing/fake-alipay-gateway.ts';
import { SEED_DOCX } from '../src/testing/paths.ts';
import { freePort, HttpClient, type ServerProcess, spawnServer, verifyContactByCli } from '../src/testing/process.ts';
import { makeIdNumber } from '../src/testing/verification.ts';

const SHOTS = join(process.cwd(), 'tmp', 'e2e');

let server: ServerProcess;
let browser: Browser;
let gateway: FakeAlipayGateway;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wy-money-'));
  mkdirSync(SHOTS, { recursive: true });
  gateway = await startFakeAlipayGateway();
  const port = await freePort();
  // An admin to approve the uploader's real-name verification.
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/index.ts',
      'create-admin',
      '--email',
      'admin@example.com',
      '--password',
      'admin-password-1',
    ],
    { env: { ...process.env, DATA_DIR: dataDir }, stdio: 'pipe' },
  );
  server = await spawnServer({
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    JOB_POLL_MS: '100',
    LOG_ACCESS: 'false',
    ...gateway.env(),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
  await gateway?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('top up through the gateway → buy a paid document → download the identical file → no second purchase', async () => {
  // 1. An uploader publishes the seed speech at 300 文币.
  const uploader = new HttpClient(server.url);
  assert.equal(await uploader.register('uploader@example.com', '基层小笔杆'), 303);
  // No SMTP_URL here: the operator vouches for the uploader's email (selling needs a verified contact).
  verifyContactByCli(dataDir, 'uploader@example.com');
  // Selling needs real-name verification: the uploader submits, an admin approves (both over HTTP).
  const verification = await uploader.submitVerification('王小笔', makeIdNumber());
  const admin = new HttpClient(server.url);
  assert.equal(await admin.login('admin@example.com', 'admin-password-1'), 303);
  assert.equal((await admin.postForm(`/admin/verifications/${verification}/approve`, {})).status, 200);
  const docId = await uploader.upload(SEED_DOCX, { title: '', category: '1', price: '300' });
  const until = Date.now() + 60_000;
  while ((await uploader.status(docId)) !== 'published') {
    assert.ok(Date.now() < until, 'published in time');
    await new Promise((r) => setTimeout(r, 200));
  }

  // 2. A reader registers in Chromium and tops up 10 元 through Alipay page pay (the fake gateway).
  const ctx = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/register`);
  await page.fill('[name="identifier"]', 'reader@example.com');
  await page.fill('[name="displayName"]', '读者小王');
  await page.fill('[name="password"]', 'reader-password-1');
  await page.fill('[name="passwordConfirm"]', 'reader-password-1');
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('#main button[type=submit]')]);
  await page.goto(`${server.url}/my/wallet`);
  assert.equal((await page.locator('#wallet-balance').innerText()).trim(), '0');
  await page.click('a[href="/my/wallet/topup"]');
  await page.check('input[name=amount][value="1000"]');
  await Promise.all([page.waitForURL(/gateway\.do/), page.click('#topup-submit')]);
  assert.equal((await page.locator('#fake-amount').innerText()).trim(), '10.00');
  await Promise.all([page.waitForURL(/\/my\/wallet\/topup\/return/), page.click('#fake-pay')]);
  assert.match(await page.locator('#topup-status').innerText(), /充值成功：1000 文币 已到账/);
  await page.goto(`${server.url}/my/wallet`);
  assert.equal((await page.locator('#wallet-balance').innerText()).trim(), '1000');

  // 3. Buy: the document page offers 付费下载, the confirmation shows the terms to accept, the download starts.
  await page.goto(`${server.url}/d/${docId}`);
  const cta = page.locator('.download-box a.button');
  assert.match((await cta.innerText()).trim(), /付费下载（300 文币）/);
  await Promise.all([page.waitForURL(`${server.url}/d/${docId}/buy`), cta.click()]);
  assert.ok((await page.locator('.terms').innerText()).includes('当您付费下载文档后，您只拥有了使用权限'));
  await page.check('input[name=acceptTerms]');
  await page.screenshot({ path: join(SHOTS, 'money-confirm.png'), fullPage: true });
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.click('#confirm-buy'),
  ]);
  const saved = join(dataDir, 'downloaded.bin');
  await download.saveAs(saved);
  // The paid download is the buyer's marked copy (decision 0019): not the upload's bytes, and it traces back.
  assert.ok(!readFileSync(saved).equals(readFileSync(SEED_DOCX)), 'the paid download carries the buyer mark');
  const traced = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'trace', '--json', saved], {
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  assert.equal((JSON.parse(traced) as { status: string }).status, 'marked');
  assert.match(download.suggestedFilename(), /\.docx$/);

  // 4. Buying again is not offered: the page offers a free re-download, and the balance was charged once.
  await page.goto(`${server.url}/d/${docId}`);
  assert.equal((await cta.innerText()).trim(), '已购买 · 免费下载');
  assert.equal(await page.locator(`a[href="/d/${docId}/buy"]`).count(), 0);
  await page.screenshot({ path: join(SHOTS, 'money-owned.png'), fullPage: true });
  // Even the confirmation URL typed by hand only leads to the (free) download.
  const direct = await page.request.get(`${server.url}/d/${docId}/buy`, { maxRedirects: 0 });
  assert.equal(direct.status(), 303);
  assert.equal(direct.headers().location, `/d/${docId}/download`);
  await page.goto(`${server.url}/my/wallet`);
  assert.equal((await page.locator('#wallet-balance').innerText()).trim(), '700');
  assert.match(await page.locator('.ledger-table').innerText(), /购买文档/);
  await ctx.close();
});
