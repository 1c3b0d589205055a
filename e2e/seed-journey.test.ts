import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { maskIdNumber } from '../src/features/verification/id-number.ts';
import { launchBrowser, launchPersistentContext } from '../src/testing/browser.ts';
import { SEED_DOCX, SEED_TXT } from '../src/testing/paths.ts';
import { type ServerProcess, spawnServer, verifyContactByCli } from '../src/testing/process.ts';
import { makeIdNumber } from '../src/testing/verification.ts';

const seedLines = readFileSync(SEED_TXT, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
const TITLE = seedLines[0]!;
const OPENING = seedLines[2]!.slice(0, 30);
const PAST_CUT = seedLines.at(-1)!.slice(0, 20);
const SHOTS = join(process.cwd(), 'tmp', 'e2e');
const ID_NUMBER = makeIdNumber({ region: '330106', birth: '19860412', seq: '215' });

let server: ServerProcess;
let browser: Browser;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wy-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
  const env = { DATA_DIR: dataDir, JOB_POLL_MS: '100', LOG_ACCESS: 'false' };
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
    {
      env: { ...process.env, ...env },
      stdio: 'pipe',
    },
  );
  server = await spawnServer(env);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function login(page: Page, identifier: string, password: string) {
  await page.goto(`${server.url}/login`);
  await page.fill('[name="identifier"]', identifier);
  await page.fill('[name="password"]', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('#main button[type=submit]'),
  ]);
}

