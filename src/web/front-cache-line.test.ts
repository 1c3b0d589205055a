// The front cache writes its access line itself (web/front-cache.ts hitAccessLine): the line must be the one pino
// would write, and be batched and ordered as pino's access lines are (log.ts).
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { accessLineWriter, createLogger } from '../log.ts';
import { hitAccessLine } from './front-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'wy-front-line-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fileLogger(name: string, level = 'info') {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const log = createLogger(level, { fd, pretty: false });
  return { log, lines: () => readFileSync(path, 'utf8').split('\n').filter(Boolean), close: () => closeSync(fd) };
}

test("a hit's line is byte for byte pino's line for the same fields, and waits in the same buffer", () => {
  const f = fileLogger('hit.log');
  // As web/app.ts makes the front cache's logger.
  const http = f.log.child({ module: 'http' }, { redact: { paths: [], remove: true } });
  const write = accessLineWriter(http);
  assert.ok(write, 'the http logger at info takes ready-made lines');
  http.info({ reqId: 'k3x9a1-f1z', method: 'HEAD', url: '/d/4711', status: 304, ms: 2 }, 'request');
  write(hitAccessLine('k3x9a1-f1z', 'HEAD', '/d/4711', 304, 1.6));
  write(hitAccessLine('k3x9a1-f20', 'GET', '/d/12', 200, 0.2));
  assert.deepEqual(f.lines(), [], 'both kinds of access line are buffered');
  f.log.warn('disk almost full');
  const [fromPino, ours, second, warning] = f.lines();
  const untimed = (line = '') => line.replace(/"time":\d+/, '"time":0');
  assert.equal(untimed(ours), untimed(fromPino));
  const parsed = JSON.parse(second ?? '') as Record<string, unknown>;
  assert.deepEqual(
    { ...parsed, time: 0 },
    {
      level: 30,
      time: 0,
      pid: process.pid,
      module: 'http',
      reqId: 'k3x9a1-f20',
      method: 'GET',
      url: '/d/12',
      status: 200,
      ms: 0,
      msg: 'request',
    },
  );
  assert.ok(Math.abs(Number((JSON.parse(ours ?? '') as { time: number }).time) - Date.now()) < 60_000);
  assert.equal(
    (JSON.parse(warning ?? '') as { msg: string }).msg,
    'disk almost full',
    'written after the lines before it',
  );
  f.close();
});

test('only the plain http logger at info or below takes ready-made lines', () => {
  const f = fileLogger('other.log');
  assert.equal(accessLineWriter(f.log), undefined, 'the root logger');
  assert.equal(accessLineWriter(f.log.child({ module: 'jobs' })), undefined, 'another module');
  assert.equal(accessLineWriter(f.log.child({ module: 'http' }).child({ reqId: 'a-1' })), undefined, 'more bindings');
  f.close();
  const quiet = fileLogger('warn.log', 'warn');
  assert.equal(accessLineWriter(quiet.log.child({ module: 'http' })), undefined, 'info lines are not written at warn');
  quiet.close();
});
