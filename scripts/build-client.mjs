// Bundles the progressive-enhancement islands into one classic script (public/build/app.js).
// Run by `npm start` and the test scripts, so it must stay quiet and fast; it rewrites the same
// output every time (no hashes in file names — the server adds a content hash as a query string).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));

try {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/web/client/main.ts'],
    outfile: 'public/build/app.js',
    bundle: true,
    // Loaded with a plain `<script defer>`, so an IIFE keeps every name out of the global scope.
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
} catch (err) {
  // esbuild's own message lists every error with file:line; print it and fail the calling script.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
