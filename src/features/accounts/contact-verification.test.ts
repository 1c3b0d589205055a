import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contactVerifiedAt, linkPath, makeAccount, tokenOf } from '../../testing/account-flows.ts';
import { TestClient } from '../../testing/client.ts';
import { useMailSite } from '../../testing/mail-site.ts';
import { SEED_DOCX } from '../../testing/paths.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { verifyContactByOperator } from './contact.ts';

const JSON_ACCEPT = { accept: 'application/json' };

for (const dialect of DIALECTS) {
  describe(`contact verification with mail and SMS (${dialect})`, () => {
    const site = useMailSite(dialect);
    const { sms } = site;
    const users = () => site.t.deps.database.db.selectFrom('users').selectAll().execute();

    test('register by email: nothing exists until the link in the delivered mail is confirmed, once', async () => {
      const c = new TestClient(site.t.app);
      const res = await c.register('new.writer@example.com', '新笔杆', 'quiet river 42', { verifyContact: false });
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes('验证邮件已发送至 new.writer@example.com'), 'the page says where the link went');
      assert.equal((await users()).length, 0, 'no account before the link comes back');
      assert.equal(c.cookies.get('wy_sid'), undefined, 'not logged in yet');

      const mail = await site.smtp.waitFor((m) => m.envelope.to.includes('new.writer@example.com'));
      assert.match(mail.subject ?? '', /完成注册/);
      const path = linkPath(mail, site.origin);
      assert.match(path, /^\/register\/confirm\?token=[A-Za-z0-9_-]{43}$/);
      const page = await c.get(path);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('new.writer@example.com'), 'the confirm page names the address');
      assert.equal((await users()).length, 0, 'opening the link changes nothing (a mail scanner may open it)');

      const done = await c.postForm('/register/confirm', { token: tokenOf(path) }, { csrf: await c.csrf(path) });
      assert.equal(done.statusCode, 303);
      const [user] = await users();
      assert.ok(user && user.email === 'new.writer@example.com' && user.display_name === '新笔杆');
      assert.ok(user.contact_verified_at !== null, 'confirmed by its own link: verified from the start');
      assert.match(user.password_hash, /^\$argon2id\$/);
      const home = await c.get('/');
      assert.ok(home.body.includes('新笔杆') && !home.body.includes('verify-banner'), 'logged in, no banner');

      const again = new TestClient(site.t.app);
      const reused = await again.postForm(
        '/register/confirm',
        { token: tokenOf(path) },
        { csrf: await again.csrf('/register') },
      );
      assert.equal(reused.statusCode, 400);
      assert.ok(reused.body.includes('该链接已经使用过'));
      assert.equal(again.cookies.get('wy_sid'), undefined);
      assert.equal((await users()).length, 1);
      const stored = await site.t.deps.database.db.selectFrom('account_tokens').select('token_hash').execute();
      assert.ok(!stored.some((r) => r.token_hash.includes(tokenOf(path))), 'only a keyed hash is stored');
    });

    test('an account from before the transport verifies its email from 验证邮箱/手机; until then it may buy, not sell', async () => {
      const id = await makeAccount(site.t.deps, 'old.writer@example.com', { name: '老笔杆' });
      const c = new TestClient(site.t.app);
      await c.postForm(
        '/login',
        { identifier: 'old.writer@example.com', password: 'correct horse 1' },
        { csrf: await c.csrf('/login') },
      );
      const home = await c.get('/');
      assert.ok(home.body.includes('verify-banner') && home.body.includes('href="/settings/verify"'), 'the banner');

      // Selling is refused, in words and with the way to verify: a price on upload, real-name verification, payouts.
      const paid = await c.upload(SEED_DOCX, { title: '讲话稿', category: '1', price: '300' });
      assert.equal(paid.statusCode, 403);
      assert.match(
        (paid.json() as { error: { message: string } }).error.message,
        /请先验证你的邮箱或手机号.*\/settings\/verify/,
      );
      const realName = await c.postMultipart(
        '/account/verification',
        { legalName: '王老笔', idNumber: '110101199003071234', consent: '1' },
        { accept: 'application/json' },
      );
      assert.equal(realName.statusCode, 403);
      const payout = await c.postForm('/my/earnings/payout', { amount: '100' }, { headers: JSON_ACCEPT });
      assert.equal(payout.statusCode, 403);
      assert.match(payout.body, /请先验证你的邮箱或手机号/);
      const free = await c.upload(SEED_DOCX, { title: '讲话稿', category: '1', price: '0' });
      assert.equal(free.statusCode, 201, 'free uploads are fine');

      const sent = await c.postForm('/settings/verify/send', {}, { csrf: await c.csrf('/settings/verify') });
      assert.equal(sent.statusCode, 200);
      assert.ok(sent.body.includes('验证邮件已发送至 old.writer@example.com'));
      const mail = await site.smtp.waitFor((m) => m.envelope.to.includes('old.writer@example.com'));
      const path = linkPath(mail, site.origin);
      assert.match(path, /^\/verify\/email\?token=/);
      // The link works in any browser (the link is the proof), once.
      const other = new TestClient(site.t.app);
      const ok = await other.postForm('/verify/email', { token: tokenOf(path) }, { csrf: await other.csrf(path) });
      assert.equal(ok.statusCode, 200);
      assert.ok(ok.body.includes('验证成功'));
      assert.ok((await contactVerifiedAt(site.t.deps, id)) !== null);
      const twice = await other.postForm(
        '/verify/email',
        { token: tokenOf(path) },
        { csrf: await other.csrf('/login') },
      );
      assert.equal(twice.statusCode, 400);
      assert.ok(twice.body.includes('该链接已经使用过'));
      assert.ok(!(await c.get('/')).body.includes('verify-banner'), 'the banner is gone');
      const already = await c.postForm('/settings/verify/send', {}, { csrf: await c.csrf('/settings/verify') });
      assert.equal(already.statusCode, 409);
      assert.ok(already.body.includes('已经验证过了'));
      const notes = await site.t.deps.database.db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', id)
        .execute();
      assert.ok(
        notes.some((n) => n.kind === 'account.contactVerified'),
        '站内信',
      );
    });

    test('register by phone: the 6-digit code (console adapter) creates the account; wrong codes are counted', async () => {
      const c = new TestClient(site.t.app);
      const res = await c.register('13900139000', '手机用户', 'quiet river 42', { verifyContact: false });
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes('验证码已发送至 13900139000') && res.body.includes('name="code"'));
      const code = sms.code('139****9000', 'verify');
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const csrf = await c.csrf('/register');
      const bad = await c.postForm('/register/confirm', { identifier: '13900139000', code: wrong }, { csrf });
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.body.includes('验证码错误，还可以再试 4 次') && bad.body.includes('name="code"'), 'form kept');
      assert.equal((await users()).filter((u) => u.phone === '13900139000').length, 0);
      const good = await c.postForm('/register/confirm', { identifier: '13900139000', code }, { csrf });
      assert.equal(good.statusCode, 303);
      const user = (await users()).find((u) => u.phone === '13900139000');
      assert.ok(user && user.contact_verified_at !== null);
      const again = new TestClient(site.t.app);
      const reuse = await again.postForm(
        '/register/confirm',
        { identifier: '13900139000', code },
        { csrf: await again.csrf('/register') },
      );
      assert.equal(reuse.statusCode, 400);
      assert.ok(reuse.body.includes('该验证码已经使用过'));
      assert.equal((await users()).filter((u) => u.phone === '13900139000').length, 1);
    });

    test('the operator vouches for an address (wenyuan verify-contact); an unknown one is a clear refusal', async () => {
      const id = await makeAccount(site.t.deps, 'vouched@example.com');
      assert.equal(await contactVerifiedAt(site.t.deps, id), null);
      assert.equal(await verifyContactByOperator(site.t.deps, 'Vouched@Example.com'), id);
      assert.ok((await contactVerifiedAt(site.t.deps, id)) !== null);
      await assert.rejects(verifyContactByOperator(site.t.deps, 'nobody@example.com'), {
        messageKey: 'account.operator.notFound',
      });
    });

    test('a phone account verifies with a code sent from 验证邮箱/手机; another account cannot use it', async () => {
      const id = await makeAccount(site.t.deps, '13700137000', { name: '号码主人' });
      await makeAccount(site.t.deps, '13600136000', { name: '别人' });
      const c = new TestClient(site.t.app);
      await c.postForm(
        '/login',
        { identifier: '13700137000', password: 'correct horse 1' },
        { csrf: await c.csrf('/login') },
      );
      const sent = await c.postForm('/settings/verify/send', {}, { csrf: await c.csrf('/settings/verify') });
      assert.ok(
        sent.body.includes('验证码已发送至 13700137000') && sent.body.includes('action="/settings/verify/code"'),
      );
      const code = sms.code('137****7000', 'verify');
      const tooSoon = await c.postForm('/settings/verify/send', {}, { csrf: await c.csrf('/settings/verify') });
      assert.equal(tooSoon.statusCode, 429, 'resending waits a minute');
      assert.ok(tooSoon.body.includes('发送过于频繁'));

      const other = new TestClient(site.t.app);
      await other.postForm(
        '/login',
        { identifier: '13600136000', password: 'correct horse 1' },
        { csrf: await other.csrf('/login') },
      );
      await other.postForm('/settings/verify/send', {}, { csrf: await other.csrf('/settings/verify') });
      const stolen = await other.postForm(
        '/settings/verify/code',
        { code },
        { csrf: await other.csrf('/settings/verify') },
      );
      assert.equal(stolen.statusCode, 400, "another account's code does not verify this one");
      assert.ok(stolen.body.includes('验证码错误'));

      const ok = await c.postForm('/settings/verify/code', { code }, { csrf: await c.csrf('/settings/verify') });
      assert.equal(ok.statusCode, 200);
      assert.ok(ok.body.includes('验证成功'));
      assert.ok((await contactVerifiedAt(site.t.deps, id)) !== null);
    });
  });
}
