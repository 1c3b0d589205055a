// web/pin-tick-maps.ts: after a full GC at an idle moment, process.nextTick's property additions must still be
// compiled for one map (MONOMORPHIC feedback), not fall back to V8's runtime (MEGAMORPHIC). Checked in a child
// process started with V8's natives syntax, which prints the feedback of `process.nextTick`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const PIN = fileURLToPath(new URL('./pin-tick-maps.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wy-pin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The states of the computed-key definitions in `process.nextTick`'s feedback, after ticks, a full GC and ticks. */
function feedbackAfterIdleGc(pin: boolean): string[] {
  const script = `
    ${pin ? `const { pinNextTickMaps } = await import(${JSON.stringify(PIN)}); pinNextTickMaps();` : ''}
    const batch = (n) => new Promise((ok) => { let left = n; for (let i = 0; i < n; i++) process.nextTick(() => { if (--left === 0) ok(); }); });
    await batch(1000);
    await new Promise((r) => setTimeout(r, 20));
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
    await batch(1000);
    %DebugPrint(process.nextTick);
  `;
  // V8 prints through C stdio: into a pipe the end of the print was seen lost at exit, into a file it is whole.
  const file = join(dir, pin ? 'pinned.txt' : 'unpinned.txt');
  const fd = openSync(file, 'w');
  try {
    execFileSync(
      process.execPath,
      ['--expose-gc', '--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script],
      { stdio: ['ignore', fd, 'pipe'] },
    );
  } finally {
    closeSync(fd);
  }
  const out = readFileSync(file, 'utf8');
  return [...out.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1] as string);
}

test('with the tick maps pinned, nextTick stays monomorphic through an idle full GC', (t) => {
  const pinned = feedbackAfterIdleGc(true);
  assert.ok(pinned.length >= 2, `the feedback of nextTick's literal was found (${pinned.join(', ')})`);
  assert.deepEqual(
    pinned.filter((s) => s !== 'MONOMORPHIC'),
    [],
    `every computed-key definition stays monomorphic: ${pinned.join(', ')}`,
  );
  // What the pin prevents, for the record (Node 20: the definitions after the first go megamorphic).
  t.diagnostic(`without the pin: ${feedbackAfterIdleGc(false).join(', ')}`);
});
