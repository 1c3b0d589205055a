// The PII screen's hold end to end, on each dialect: a text with a valid 身份证号 and mobile numbers is held (not
// public, not findable, the uploader told in masked form) until a moderator acts in /admin/privacy, which staff alone
// see with the numbers in full; publishing it masked leaves no number on the page, in search, suggestions or JSON-LD,
// and withholds the original; the near-duplicate queue never acts on it. Decisions other than masking are in
// privacy-decisions.test.ts; the texts and site are testing/privacy-site.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import {
  assertNoNumber,
  ID,
  INTACT,
  MOBILE,
  openPrivacySite,
  type PrivacySite,
  searchHits,
  settled,
  TEXT,
  TITLE,
  TITLE_MOBILE,
  upload,
} from '../../testing/privacy-site.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`PII screen on ${dialect}`, () => {
    let s: PrivacySite;
    let heldId: number;
    before(async () => {
      s = await openPrivacySite(dialect);
      heldId = await upload(s.author, 'lianluo.txt', TEXT, { title: TITLE });
      const d = await settled(s.t, heldId);
      assert.equal(d.status, 'review');
      assert.equal(d.reject_code, 'privacy.held');
      assert.equal(d.pii_state, 'held');
    });
    after(() => s.t.close());

    test('held: not public, not findable; the uploader reads masked numbers only; matches stored masked', async () => {
      const { t, anon, author, reader } = s;
      assert.equal((await anon.get(`/d/${heldId}`)).statusCode, 404);
      assert.equal((await reader.get(`/d/${heldId}`)).statusCode, 404);
      assert.ok(!(await searchHits(anon, '青石镇')).some((h) => h.id === heldId));
      assert.ok(!(await searchHits(anon, '志愿服务')).some((h) => h.id === heldId));

      const rows = await t.deps.database.db
        .selectFrom('document_pii')
        .selectAll()
        .where('document_id', '=', heldId)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.kind, r.field, r.masked]),
        [
          ['idNumber', 'body', `110101********${ID.slice(14)}`],
          ['mobile', 'body', '138-****-8000'],
          ['mobile', 'title', '139****5678'],
        ],
      );
      const body = (await t.deps.database.db
        .selectFrom('document_texts')
        .select('body')
        .where('document_id', '=', heldId)
        .executeTakeFirstOrThrow())!.body;
      assert.equal(body.slice(rows[0]!.start_offset, rows[0]!.end_offset), ID, 'offsets point at the number');

      const mine = (await author.get('/my/documents')).body;
      assert.ok(mine.includes('正在等待隐私审核'), 'the uploader is told why');
      assert.ok(mine.includes(`110101********${ID.slice(14)}`));
      assertNoNumber('我的文档', mine);
      const status = (await author.get(`/api/documents/${heldId}/status`)).json() as { reason: string };
      assert.match(status.reason, /3 处疑似个人信息/);
      assertNoNumber('the status API', JSON.stringify(status));
      // The owner may open the held page: masked there too.
      const own = await author.get(`/d/${heldId}`);
      assert.equal(own.statusCode, 200);
      assert.ok(own.body.includes(INTACT));
      assertNoNumber('the owner’s view of the held page', own.body);
    });

    test('the near-duplicate queue neither lists nor decides a document held for privacy', async () => {
      const { t, admin } = s;
      const review = await admin.get('/admin/review');
      assert.equal(review.statusCode, 200);
      assert.ok(!review.body.includes(`review-${heldId}`));
      const csrf = await admin.csrf('/admin/review');
      assert.equal((await admin.postForm(`/admin/review/${heldId}/approve`, {}, { csrf })).statusCode, 422);
      assert.equal((await admin.postForm(`/admin/review/${heldId}/reject`, {}, { csrf })).statusCode, 422);
      assert.equal((await settled(t, heldId)).status, 'review');
    });

    test('staff only: a visitor goes to the login form, a normal user gets 403', async () => {
      const { t, anon, author, reader } = s;
      const page = await anon.get('/admin/privacy');
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/login?next=%2Fadmin%2Fprivacy');
      for (const d of ['publish', 'mask', 'reject']) {
        assert.equal((await anon.postForm(`/admin/privacy/${heldId}/${d}`, {}, { csrf: false })).statusCode, 401);
        const csrf = await reader.csrf('/upload');
        assert.equal((await reader.postForm(`/admin/privacy/${heldId}/${d}`, {}, { csrf })).statusCode, 403);
      }
      assert.equal((await reader.get('/admin/privacy')).statusCode, 403);
      assert.equal((await author.get('/admin/privacy')).statusCode, 403, 'not even the uploader');
      assert.equal((await settled(t, heldId)).status, 'review', 'nothing was decided');
    });

    test('the queue shows each number in full, highlighted, to a moderator; the nav links to it', async () => {
      const { moderator } = s;
      const res = await moderator.get('/admin/privacy');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'private, no-store');
      const html = res.body;
      assert.ok(html.includes(`<mark class="pii pii--idNumber">${ID}</mark>`));
      assert.ok(html.includes(`<mark class="pii pii--mobile">${MOBILE}</mark>`));
      assert.ok(html.includes(`<mark class="pii pii--mobile">${TITLE_MOBILE}</mark>`), 'the title too');
      assert.ok(html.includes('联络人：王某某，身份证号：'), 'with the text around it');
      assert.ok(html.includes(`action="/admin/privacy/${heldId}/mask"`));
      assert.ok(html.includes('href="/admin/privacy"'), 'the staff navigation links to the queue');
    });

    test('publish masked: no number anywhere public, the rest intact, original withheld; twice is 409', async () => {
      const { t, anon, moderator, author, reader } = s;
      const csrf = await moderator.csrf('/admin/privacy');
      const res = await moderator.postForm(`/admin/privacy/${heldId}/mask`, {}, { csrf });
      assert.equal(res.statusCode, 303, res.body);
      const d = await settled(t, heldId);
      assert.equal(d.status, 'published');
      assert.equal(d.pii_state, 'masked');
      assert.equal(d.reject_code, null);
      assert.equal(d.title, '青石镇志愿者联络表139****5678');
      assert.equal(d.price, 0);

      const page = await anon.get(`/d/${heldId}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(INTACT), 'the rest of the text is intact');
      assert.ok(page.body.includes(`110101********${ID.slice(14)}`));
      assert.ok(page.body.includes('138-****-8000'));
      assertNoNumber('the public page', page.body);
      const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page.body)?.[1];
      assert.ok(ld?.includes('青石镇'), 'JSON-LD present');
      assertNoNumber('JSON-LD', ld!);
      const meta = /<meta name="description" content="([^"]*)"/.exec(page.body)?.[1] ?? '';
      assertNoNumber('the meta description', meta);
      assert.ok(page.body.includes('原文件不提供下载'), 'readers are told the original is withheld');
      assert.ok(!page.body.includes(`href="/d/${heldId}/download"`));

      const hits = await searchHits(anon, '青石镇');
      assert.ok(
        hits.some((h) => h.id === heldId),
        'findable',
      );
      assertNoNumber('search results', JSON.stringify(hits));
      for (const q of [ID, '13800138000', TITLE_MOBILE, '志愿者联络表'])
        assertNoNumber(`search for ${q}`, JSON.stringify(await searchHits(anon, q)));
      const suggest = await anon.get(`/api/suggest?q=${encodeURIComponent('青石镇志愿者')}`);
      assert.ok(suggest.body.includes('139****5678'), suggest.body);
      assertNoNumber('suggestions', suggest.body);

      // Stored text, excerpts, notification and audit entry: masked or count-only.
      const db = t.deps.database.db;
      const stored = await db.selectFrom('document_texts').selectAll().where('document_id', '=', heldId).execute();
      assertNoNumber('document_texts', JSON.stringify(stored));
      assert.ok(stored[0]!.body.includes(INTACT));
      const excerpts = await db.selectFrom('search_excerpts').selectAll().execute();
      assertNoNumber('search_excerpts', JSON.stringify(excerpts));
      const notes = await db.selectFrom('notifications').selectAll().where('kind', 'like', 'privacy.%').execute();
      assert.deepEqual(
        notes.map((n) => n.kind),
        ['privacy.masked'],
      );
      assertNoNumber('notifications', JSON.stringify(notes));
      const audit = await db.selectFrom('audit_log').selectAll().where('target_id', '=', heldId).execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['privacy.mask'],
      );
      assert.deepEqual(JSON.parse(audit[0]!.before ?? '{}').matches, { idNumber: 1, mobile: 2, bankCard: 0 });
      assertNoNumber('the audit log', JSON.stringify(audit));

      // The original still holds the numbers: only its owner and admins may download it.
      const denied = await reader.get(`/d/${heldId}/download`);
      assert.equal(denied.statusCode, 403);
      assert.ok(denied.body.includes('原文件不提供下载'));
      assert.equal((await anon.get(`/d/${heldId}/download`)).statusCode, 303, 'visitors go to login first');
      const own = await author.get(`/d/${heldId}/download`);
      assert.equal(own.statusCode, 303);
      assert.match(String(own.headers.location), /^\/dl\//);

      // Twice, or another decision: 409, nothing changes.
      for (const decision of ['mask', 'publish', 'reject']) {
        const again = await moderator.postForm(
          `/admin/privacy/${heldId}/${decision}`,
          {},
          { csrf, headers: { accept: 'application/json' } },
        );
        assert.equal(again.statusCode, 409, decision);
        assert.equal((again.json() as { error: { code: string } }).error.code, 'conflict');
      }
      assert.equal((await moderator.postForm('/admin/privacy/999999/mask', {}, { csrf })).statusCode, 404);
      assert.equal((await settled(t, heldId)).pii_state, 'masked');
      assert.ok(!(await moderator.get('/admin/privacy')).body.includes(`privacy-${heldId}`), 'out of the queue');
    });

    test('the same bytes uploaded again are screened again, not passed on the masked text', async () => {
      const { t } = s;
      const copier = new TestClient(t.app);
      await copier.register('copier@example.com', '搬运工');
      const id = await upload(copier, 'copy.txt', TEXT, { title: '青石镇志愿者联络表' });
      const d = await settled(t, id);
      assert.equal(d.status, 'review');
      assert.equal(d.reject_code, 'privacy.held');
      assert.equal(Number(d.dup_of), heldId, 'and it is a near duplicate too');
    });
  });
}
