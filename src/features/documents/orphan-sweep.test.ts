// The full orphan sweep on both stores (local directory, S3 on s3rver): unreferenced old blobs go, referenced ones
// (documents of any state, avatars, proof files, support screenshots, the site's QR code) and fresh ones stay.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BlobNamespace, blobKey } from '../../storage/blob-store.ts';
import { insertTestDocument, insertTestUser } from '../../testing/credits.ts';
import { type S3rverHandle, startS3rver } from '../../testing/s3rver.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { sweepOrphanBlobs } from './orphan-sweep.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const STORES = [
  { dialect: 'sqlite' as const, s3: false },
  { dialect: DIALECTS.includes('postgres') ? ('postgres' as const) : ('sqlite' as const), s3: true },
];

for (const { dialect, s3: onS3 } of STORES) {
  describe(`storage sweep (${onS3 ? 'S3' : 'local files'}, ${dialect})`, () => {
    let s3: S3rverHandle | undefined;
    let t: TestApp;

    before(async () => {
      if (onS3) s3 = await startS3rver({ prefix: 'sweep' });
      t = await createTestApp(dialect, { env: s3?.env ?? {}, worker: false });
    });
    after(async () => {
      await t?.close();
      await s3?.close();
    });

    const put = async (ns: BlobNamespace) => {
      const bytes = randomBytes(64 + Math.floor(Math.random() * 64));
      const key = blobKey(ns, createHash('sha256').update(bytes).digest('hex'));
      const tmp = t.deps.blobs.tempPath('seed');
      writeFileSync(tmp, bytes);
      await t.deps.blobs.putFile(tmp, key);
      return key;
    };
    const has = (k: string) => t.deps.blobs.has(k as never);

    test('removes old unreferenced blobs and nothing else', async () => {
      const { db } = t.deps.database;
      const user = await insertTestUser(t.deps.database, '上传者');
      // Referenced, in every place a row can name a blob.
      const original = await put('original');
      const pdf = await put('pdf');
      const page = await put('page');
      const deadOriginal = await put('original');
      const avatar = await put('avatar');
      const released = await put('avatar');
      const qr = await put('site');
      const support = await put('support');
      const doc = await insertTestDocument(t.deps.database, user, { blobKey: original });
      await db
        .updateTable('documents')
        .set({ pdf_key: pdf, page_images: JSON.stringify([{ n: 1, w: 10, h: 10, key: page }]) })
        .where('id', '=', doc)
        .execute();
      await insertTestDocument(t.deps.database, user, { blobKey: deadOriginal, status: 'deleted' });
      await db.updateTable('users').set({ avatar_key: avatar }).where('id', '=', user).execute();
      await db.insertInto('avatar_releases').values({ key: released, released_at: Date.now() }).execute();
      await db
        .insertInto('settings')
        .values({ key: 'sweep.test', value: JSON.stringify({ serviceQrKey: qr }), updated_at: Date.now() })
        .execute();
      const conv = await db
        .insertInto('support_conversations')
        .values({
          user_id: user,
          subject: '截图',
          status: 'open',
          awaiting: 'staff',
          staff_unread: 1,
          user_unread: 0,
          created_at: Date.now(),
          updated_at: Date.now(),
          closed_at: null,
          closed_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('support_messages')
        .values({
          conversation_id: conv.id,
          author_id: user,
          from_staff: 0,
          body: '见截图',
          image_key: support,
          image_width: 10,
          image_height: 10,
          created_at: Date.now(),
        })
        .execute();
      // Unreferenced: a crash between storing and committing, long ago.
      const orphans = [await put('original'), await put('page'), await put('proof')];
      await sleep(30);
      const cutoff = Date.now();
      await sleep(30);
      // Unreferenced but fresh: an upload in flight (stored, its row not yet committed).
      const inFlight = await put('original');

      // "Now" is one grace period after `cutoff`: everything stored before it is old, the in-flight blob is not.
      const now = cutoff + t.deps.config.storage.gcGraceDays * DAY_MS;
      const dry = await sweepOrphanBlobs(t.deps, { now, dryRun: true });
      assert.equal(dry.removed.files, orphans.length);
      assert.equal(dry.young, 1);
      for (const k of orphans) assert.ok(await has(k), 'a dry run removes nothing');

      const run = await sweepOrphanBlobs(t.deps, { now });
      assert.equal(run.removed.files, orphans.length);
      assert.ok(run.removed.bytes >= 64 * orphans.length);
      assert.equal(run.young, 1);
      for (const k of orphans) assert.equal(await has(k), false, `orphan ${k} removed`);
      for (const k of [original, pdf, page, deadOriginal, avatar, released, qr, support, inFlight])
        assert.ok(await has(k), `${k} kept`);
      // Once its row is committed the in-flight blob is referenced; a later sweep past its grace keeps it.
      await insertTestDocument(t.deps.database, user, { blobKey: inFlight });
      const later = await sweepOrphanBlobs(t.deps, {
        now: Date.now() + 2 * t.deps.config.storage.gcGraceDays * DAY_MS,
      });
      assert.equal(await has(inFlight), true);
      assert.equal(later.young, 0);
    });
  });
}
