#!/usr/bin/env node
// `npx wenyuan <command>`: runs the compiled CLI (dist/, built by `npm run build` or at install) when it matches the
// sources, else the TypeScript directly through tsx (a checkout being edited). Never builds: several CLI runs may
// start at once, and a build belongs to `npm run build` / `npm start`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DIST, isBuildFresh, ROOT } from '../scripts/build-stamp.mjs';

const args = isBuildFresh()
  ? [join(DIST, 'cli/index.js')]
  : [createRequire(import.meta.url).resolve('tsx/cli'), join(ROOT, 'src/cli/index.ts')];
const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
