// The processes of bench/page.ts: wenyuan (compiled, as `npm start` runs it), the bare reference servers, and what
// the bench reads of them from /proc (CPU time, RSS, the process tree).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledServer } from './search-server.ts';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
// Linux reports process CPU time in clock ticks of 1/100 s on every platform Node supports here.
const CLOCK_TICKS_PER_S = 100;

export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly url: string;
  readonly logFile: string;
}

/** Every server this bench started and has not stopped yet (stopped on exit or interrupt). */
export const children = new Set<Child>();

/** A TCP port nobody listens on right now (the OS picks it; the tiny race is acceptable for a bench). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

/** Plain node:http GET, so no client adds Accept-Encoding or decodes anything behind our back. */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((ok, fail) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Spawns a server process with its output in `logFile` and waits until `readyPath` answers 200. */
export async function startChild(
  name: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  readyPath: string,
  /** A command the server runs under (e.g. valgrind and its options), or none. */
  wrapper: readonly string[] = [],
) {
  const port = await freePort();
  const fd = openSync(logFile, 'a');
  const [command, ...prefix] = [...wrapper, process.execPath];
  const proc = spawn(command as string, [...prefix, ...argv], {
    cwd: REPO,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const child: Child = { name, proc, url: `http://127.0.0.1:${port}`, logFile };
  children.add(child);
  const until = Date.now() + (wrapper.length ? 300_000 : 60_000);
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`${name} exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${tail(logFile)}`);
    const res = await httpGet(`${child.url}${readyPath}`).catch(() => undefined);
    if (res?.status === 200) return child;
    if (Date.now() > until) throw new Error(`${name} not ready in time:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM first so wenyuan shuts down gracefully (and writes its CPU profile), SIGKILL if it lingers. */
export async function stopChild(child: Child): Promise<void> {
  children.delete(child);
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export function startWenyuan(
  name: string,
  dataDir: string,
  databaseUrl: string,
  accessLog: boolean,
  profDir?: string,
  wrapper: readonly string[] = [],
) {
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
    LOG_ACCESS: String(accessLog),
    // The seeding server converts the upload; the servers under load only serve pages (--role=web), so no job left
    // behind (page images, OCR) runs on the measured core.
    WENYUAN_ROLE: name.endsWith('-seed') ? 'all' : 'web',
  };
  // The compiled server with npm start's flags, as production runs it.
  return startChild(name, [...prof, ...compiledServer()], env, join(dataDir, `${name}.log`), '/healthz', wrapper);
}

/**
 * Writes a captured page (body, and its headers but those Node writes itself on every response) into `work` and
 * returns the environment the bare servers below read them from.
 */
export function bareServerEnv(work: string, page: { body: Buffer; headers: Record<string, unknown> }) {
  const bodyFile = join(work, 'page.html');
  writeFileSync(bodyFile, page.body);
  const own = Object.entries(page.headers).filter(([k]) => !['date', 'connection', 'keep-alive'].includes(k));
  const headersFile = join(work, 'page-headers.json');
  writeFileSync(headersFile, JSON.stringify(own.flatMap(([k, v]) => [k, String(v)])));
  return { BODY_FILE: bodyFile, BODY_TYPE: String(page.headers['content-type']), HEADERS_FILE: headersFile };
}

// The bare server is plain JavaScript under plain node: no framework, just the bytes.
export const BARE_SERVER = `
const body = require('node:fs').readFileSync(process.env.BODY_FILE);
const type = process.env.BODY_TYPE;
require('node:http')
  .createServer((req, res) => { res.writeHead(200, { 'content-type': type, 'content-length': body.length }); res.end(body); })
  .listen(Number(process.env.PORT), process.env.HOST);
`;

// The same bytes with the page's own response headers (security headers, ETag, Vary…, read from HEADERS_FILE as
// name/value pairs): what Node itself costs for this exact response, before any application code.
export const BARE_SERVER_HEADERS = `
const body = require('node:fs').readFileSync(process.env.BODY_FILE);
const headers = JSON.parse(require('node:fs').readFileSync(process.env.HEADERS_FILE, 'utf8'));
require('node:http')
  .createServer((req, res) => { res.writeHead(200, headers.slice()); res.end(body); })
  .listen(Number(process.env.PORT), process.env.HOST);
`;

// The same bytes from a bare Fastify app (the framework wenyuan is built on, no plugins): the reference.
export const BARE_FASTIFY = `
const body = require('node:fs').readFileSync(process.env.BODY_FILE);
const type = process.env.BODY_TYPE;
const app = require('fastify')({ logger: false });
app.get('/', (req, reply) => { reply.type(type).send(body); });
app.listen({ port: Number(process.env.PORT), host: process.env.HOST });
`;

/** The process and every process it started (LibreOffice runs as a grandchild), read from /proc. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const kids = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim();
        if (kids) out.push(...kids.split(' ').map(Number));
      }
    } catch {
      // The process ended while we looked: nothing more below it.
    }
  }
  return out;
}

/**
 * Waits until the stages after publication (page images, search index, rewards…) are done: the page's ETag is
 * unchanged and the server with all its children has been idle for two seconds in a row. Loading while a job
 * renders pages would measure the job, and a document revision bump mid-run turns the 304 row into 200s.
 */
export async function settle(child: Child, path: string): Promise<void> {
  const until = Date.now() + 300_000;
  const treeCpu = () =>
    processTree(child.proc.pid!).reduce((sum, pid) => {
      try {
        return sum + cpuMicros(pid);
      } catch {
        return sum;
      }
    }, 0);
  let quiet = 0;
  let etag = (await httpGet(`${child.url}${path}`)).headers.etag;
  while (quiet < 2) {
    if (Date.now() > until) {
      console.log('  note: the server did not settle within 300 s; measuring anyway');
      return;
    }
    const cpu0 = treeCpu();
    await new Promise((r) => setTimeout(r, 1000));
    const now = (await httpGet(`${child.url}${path}`)).headers.etag;
    // Under 5 % of a core: the job poller and this probe, nothing rendering.
    quiet = treeCpu() - cpu0 < 50_000 && now === etag ? quiet + 1 : 0;
    etag = now;
  }
}

/** User + system CPU time of a process so far, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces or parentheses; the fields we want come after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS_PER_S;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}
