import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verify } from '@node-rs/argon2';
import { makeAccount } from '../../testing/account-flows.ts';
import { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { type SmtpCapture, startSmtpCapture } from '../../testing/smtp-capture.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { createApiToken } from '../api-tokens/service.ts';
import { FREE_FAILURES } from './throttle.ts';

async function login(c: TestClient, identifier: string, password: string): Promise<number> {
  return (await c.postForm('/login', { identifier, password }, { csrf: await c.csrf('/login') })).statusCode;
}

const loggedIn = async (c: TestClient) => (await c.get('/upload')).statusCode === 200;

for (const dialect of DIALECTS) {
  describe(`修改密码 (${dialect})`, () => {
    let t: TestApp;
    let smtp: SmtpCapture;
    const hashOf = async (id: number) =>
      (
        await t.deps.database.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).password_hash;

    before(async () => {
      smtp = await startSmtpCapture();
      t = await createTestApp(dialect, { worker: false, env: { SMTP_URL: smtp.url } });
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    test('old password required, rules applied, every other session ended, this one kept; 站内信 and mail', async () => {
      const id = await makeAccount(t.deps, 'changer@example.com', { name: '改密码的人', verified: true });
      const here = new TestClient(t.app);
      const there = new TestClient(t.app);
      assert.equal(await login(here, 'changer@example.com', 'correct horse 1'), 303);
      assert.equal(await login(there, 'changer@example.com', 'correct horse 1'), 303);
      const page = await here.get('/settings/security');
      assert.ok(page.body.includes('href="/settings/password"') && page.body.includes('href="/settings/verify"'));
      const csrf = await here.csrf('/settings/password');
      const change = (oldPassword: string, password: string, passwordConfirm = password) =>
        here.postForm('/settings/password', { oldPassword, password, passwordConfirm }, { csrf });

      // Each refusal is the form again (its 400 kept), the sentence beside the field it is about, no password back.
      const refused = { form: 'password-change', status: 400, absent: ['not my password', 'brand new pass 7'] };
      const wrongOld = await change('not my password', 'brand new pass 7');
      assertRefusedForm(wrongOld, { ...refused, field: 'oldPassword', error: /当前密码不正确/ });
      for (const [pw, message] of [
        ['short', '密码至少 8 位'],
        ['password123', '这个密码太常见'],
        ['changer@example.com', '密码不能与邮箱或手机号相同'],
        ['correct horse 1', '新密码不能与当前密码相同'],
      ] as const) {
        const r = await change('correct horse 1', pw);
        assertRefusedForm(r, { ...refused, field: 'password', error: new RegExp(message) });
      }
      const mismatch = await change('correct horse 1', 'brand new pass 7', 'brand new pass 8');
      assertRefusedForm(mismatch, { ...refused, field: 'passwordConfirm', error: /两次输入的密码不一致/ });
      assert.ok(await verify(await hashOf(id), 'correct horse 1'), 'nothing changed so far');
      assert.ok(await loggedIn(there));
      // An API token made before the change (by whoever held the account) must not outlive it.
      const { token } = await createApiToken(
        t.deps,
        { id, role: 'user' },
        { name: '同步脚本', scopes: ['read'], expiry: 'never' },
        { ip: '127.0.0.1' },
      );
      const withToken = () => t.app.inject({ url: '/api/my/documents', headers: { authorization: `Bearer ${token}` } });
      assert.equal((await withToken()).statusCode, 200, 'the token works before the change');

      const ok = await change('correct horse 1', 'brand new pass 7');
      assert.equal(ok.statusCode, 303);
      assert.ok((await here.get(ok.headers.location as string)).body.includes('密码已修改'));
      assert.ok(await loggedIn(here), 'the session the change was made from stays');
      assert.ok(!(await loggedIn(there)), 'the other one ended');
      assert.ok(await verify(await hashOf(id), 'brand new pass 7'));
      assert.equal((await withToken()).statusCode, 401, 'API tokens end with the password');
      const notes = await t.deps.database.db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', id)
        .execute();
      assert.ok(notes.some((n) => n.kind === 'account.passwordChanged'));
      const mail = await smtp.waitFor((m) => m.envelope.to.includes('changer@example.com'));
      assert.match(mail.subject ?? '', /你的密码已修改/);
      assert.ok((mail.text ?? '').includes('/password/forgot'));
    });

    test('guessing the current password meets the login back-off; an unverified email gets no mail', async () => {
      const id = await makeAccount(t.deps, 'guessed@example.com');
      const c = new TestClient(t.app);
      assert.equal(await login(c, 'guessed@example.com', 'correct horse 1'), 303);
      const csrf = await c.csrf('/settings/password');
      const codes: number[] = [];
      for (let i = 0; i <= FREE_FAILURES.account; i++) {
        const r = await c.postForm(
          '/settings/password',
          { oldPassword: `guess ${i} password`, password: 'brand new pass 7', passwordConfirm: 'brand new pass 7' },
          { csrf },
        );
        codes.push(r.statusCode);
      }
      assert.equal(codes.at(-1), 429, `blocked after the free failures: ${codes.join(',')}`);
      const right = await c.postForm(
        '/settings/password',
        { oldPassword: 'correct horse 1', password: 'brand new pass 7', passwordConfirm: 'brand new pass 7' },
        { csrf },
      );
      assert.equal(right.statusCode, 429, 'not even checked while blocked');
      assert.ok(await verify(await hashOf(id), 'correct horse 1'));
      // The same counter as the login form.
      assert.equal(await login(new TestClient(t.app), 'guessed@example.com', 'correct horse 1'), 429);
      assert.ok(!smtp.messages.some((m) => m.envelope.to.includes('guessed@example.com')));
    });
  });
}
