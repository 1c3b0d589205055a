// The PII screen's other outcomes, on each dialect: publishing as is (a false positive) and rejecting with a reason;
// digit runs that fail the checks publish normally; a near duplicate with PII gets the privacy decision first and
// then the duplicate queue's. The texts and site are testing/privacy-site.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TestClient, waitForStatus } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { SEED_TXT } from '../../testing/paths.ts';
import {
  CARD,
  ID,
  INTACT,
  NOT_CARD,
  openPrivacySite,
  type PrivacySite,
  searchHits,
  settled,
  upload,
} from '../../testing/privacy-site.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`PII screen decisions on ${dialect}`, () => {
    let s: PrivacySite;
    before(async () => {
      s = await openPrivacySite(dialect);
    });
    after(() => s.t.close());

    test('publish as is (a false positive): published with the text unchanged, indexed, uploader told', async () => {
      const { t, anon, admin, author, reader } = s;
      const id = await upload(
        author,
        'hotline.txt',
        `青石镇便民服务热线通知\n便民服务热线：13800138000，欢迎来电。\n${INTACT}。`,
      );
      assert.equal((await settled(t, id)).reject_code, 'privacy.held');
      const res = await admin.postForm(
        `/admin/privacy/${id}/publish`,
        {},
        { csrf: await admin.csrf('/admin/privacy') },
      );
      assert.equal(res.statusCode, 303);
      const d = await settled(t, id);
      assert.equal(d.status, 'published');
      assert.equal(d.pii_state, 'cleared');
      assert.equal(typeof d.published_at, 'number');
      const page = await anon.get(`/d/${id}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('便民服务热线：13800138000'), 'as is');
      assert.ok((await searchHits(anon, '便民服务热线')).some((h) => h.id === id));
      assert.ok(!page.body.includes('原文件不提供下载'));
      const note = await t.deps.database.db
        .selectFrom('notifications')
        .select('kind')
        .where('kind', '=', 'privacy.published')
        .execute();
      assert.equal(note.length, 1);
      const owner = await t.deps.database.db
        .selectFrom('users')
        .select('is_provider')
        .where('email', '=', 'author@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(owner.is_provider, 1);
      assert.equal((await reader.get(`/d/${id}/download`)).statusCode, 303, 'the original is downloadable');
      const again = await admin.postForm(`/admin/privacy/${id}/publish`, {}, { csrf: await admin.csrf('/admin') });
      assert.equal(again.statusCode, 422, 'the queue again, with the sentence alone');
    });

    test('reject with a reason: the uploader reads it, no 重新转换, never public; twice is refused', async () => {
      const { t, anon, moderator, author } = s;
      const id = await upload(author, 'card.txt', `青石镇补贴发放名单\n收款人：李某某，卡号 ${CARD}。\n${INTACT}。`);
      const held = await settled(t, id);
      assert.equal(held.reject_code, 'privacy.held');
      const [match] = await t.deps.database.db
        .selectFrom('document_pii')
        .selectAll()
        .where('document_id', '=', id)
        .execute();
      assert.equal(match?.kind, 'bankCard');
      assert.equal(match?.masked, `${CARD.slice(0, 4)}********${CARD.slice(12)}`);
      const queue = (await moderator.get('/admin/privacy')).body;
      assert.ok(queue.includes(`<mark class="pii pii--bankCard">${CARD}</mark>`));

      const csrf = await moderator.csrf('/admin/privacy');
      const tooLong = await moderator.postForm(`/admin/privacy/${id}/reject`, { reason: '长'.repeat(201) }, { csrf });
      assertRefusedForm(tooLong, {
        form: `privacy-reject-${id}`,
        field: 'reason',
        error: /200/,
        values: { reason: '长'.repeat(201) },
      });
      const res = await moderator.postForm(`/admin/privacy/${id}/reject`, { reason: '含有他人银行卡号' }, { csrf });
      assert.equal(res.statusCode, 303);
      const d = await settled(t, id);
      assert.equal(d.status, 'rejected');
      assert.equal(d.reject_code, 'privacy.rejected');
      assert.equal(d.pii_state, 'rejected');
      const mine = (await author.get('/my/documents')).body;
      assert.ok(mine.includes('经隐私审核未通过。审核意见：含有他人银行卡号'), 'the uploader reads the reason');
      assert.ok(!mine.includes(`action="/d/${id}/reconvert"`));
      assert.ok(!mine.includes(CARD));
      const reconvert = await author.postForm(`/d/${id}/reconvert`, {}, { csrf: await author.csrf('/my/documents') });
      assert.equal(reconvert.statusCode, 422, '我的文档 again with the sentence');
      assert.match(reconvert.body, /<div class="form__errors" role="alert"[^>]*><p>隐私审核的结论不会因重新转换而改变/);
      assert.equal((await anon.get(`/d/${id}`)).statusCode, 404);
      assert.ok(!(await searchHits(anon, '补贴发放')).some((h) => h.id === id));
      const note = await t.deps.database.db
        .selectFrom('notifications')
        .select('params')
        .where('kind', '=', 'privacy.rejected')
        .executeTakeFirstOrThrow();
      assert.ok(!note.params.includes(CARD));
      assert.equal((await moderator.postForm(`/admin/privacy/${id}/reject`, {}, { csrf })).statusCode, 422);
      assert.equal((await moderator.postForm(`/admin/privacy/${id}/publish`, {}, { csrf })).statusCode, 422);
    });

    test('random 18-digit runs, wrong check digits, 11-digit non-mobiles and a Luhn-failing card publish normally', async () => {
      const { t, anon, author } = s;
      const wrong = `${ID.slice(0, 17)}${ID[17] === '0' ? '1' : '0'}`;
      const text = [
        '白沙乡统计台账说明',
        `台账编号 123456789012345678、987650123498765012，核对码 ${wrong}。`,
        '联系座机 010-65123456，业务编码 12345678901、10086123456、11912345678。',
        `旧卡号格式示例 ${NOT_CARD}，仅供说明。`,
        INTACT,
      ].join('\n');
      const id = await upload(author, 'ledger.txt', text);
      assert.equal((await waitForStatus(author, id)).status, 'published');
      const d = await settled(t, id);
      assert.equal(d.pii_state, null);
      assert.equal(d.reject_code, null);
      const rows = await t.deps.database.db
        .selectFrom('document_pii')
        .select('seq')
        .where('document_id', '=', id)
        .execute();
      assert.equal(rows.length, 0);
      assert.equal((await anon.get(`/d/${id}`)).statusCode, 200);
    });

    test('a near duplicate with PII: the privacy decision first, then the duplicate queue publishes it', async () => {
      const { t, anon, admin } = s;
      const original = new TestClient(t.app);
      await original.register('original@example.com', '原作者');
      const seed = readFileSync(SEED_TXT, 'utf8');
      const first = await upload(original, 'seed.txt', seed);
      assert.equal((await waitForStatus(original, first)).status, 'published');

      const copier = new TestClient(t.app);
      await copier.register('copier2@example.com', '转载者');
      const id = await upload(copier, 'seed-copy.txt', `${seed}\n转载联系人电话：139 1234 5678`);
      const held = await settled(t, id);
      assert.equal(held.reject_code, 'privacy.held');
      assert.equal(Number(held.dup_of), first);
      assert.ok(!(await admin.get('/admin/review')).body.includes(`review-${id}`), 'not in the duplicate queue yet');
      assert.ok((await admin.get('/admin/privacy')).body.includes('同时与已有文档相似'));

      const csrf = await admin.csrf('/admin/privacy');
      assert.equal((await admin.postForm(`/admin/privacy/${id}/mask`, {}, { csrf })).statusCode, 303);
      const moved = await settled(t, id);
      assert.equal(moved.status, 'review', 'still held: now as a near duplicate');
      assert.equal(moved.reject_code, 'duplicate.near');
      assert.equal(moved.pii_state, 'masked');
      assert.equal((await anon.get(`/d/${id}`)).statusCode, 404);
      assert.ok((await admin.get('/admin/review')).body.includes(`review-${id}`));
      assert.equal((await admin.postForm(`/admin/privacy/${id}/publish`, {}, { csrf })).statusCode, 422);

      assert.equal((await admin.postForm(`/admin/review/${id}/approve`, {}, { csrf })).statusCode, 303);
      const page = await anon.get(`/d/${id}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('原文件不提供下载'));
      assert.ok(!page.body.includes('139 1234 5678'));
    });
  });
}
