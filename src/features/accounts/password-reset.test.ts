import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verify } from '@node-rs/argon2';
import { contactVerifiedAt, linkPath, makeAccount, tokenOf } from '../../testing/account-flows.ts';
import { TestClient } from '../../testing/client.ts';
import { type FakeAliyunSms, startFakeAliyunSms } from '../../testing/fake-aliyun-sms.ts';
import { useMailSite } from '../../testing/mail-site.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { CODE_ATTEMPTS, WRONG_CODES_PER_HOUR } from './tokens.ts';

/** Logs a client in; returns the status (303 on success). */
async function login(c: TestClient, identifier: string, password: string): Promise<number> {
  return (await c.postForm('/login', { identifier, password }, { csrf: await c.csrf('/login') })).statusCode;
}

/** True while the client's session is alive (/upload answers instead of redirecting to the login form). */
async function loggedIn(c: TestClient): Promise<boolean> {
  return (await c.get('/upload')).statusCode === 200;
}

/** A different 6-digit code. */
const otherCode = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');

for (const dialect of DIALECTS) {
  describe(`忘记密码 by email link and by SMS code (console adapter) (${dialect})`, () => {
    const site = useMailSite(dialect);
    const { sms } = site;
    const hashOf = async (id: number) =>
      (
        await site.t.deps.database.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).password_hash;
    /** Lets the next request for an identifier through the one-minute resend pause (as if a minute had passed). */
    const ageTokens = (identifier: string, ms: number) =>
      site.t.deps.database.db
        .updateTable('account_tokens')
        .set((eb) => ({ created_at: eb('created_at', '-', ms) }))
        .where('identifier', '=', identifier)
        .execute();

    test('the link in the delivered mail resets once, ends every session and verifies the email', async () => {
      const id = await makeAccount(site.t.deps, 'reset.me@example.com', { password: 'old password 1' });
      const laptop = new TestClient(site.t.app);
      const phone = new TestClient(site.t.app);
      assert.equal(await login(laptop, 'reset.me@example.com', 'old password 1'), 303);
      assert.equal(await login(phone, 'reset.me@example.com', 'old password 1'), 303);

      const c = new TestClient(site.t.app);
      assert.ok((await c.get('/login')).body.includes('href="/password/forgot"'), '忘记密码 on the login page');
      const asked = await c.postForm(
        '/password/forgot',
        { identifier: 'Reset.Me@example.com' },
        { csrf: await c.csrf('/password/forgot') },
      );
      assert.equal(asked.statusCode, 200);
      assert.ok(asked.body.includes('如果该账号存在，我们已向 reset.me@example.com 发送了重置密码的链接'));
      const mail = await site.smtp.waitFor((m) => m.envelope.to.includes('reset.me@example.com'));
      assert.match(mail.subject ?? '', /重置密码/);
      const path = linkPath(mail, site.origin);
      assert.match(path, /^\/password\/reset\?token=/);

      const form = await c.get(path);
      assert.equal(form.statusCode, 200);
      assert.ok(form.body.includes('name="passwordConfirm"'));
      const csrf = await c.csrf(path);
      const weak = await c.postForm(
        '/password/reset',
        { token: tokenOf(path), password: '12345678', passwordConfirm: '12345678' },
        { csrf },
      );
      assert.equal(weak.statusCode, 400);
      assert.ok(weak.body.includes('这个密码太常见') && weak.body.includes('name="token"'), 'refused, form kept');
      const short = await c.postForm(
        '/password/reset',
        { token: tokenOf(path), password: 'short', passwordConfirm: 'short' },
        { csrf },
      );
      assert.ok(short.body.includes('密码至少 8 位'));
      assert.ok(await verify(await hashOf(id), 'old password 1'), 'nothing changed yet');

      const done = await c.postForm(
        '/password/reset',
        { token: tokenOf(path), password: 'new password 2', passwordConfirm: 'new password 2' },
        { csrf },
      );
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/login?notice=reset');
      assert.ok((await c.get('/login?notice=reset')).body.includes('密码已重置'));
      assert.ok(!(await loggedIn(laptop)) && !(await loggedIn(phone)), 'every old session ended');
      assert.ok((await contactVerifiedAt(site.t.deps, id)) !== null, 'receiving the link proved the address');
      assert.equal(await login(new TestClient(site.t.app), 'reset.me@example.com', 'old password 1'), 400);
      assert.equal(await login(laptop, 'reset.me@example.com', 'new password 2'), 303);

      const reused = await c.postForm(
        '/password/reset',
        { token: tokenOf(path), password: 'third password 3', passwordConfirm: 'third password 3' },
        { csrf: await c.csrf('/password/forgot') },
      );
      assert.equal(reused.statusCode, 400);
      assert.ok(reused.body.includes('该链接已经使用过'));
      assert.ok(await verify(await hashOf(id), 'new password 2'), 'a used link changes nothing');
      assert.equal((await c.get(path)).statusCode, 400, 'the form is not shown for a used link either');
      const notes = await site.t.deps.database.db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', id)
        .execute();
      assert.ok(
        notes.some((n) => n.kind === 'account.passwordReset'),
        '站内信',
      );
    });

    test('an expired link is refused with its reason and changes nothing', async () => {
      const id = await makeAccount(site.t.deps, 'late@example.com', { password: 'old password 1' });
      const c = new TestClient(site.t.app);
      await c.postForm(
        '/password/forgot',
        { identifier: 'late@example.com' },
        { csrf: await c.csrf('/password/forgot') },
      );
      const path = linkPath(await site.smtp.waitFor((m) => m.envelope.to.includes('late@example.com')), site.origin);
      await site.t.deps.database.db
        .updateTable('account_tokens')
        .set({ expires_at: Date.now() - 1000 })
        .where('identifier', '=', 'late@example.com')
        .execute();
      const page = await c.get(path);
      assert.equal(page.statusCode, 400);
      assert.ok(page.body.includes('该链接已过期') && page.body.includes('href="/password/forgot"'));
      const post = await c.postForm(
        '/password/reset',
        { token: tokenOf(path), password: 'new password 2', passwordConfirm: 'new password 2' },
        { csrf: await c.csrf('/password/forgot') },
      );
      assert.equal(post.statusCode, 400);
      assert.ok(post.body.includes('该链接已过期'));
      assert.ok(await verify(await hashOf(id), 'old password 1'));
      const forged = await c.get('/password/reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
      assert.equal(forged.statusCode, 400);
      assert.ok(forged.body.includes('链接无效'));
    });

    test('reset by SMS code through the console adapter; the code works once', async () => {
      const id = await makeAccount(site.t.deps, '13800138001', { password: 'old password 1' });
      const before = new TestClient(site.t.app);
      assert.equal(await login(before, '13800138001', 'old password 1'), 303);
      const c = new TestClient(site.t.app);
      const asked = await c.postForm(
        '/password/forgot',
        { identifier: '138 0013 8001' },
        { csrf: await c.csrf('/password/forgot') },
      );
      assert.ok(asked.body.includes('我们已向 13800138001 发送了 6 位验证码') && asked.body.includes('name="code"'));
      const code = sms.code('138****8001', 'reset');
      const csrf = await c.csrf('/password/forgot');
      const fields = { identifier: '13800138001', password: 'new password 2', passwordConfirm: 'new password 2' };
      const ok = await c.postForm('/password/reset', { ...fields, code }, { csrf });
      assert.equal(ok.statusCode, 303);
      assert.ok(!(await loggedIn(before)));
      assert.ok(await verify(await hashOf(id), 'new password 2'));
      assert.ok((await contactVerifiedAt(site.t.deps, id)) !== null);
      const again = await c.postForm(
        '/password/reset',
        { ...fields, code, password: 'third password 3', passwordConfirm: 'third password 3' },
        { csrf },
      );
      assert.equal(again.statusCode, 400);
      assert.ok(again.body.includes('该验证码已经使用过'));
      assert.ok(await verify(await hashOf(id), 'new password 2'));
    });

    test('brute force is bounded per code and per account; another account’s code is refused', async () => {
      const victim = await makeAccount(site.t.deps, '13800138002', { password: 'old password 1' });
      const other = await makeAccount(site.t.deps, '13800138003', { password: 'other password 1' });
      const c = new TestClient(site.t.app);
      const csrf = await c.csrf('/password/forgot');
      await c.postForm('/password/forgot', { identifier: '13800138002' }, { csrf });
      await c.postForm('/password/forgot', { identifier: '13800138003' }, { csrf });
      const victimCode = sms.code('138****8002', 'reset');
      const otherAccountCode = sms.code('138****8003', 'reset');
      const attempt = (identifier: string, code: string) =>
        c.postForm(
          '/password/reset',
          { identifier, code, password: 'taken over 9', passwordConfirm: 'taken over 9' },
          { csrf },
        );

      // The other account's (valid) code against the victim's number: a wrong code.
      const crossed = await attempt('13800138002', otherAccountCode);
      assert.equal(crossed.statusCode, 400);
      assert.ok(crossed.body.includes(`验证码错误，还可以再试 ${CODE_ATTEMPTS - 1} 次`));
      // Wrong codes until this code dies: then even the right one is refused.
      for (let i = 2; i < CODE_ATTEMPTS; i++) {
        const r = await attempt('13800138002', otherCode(victimCode, i));
        assert.ok(r.body.includes(`还可以再试 ${CODE_ATTEMPTS - i} 次`), r.body.slice(0, 200));
      }
      const last = await attempt('13800138002', otherCode(victimCode, 99));
      assert.ok(last.body.includes('输错次数过多，已失效'));
      const right = await attempt('13800138002', victimCode);
      assert.equal(right.statusCode, 400);
      assert.ok(right.body.includes('输错次数过多，已失效'), 'a dead code stays dead');

      // A new code (a minute later): the per-account budget for the hour runs out before it does.
      await ageTokens('13800138002', 61_000);
      await c.postForm('/password/forgot', { identifier: '13800138002' }, { csrf });
      const fresh = sms.code('138****8002', 'reset');
      for (let i = CODE_ATTEMPTS; i < WRONG_CODES_PER_HOUR; i++) await attempt('13800138002', otherCode(fresh, i));
      const blocked = await attempt('13800138002', fresh);
      assert.equal(blocked.statusCode, 429);
      assert.ok(blocked.body.includes('验证码输错次数过多'));
      assert.ok(blocked.headers['retry-after']);
      assert.ok(await verify(await hashOf(victim), 'old password 1'), 'the victim keeps their password');
      assert.ok(await verify(await hashOf(other), 'other password 1'), 'and so does the other account');
      // The other account's own code still works for it.
      assert.equal((await attempt('13800138003', otherAccountCode)).statusCode, 303);
    });

    test('requests are limited per account and per address, counted in the database', async () => {
      const c = new TestClient(site.t.app);
      const csrf = await c.csrf('/password/forgot');
      const ask = (identifier: string) => c.postForm('/password/forgot', { identifier }, { csrf });
      assert.equal((await ask('limits@example.com')).statusCode, 200);
      const soon = await ask('limits@example.com');
      assert.equal(soon.statusCode, 429);
      assert.ok(soon.body.includes('发送过于频繁'));
      for (let i = 0; i < 4; i++) {
        await ageTokens('limits@example.com', 61_000);
        assert.equal((await ask('limits@example.com')).statusCode, 200, `send ${i + 2}`);
      }
      await ageTokens('limits@example.com', 61_000);
      const many = await ask('limits@example.com');
      assert.equal(many.statusCode, 429);
      assert.ok(many.body.includes('发送次数过多'));
    });
  });

  describe(`忘记密码 by SMS through Aliyun (the fake checks every signature) (${dialect})`, () => {
    let t: TestApp;
    let aliyun: FakeAliyunSms;
    before(async () => {
      aliyun = await startFakeAliyunSms();
      t = await createTestApp(dialect, { worker: false, env: aliyun.env() });
    });
    after(async () => {
      await t.close();
      await aliyun.close();
    });

    test('the reset code arrives through SendSms with the reset template and resets the password', async () => {
      const id = await makeAccount(t.deps, '13800138009', { password: 'old password 1' });
      const c = new TestClient(t.app);
      const csrf = await c.csrf('/password/forgot');
      const asked = await c.postForm('/password/forgot', { identifier: '13800138009' }, { csrf });
      assert.equal(asked.statusCode, 200);
      let code: string | undefined;
      for (let i = 0; i < 100 && !code; i++) {
        code = aliyun.lastCode('13800138009');
        if (!code) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(code, 'delivered to the fake');
      assert.equal(aliyun.refused.length, 0, 'the signature verified');
      assert.equal(aliyun.accepted.at(-1)?.templateCode, aliyun.templates.reset);
      const done = await c.postForm(
        '/password/reset',
        { identifier: '13800138009', code, password: 'new password 2', passwordConfirm: 'new password 2' },
        { csrf },
      );
      assert.equal(done.statusCode, 303);
      const user = await t.deps.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.ok(await verify(user.password_hash, 'new password 2'));
    });
  });
}
