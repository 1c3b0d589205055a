/**
 * Response times of the answers that must not reveal whether an account exists (decision 0015), existing vs unknown:
 *
 *   npx tsx bench/account-timing.ts [--rounds=30] [--pg]
 *
 * 1. a test app over a fresh database (SQLite, or PostgreSQL with --pg and TEST_DATABASE_URL), mail to an
 *    in-process SMTP server, SMS codes recorded in memory;
 * 2. alternating requests, each from a fresh visitor (its CSRF token fetched untimed), the token table emptied
 *    between them so the send limits never answer instead:
 *    - POST /password/forgot for an existing and an unknown email, and phone;
 *    - POST /register with a taken and a free email (a new free one every round);
 *    - POST /login with a wrong password for an existing account and for an unknown one;
 * 3. print min / median / p90 / max in ms per case and the median difference.
 *
 * Figures only: the tests assert identical answers, never times (timing asserts are flaky by nature).
 */
import { parseArgs } from 'node:util';
import { makeAccount } from '../src/testing/account-flows.ts';
import { TestClient } from '../src/testing/client.ts';
import { createRecordingSms } from '../src/testing/recording-sms.ts';
import { startSmtpCapture } from '../src/testing/smtp-capture.ts';
import { createTestApp } from '../src/testing/test-app.ts';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '30' }, pg: { type: 'boolean', default: false } },
});
const ROUNDS = Number(args.rounds);

const smtp = await startSmtpCapture();
const t = await createTestApp(args.pg ? 'postgres' : 'sqlite', {
  worker: false,
  env: { SMTP_URL: smtp.url },
  sms: createRecordingSms(),
  rateLimits: { authPerMinute: 1_000_000 },
});
await makeAccount(t.deps, 'known@example.com');
await makeAccount(t.deps, '13800138000');

async function timed(page: string, url: string, fields: Record<string, string>): Promise<number> {
  await t.deps.database.db.deleteFrom('account_tokens').execute();
  await t.deps.database.db.deleteFrom('auth_throttle').execute();
  const c = new TestClient(t.app);
  const csrf = await c.csrf(page);
  const start = process.hrtime.bigint();
  const res = await c.postForm(url, fields, { csrf });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.statusCode >= 429) throw new Error(`${url} answered ${res.statusCode}`);
  return ms;
}

const cases: Array<[string, (round: number) => Promise<number>, (round: number) => Promise<number>]> = [
  [
    '忘记密码 (email)',
    () => timed('/password/forgot', '/password/forgot', { identifier: 'known@example.com' }),
    () => timed('/password/forgot', '/password/forgot', { identifier: 'unknown@example.com' }),
  ],
  [
    '忘记密码 (phone)',
    () => timed('/password/forgot', '/password/forgot', { identifier: '13800138000' }),
    () => timed('/password/forgot', '/password/forgot', { identifier: '13800138001' }),
  ],
  [
    'register (email taken / free)',
    () => timed('/register', '/register', form('known@example.com')),
    (round) => timed('/register', '/register', form(`free${round}@example.com`)),
  ],
  [
    'login (wrong password / unknown)',
    () => timed('/login', '/login', { identifier: 'known@example.com', password: 'wrong password 1' }),
    () => timed('/login', '/login', { identifier: 'nobody@example.com', password: 'wrong password 1' }),
  ],
];

function form(identifier: string) {
  return { identifier, displayName: '测速', password: 'quiet river 42', passwordConfirm: 'quiet river 42' };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { min: s[0] ?? 0, median: at(0.5), p90: at(0.9), max: s.at(-1) ?? 0 };
}

const fmt = (n: number) => n.toFixed(1).padStart(7);
console.log(`${ROUNDS} rounds each, ${args.pg ? 'postgres' : 'sqlite'}; ms: min median p90 max`);
for (const [name, existing, unknown] of cases) {
  const a: number[] = [];
  const b: number[] = [];
  await existing(-1); // warm-up (argon2, first queries)
  await unknown(-1);
  for (let i = 0; i < ROUNDS; i++) {
    a.push(await existing(i));
    b.push(await unknown(i));
  }
  const sa = stats(a);
  const sb = stats(b);
  console.log(`${name}`);
  console.log(`  existing ${fmt(sa.min)} ${fmt(sa.median)} ${fmt(sa.p90)} ${fmt(sa.max)}`);
  console.log(`  unknown  ${fmt(sb.min)} ${fmt(sb.median)} ${fmt(sb.p90)} ${fmt(sb.max)}`);
  console.log(`  median difference ${(sa.median - sb.median).toFixed(1)} ms`);
}
await t.close();
await smtp.close();
