#!/usr/bin/env node
// `npm test`: everything, in the order that fails fastest — typecheck, lint, then unit + integration on every
// available dialect, then the browser journeys in Chromium. One command, the same locally and in CI.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`\n✖ ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
};

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(root, p));
  }
  return out.sort();
}

/** Uses TEST_DATABASE_URL, or the local server CI and this machine provide, when it answers. */
async function postgresUrl() {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const url = 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('select 1');
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

const only = process.argv.slice(2);
run('node', ['scripts/build-client.mjs']);
if (only.length === 0) {
  run('npx', ['tsc', '--noEmit', '-p', '.']);
  run('npx', ['biome', 'check']);
}
const pgUrl = await postgresUrl();
console.log(
  `\nintegration dialects: sqlite${pgUrl ? ', postgres' : ' (no PostgreSQL reachable: set TEST_DATABASE_URL)'}\n`,
);
const env = { ...process.env, ...(pgUrl ? { TEST_DATABASE_URL: pgUrl } : {}) };
const files = only.length ? only : [...findTests(join(root, 'src')), ...findTests(join(root, 'e2e'))];
run('node', ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files], env);
