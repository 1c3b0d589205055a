// Issue #11 in Chromium, over a real SMTP server: register → confirm the e-mailed link → log out → 忘记密码 → the
// e-mailed reset link → log in with the new password; the session another device held is gone and the old password
// no longer works. The server is a separate process; the mail goes through nodemailer to smtp-server in this one.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../src/testing/browser.ts';
import { type ServerProcess, spawnServer } from '../src/testing/process.ts';
import { type SmtpCapture, startSmtpCapture } from '../src/testing/smtp-capture.ts';

const SHOTS = join(process.cwd(), 'tmp', 'e2e');
const EMAIL = 'recovery-writer@example.com';
const FIRST_PASSWORD = 'lantern-orchard-42';
const NEW_PASSWORD = 'harbour-meadow-77';

let smtp: SmtpCapture;
let server: ServerProcess;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];

before(async () => {
  smtp = await startSmtpCapture();
  dataDir = mkdtempSync(join(tmpdir(), 'wy-recovery-'));
  mkdirSync(SHOTS, { recursive: true });
  server = await spawnServer({
    DATA_DIR: dataDir,
    SMTP_URL: smtp.url,
    MAIL_FROM: '文苑 <no-reply@example.com>',
    JOB_POLL_MS: '100',
    LOG_ACCESS: 'false',
    PAGE_IMAGES: 'false',
  });
  browser = await launchBrowser();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.kill('SIGTERM');
  await smtp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh browser profile (its own cookies): one device. */
async function device(): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  contexts.push(ctx);
  return ctx.newPage();
}

/** The path and query of the first link to `path` in the newest mail to `to` received after `since` mails. */
async function linkFromMail(to: string, path: string, since: number): Promise<string> {
  const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= since && m.envelope.to.includes(to), 30_000);
  const text = `${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`;
  const m = new RegExp(`https?://[^\\s"<>]+(${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_\\-.%]+)`).exec(text);
  assert.ok(m?.[1], `no ${path} link in the mail:\n${text}`);
  return m[1];
}

async function login(page: Page, password: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.fill('[name="identifier"]', EMAIL);
  await page.fill('[name="password"]', password);
  await page.click('#main button[type=submit]');
  await page.waitForLoadState('load');
}

async function loggedIn(page: Page): Promise<boolean> {
  return (await page.locator('form[action="/logout"]').count()) > 0;
}

test('register → verify e-mail → log out → 忘记密码 → reset → the new password works, other sessions are gone', async () => {
  // 1. Register: with mail configured, the account exists only once the e-mailed link is confirmed.
  const laptop = await device();
  await laptop.goto(`${server.url}/register`);
  await laptop.fill('[name="identifier"]', EMAIL);
  await laptop.fill('[name="displayName"]', '找回测试');
  await laptop.fill('[name="password"]', FIRST_PASSWORD);
  await laptop.fill('[name="passwordConfirm"]', FIRST_PASSWORD);
  const before = smtp.messages.length;
  await laptop.click('#main button[type=submit]');
  await laptop.waitForLoadState('load');
  assert.match(await laptop.locator('#main').innerText(), /已发送/);
  assert.equal(await loggedIn(laptop), false, 'no session before the address is proved');

  const confirm = await linkFromMail(EMAIL, '/register/confirm', before);
  await laptop.goto(`${server.url}${confirm}`);
  await laptop.click('form[action="/register/confirm"] button[type=submit]');
  await laptop.waitForLoadState('load');
  assert.ok(await loggedIn(laptop), 'confirming the link logs the new account in');
  await laptop.goto(`${server.url}/settings/security`);
  assert.match(await laptop.locator('#main').innerText(), new RegExp(EMAIL.replace('.', '\\.')));
  assert.doesNotMatch(await laptop.content(), /未验证/, 'the e-mail shows as verified');

  // A second device logs in with the first password and stays logged in.
  const phone = await device();
  await login(phone, FIRST_PASSWORD);
  assert.ok(await loggedIn(phone));

  // 2. Log out, then 忘记密码 from the login page.
  await laptop.click('form[action="/logout"] button');
  await laptop.waitForLoadState('load');
  assert.equal(await loggedIn(laptop), false);
  await laptop.goto(`${server.url}/login`);
  await laptop.click('a[href="/password/forgot"]');
  await laptop.fill('[name="identifier"]', EMAIL);
  const beforeReset = smtp.messages.length;
  await laptop.click('form[action="/password/forgot"] button[type=submit]');
  await laptop.waitForLoadState('load');
  assert.match(await laptop.locator('#main').innerText(), /如果/, 'the same answer for any identifier');

  // 3. The reset link sets the new password.
  const reset = await linkFromMail(EMAIL, '/password/reset', beforeReset);
  await laptop.goto(`${server.url}${reset}`);
  await laptop.fill('[name="password"]', NEW_PASSWORD);
  await laptop.fill('[name="passwordConfirm"]', NEW_PASSWORD);
  await laptop.click('form[action="/password/reset"] button[type=submit]');
  await laptop.waitForLoadState('load');
  await laptop.screenshot({ path: join(SHOTS, 'recovery-reset-done.png'), fullPage: true });

  // The link works once.
  await laptop.goto(`${server.url}${reset}`);
  assert.equal(
    await laptop.locator('form[action="/password/reset"] [name="password"]').count(),
    0,
    'a used link is dead',
  );

  // 4. The old password is refused, the new one works.
  await login(laptop, FIRST_PASSWORD);
  assert.equal(await loggedIn(laptop), false, 'the old password no longer works');
  await login(laptop, NEW_PASSWORD);
  assert.ok(await loggedIn(laptop), 'the new password logs in');

  // 5. The other device's session ended with the reset.
  await phone.goto(`${server.url}/settings/security`);
  assert.equal(await loggedIn(phone), false, 'the session of the second device is gone');
  assert.match(new URL(phone.url()).pathname, /^\/login/);
});
