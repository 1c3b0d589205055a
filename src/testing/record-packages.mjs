// `node --import ./src/testing/record-packages.mjs …`: appends the name of every package the process loads (once
// each) to the file RECORD_PACKAGES_FILE names — ESM imports through a resolve hook (record-packages-hooks.mjs, on
// the loader thread), CommonJS `require` (and `createRequire`) by wrapping the CommonJS resolver here. Used by
// start-packages.test.ts to see what a process loads at start.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const file = process.env.RECORD_PACKAGES_FILE;
register('./record-packages-hooks.mjs', import.meta.url, { data: { file } });

// The package a resolved path lies in: the last node_modules segment (a nested copy is named as itself).
const PACKAGE = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;
const seen = new Set();
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function recordingResolve(...args) {
  const resolved = resolveFilename.apply(this, args);
  const m = typeof resolved === 'string' ? PACKAGE.exec(resolved) : null;
  if (file && m && !seen.has(`cjs:${m[1]}`)) {
    seen.add(`cjs:${m[1]}`);
    appendFileSync(file, `${m[1]}\n`);
  }
  return resolved;
};
