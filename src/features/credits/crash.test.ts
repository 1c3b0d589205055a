import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../config.ts';
import { insertTestDocument, insertTestUser } from '../../testing/credits.ts';
import { type ServerProcess, spawnServer } from '../../testing/process.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-db.ts';
import { startSession } from '../accounts/service.ts';
import { grantCredits } from './grants.ts';
import { verifyLedger } from './verify.ts';

/** A cookie-keeping client for a server in another process that can post forms and read JSON. */
class Buyer {
  private readonly cookies = new Map<string, string>();
  private csrf = '';
  constructor(private readonly base: string) {}
  private async req(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [k, ...v] = (c.split(';')[0] ?? '').split('=');
      if (k) this.cookies.set(k.trim(), v.join('='));
    }
    return res;
  }
  private async token(path: string) {
    const text = await (await this.req(path)).text();
    this.csrf = decodeURIComponent(/name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? '');
  }
  /** Logs in with a session created directly (the register form is rate limited per IP). */
  async login(deps: Parameters<typeof startSession>[0], userId: number) {
    const { token } = await startSession(deps, userId, { ip: '127.0.0.1', userAgent: 'crash-test' });
    this.cookies.set('wy_sid', token);
    await this.token('/my/wallet');
    assert.ok(this.csrf, 'logged in');
  }
  /** Buys a document; resolves with the purchase id once the server acknowledged it. */
  async buy(docId: number): Promise<number> {
    const res = await this.req(`/d/${docId}/buy`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: this.csrf, acceptTerms: '1' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    if (res.status !== 200) throw new Error(`purchase answered ${res.status}`);
    return ((await res.json()) as { purchaseId: number }).purchaseId;
  }
}

for (const dialect of DIALECTS) {
  describe(`a server killed with SIGKILL mid-purchase loses nothing (${dialect})`, () => {
    let tdb: TestDatabase;
    let server: ServerProcess | undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'wy-crash-'));
    after(async () => {
      await server?.kill('SIGKILL');
      await tdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('every acknowledged purchase survives and the ledger verifies after restart', async () => {
      tdb = await createTestDatabase(dialect);
      const env = { DATA_DIR: dataDir, DATABASE_URL: tdb.url, LOG_ACCESS: 'false', LOG_LEVEL: 'error' };
      const deps = { database: tdb.database, config: loadConfig(env), log: pino({ level: 'silent' }) };
      server = await spawnServer(env);

      // 1. Twenty buyers, each with credits for all twenty documents.
      const seller = await insertTestUser(tdb.database, '卖家');
      const docs: number[] = [];
      for (let i = 0; i < 20; i++) docs.push(await insertTestDocument(tdb.database, seller, { price: 10 }));
      const buyers: Buyer[] = [];
      for (let i = 0; i < 20; i++) {
        const id = await insertTestUser(tdb.database, `并发买家${i}`);
        await grantCredits(deps, undefined, { userId: id, amount: 200, reason: '测试' });
        const b = new Buyer(server.url);
        await b.login(deps, id);
        buyers.push(b);
      }

      // 2. All buyers buy all documents concurrently; the server is killed once 60 purchases were acknowledged.
      const acknowledged: number[] = [];
      let killed: Promise<unknown> | undefined;
      const running = buyers.map(async (b) => {
        for (const d of docs) {
          try {
            acknowledged.push(await b.buy(d));
          } catch {
            return; // the connection died with the server
          }
          if (acknowledged.length >= 60 && !killed) killed = server!.kill('SIGKILL');
        }
      });
      await Promise.all(running);
      await killed;
      assert.ok(acknowledged.length >= 60, `only ${acknowledged.length} purchases acknowledged`);
      assert.ok(acknowledged.length < 400, 'the kill landed while purchases were in flight');

      // 3. Restart; the ledger verifies (in the test process and through the CLI) and every acknowledged
      //    purchase is there, paid for exactly once.
      server = await spawnServer(env);
      const report = await verifyLedger(deps);
      assert.ok(report.ok, JSON.stringify(report));
      const found = await tdb.database.db
        .selectFrom('purchases')
        .select('id')
        .where('id', 'in', acknowledged)
        .execute();
      assert.equal(found.length, new Set(acknowledged).size);
      const cli = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'ledger', 'verify'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      assert.match(cli, /ledger verify: OK/);
      // The server still works after the crash: one more purchase goes through.
      const late = new Buyer(server.url);
      const lateId = await insertTestUser(tdb.database, '后来者');
      await grantCredits(deps, undefined, { userId: lateId, amount: 10, reason: '测试' });
      await late.login(deps, lateId);
      assert.ok((await late.buy(docs[0]!)) > 0);
      assert.ok((await verifyLedger(deps)).ok);
    });
  });
}
