// Following: the 关注动态 feed (followed uploaders' published documents only, newest first, keyset pages), follower
// and following lists (public counts, lists hideable), the new-follower notification, and the publication fan-out
// job (every follower once, in batches, idempotent when run again or resumed after a crash).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { CORPUS_DIR, SEED_DOCX } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { insertUser } from '../../testing/users.ts';
import { fanOutPublication } from './fanout.ts';

const idOf = async (db: Kysely<DB>, email: string) =>
  Number((await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id);

/** Users made directly (registering hundreds through argon2 would take minutes); one insert each. */
async function insertUsers(db: Kysely<DB>, prefix: string, n: number): Promise<number[]> {
  const ids: number[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i++) {
      const name = `${prefix}${i}`;
      ids.push(
        await insertUser(trx, { email: `${name}@example.com`, display_name: name, contact_verified_at: Date.now() }),
      );
    }
  });
  return ids;
}

/** Follow edges made directly, with the counters the service keeps, at increasing times. */
async function insertFollows(db: Kysely<DB>, pairs: Array<[follower: number, followee: number]>, t0 = Date.now()) {
  await db.transaction().execute(async (trx) => {
    let i = 0;
    for (const [follower, followee] of pairs) {
      await trx
        .insertInto('follows')
        .values({ follower_id: follower, followee_id: followee, created_at: t0 + i++ })
        .execute();
      await trx
        .updateTable('users')
        .set((eb) => ({ follower_count: eb('follower_count', '+', 1) }))
        .where('id', '=', followee)
        .execute();
      await trx
        .updateTable('users')
        .set((eb) => ({ following_count: eb('following_count', '+', 1) }))
        .where('id', '=', follower)
        .execute();
    }
  });
}

