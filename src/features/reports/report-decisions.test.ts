// Staff decisions on reports that leave the document up, over HTTP on each dialect: a dismissal needs a reason and
// both sides are told; a warning and a punishment close their reports and a muted user can no longer report; an
// uploader deleting the document closes its open reports. The site: testing/takedown-site.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openTakedownSite, type TakedownSite } from '../../testing/takedown-site.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { verifyLedger } from '../credits/verify.ts';

for (const dialect of DIALECTS) {
  describe(`report decisions on ${dialect}`, () => {
    let s: TakedownSite;
    before(async () => {
      s = await openTakedownSite(dialect);
    });
    after(() => s.t.close());

    test('dismiss needs a reason; the reporter reads it; the uploader is told', async () => {
      const { db, report, staffPost, notificationsOf, admin, mod, reporter, uploader, bId } = s;
      const filed = await report(reporter, bId, 'mismatch', '标题写的是讲话，内容也确实是讲话？');
      const id = (filed.json() as { id: number }).id;
      const empty = await staffPost(mod, `/admin/reports/${id}/dismiss`, { reason: ' ' });
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /请填写驳回原因/);
      assert.equal(
        (await db().selectFrom('reports').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
        'open',
      );
      const ok = await staffPost(mod, `/admin/reports/${id}/dismiss`, { reason: '内容与标题一致，举报不成立' });
      assert.equal(ok.statusCode, 303);
      const row = await db().selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.status, row.decision, row.decision_reason],
        ['dismissed', 'dismiss', '内容与标题一致，举报不成立'],
      );
      assert.match(await notificationsOf(reporter), /经核实未予采纳，原因：内容与标题一致，举报不成立/);
      assert.match(await notificationsOf(uploader), /收到的一条举报经核实未予采纳/);
      assert.ok((await admin.get('/admin/audit?action=report.dismiss')).body.includes('驳回举报'));
      assert.equal(
        (await db().selectFrom('documents').select('status').where('id', '=', bId).executeTakeFirstOrThrow()).status,
        'published',
      );
    });

    test('warn and punish the uploader close the report; a muted user cannot report', async () => {
      const { db, report, staffPost, notificationsOf, mod, reporter, reporter2, uploader, aId, bId } = s;
      const w = (await report(reporter2, bId, 'spam', '文末有广告')).json() as { id: number };
      const warn = await staffPost(mod, `/admin/reports/${w.id}/warn`, { message: '请删除文末的广告链接' });
      assert.equal(warn.statusCode, 303);
      assert.match(
        await notificationsOf(uploader),
        /管理员就你的文档《创建文明城市动员讲话（免费版）》向你发出警告：请删除文末的广告链接/,
      );
      assert.match(await notificationsOf(reporter2), /我们已警告上传者/);

      const p = (await report(reporter, bId, 'other', '上传者多次发布广告')).json() as { id: number };
      const punish = await staffPost(mod, `/admin/reports/${p.id}/punish`, {
        kind: 'mute',
        days: '1',
        reason: '多次发布广告',
      });
      assert.equal(punish.statusCode, 303, punish.body);
      const rows = await db()
        .selectFrom('reports')
        .select(['id', 'status', 'decision'])
        .where('id', 'in', [w.id, p.id])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.status, r.decision]),
        [
          ['actioned', 'warn'],
          ['actioned', 'punish'],
        ],
      );
      assert.match(await notificationsOf(reporter), /我们已处罚上传者/);
      const refused = await uploader.postForm(
        `/d/${aId}/report`,
        { reason: 'spam', detail: '' },
        { csrf: await uploader.csrf('/') },
      );
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /你已被禁言/);
    });

    test('when the uploader deletes a document, its open reports close and the reporters are told', async () => {
      const { t, db, report, notificationsOf, reporter2, uploader, bId } = s;
      const filed = (await report(reporter2, bId, 'copyright', '')).json() as { id: number };
      const del = await uploader.postForm(`/d/${bId}/delete`, {}, { csrf: await uploader.csrf(`/d/${bId}/delete`) });
      assert.equal(del.statusCode, 303, del.body);
      const row = await db().selectFrom('reports').selectAll().where('id', '=', filed.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.status, row.decision_reason], ['dismissed', '文档已被上传者删除']);
      assert.match(await notificationsOf(reporter2), /已关闭：文档已被上传者删除/);
      assert.ok((await verifyLedger(t.deps)).ok);
    });
  });
}
