// The recovery and code forms on the shared pattern (web/form-state.ts): a refusal is the page again with its status
// (the account forms keep their 400/429), the sentence beside the field it is about, what was typed kept — never a
// password nor a code — and a dead link the sentence alone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { linkPath, makeAccount, tokenOf } from '../../testing/account-flows.ts';
import { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { useMailSite } from '../../testing/mail-site.ts';
import { DIALECTS } from '../../testing/test-db.ts';

/** A different 6-digit code. */
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** The sentence alone, no form: a dead link's page. */
function assertSentenceAlone(body: string, form: string, sentence: RegExp) {
  assert.ok(!body.includes(`id="${form}"`), `no form #${form}`);
  const alert = /<div class="form__errors" role="alert"[^>]*><p>([^<]*)<\/p><\/div>/.exec(body);
  assert.ok(alert, 'the sentence is announced');
  assert.match(alert[1] ?? '', sentence);
}

for (const dialect of DIALECTS) {
  describe(`找回密码, 重设密码 and the code forms keep what was typed (${dialect})`, () => {
    const site = useMailSite(dialect);
    const { sms } = site;

    test('找回密码: an invalid identifier is refused beside it and kept', async () => {
      const c = new TestClient(site.t.app);
      const res = await c.postForm(
        '/password/forgot',
        { identifier: 'no-at-sign.example' },
        { csrf: await c.csrf('/password/forgot') },
      );
      assertRefusedForm(res, {
        form: 'password-forgot',
        status: 400,
        field: 'identifier',
        error: /请输入有效的邮箱或 11 位手机号/,
        values: { identifier: 'no-at-sign.example' },
      });
    });

    test('the emailed link: a refused new password beside its field, none written back; a used link alone', async () => {
      await makeAccount(site.t.deps, 'forms.reset@example.com', { password: 'old password 1' });
      const c = new TestClient(site.t.app);
      await c.postForm(
        '/password/forgot',
        { identifier: 'forms.reset@example.com' },
        { csrf: await c.csrf('/password/forgot') },
      );
      const path = linkPath(
        await site.smtp.waitFor((m) => m.envelope.to.includes('forms.reset@example.com')),
        site.origin,
      );
      const csrf = await c.csrf(path);
      const post = (password: string, passwordConfirm = password) =>
        c.postForm('/password/reset', { token: tokenOf(path), password, passwordConfirm }, { csrf });

      const common = await post('password123');
      const body = assertRefusedForm(common, {
        form: 'password-reset',
        status: 400,
        field: 'password',
        error: /这个密码太常见/,
        values: { password: '', passwordConfirm: '' },
        absent: ['password123'],
      });
      assert.ok(body.includes(`name="token" value="${tokenOf(path)}"`), 'the link is still the form’s');
      const mismatch = await post('brand new pass 7', 'brand new pass 8');
      assertRefusedForm(mismatch, {
        form: 'password-reset',
        status: 400,
        field: 'passwordConfirm',
        error: /两次输入的密码不一致/,
        absent: ['brand new pass 7', 'brand new pass 8'],
      });

      assert.equal((await post('brand new pass 7')).statusCode, 303);
      const used = await post('third pass 9 x');
      assert.equal(used.statusCode, 400);
      assertSentenceAlone(used.body, 'password-reset', /该链接已经使用过/);
      assert.ok(!used.body.includes('third pass 9 x'));
      const opened = await c.get(path);
      assert.equal(opened.statusCode, 400);
      assertSentenceAlone(opened.body, 'password-reset', /该链接已经使用过/);
    });

    test('the SMS code: a wrong code beside it, never written back, the number kept for the next try', async () => {
      await makeAccount(site.t.deps, '13800138071', { password: 'old password 1' });
      const c = new TestClient(site.t.app);
      const csrf = await c.csrf('/password/forgot');
      await c.postForm('/password/forgot', { identifier: '13800138071' }, { csrf });
      const code = sms.code('138****8071', 'reset');
      const wrong = otherCode(code);
      const fields = { identifier: '13800138071', password: 'new password 2', passwordConfirm: 'new password 2' };
      const res = await c.postForm('/password/reset', { ...fields, code: wrong }, { csrf });
      const body = assertRefusedForm(res, {
        form: 'password-reset-code',
        status: 400,
        field: 'code',
        error: /验证码错误，还可以再试 \d 次/,
        values: { code: '', password: '' },
        absent: [wrong, 'new password 2'],
      });
      assert.ok(body.includes('name="identifier" value="13800138071"'), 'the number rides along again');
      const weak = await c.postForm('/password/reset', { ...fields, code, password: 'short' }, { csrf });
      assertRefusedForm(weak, {
        form: 'password-reset-code',
        status: 400,
        field: 'password',
        error: /密码至少 8 位/,
        values: { code: '' },
        absent: [code],
      });
      assert.equal((await c.postForm('/password/reset', { ...fields, code }, { csrf })).statusCode, 303);
    });

    test('registering by phone: a wrong code is refused beside it and not written back', async () => {
      const c = new TestClient(site.t.app);
      const res = await c.register('13900139071', '手机表单', 'quiet river 42', { verifyContact: false });
      assert.equal(res.statusCode, 200);
      const wrong = otherCode(sms.code('139****9071', 'verify'));
      const bad = await c.postForm(
        '/register/confirm',
        { identifier: '13900139071', code: wrong, next: '/my/documents' },
        { csrf: await c.csrf('/register') },
      );
      const body = assertRefusedForm(bad, {
        form: 'register-code',
        status: 400,
        field: 'code',
        error: /验证码错误/,
        values: { code: '' },
        absent: [wrong],
      });
      assert.ok(body.includes('name="next" value="/my/documents"'), 'where to go next is kept');
    });

    test('验证手机: a wrong code beside it; a resend too soon in the send form (429); a dead email link alone', async () => {
      await makeAccount(site.t.deps, '13700137071', { name: '验证表单' });
      const c = new TestClient(site.t.app);
      await c.postForm(
        '/login',
        { identifier: '13700137071', password: 'correct horse 1' },
        { csrf: await c.csrf('/login') },
      );
      const csrf = await c.csrf('/settings/verify');
      await c.postForm('/settings/verify/send', {}, { csrf });
      const wrong = otherCode(sms.code('137****7071', 'verify'));
      const bad = await c.postForm('/settings/verify/code', { code: wrong }, { csrf });
      assertRefusedForm(bad, {
        form: 'contact-code',
        status: 400,
        field: 'code',
        error: /验证码错误/,
        values: { code: '' },
        absent: [wrong],
      });
      const soon = await c.postForm('/settings/verify/send', {}, { csrf });
      assertRefusedForm(soon, { form: 'contact-send', status: 429, error: /发送过于频繁/ });

      const dead = await c.get('/verify/email?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
      assert.equal(dead.statusCode, 400);
      assertSentenceAlone(dead.body, 'verify-email', /链接无效/);
      const posted = await c.postForm(
        '/verify/email',
        { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        { csrf },
      );
      assert.equal(posted.statusCode, 400);
      assertSentenceAlone(posted.body, 'verify-email', /链接无效/);
    });
  });
}