test('register → upload the seed as a paid document → published → anonymous preview → delete → 410', async () => {
  // 1. Register through the form.
  const ownerCtx = await browser.newContext({ locale: 'zh-CN' });
  const owner = await ownerCtx.newPage();
  await owner.goto(`${server.url}/register`);
  await owner.fill('[name="identifier"]', 'xiaobigan@example.com');
  await owner.fill('[name="displayName"]', '基层小笔杆');
  await owner.fill('[name="password"]', 'pen-and-ink-2024');
  await owner.fill('[name="passwordConfirm"]', 'pen-and-ink-2024');
  await Promise.all([owner.waitForURL(`${server.url}/`), owner.click('#main button[type=submit]')]);
  assert.ok(await owner.isVisible('text=基层小笔杆'));

  // 2. A bio for the uploader card.
  await owner.goto(`${server.url}/settings/profile`);
  await owner.fill('#profile-bio', '分享文档素材,服务帮助笔杆子');
  await Promise.all([
    owner.waitForURL(/\/settings\/profile\?notice=saved$/),
    owner.click('form[action="/settings/profile"] button[type=submit]'),
  ]);

  // No SMTP_URL here: the operator vouches for the owner's email (selling needs a verified contact first).
  verifyContactByCli(dataDir, 'xiaobigan@example.com');

  // 3. Selling needs real-name verification: the upload form says so; the owner submits name and number, an admin
  //     approves in 实名审核 (the number stays masked there).
  await owner.goto(`${server.url}/upload`);
  assert.ok(await owner.locator('[data-needs-verification] a[href="/account/verification"]').isVisible());
  await owner.goto(`${server.url}/account/verification`);
  await owner.fill('#verification-legalName', '张小笔');
  await owner.fill('#verification-idNumber', ID_NUMBER);
  await owner.check('input[name=consent]');
  await Promise.all([
    owner.waitForURL(/\/account\/verification\?notice=submitted/),
    owner.click('#main button[type=submit]'),
  ]);
  assert.ok((await owner.locator('#main').innerText()).includes('审核中'));
  const adminCtx = await browser.newContext({ locale: 'zh-CN' });
  const admin = await adminCtx.newPage();
  await login(admin, 'admin@example.com', 'admin-password-1');
  await admin.goto(`${server.url}/admin/verifications`);
  const row = admin.locator('tr', { hasText: '基层小笔杆' });
  assert.ok((await row.innerText()).includes(maskIdNumber(ID_NUMBER)));
  assert.ok(!(await admin.content()).includes(ID_NUMBER), 'masked for staff');
  await Promise.all([admin.waitForURL(/notice=approved/), row.locator('button', { hasText: '通过' }).click()]);
  await adminCtx.close();

  // 4. Upload the seed speech as a paid document.
  await owner.goto(`${server.url}/upload`);
  await owner.selectOption('#upload-category', { label: '讲话稿' });
  await owner.fill('#upload-price', '300');
  await owner.setInputFiles('#upload-file', SEED_DOCX);
  await owner.click('#main button[type=submit]');

  // 5. The upload queue shows the file's status turning to 已发布 by itself (the client polls), and so does 我的文档.
  await owner.waitForFunction(
    () => document.querySelector('[data-upload-queue] [data-doc-status]')?.getAttribute('data-status') === 'published',
    null,
    { timeout: 60_000 },
  );
  await owner.goto(`${server.url}/my/documents`);
  const status = owner.locator('[data-doc-status]').first();
  assert.equal((await status.textContent())?.trim(), '已发布');
  const href = await owner.locator('#main table a[href^="/d/"]').first().getAttribute('href');
  assert.ok(href);
  const docUrl = `${server.url}${href}`;

  // 6. An anonymous reader opens the page.
  const readerCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const reader = await readerCtx.newPage();
  const response = await reader.goto(docUrl);
  assert.equal(response?.status(), 200);
  const html = await reader.content();
  const main = (await reader.locator('#main').innerText()).replace(/\s+/g, '');
  assert.ok(main.includes(OPENING.replace(/\s+/g, '')), 'the preview holds the opening of the speech');
  assert.ok(!html.includes(PAST_CUT), 'nothing past the cut is in the page');

  // Every element of the reference page.
  assert.equal((await reader.locator('h1').innerText()).replace(/\s+/g, ' ').trim(), `DOCX ${TITLE}`);
  const meta = await reader.locator('.document__meta').innerText();
  for (const label of ['格式', 'DOCX', '大小', 'KB', '页数', '上传时间', '分类', '讲话稿'])
    assert.ok(meta.includes(label), label);
  assert.match(await reader.locator('.cut').innerText(), /剩余 \d+ 页（约 \d+ 字）未读，下载后阅读全文/);
  assert.ok((await reader.locator('.fragment').innerText()).includes('碎片内容'));
  const terms = await reader.locator('.terms').innerText();
  assert.ok(terms.includes('当您付费下载文档后，您只拥有了使用权限'));
  assert.ok(terms.includes('本站所有内容均由合作方或网友上传'));
  assert.ok(await reader.locator('.terms a', { hasText: '违规举报' }).isVisible());
  assert.match((await reader.locator('.download-box a.button').innerText()).trim(), /付费下载（300 文币）/);
  const card = reader.locator('.uploader-card');
  assert.ok((await card.innerText()).includes('基层小笔杆'));
  assert.ok(await card.locator('.button--follow', { hasText: '关注' }).isVisible());
  assert.ok(await card.locator('.badge--verified', { hasText: '实名认证' }).isVisible());
  assert.ok(await card.locator('.badge--provider', { hasText: '内容提供者' }).isVisible());
  assert.ok((await card.innerText()).includes('分享文档素材,服务帮助笔杆子'));
  assert.ok(
    await reader.locator('[data-install-prompt]', { hasText: '添加文苑 | 公文写作素材范文网站到电脑桌面' }).isVisible(),
  );
  assert.ok((await reader.locator('[data-install-prompt]').innerText()).includes('安装后可以在桌面快捷访问'));
  await reader.locator('.service-widget summary', { hasText: '微信客服' }).click();
  assert.ok(await reader.locator('.service-widget__panel').isVisible());
  await reader.mouse.wheel(0, 3000);
  await reader.locator('a.back-to-top', { hasText: '回到顶部' }).click();
  await reader.waitForFunction(() => window.scrollY === 0);
  assert.equal(await reader.locator('[data-confirm-delete]').count(), 0, 'no delete for readers');
  await reader.screenshot({ path: join(SHOTS, 'document-page.png'), fullPage: true });

  // The 关注 button sends an anonymous reader to log in first.
  await card.locator('a', { hasText: '关注' }).click();
  await reader.waitForURL(/\/login\?next=/);
  await readerCtx.close();

  // 7. Without JavaScript, 删除 leads to a 确认删除? page; 取消 goes back.
  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await ownerCtx.storageState() });
  const plain = await noJs.newPage();
  await plain.goto(docUrl);
  await plain.click('text=删除文档');
  assert.ok(plain.url().endsWith('/delete'));
  assert.equal((await plain.locator('h1').innerText()).trim(), '确认删除?');
  await plain.click('text=取消');
  assert.equal(plain.url(), docUrl);
  await noJs.close();

  // 8. With JavaScript, a dialog asks 确认删除? and deletes.
  await owner.goto(docUrl);
  await owner.click('text=删除文档');
  const dialog = owner.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  assert.ok((await dialog.innerText()).includes('确认删除?'));
  await owner.screenshot({ path: join(SHOTS, 'confirm-delete.png') });
  await Promise.all([owner.waitForURL(/\/my\/documents/), dialog.locator('button', { hasText: '确认删除' }).click()]);
  const goneCtx = await browser.newContext();
  const gonePage = await goneCtx.newPage();
  const gone = await gonePage.goto(docUrl);
  assert.equal(gone?.status(), 410);
  assert.ok((await gonePage.innerText('main')).includes('该文档已被删除'));
  await goneCtx.close();
  await ownerCtx.close();
});

test('添加到桌面 is backed by an installable web app: manifest, icons, service worker', async () => {
  // A persistent context, because incognito contexts are never installable.
  const ctx = await launchPersistentContext();
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`${server.url}/`);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, `${server.url}/`);
    await page.reload();
    const cdp = await ctx.newCDPSession(page);
    let errors: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      ({ installabilityErrors: errors } = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: unknown[];
      });
      if (errors.length === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(errors, [], 'Chromium reports the site installable');
    const manifest = await (await page.request.get(`${server.url}/manifest.webmanifest`)).json();
    assert.equal(manifest.short_name, '文苑');
    for (const icon of manifest.icons as Array<{ src: string }>) {
      const res = await page.request.get(`${server.url}${icon.src}`);
      assert.equal(res.status(), 200, icon.src);
      assert.equal(res.headers()['content-type'], 'image/png');
    }
  } finally {
    await ctx.close();
  }
});
