// What `npm start` prints, seen from outside: startup lines at once, access lines soon, nothing lost to kill -9.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from './testing/process.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from './testing/test-db.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Line {
  level: number;
  msg: string;
  url?: string;
  status?: number;
}

/** `src/main.ts` with stdout piped (so JSON lines) and no request made to it: no /healthz polling here. */
async function start(env: Record<string, string>) {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', LOG_ACCESS: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const lines = () =>
    stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  /** Waits (generously: this is about arriving at all, not about speed) until a line matches. */
  const waitFor = async (what: string, match: (l: Line) => boolean): Promise<Line> => {
    const until = Date.now() + 90_000;
    for (;;) {
      const hit = lines().find(match);
      if (hit) return hit;
      if (child.exitCode !== null || Date.now() > until) {
        throw new Error(`no ${what} line on stdout; stdout:\n${stdout}\nstderr:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return { url: `http://127.0.0.1:${port}`, lines, waitFor, kill };
}

for (const dialect of DIALECTS) {
  describe(`server log on ${dialect}`, () => {
    let dir: string;
    let tdb: TestDatabase;
    let server: Awaited<ReturnType<typeof start>> | undefined;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'wy-serverlog-'));
    });
    after(async () => {
      await server?.kill('SIGKILL');
      await tdb?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const env = async (name: string) => {
      await server?.kill('SIGKILL');
      await tdb?.drop();
      tdb = await createTestDatabase(dialect, { migrate: false });
      await tdb.database.close();
      return { DATA_DIR: join(dir, name), DATABASE_URL: tdb.url };
    };

    test('the address and the create-admin hint are on stdout before any request; access lines survive kill -9', async () => {
      server = await start(await env('kill'));
      const listening = await server.waitFor('listening', (l) => l.msg === 'wenyuan is listening');
      assert.equal(listening.url, server.url);
      await server.waitFor('no-admin', (l) => l.level === 40 && l.msg.startsWith('no administrator yet'));
      await server.waitFor('migrations', (l) => l.msg === 'migrations applied');
      assert.ok(!server.lines().some((l) => l.msg === 'request'), 'no request was made yet');

      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      // Buffered, but written out within a second at the latest: it arrives while the process lives on idle.
      const access = await server.waitFor('access', (l) => l.msg === 'request' && l.url === '/healthz');
      assert.equal(access.status, 200);
      await server.kill('SIGKILL');
      assert.ok(server.lines().some((l) => l.msg === 'request' && l.url === '/healthz'));
    });

    test('SIGTERM: "shutting down" and the last access line are written before the process exits', async () => {
      server = await start(await env('term'));
      // The last startup line: the signal handlers are installed right after it.
      await server.waitFor('no-admin', (l) => l.msg.startsWith('no administrator yet'));
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      assert.equal(await server.kill('SIGTERM'), 0);
      const msgs = server.lines().map((l) => l.msg);
      assert.ok(msgs.includes('shutting down'), msgs.join('\n'));
      assert.ok(
        server.lines().some((l) => l.msg === 'request' && l.url === '/healthz'),
        msgs.join('\n'),
      );
    });
  });
}
