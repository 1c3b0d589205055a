import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { startSmtpCapture } from '../testing/smtp-capture.ts';
import { createTestApp } from '../testing/test-app.ts';
import { DIALECTS } from '../testing/test-db.ts';
import { createNullMailer, MailError } from './mailer.ts';
import { createSmtpMailer, parseSmtpUrl } from './smtp-mailer.ts';

/** A logger whose lines a test can read. */
function recordingLog() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

const RESET_LINK = 'http://localhost:3000/reset/tok-9f8e7d6c5b4a';

test('a zh-CN message reaches a real SMTP server with subject, text, html and From decoded as UTF-8', async (t) => {
  const smtp = await startSmtpCapture();
  t.after(() => smtp.close());
  const { log, lines } = recordingLog();
  const mailer = createSmtpMailer({ url: smtp.url, from: '文苑 <no-reply@wenyuan.test>', timeoutMs: 5000, log });
  assert.equal(mailer.configured, true);

  const text = `你好，张三：\n\n请在 30 分钟内打开下面的链接设置新密码（链接只能使用一次）：\n${RESET_LINK}\n\n——文苑`;
  await mailer.send({
    to: 'zhangsan@example.cn',
    subject: '【文苑】重置密码',
    text,
    html: `<p>你好，张三：</p><p><a href="${RESET_LINK}">重置密码</a></p>`,
  });

  const mail = await smtp.waitFor((m) => m.subject === '【文苑】重置密码');
  assert.deepEqual(mail.envelope, { from: 'no-reply@wenyuan.test', to: ['zhangsan@example.cn'] });
  assert.equal(mail.text?.trim(), text);
  assert.match(String(mail.html), /<a href="http:\/\/localhost:3000\/reset\/tok-9f8e7d6c5b4a">重置密码<\/a>/);
  assert.equal(mail.from?.value[0]?.name, '文苑');
  assert.equal(mail.from?.value[0]?.address, 'no-reply@wenyuan.test');
  // The subject travelled as an RFC 2047 encoded word, not raw 8-bit bytes.
  const rawSubject = mail.headerLines.find((h) => h.key === 'subject')?.line ?? '';
  assert.match(rawSubject, /=\?UTF-8\?[BQ]\?/i);

  // Bodies carry reset links: the log has the domain, never the address, the subject's link or the text.
  const logged = lines.join('');
  assert.match(logged, /mail sent/);
  assert.match(logged, /example\.cn/);
  assert.ok(!logged.includes('tok-9f8e7d6c5b4a'), 'the reset token was logged');
  assert.ok(!logged.includes('zhangsan@'), 'the address was logged');
  assert.ok(!logged.includes('张三'), 'the body was logged');
});

test('SMTP login from the URL: the right password is accepted, a wrong one is a clear error without the password', async (t) => {
  const smtp = await startSmtpCapture({ auth: { user: 'mailer@wenyuan.test', pass: 'p@ss:word/1' } });
  t.after(() => smtp.close());
  const { log } = recordingLog();
  const ok = createSmtpMailer({ url: smtp.url, from: 'no-reply@wenyuan.test', timeoutMs: 5000, log });
  await ok.send({ to: 'a@example.cn', subject: '验证你的邮箱', text: '验证码 123456' });
  const mail = await smtp.waitFor((m) => m.subject === '验证你的邮箱');
  assert.equal(mail.authUser, 'mailer@wenyuan.test');

  const bad = createSmtpMailer({
    url: `smtp://mailer%40wenyuan.test:wrong-secret@127.0.0.1:${smtp.port}`,
    from: 'no-reply@wenyuan.test',
    timeoutMs: 5000,
    log,
  });
  await assert.rejects(
    bad.send({ to: 'a@example.cn', subject: 's', text: 't' }),
    (err: unknown) =>
      err instanceof MailError &&
      /refused the login/.test(err.message) &&
      !err.message.includes('wrong-secret') &&
      err.messageKey === 'mail.sendFailed',
  );
  assert.equal(smtp.messages.length, 1);
});

test('a refused connection becomes a MailError naming the server, not the password', async () => {
  // A port that was just free: bind, read it, close.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const { log, lines } = recordingLog();
  const mailer = createSmtpMailer({
    url: `smtp://user:hunter2-secret@127.0.0.1:${port}`,
    from: 'no-reply@wenyuan.test',
    timeoutMs: 5000,
    log,
  });
  await assert.rejects(
    mailer.send({ to: 'a@example.cn', subject: '重置密码', text: RESET_LINK }),
    (err: unknown) =>
      err instanceof MailError &&
      err.message === `SMTP server 127.0.0.1:${port} refused the connection` &&
      err.status === 503,
  );
  const logged = lines.join('');
  assert.match(logged, /refused the connection/);
  assert.ok(!logged.includes('hunter2-secret'));
  assert.ok(!logged.includes('tok-9f8e7d6c5b4a'));
});

test('a server that accepts the connection but never greets times out with a clear error', async (t) => {
  const sockets = new Set<Socket>();
  const silent = createServer((s) => sockets.add(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });
  const port = (silent.address() as { port: number }).port;
  const mailer = createSmtpMailer({
    url: `smtp://127.0.0.1:${port}`,
    from: 'no-reply@wenyuan.test',
    timeoutMs: 1000,
    log: recordingLog().log,
  });
  await assert.rejects(
    mailer.send({ to: 'a@example.cn', subject: 's', text: 't' }),
    (err: unknown) => err instanceof MailError && /timed out/.test(err.message),
  );
});

test('the null mailer says it is not configured and refuses to send', async () => {
  const mailer = createNullMailer();
  assert.equal(mailer.configured, false);
  await assert.rejects(mailer.send({ to: 'a@example.cn', subject: 's', text: 't' }), MailError);
});

test('SMTP URLs: smtps means TLS on 465, smtp means 587, credentials are decoded', () => {
  assert.deepEqual(parseSmtpUrl('smtps://u%40x.cn:p%2Fw@smtp.exmail.qq.com'), {
    host: 'smtp.exmail.qq.com',
    port: 465,
    secure: true,
    auth: { user: 'u@x.cn', pass: 'p/w' },
    where: 'smtp.exmail.qq.com:465',
  });
  const plain = parseSmtpUrl('smtp://relay.local:2525');
  assert.equal(plain.port, 2525);
  assert.equal(plain.secure, false);
  assert.equal(plain.auth, undefined);
  assert.equal(parseSmtpUrl('smtp://relay.local').port, 587);
  assert.throws(() => parseSmtpUrl('http://relay.local'));
});

for (const dialect of DIALECTS) {
  test(`SMTP_URL and MAIL_FROM reach the app's Deps through config and compose (${dialect})`, async (t) => {
    const smtp = await startSmtpCapture();
    const app = await createTestApp(dialect, {
      env: { SMTP_URL: smtp.url, MAIL_FROM: '文苑客服 <service@wenyuan.test>' },
      worker: false,
    });
    t.after(async () => {
      await app.close();
      await smtp.close();
    });
    assert.equal(app.deps.mailer.configured, true);
    assert.equal(app.deps.sms.kind, 'console');
    await app.deps.mailer.send({ to: 'reader@example.cn', subject: '【文苑】验证你的邮箱', text: '你好' });
    const mail = await smtp.waitFor((m) => m.envelope.to.includes('reader@example.cn'));
    assert.equal(mail.from?.value[0]?.name, '文苑客服');
    assert.equal(mail.subject, '【文苑】验证你的邮箱');
  });
}
