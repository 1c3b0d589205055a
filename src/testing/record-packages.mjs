// `node --import ./src/testing/record-packages.mjs …`: appends the name of every package the process loads (once
// each) to the file RECORD_PACKAGES_FILE names — ESM imports through a resolve hook (record-packages-hooks.mjs, on
// the loader thread), CommonJS `require` (and `createRequire`) by wrapping the CommonJS resolver here. Used by
// start-packages.test.ts to see what a process loads at start.
import Module, { register } from 'node:module';
import { recorder } from './record-packages-hooks.mjs';

const file = process.env.RECORD_PACKAGES_FILE;
if (file) {
  register('./record-packages-hooks.mjs', import.meta.url, { data: { file } });
  const record = recorder(file);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function recordingResolve(...args) {
    const resolved = resolveFilename.apply(this, args);
    if (typeof resolved === 'string') record(resolved);
    return resolved;
  };
}
