// No account enumeration through reset, registration or login: the same identifier is asked about before and after
// its account exists, and the answers must be the same bytes (but for the CSRF token). Timing is not asserted here
// (no timing asserts in tests): bench/account-timing.ts prints both cases.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { capturingLog, makeAccount, withoutCsrf } from '../../testing/account-flows.ts';
import { TestClient } from '../../testing/client.ts';
import { type SmtpCapture, startSmtpCapture } from '../../testing/smtp-capture.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`no account enumeration (${dialect})`, () => {
    let t: TestApp;
    let smtp: SmtpCapture;
    const sms = capturingLog();
    /** Lets the next request for an identifier through the one-minute resend pause. */
    const ageTokens = (identifier: string) =>
      t.deps.database.db
        .updateTable('account_tokens')
        .set((eb) => ({ created_at: eb('created_at', '-', 61_000) }))
        .where('identifier', '=', identifier)
        .execute();
    const mailsTo = (to: string) => smtp.messages.filter((m) => m.envelope.to.includes(to));

    before(async () => {
      smtp = await startSmtpCapture();
      t = await createTestApp(dialect, { worker: false, env: { SMTP_URL: smtp.url }, log: sms.log });
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    /** Posts a form from a fresh visitor (its own CSRF cookie and token). */
    async function visitorPost(page: string, url: string, fields: Record<string, string>) {
      const c = new TestClient(t.app);
      return c.postForm(url, fields, { csrf: await c.csrf(page) });
    }

    for (const identifier of ['someone@example.com', '13500135000']) {
      test(`忘记密码 answers the same for ${identifier} whether or not it has an account`, async () => {
        const ask = () => visitorPost('/password/forgot', '/password/forgot', { identifier });
        const unknown = await ask();
        await makeAccount(t.deps, identifier);
        await ageTokens(identifier);
        const known = await ask();
        assert.equal(unknown.statusCode, 200);
        assert.equal(known.statusCode, unknown.statusCode);
        assert.equal(withoutCsrf(known.body), withoutCsrf(unknown.body));
        assert.ok(known.body.includes('如果该账号存在'));
        // Only the real account was sent anything.
        if (identifier.includes('@')) {
          await smtp.waitFor((m) => m.envelope.to.includes(identifier));
          assert.equal(mailsTo(identifier).length, 1);
        } else {
          assert.equal(sms.lines.filter((l) => l.includes('135****5000')).length, 1);
        }
        // The limits count unknown and known alike: an immediate second request is refused the same way for both.
        const again = await ask();
        assert.equal(again.statusCode, 429);
        // The code form answers the same too: a wrong code for the real account and for a never-registered number.
        const code = '000000';
        const fields = { code, password: 'new password 2', passwordConfirm: 'new password 2' };
        const real = await visitorPost('/password/forgot', '/password/reset', { identifier, ...fields });
        const ghostId = identifier.includes('@') ? 'ghost@example.com' : '13500135009';
        await visitorPost('/password/forgot', '/password/forgot', { identifier: ghostId });
        const ghost = await visitorPost('/password/forgot', '/password/reset', { identifier: ghostId, ...fields });
        assert.equal(real.statusCode, ghost.statusCode);
        assert.equal(
          withoutCsrf(real.body).replaceAll(identifier, 'X'),
          withoutCsrf(ghost.body).replaceAll(ghostId, 'X'),
        );
      });

      test(`POST /register answers the same for ${identifier} whether or not it is taken`, async () => {
        const id = identifier.replace('someone', 'writer').replace('13500135000', '13500135001');
        const form = {
          identifier: id,
          displayName: '新来的',
          password: 'quiet river 42',
          passwordConfirm: 'quiet river 42',
        };
        const free = await visitorPost('/register', '/register', form);
        await makeAccount(t.deps, id);
        await ageTokens(id);
        const taken = await visitorPost('/register', '/register', form);
        assert.equal(free.statusCode, 200);
        assert.equal(taken.statusCode, free.statusCode);
        assert.equal(withoutCsrf(taken.body), withoutCsrf(free.body));
        assert.ok(free.body.includes(`已发送至 ${id}`));
        if (id.includes('@')) {
          // The free address got the link; the taken one, the "already registered — reset?" mail.
          const registered = await smtp.waitFor((m) => m.envelope.to.includes(id) && /已注册/.test(m.subject ?? ''));
          assert.ok((registered.text ?? '').includes('/password/forgot'));
          assert.equal(mailsTo(id).length, 2);
        }
        const users = await t.deps.database.db
          .selectFrom('users')
          .select('display_name')
          .where(id.includes('@') ? 'email' : 'phone', '=', id)
          .execute();
        assert.deepEqual(
          users.map((u) => u.display_name),
          ['测试用户'],
          'registering a taken identifier changes nothing',
        );
      });
    }

    test('login says the same for an unknown account and a wrong password', async () => {
      await makeAccount(t.deps, 'exists@example.com');
      const wrong = await visitorPost('/login', '/login', {
        identifier: 'exists@example.com',
        password: 'wrong pass 1',
      });
      const unknown = await visitorPost('/login', '/login', {
        identifier: 'absent@example.com',
        password: 'wrong pass 1',
      });
      assert.equal(wrong.statusCode, unknown.statusCode);
      assert.equal(
        withoutCsrf(wrong.body).replace('exists@example.com', 'X'),
        withoutCsrf(unknown.body).replace('absent@example.com', 'X'),
      );
    });
  });
}
