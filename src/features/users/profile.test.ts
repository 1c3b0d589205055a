// Profiles: avatar upload (re-encoded 256×256 WebP, EXIF gone, HTML and 40-megapixel PNGs refused before anything
// is stored, the 5 MB cap), the avatar URL's caching, released avatars collected only when nobody holds them,
// nickname rules and their 30-day limit through the settings form, and a nickname with markup never rendered raw.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { readImageHeader } from '../../convert/image-header.ts';
import type { DB } from '../../db/schema.ts';
import { parseBlobKey } from '../../storage/blob-store.ts';
import { TestClient } from '../../testing/client.ts';
import { drawnImage, hugePngHeader, withExif } from '../../testing/images.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { collectGarbage } from '../documents/gc.ts';

const userOf = (db: Kysely<DB>, email: string) =>
  db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

for (const dialect of DIALECTS) {
  describe(`profiles on ${dialect}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let alice: TestClient;
    let bob: TestClient;
    let anon: TestClient;
    let aliceId: number;
    /** Every stored avatar blob. */
    const avatarKeys = async () => {
      const keys: string[] = [];
      for await (const b of t.deps.blobs.list()) if (b.key.startsWith('avatar/')) keys.push(b.key);
      return keys.sort();
    };
    const stored = (key: string) => t.deps.blobs.has(parseBlobKey(key));
    const upload = (client: TestClient, data: Buffer, name = 'me.png') =>
      client.postMultipart(
        '/settings/avatar',
        {},
        { file: { field: 'avatar', name, data }, csrfPage: '/settings/profile' },
      );

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      db = t.deps.database.db;
      anon = new TestClient(t.app);
      alice = new TestClient(t.app);
      await alice.register('alice@example.com', '爱丽丝');
      bob = new TestClient(t.app);
      await bob.register('bob@example.com', '鲍勃');
      aliceId = Number((await userOf(db, 'alice@example.com')).id);
    });
    after(() => t.close());

    test('a PNG becomes a 256×256 WebP avatar, served with its content hash', async () => {
      const res = await upload(alice, await drawnImage('png', 640, 480));
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/settings/profile?notice=avatar');
      const key = (await userOf(db, 'alice@example.com')).avatar_key!;
      assert.match(key, /^avatar\/[0-9a-f]{64}$/);
      const hash = key.slice(7);

      const img = await anon.get(`/u/${aliceId}/avatar`);
      assert.equal(img.statusCode, 200);
      assert.equal(img.headers['content-type'], 'image/webp');
      assert.equal(img.headers.etag, `"${hash}"`);
      assert.equal(img.headers['cache-control'], 'public, max-age=300');
      assert.deepEqual(readImageHeader(img.rawPayload), { format: 'webp', width: 256, height: 256 });
      const versioned = await anon.get(`/u/${aliceId}/avatar?v=${hash.slice(0, 16)}`);
      assert.equal(versioned.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal((await anon.get(`/u/${aliceId}/avatar`, { 'if-none-match': `"${hash}"` })).statusCode, 304);

      // Shown on the profile (versioned URL) and in the header of the owner's pages.
      const profile = await anon.get(`/u/${aliceId}`);
      assert.ok(profile.body.includes(`src="/u/${aliceId}/avatar?v=${hash.slice(0, 16)}"`));
      assert.ok((await alice.get('/')).body.includes(`src="/u/${aliceId}/avatar"`));
      assert.ok((await alice.get('/settings/profile?notice=avatar')).body.includes('头像已更新'));
    });

    test('a JPEG loses its EXIF data', async () => {
      const marker = 'EXIF-GPS-MARKER-7c1e';
      const jpeg = withExif(await drawnImage('jpeg', 400, 400), { marker, orientation: 1 });
      assert.equal((await upload(alice, jpeg, 'photo.jpg')).statusCode, 303);
      const img = await anon.get(`/u/${aliceId}/avatar`);
      assert.equal(img.rawPayload.toString('latin1', 8, 12), 'WEBP');
      assert.ok(!img.rawPayload.includes(marker));
      for (const key of await avatarKeys()) {
        const bytes = Buffer.concat(await t.deps.blobs.read(parseBlobKey(key)).toArray());
        assert.ok(!bytes.includes(marker), 'no stored avatar holds the marker');
      }
    });

    test('HTML named .png, a 40-megapixel PNG and a 6 MB file are refused and nothing is stored', async () => {
      const before = await avatarKeys();
      const key = (await userOf(db, 'alice@example.com')).avatar_key;

      const html = await upload(alice, Buffer.from('<!doctype html><script>alert(document.cookie)</script>'), 'x.png');
      assert.equal(html.statusCode, 422);
      assert.ok(html.body.includes('文件内容不是图片'), html.body.slice(0, 300));

      const bomb = await upload(alice, hugePngHeader(8000, 5000), 'big.png');
      assert.equal(bomb.statusCode, 422);
      assert.ok(bomb.body.includes('图片尺寸过大（8000×5000，约 40 百万像素），最多 25 百万像素'));

      const big = Buffer.concat([await drawnImage('png', 16, 16), Buffer.alloc(6 * 1024 * 1024)]);
      const tooBig = await upload(alice, big, 'huge.png');
      assert.equal(tooBig.statusCode, 422, 'the settings page again, the sentence beside the picture');

      const none = await alice.postMultipart('/settings/avatar', {}, { csrfPage: '/settings/profile' });
      assert.equal(none.statusCode, 422);
      assert.ok(none.body.includes('请选择要上传的图片'));

      assert.deepEqual(await avatarKeys(), before);
      assert.equal((await userOf(db, 'alice@example.com')).avatar_key, key);
      // JSON clients get the error object.
      const json = await alice.postMultipart(
        '/settings/avatar',
        {},
        {
          file: { field: 'avatar', name: 'x.png', data: Buffer.from('<html></html>') },
          csrfPage: '/settings/profile',
          accept: 'application/json',
        },
      );
      assert.equal(json.statusCode, 422);
      assert.equal((json.json() as { error: { message: string } }).error.message.includes('不是图片'), true);
    });

    test('a replaced avatar is collected after the grace period unless someone else holds it', async () => {
      const a = await drawnImage('png', 100, 100);
      const b = await drawnImage('png', 120, 90);
      assert.equal((await upload(alice, a)).statusCode, 303);
      const keyA = (await userOf(db, 'alice@example.com')).avatar_key!;
      assert.equal((await upload(bob, a)).statusCode, 303, 'Bob uses the same picture');
      assert.equal((await userOf(db, 'bob@example.com')).avatar_key, keyA);
      assert.equal((await upload(alice, b)).statusCode, 303);
      const keyB = (await userOf(db, 'alice@example.com')).avatar_key!;
      assert.notEqual(keyA, keyB);
      const released = await db.selectFrom('avatar_releases').select('key').execute();
      assert.ok(released.some((r) => r.key === keyA));

      const later = Date.now() + (t.deps.config.storage.gcGraceDays + 1) * 86_400_000;
      let run = await collectGarbage(t.deps, { now: later });
      assert.ok(await stored(keyA), 'Bob still holds it');
      assert.ok(await stored(keyB));

      const csrf = await bob.csrf('/settings/profile');
      assert.equal((await bob.postForm('/settings/avatar/remove', {}, { csrf })).statusCode, 303);
      assert.equal((await userOf(db, 'bob@example.com')).avatar_key, null);
      // Just released: within the grace period (as seen from now) it stays; past it, it goes.
      run = await collectGarbage(t.deps, {});
      assert.ok(await stored(keyA));
      run = await collectGarbage(t.deps, { now: later });
      assert.ok(run.avatars.files >= 1, JSON.stringify(run.avatars));
      assert.ok(!(await stored(keyA)), 'nobody holds it any more');
      assert.ok(await stored(keyB), 'the current avatar is kept');
      // Without an avatar the URL answers the initial as SVG.
      const svg = await anon.get(`/u/${Number((await userOf(db, 'bob@example.com')).id)}/avatar`);
      assert.equal(svg.statusCode, 200);
      assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
      assert.ok(svg.body.includes('>鲍</text>'));
    });

    test('nickname rules and the 30-day limit through the settings form; bio escaped', async () => {
      const csrf = await alice.csrf('/settings/profile');
      const post = (fields: Record<string, string>) =>
        alice.postForm('/settings/profile', { bio: '', ...fields }, { csrf });

      const script = await post({ displayName: '<script>x</script>' });
      assert.equal(script.statusCode, 422);
      assert.ok(script.body.includes('昵称只能使用汉字、字母、数字'));
      assert.ok(!script.body.includes('<script>x</script>'), 'what was typed is escaped when shown again');
      assert.ok(script.body.includes('&lt;script'));
      const staff = await post({ displayName: '官方客服' });
      assert.equal(staff.statusCode, 422);
      assert.ok(staff.body.includes('容易被误认为本站工作人员'));
      const bidi = await post({ displayName: 'abc\u202edcba' });
      assert.equal(bidi.statusCode, 422);
      assert.equal((await userOf(db, 'alice@example.com')).display_name, '爱丽丝');

      const bio = '<img src=x onerror=alert(1)> 公文写作爱好者';
      const ok = await post({ displayName: '爱丽丝·写作', bio });
      assert.equal(ok.statusCode, 303, ok.body);
      const row = await userOf(db, 'alice@example.com');
      assert.equal(row.display_name, '爱丽丝·写作');
      assert.ok(row.name_changed_at);
      const profile = await anon.get(`/u/${aliceId}`);
      assert.ok(!profile.body.includes('<img src=x'));
      assert.match(profile.body, /&lt;img src=x onerror=alert\(1\)(&gt;|>) 公文写作爱好者/);

      // A second change within 30 days is refused; the bio alone may still change.
      const again = await post({ displayName: '爱丽丝二号' });
      assert.equal(again.statusCode, 422);
      assert.ok(again.body.includes('昵称每 30 天只能修改一次'));
      assert.equal((await post({ displayName: '爱丽丝·写作', bio: '新的简介' })).statusCode, 303);
      assert.equal((await userOf(db, 'alice@example.com')).bio, '新的简介');
      const page = await alice.get('/settings/profile');
      assert.ok(page.body.includes('下次可修改昵称'));
    });

    test('a name with markup from before the rules is escaped everywhere it is shown', async () => {
      // Registration (another form) or an old account may carry such a name: every view escapes it.
      const raw = '<script>x</script>';
      const mallory = new TestClient(t.app);
      await mallory.register('mallory@example.com', raw);
      const m = await userOf(db, 'mallory@example.com');
      assert.equal(m.display_name, raw);
      const id = Number(m.id);
      const csrf = await mallory.csrf(`/u/${aliceId}`);
      assert.equal((await mallory.postForm(`/u/${aliceId}/follow`, {}, { csrf })).statusCode, 303);
      const pages = [
        await anon.get(`/u/${id}`),
        await mallory.get('/'),
        await mallory.get('/following'),
        await mallory.get('/settings/profile'),
        await anon.get(`/u/${aliceId}/followers`),
        await alice.get('/notifications'),
        await anon.get(`/u/${id}/avatar`),
      ];
      for (const res of pages) {
        assert.ok(res.statusCode < 400, String(res.statusCode));
        assert.ok(!res.body.includes(raw), `raw markup in ${res.body.slice(0, 120)}`);
      }
      assert.match(pages[5]!.body, /&lt;script(&gt;|>)x&lt;\/script(&gt;|>) 关注了你/);
      assert.ok(pages[6]!.body.includes('&lt;'), 'the SVG initial is escaped');
    });
  });
}
