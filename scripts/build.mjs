// Compiles the server to plain JavaScript in dist/ (one .js per .ts, same layout, relative imports rewritten to .js)
// and bundles the client islands. Run once at install (`prepare`) or with `npm run build`; `npm start` runs it with
// --if-stale, which returns at once when nothing under src/ changed since the last build.
//
// Why esbuild file by file and not tsc's emit: esbuild is already a runtime dependency (the client bundle), compiles
// the whole tree in about a second, and needs no devDependency, so `npm ci --omit=dev && npm run build` works on a
// production host. Type checking is a separate step (`npm run typecheck`, part of `npm test`).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DIST, fingerprint, isBuildFresh, ROOT as root, SRC, STAMP_FILE, sourceFiles } from './build-stamp.mjs';

/** Files that are sources of the server build: everything under src/ but tests, test helpers and the client. */
function isServerSource(rel) {
  if (rel.startsWith('testing/') || rel.startsWith('web/client/')) return false;
  if (/\.test\.tsx?$/.test(rel)) return false;
  return true;
}

const ifStale = process.argv.includes('--if-stale');
const files = sourceFiles();
const print = fingerprint(files);
if (ifStale && isBuildFresh(print)) process.exit(0);
// Loaded only when there is something to build: the freshness check above is all `npm start` usually pays.
const { build } = await import('esbuild');

const started = Date.now();
// Relative imports stay imports (each file is compiled on its own) with .ts/.tsx rewritten to .js; packages stay
// external and resolve from node_modules at run time.
const rewriteImports = {
  name: 'rewrite-relative-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path.startsWith('.')) return { path: args.path.replace(/\.tsx?$/, '.js'), external: true };
      return { path: args.path, external: true };
    });
  },
};

const server = files.filter((rel) => isServerSource(rel));
const entryPoints = server.filter((rel) => /\.tsx?$/.test(rel)).map((rel) => join(SRC, rel));
// Built beside dist/ and swapped in at the end, so a process running from dist/ never sees a half-written tree.
const OUT = `${DIST}.tmp-${process.pid}`;
rmSync(OUT, { recursive: true, force: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints,
    outdir: OUT,
    outbase: SRC,
    bundle: true,
    plugins: [rewriteImports],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: 'linked',
    logLevel: 'silent',
  });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
// Files the server reads at run time beside its code (the 公文 dictionary, static files, word lists).
let copied = 0;
for (const rel of server) {
  if (/\.tsx?$/.test(rel)) continue;
  const to = join(OUT, rel);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(join(SRC, rel), to);
  copied++;
}

const client = spawnSync(process.execPath, [join(root, 'scripts/build-client.mjs')], { stdio: 'inherit' });
if (client.status !== 0) process.exit(client.status ?? 1);

writeFileSync(join(OUT, STAMP_FILE), JSON.stringify({ fingerprint: print, builtAt: new Date().toISOString() }));
const old = `${DIST}.old-${process.pid}`;
try {
  renameSync(DIST, old);
} catch {
  // No previous build.
}
renameSync(OUT, DIST);
rmSync(old, { recursive: true, force: true });
if (!ifStale || process.stdout.isTTY) {
  console.error(`built ${entryPoints.length} modules and ${copied} assets into dist/ in ${Date.now() - started} ms`);
}
