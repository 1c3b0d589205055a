// Issue #9, defect 9: login allowed 10 tries a minute per address, with no per-account back-off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../errors.ts';
import { TestClient } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { SESSION_COOKIE } from '../../web/cookies.ts';
import { login } from './service.ts';
import { blockMs, FREE_FAILURES } from './throttle.ts';

const PASSWORD = 'correct horse 1';

test('the back-off doubles from one minute up to an hour, after the free failures', () => {
  assert.equal(blockMs(4, 5), 0);
  assert.equal(blockMs(5, 5), 60_000);
  assert.equal(blockMs(6, 5), 120_000);
  assert.equal(blockMs(7, 5), 240_000);
  assert.equal(blockMs(50, 5), 3600_000);
});

for (const dialect of DIALECTS) {
  describe(`login back-off per account and per address (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      for (const [email, name] of [
        ['victim@example.com', '受害者'],
        ['colleague@example.com', '同事'],
        ['office@example.com', '办公室'],
      ] as const) {
        await new TestClient(t.app).register(email, name, PASSWORD);
      }
    });
    after(() => t.close());

    test('after five wrong passwords the account is blocked — even the right password waits, and the page says how long', async () => {
      const attacker = new TestClient(t.app);
      const csrf = await attacker.csrf('/login');
      for (let i = 0; i < FREE_FAILURES.account; i++) {
        const res = await attacker.postForm(
          '/login',
          { identifier: 'victim@example.com', password: `guess${i}xx` },
          { csrf },
        );
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /账号或密码错误/);
      }
      const owner = new TestClient(t.app);
      const blocked = await owner.postForm(
        '/login',
        { identifier: 'victim@example.com', password: PASSWORD },
        { csrf: await owner.csrf('/login') },
      );
      assert.equal(blocked.statusCode, 429);
      assert.match(blocked.body, /登录失败次数过多.*请在 1 分钟后再试/);
      assert.equal(blocked.headers['retry-after'], '60');
      assert.equal(owner.cookies.has(SESSION_COOKIE), false, 'no session for a blocked login');
      // JSON clients get the same words.
      const api = await owner.postForm(
        '/login',
        { identifier: 'victim@example.com', password: PASSWORD },
        { csrf: await owner.csrf('/login'), headers: { accept: 'application/json' } },
      );
      assert.equal(api.statusCode, 429);
      assert.match((api.json() as { error: { message: string } }).error.message, /请在 1 分钟后再试/);
      // Another account from the same address is not affected.
      const colleague = new TestClient(t.app);
      const ok = await colleague.postForm(
        '/login',
        { identifier: 'colleague@example.com', password: PASSWORD },
        { csrf: await colleague.csrf('/login') },
      );
      assert.equal(ok.statusCode, 303);
    });

    test('the block ends; a success clears the account’s count; a failure after that starts over', async () => {
      const deps = t.deps;
      const now = Date.now();
      const ip = '198.51.100.7';
      await assert.rejects(login(deps, { identifier: 'victim@example.com', password: PASSWORD, ip }, now), (e) => {
        return e instanceof AppError && e.status === 429;
      });
      const later = now + 61_000;
      assert.ok(await login(deps, { identifier: 'victim@example.com', password: PASSWORD, ip }, later));
      // Cleared: one more wrong password is an ordinary failure, not a longer block.
      await assert.rejects(
        login(deps, { identifier: 'victim@example.com', password: 'nope-nope', ip }, later + 1),
        (e) => {
          return e instanceof AppError && e.status === 400;
        },
      );
      assert.ok(await login(deps, { identifier: 'victim@example.com', password: PASSWORD, ip }, later + 2));
    });

    test('one address spraying many accounts is blocked after its free failures; other addresses are not', async () => {
      const deps = t.deps;
      const now = Date.now();
      const spray = '203.0.113.9';
      for (let i = 0; i < FREE_FAILURES.address; i++) {
        await assert.rejects(
          login(deps, { identifier: `nobody${i}@example.com`, password: 'spray-spray', ip: spray }, now + i),
          (e) => e instanceof AppError && e.status === 400,
        );
      }
      await assert.rejects(
        login(deps, { identifier: 'office@example.com', password: PASSWORD, ip: spray }, now + 100),
        (e) => e instanceof AppError && e.status === 429,
      );
      assert.ok(
        await login(deps, { identifier: 'office@example.com', password: PASSWORD, ip: '203.0.113.10' }, now + 101),
      );
    });
  });
}
