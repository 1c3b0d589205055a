// Test users: inserted directly (users who never log in: no password hashing), looked up by e-mail, or registered
// through the form as a logged-in client with an optional staff role. The one place tests make users.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, NewUser, UserRole } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { TestClient } from './client.ts';
import type { TestApp } from './test-app.ts';

/**
 * Inserts a user who never logs in and returns the id: a random e-mail, `测试用户`, role user, not verified, unless
 * `over` says otherwise (any column: a name, a role, `real_name_verified`, `contact_verified_at`…).
 */
export async function insertUser(db: Kysely<DB>, over: Partial<NewUser> = {}): Promise<number> {
  const now = Date.now();
  const row = await db
    .insertInto('users')
    .values({
      email: `${randomBytes(6).toString('hex')}@example.com`,
      phone: null,
      password_hash: 'x',
      display_name: '测试用户',
      bio: '',
      avatar_key: null,
      role: 'user',
      real_name_verified: 0,
      is_provider: 0,
      rev: 1,
      follower_count: 0,
      created_at: now,
      updated_at: now,
      ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The id of the user registered with this e-mail address. */
export async function userIdByEmail(deps: Pick<Deps, 'database'>, email: string): Promise<number> {
  const row = await deps.database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Registers through the form (asserting it went through) and returns the logged-in client and the user's id; a
 * staff role is then set in the database (granting roles has its own tests).
 */
export async function signUp(
  t: TestApp,
  email: string,
  name: string,
  role: UserRole = 'user',
): Promise<{ client: TestClient; id: number }> {
  const client = new TestClient(t.app);
  const res = await client.register(email, name);
  assert.equal(res.statusCode, 303, res.body);
  const id = await userIdByEmail(t.deps, email);
  if (role !== 'user') await t.deps.database.db.updateTable('users').set({ role }).where('id', '=', id).execute();
  return { client, id };
}
