// The proof that identity numbers never sit anywhere in plaintext: after a whole run (submissions with and without
// a photo, typed in full-width digits too, an approval, a rejection, a refused number, a reveal, a revocation, and
// every page the applicant, a moderator and an admin see), the digits of each number are searched for in
// - the database: the SQLite file and its WAL, byte for byte; on PostgreSQL every text, json and bytea column of
//   every table;
// - every file under DATA_DIR (keys, blobs, temp files);
// - every log line, captured at trace level through the production redaction rules;
// - every page and JSON answer fetched, headers included — except the one reveal response, which must show it.
// Each channel has a positive control, so a scan that sees nothing cannot pass by accident.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { REDACTED_PATHS } from '../../log.ts';
import { TestClient } from '../../testing/client.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { makeIdNumber } from '../../testing/verification.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const fullWidth = (s: string) => [...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');

/** What must not be found for one number: itself (both cases of X), full-width, and the part masking hides. */
function needlesOf(number: string): string[] {
  return [number, number.toLowerCase(), fullWidth(number), number.slice(6, 17)];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

for (const dialect of DIALECTS) {
  describe(`no identity number in plaintext anywhere (${dialect})`, () => {
    let t: TestApp;
    const logLines: string[] = [];
    /** Every answer fetched during the run but the reveal: `status url` and the headers and body. */
    const pages: string[] = [];
    let revealBody = '';
    // Birth dates and sequences chosen so the hidden parts cannot appear by chance in millisecond timestamps.
    const approved = makeIdNumber({ region: '440304', birth: '19380517', seq: '739' });
    const rejected = makeIdNumber({ region: '320102', birth: '19420923', seq: '618' });
    const typedFullWidth = makeIdNumber({ region: '650102', birth: '19470611', seq: '357' });
    const valid = makeIdNumber({ region: '110105', birth: '19511203', seq: '482' });
    const refusedBadCheck = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
    const SENTINEL = 'PLAINTEXT-SCAN-CONTROL-7b3f';

    const keep = (label: string, res: LightMyRequestResponse) => {
      pages.push(`${res.statusCode} ${label}\n${JSON.stringify(res.headers)}\n${res.body}`);
      return res;
    };

    before(async () => {
      const stream = { write: (line: string) => void logLines.push(line) };
      const log = pino({ level: 'trace', redact: { paths: [...REDACTED_PATHS], remove: true } }, stream);
      t = await createTestApp(dialect, { log });
      const db = t.deps.database.db;
      const make = async (name: string, display: string, role?: 'moderator' | 'admin') => {
        const c = new TestClient(t.app);
        await c.register(`${name}@example.com`, display);
        const id = Number(
          (
            await db
              .selectFrom('users')
              .select('id')
              .where('email', '=', `${name}@example.com`)
              .executeTakeFirstOrThrow()
          ).id,
        );
        if (role) await db.updateTable('users').set({ role }).where('id', '=', id).execute();
        return { c, id };
      };
      const alice = await make('alice', '申请人甲');
      const bob = await make('bob', '申请人乙');
      const carol = await make('carol', '申请人丙');
      const mod = await make('mod', '审核员', 'moderator');
      const admin = await make('admin', '管理员', 'admin');
      const submit = (who: TestClient, name: string, number: string, photo?: Buffer) =>
        who.postMultipart(
          '/account/verification',
          { legalName: name, idNumber: number, consent: '1' },
          { file: photo ? { field: 'photo', name: 'card.png', data: photo } : undefined },
        );
      const act = async (who: TestClient, path: string, fields: Record<string, string> = {}) =>
        who.postForm(path, fields, { csrf: await who.csrf('/notifications') });

      // 1. Submissions: with a photo, in full-width digits, a refused check digit, and one rejected.
      keep('alice submits', await submit(alice.c, '张三丰', approved, PNG));
      keep('carol submits full-width', await submit(carol.c, '王五', fullWidth(typedFullWidth.toLowerCase())));
      const bad = keep('bob bad check digit', await submit(bob.c, '李四', refusedBadCheck));
      assert.equal(bad.statusCode, 422, 'the form again, without the number');
      keep('bob submits', await submit(bob.c, '李四', rejected));
      const ids = await db.selectFrom('verifications').select(['id', 'user_id']).orderBy('id').execute();
      const idOf = (userId: number) => Number(ids.find((r) => Number(r.user_id) === userId)!.id);

      // 2. Decisions, the reveal and a revocation.
      keep('approve', await act(mod.c, `/admin/verifications/${idOf(alice.id)}/approve`));
      keep(
        'reject',
        await act(mod.c, `/admin/verifications/${idOf(bob.id)}/reject`, { reason: '照片模糊，请重新提交' }),
      );
      keep('approve carol', await act(mod.c, `/admin/verifications/${idOf(carol.id)}/approve`));
      const reveal = await act(admin.c, `/admin/verifications/${idOf(alice.id)}/reveal`, { reason: '核对申诉' });
      assert.equal(reveal.statusCode, 200);
      revealBody = reveal.body;
      keep('revoke', await act(admin.c, `/admin/verifications/${idOf(carol.id)}/revoke`, { reason: '重新核验身份' }));

      // 3. Every page each of them sees afterwards, as HTML and JSON.
      const json = { accept: 'application/json' };
      for (const [who, label] of [
        [alice.c, 'alice'],
        [bob.c, 'bob'],
        [carol.c, 'carol'],
      ] as const) {
        for (const url of ['/account/verification', '/notifications', '/upload', '/my/earnings', '/settings/profile']) {
          keep(`${label} ${url}`, await who.get(url));
        }
      }
      for (const [who, label] of [
        [mod.c, 'moderator'],
        [admin.c, 'admin'],
      ] as const) {
        for (const status of ['pending', 'approved', 'rejected', 'revoked']) {
          keep(`${label} list ${status}`, await who.get(`/admin/verifications?status=${status}`));
          keep(`${label} json ${status}`, await who.get(`/admin/verifications?status=${status}`, json));
        }
        for (const u of [alice.id, bob.id, carol.id]) {
          keep(`${label} user ${u}`, await who.get(`/admin/users/${u}`));
          keep(`${label} profile ${u}`, await who.get(`/u/${u}`));
        }
      }
      for (const url of ['/admin/audit', '/admin/audit?action=verification.reveal', '/admin', '/admin/users']) {
        keep(`admin ${url}`, await admin.c.get(url));
      }

      // 4. The controls: a plaintext value the scans must find in the database and the data files.
      await db.updateTable('users').set({ bio: SENTINEL }).where('id', '=', alice.id).execute();
    });
    after(() => t?.close());

    test('the controls: the reveal shows the number, the logs and pages were captured', () => {
      assert.ok(revealBody.includes(approved), 'the reveal response carries the full number');
      assert.ok(pages.length > 40);
      assert.ok(
        logLines.some((l) => l.includes('verification submitted')),
        'log lines of the verification service were captured',
      );
      assert.ok(
        logLines.some((l) => l.includes('"url":"/admin/verifications')),
        'access lines were captured',
      );
    });

    const numbers = () => [approved, rejected, typedFullWidth, refusedBadCheck];

    test('no page or JSON answer carries a number (the reveal aside)', () => {
      for (const n of numbers()) {
        for (const needle of needlesOf(n)) {
          const hit = pages.find((p) => p.includes(needle));
          assert.equal(hit?.split('\n')[0], undefined, `${needle} found in a page`);
        }
      }
    });

    test('no log line carries a number', () => {
      const all = logLines.join('');
      for (const n of numbers()) for (const needle of needlesOf(n)) assert.ok(!all.includes(needle), needle);
    });

    test('no file under DATA_DIR (and, on SQLite, neither the database file nor its WAL) carries a number', () => {
      const files = filesUnder(t.dataDir);
      if (dialect === 'sqlite') {
        const path = t.tdb.url.slice('sqlite:'.length);
        files.push(path, `${path}-wal`);
      }
      const bytes = files.map((f) => ({ f, b: readFileSync(f) }));
      if (dialect === 'sqlite') {
        assert.ok(
          bytes.some(({ b }) => b.includes(SENTINEL)),
          'the control value is found in the database file or its WAL',
        );
      }
      for (const n of numbers()) {
        for (const needle of needlesOf(n)) {
          const hit = bytes.find(({ b }) => b.includes(Buffer.from(needle, 'utf8')));
          assert.equal(hit?.f, undefined, `${needle} found in a file`);
        }
      }
    });

    if (dialect === 'postgres') {
      test('no text, json or bytea column of any table carries a number', async () => {
        const db = t.deps.database.db;
        const columns = (
          await sql<{ table_name: string; column_name: string; data_type: string }>`
            select table_name, column_name, data_type from information_schema.columns
            where table_schema = 'public'
              and data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')`.execute(db)
        ).rows;
        assert.ok(columns.some((c) => c.table_name === 'verifications' && c.column_name === 'id_number_sealed'));
        const find = async (needle: string) => {
          const hits: string[] = [];
          for (const c of columns) {
            const col = sql.ref(`${c.table_name}.${c.column_name}`);
            const where =
              c.data_type === 'bytea'
                ? sql`position(convert_to(${needle}, 'UTF8') in ${col}) > 0`
                : sql`position(${needle} in ${col}::text) > 0`;
            const r = await sql<{
              n: number;
            }>`select count(*)::int as n from ${sql.table(c.table_name)} where ${where}`.execute(db);
            if (Number(r.rows[0]?.n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
          }
          return hits;
        };
        assert.deepEqual(await find(SENTINEL), ['users.bio'], 'the control value is found where it was put');
        for (const n of numbers()) for (const needle of needlesOf(n)) assert.deepEqual(await find(needle), [], needle);
      });
    }
  });
}
