/**
 * CPU per access line, in isolation: the front cache's ready-made line (`hitAccessLine` through `accessLineWriter`)
 * and pino's line from the http logger, both into a file through `createLogger`'s batching destination.
 * User + system CPU of this process per line (the batched file writes included), best of three rounds.
 *
 *   npx tsx bench/access-line.ts [--lines 1000000]
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { accessLineWriter, createLogger } from '../src/log.ts';
import { hitAccessLine } from '../src/web/front-cache.ts';

const { values: args } = parseArgs({ options: { lines: { type: 'string', default: '1000000' } } });
const LINES = Number(args.lines);
if (!Number.isInteger(LINES) || LINES <= 0) throw new Error('--lines must be a positive integer');

const dir = mkdtempSync(join(tmpdir(), 'wy-access-line-'));
try {
  for (const kind of ['ready-made line', 'pino line'] as const) {
    let best = Number.POSITIVE_INFINITY;
    let bytes = 0;
    for (let round = 0; round < 3; round++) {
      const path = join(dir, `${round}.log`);
      const fd = openSync(path, 'w');
      const http = createLogger('info', { fd, pretty: false }).child({ module: 'http' });
      const write = accessLineWriter(http);
      if (!write) throw new Error('the http logger does not take ready-made lines');
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < LINES; i++) {
        const id = `abc123-f${i.toString(36)}`;
        if (kind === 'ready-made line') write(hitAccessLine(id, 'GET', '/d/1', 200, 0.4));
        else http.info({ reqId: id, method: 'GET', url: '/d/1', status: 200, ms: 0 }, 'request');
      }
      http.flush();
      const cpu = process.cpuUsage(cpu0);
      closeSync(fd);
      bytes = statSync(path).size;
      best = Math.min(best, (cpu.user + cpu.system) / LINES);
      rmSync(path);
    }
    console.log(`${kind}: ${best.toFixed(2)} µs CPU a line (${LINES} lines, ${(bytes / LINES).toFixed(0)} bytes each)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