/** Copies a published document as another one of `ownerId` (title, status and publication time given). */
async function cloneDocument(
  db: Kysely<DB>,
  fromId: number,
  p: { ownerId: number; title: string; publishedAt: number; status?: 'published' | 'review' | 'deleted' },
): Promise<number> {
  const { id: _id, ...row } = await db
    .selectFrom('documents')
    .selectAll()
    .where('id', '=', fromId)
    .executeTakeFirstOrThrow();
  const inserted = await db
    .insertInto('documents')
    .values({
      ...row,
      owner_id: p.ownerId,
      title: p.title,
      status: p.status ?? 'published',
      published_at: p.publishedAt,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(inserted.id);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const notificationsOf = (db: Kysely<DB>, userId: number, kind: string) =>
  db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where('kind', '=', kind).execute();

const feedTitles = (html: string): string[] =>
  [...html.matchAll(/class="doc-list__title" href="\/d\/\d+">([^<]+)</g)].map((m) => m[1]!);
const nextLink = (html: string, base: string) => {
  const m = new RegExp(`href="${base}\\?before=([^"]+)" rel="next"`).exec(html);
  return m ? decodeURIComponent(m[1]!) : undefined;
};

for (const dialect of DIALECTS) {
  describe(`following on ${dialect}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let reader: TestClient;
    let author: TestClient;
    let other: TestClient;
    let anon: TestClient;
    let readerId: number;
    let authorId: number;
    let otherId: number;
    let seedId: number;

    before(async () => {
      t = await createTestApp(dialect);
      db = t.deps.database.db;
      anon = new TestClient(t.app);
      reader = new TestClient(t.app);
      await reader.register('reader@example.com', '读者小李');
      author = new TestClient(t.app);
      await author.register('author@example.com', '笔杆子老王');
      other = new TestClient(t.app);
      await other.register('other@example.com', '路人作者');
      readerId = await idOf(db, 'reader@example.com');
      authorId = await idOf(db, 'author@example.com');
      otherId = await idOf(db, 'other@example.com');
      const up = await author.upload(SEED_DOCX, { title: '种子讲话稿', category: '1', price: '0' });
      seedId = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(author, seedId)).status, 'published');
    });
    after(() => t.close());

    test('follow and unfollow keep both counts; the uploader hears of a new follower once a day', async () => {
      const csrf = await reader.csrf(`/u/${authorId}`);
      assert.equal((await reader.postForm(`/u/${authorId}/follow`, {}, { csrf })).statusCode, 303);
      assert.equal((await reader.postForm(`/u/${authorId}/unfollow`, {}, { csrf })).statusCode, 303);
      assert.equal((await reader.postForm(`/u/${authorId}/follow`, {}, { csrf })).statusCode, 303);
      assert.equal((await reader.postForm(`/u/${authorId}/follow`, {}, { csrf })).statusCode, 303);
      const counts = await db
        .selectFrom('users')
        .select(['id', 'follower_count', 'following_count'])
        .where('id', 'in', [readerId, authorId])
        .execute();
      const by = new Map(counts.map((c) => [Number(c.id), c]));
      assert.equal(Number(by.get(authorId)!.follower_count), 1);
      assert.equal(Number(by.get(readerId)!.following_count), 1);
      const notes = await notificationsOf(db, authorId, 'follow.new');
      assert.equal(notes.length, 1, 'follow, unfollow, follow again: one notification');
      assert.equal(notes[0]!.link, `/u/${readerId}`);
      const page = await author.get('/notifications');
      assert.ok(page.body.includes('读者小李 关注了你'));
      // The profile shows both counts, linking to the lists.
      const profile = await anon.get(`/u/${readerId}`);
      assert.ok(profile.body.includes(`href="/u/${readerId}/following">关注 1</a>`));
      assert.ok((await anon.get(`/u/${authorId}`)).body.includes(`href="/u/${authorId}/followers">粉丝 1</a>`));
    });

    test('the feed shows followed uploaders’ published documents only, newest first, in keyset pages', async () => {
      assert.equal((await anon.get('/following')).headers.location, '/login?next=%2Ffollowing');
      const base = Date.now() - 1_000_000;
      // 45 published documents of the followed author, one at the same instant as another (the id breaks the tie),
      // plus documents the feed must not show: another uploader's, and the author's held or deleted ones.
      const expected: string[] = [];
      for (let i = 0; i < 45; i++) {
        const at = base + (i === 44 ? 43 : i) * 1000;
        await cloneDocument(db, seedId, {
          ownerId: authorId,
          title: `关注动态测试${String(i).padStart(2, '0')}`,
          publishedAt: at,
        });
        expected.push(`关注动态测试${String(i).padStart(2, '0')}`);
      }
      await cloneDocument(db, seedId, { ownerId: otherId, title: '未关注作者的文档', publishedAt: base + 500_000 });
      await cloneDocument(db, seedId, {
        ownerId: authorId,
        title: '待审核的文档',
        publishedAt: base + 600_000,
        status: 'review',
      });
      await cloneDocument(db, seedId, {
        ownerId: authorId,
        title: '已删除的文档',
        publishedAt: base + 700_000,
        status: 'deleted',
      });

      const seen: string[] = [];
      let url = '/following';
      let pages = 0;
      for (;;) {
        const res = await reader.get(url);
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['cache-control'], 'private, no-store');
        const titles = feedTitles(res.body);
        seen.push(...titles);
        pages++;
        const next = nextLink(res.body, '/following');
        if (!next) break;
        assert.equal(titles.length, 20);
        assert.ok(res.body.includes('更早的文档'));
        url = `/following?before=${encodeURIComponent(next)}`;
      }
      assert.equal(pages, 3);
      // Newest first: the seed (published now) and then the 45 copies from newest to oldest; the tie by id.
      assert.deepEqual(seen.slice(0, 1), ['种子讲话稿']);
      assert.equal(seen.length, 46);
      assert.equal(new Set(seen).size, 46, 'no document twice across pages');
      assert.deepEqual([...seen].slice(1).sort(), [...expected].sort());
      for (const hidden of ['未关注作者的文档', '待审核的文档', '已删除的文档'])
        assert.ok(!seen.includes(hidden), hidden);
      // Strictly newest first by (published_at, id).
      const rows = await db
        .selectFrom('documents')
        .select(['title', 'published_at', 'id'])
        .where('title', 'in', seen)
        .execute();
      const key = new Map(rows.map((r) => [r.title, [Number(r.published_at), Number(r.id)] as const]));
      for (let i = 1; i < seen.length; i++) {
        const [a, ai] = key.get(seen[i - 1]!)!;
        const [b, bi] = key.get(seen[i]!)!;
        assert.ok(a > b || (a === b && ai > bi), `${seen[i - 1]} before ${seen[i]}`);
      }
      // JSON gives the same page; a malformed cursor is the first page.
      const json = (await reader.get('/following', { accept: 'application/json' })).json() as { docs: unknown[] };
      assert.equal(json.docs.length, 20);
      assert.deepEqual(feedTitles((await reader.get('/following?before=abc')).body), seen.slice(0, 20));
      // Someone who follows nobody is told how the feed fills.
      assert.ok((await other.get('/following')).body.includes('你还没有关注任何作者'));
      // The header links to it.
      assert.ok((await reader.get('/')).body.includes('href="/following">关注动态</a>'));
    });

    test('follower and following lists: newest first, keyset pages, hideable', async () => {
      const fans = await insertUsers(db, 'fan', 35);
      await insertFollows(
        db,
        fans.map((f) => [f, otherId] as [number, number]),
      );
      const names: string[] = [];
      let url = `/u/${otherId}/followers`;
      for (;;) {
        const res = await anon.get(url);
        assert.equal(res.statusCode, 200);
        names.push(...[...res.body.matchAll(/class="follow-list__name" href="\/u\/\d+">([^<]+)</g)].map((m) => m[1]!));
        const next = nextLink(res.body, `/u/${otherId}/followers`);
        if (!next) break;
        url = `/u/${otherId}/followers?before=${encodeURIComponent(next)}`;
      }
      assert.deepEqual(names, fans.map((_, i) => `fan${i}`).reverse(), 'newest follower first, each once');
      const following = await anon.get(`/u/${fans[3]}/following`);
      assert.ok(following.body.includes(`href="/u/${otherId}">路人作者</a>`));
      assert.ok((await anon.get(`/u/${otherId}/followers`)).body.includes('粉丝 35'));

      // Hidden: the owner and staff still see the lists, others see the counts and a sentence.
      const csrf = await other.csrf('/settings/profile');
      const saved = await other.postForm(
        '/settings/profile',
        { displayName: '路人作者', bio: '', followsHidden: '1' },
        { csrf },
      );
      assert.equal(saved.statusCode, 303, saved.body);
      const hidden = await reader.get(`/u/${otherId}/followers`);
      assert.ok(hidden.body.includes('该用户设置了不公开关注和粉丝列表'));
      assert.ok(!hidden.body.includes('fan34'));
      assert.ok(hidden.body.includes('粉丝 35'));
      assert.ok((await other.get(`/u/${otherId}/followers`)).body.includes('fan34'));
      assert.equal((await anon.get('/u/999999/followers')).statusCode, 404);
    });

    test('a publication notifies every follower once, through the fan-out job, in batches', async () => {
      const fans = await insertUsers(db, 'reader', 1100);
      await insertFollows(
        db,
        fans.map((f) => [f, authorId] as [number, number]),
      );
      // Another text than the seed (the same bytes again would be refused, a similar text held for review).
      const law = { name: 'xianfa.txt', data: readFileSync(`${CORPUS_DIR}text-zh/laws/宪法/宪法.md`) };
      const up = await author.upload(law, { title: '新发布的讲话稿', category: '1', price: '0' });
      assert.equal(up.statusCode, 201, up.body);
      const docId = (up.json() as { id: number }).id;
      assert.equal((await waitForStatus(author, docId)).status, 'published');
      // The publishing transaction enqueued the job (deduplicated per document).
      const fanout = await until('the fan-out to finish', async () => {
        const f = await db.selectFrom('follow_fanouts').selectAll().where('document_id', '=', docId).executeTakeFirst();
        return f?.done_at ? f : undefined;
      });
      assert.equal(Number(fanout.sent), 1101, 'the reader and 1 100 more');
      const count = async () =>
        Number(
          (
            await db
              .selectFrom('notifications')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('kind', '=', 'follow.published')
              .where('link', '=', `/d/${docId}`)
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.equal(await count(), 1101);
      // (The seed's own fan-out may have run after the reader followed: only this document's notices count.)
      const mine = (await notificationsOf(db, readerId, 'follow.published')).filter((n) => n.link === `/d/${docId}`);
      assert.equal(mine.length, 1);
      assert.ok(
        (await reader.get('/notifications')).body.includes('你关注的 笔杆子老王 发布了新文档《新发布的讲话稿》'),
      );
      assert.equal((await notificationsOf(db, otherId, 'follow.published')).length, 0, 'non-followers hear nothing');

      // The job again (a retry, a duplicate): nothing more.
      assert.deepEqual(await fanOutPublication(db, docId), { sent: 0 });
      assert.equal(await count(), 1101);
    });

    test('a fan-out resumes after a crash without repeating a batch, and skips unpublished documents', async () => {
      const fans = await insertUsers(db, 'late', 250);
      const docId = await cloneDocument(db, seedId, { ownerId: fans[0]!, title: '断点续发', publishedAt: Date.now() });
      await insertFollows(
        db,
        fans.slice(1).map((f) => [f, fans[0]!] as [number, number]),
      );
      // A first run that committed one batch of 100 and died.
      const first = [...fans.slice(1)].sort((a, b) => a - b).slice(0, 100);
      await db
        .insertInto('follow_fanouts')
        .values({
          document_id: docId,
          owner_id: fans[0]!,
          cursor: first.at(-1)!,
          sent: 100,
          created_at: Date.now(),
          done_at: null,
        })
        .execute();
      await db
        .insertInto('notifications')
        .values(
          first.map((u) => ({
            user_id: u,
            kind: 'follow.published',
            params: '{}',
            link: `/d/${docId}`,
            created_at: Date.now(),
            read_at: null,
          })),
        )
        .execute();
      assert.deepEqual(await fanOutPublication(db, docId, { batch: 100 }), { sent: 149 });
      assert.deepEqual(await fanOutPublication(db, docId, { batch: 100 }), { sent: 0 });
      const perUser = await db
        .selectFrom('notifications')
        .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('link', '=', `/d/${docId}`)
        .groupBy('user_id')
        .execute();
      assert.equal(perUser.length, 249);
      assert.ok(
        perUser.every((r) => Number(r.n) === 1),
        'every follower exactly once',
      );

      const held = await cloneDocument(db, seedId, {
        ownerId: fans[0]!,
        title: '审核中',
        publishedAt: Date.now(),
        status: 'review',
      });
      assert.deepEqual(await fanOutPublication(db, held), { sent: 0 });
      assert.equal(
        (await db.selectFrom('follow_fanouts').select('document_id').where('document_id', '=', held).execute()).length,
        0,
      );
    });
  });
}
