import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { parseIdentifier } from './identifier.ts';

test('identifiers: emails lower-cased, mainland mobiles normalised, anything else refused', () => {
  assert.deepEqual(parseIdentifier(' Writer@Example.COM '), { kind: 'email', value: 'writer@example.com' });
  assert.deepEqual(parseIdentifier('+86 138-0013-8000'), { kind: 'phone', value: '13800138000' });
  assert.deepEqual(parseIdentifier('１３８００１３８０００'), { kind: 'phone', value: '13800138000' });
  assert.equal(parseIdentifier('12345'), undefined);
  assert.equal(parseIdentifier('not an email'), undefined);
});

for (const dialect of DIALECTS) {
  describe(`accounts on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
    });
    after(() => t.close());

    test('without SMTP, register by email stores an argon2id hash and logs in; logout ends the session', async () => {
      const c = new TestClient(t.app);
      const form = await c.get('/register');
      assert.ok(
        form.body.includes('本站尚未配置邮件发送') && form.body.includes('SMTP_URL'),
        'says verification is off',
      );
      const res = await c.register('first@example.com', '基层小笔杆', 'secret-password', { verifyContact: false });
      assert.equal(res.statusCode, 303);
      const user = await t.deps.database.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'first@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(user.contact_verified_at, null, 'no transport: the account starts unverified');
      assert.match(user.password_hash, /^\$argon2id\$/);
      assert.ok((await c.get('/upload')).body.includes('上传文档'));
      const sid = c.cookies.get('wy_sid')!;
      const stored = await t.deps.database.db.selectFrom('sessions').select('id').execute();
      assert.ok(!stored.some((s) => s.id === sid), 'only a hash of the token is stored');

      const out = await c.postForm('/logout', {}, { csrf: await c.csrf('/upload') });
      assert.equal(out.statusCode, 303);
      // the old token is dead even if someone kept it
      const replay = new TestClient(t.app);
      replay.cookies.set('wy_sid', sid);
      assert.equal((await replay.get('/upload')).statusCode, 303, 'redirected to login');
    });

    test('login rotates the session id and rejects wrong passwords with one message', async () => {
      const c = new TestClient(t.app);
      await c.register('rotate@example.com', '轮换');
      const first = c.cookies.get('wy_sid');
      const bad = await c.postForm(
        '/login',
        { identifier: 'rotate@example.com', password: 'wrong password' },
        { csrf: await c.csrf('/upload') },
      );
      assert.equal(bad.statusCode, 400);
      assert.ok(bad.body.includes('账号或密码错误'));
      const unknown = await c.postForm(
        '/login',
        { identifier: 'nobody@example.com', password: 'whatever1' },
        { csrf: await c.csrf('/upload') },
      );
      assert.ok(unknown.body.includes('账号或密码错误'), 'same message for unknown accounts');
      const good = await c.postForm(
        '/login',
        { identifier: 'ROTATE@example.com', password: 'correct horse 1', next: '/my/documents' },
        { csrf: await c.csrf('/upload') },
      );
      assert.equal(good.statusCode, 303);
      assert.equal(good.headers.location, '/my/documents');
      assert.notEqual(c.cookies.get('wy_sid'), first, 'a new session id after login');
      const old = new TestClient(t.app);
      old.cookies.set('wy_sid', first!);
      assert.equal((await old.get('/upload')).statusCode, 303, 'the previous session was ended');
    });

    test('validation errors are clear zh-CN messages; duplicates are refused', async () => {
      const c = new TestClient(t.app);
      const csrf = await c.csrf('/register');
      const short = await c.postForm(
        '/register',
        { identifier: 'a@b.cn', displayName: '名字', password: 'short', passwordConfirm: 'short' },
        { csrf },
      );
      assert.equal(short.statusCode, 400);
      assert.ok(short.body.includes('密码至少 8 位'));
      const mismatch = await c.postForm(
        '/register',
        { identifier: 'a@b.cn', displayName: '名字', password: 'long enough', passwordConfirm: 'different!' },
        { csrf },
      );
      assert.ok(mismatch.body.includes('两次输入的密码不一致'));
      await new TestClient(t.app).register('dup@example.com', '重复');
      const dup = await new TestClient(t.app).register('DUP@example.com', '重复二');
      assert.equal(dup.statusCode, 409);
      assert.ok(dup.body.includes('该邮箱或手机号已注册'));
    });

    test('every state change needs a CSRF token', async () => {
      const c = new TestClient(t.app);
      await c.register('csrf@example.com', '令牌');
      for (const url of ['/logout', '/settings/profile', '/u/1/follow']) {
        const res = await c.postForm(url, { displayName: '改名' }, { csrf: false });
        assert.equal(res.statusCode, 403, url);
        assert.ok(res.body.includes('页面已过期'), url);
      }
      const forged = await c.postForm('/settings/profile', { displayName: '改名', bio: '' }, { csrf: 'forged-token' });
      assert.equal(forged.statusCode, 403);
    });

    test('open redirects through ?next are impossible', async () => {
      const c = new TestClient(t.app);
      await c.register('next@example.com', '跳转');
      const res = await c.postForm(
        '/login',
        { identifier: 'next@example.com', password: 'correct horse 1', next: '//evil.example/' },
        { csrf: await c.csrf('/upload') },
      );
      assert.equal(res.headers.location, '/');
    });
  });
}

describe('login rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite', { worker: false, rateLimits: { authPerMinute: 3 } });
  });
  after(() => t.close());

  test('the fourth attempt in a minute answers 429 with a message', async () => {
    const c = new TestClient(t.app);
    const csrf = await c.csrf('/login');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push(
        (await c.postForm('/login', { identifier: 'x@example.com', password: 'wrongpass' }, { csrf })).statusCode,
      );
    }
    assert.deepEqual(codes, [400, 400, 400, 429]);
    const last = await c.postForm('/login', { identifier: 'x@example.com', password: 'wrongpass' }, { csrf });
    assert.ok(last.body.includes('操作过于频繁'));
  });
});
