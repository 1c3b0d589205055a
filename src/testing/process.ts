import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A wenyuan process started the way production starts it (`tsx src/main.ts`), for crash and restart tests. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `src/main.ts` with the given environment (and node flags) and waits until /healthz answers. */
export async function spawnServer(
  env: Record<string, string>,
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    // OCR (seconds per page) only where a test asks for it.
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', OCR: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const handle: ServerProcess = {
    child,
    url,
    output: () => out,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (args.includes('--role=worker')) return handle;
  // Generous: a loaded 2-core machine compiles the TypeScript of a cold start slowly (the test waits, never times it).
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return handle;
    } catch {}
    if (Date.now() > until) {
      await handle.kill('SIGKILL');
      throw new Error(`server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A minimal cookie-keeping HTTP client for a server in another process. */
export class HttpClient {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) this.cookies.set(k.trim(), v.join('='));
    }
    return res;
  }

  /** GET, returning status and text. */
  async get(path: string, headers: Record<string, string> = {}) {
    const res = await this.request(path, { headers });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  private async csrf(path: string): Promise<string> {
    const { text } = await this.get(path);
    const m = /name="_csrf" value="([^"]+)"/.exec(text) ?? /_csrf=([^"&]+)/.exec(text);
    if (!m?.[1]) throw new Error(`no CSRF token on ${path}`);
    return decodeURIComponent(m[1]);
  }

  /** Registers (and stays logged in). */
  async register(identifier: string, displayName: string, password = 'correct horse 1'): Promise<number> {
    const _csrf = await this.csrf('/register');
    const res = await this.request('/register', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf, identifier, displayName, password, passwordConfirm: password }).toString(),
    });
    return res.status;
  }

  /** Logs in through the form; returns the status (303 on success). */
  async login(identifier: string, password: string): Promise<number> {
    const _csrf = await this.csrf('/login');
    const res = await this.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf, identifier, password }).toString(),
    });
    return res.status;
  }

  /** Posts a form (with a CSRF token from `csrfPage`) asking for JSON; returns status and parsed body. */
  async postForm(path: string, fields: Record<string, string>, csrfPage = '/notifications') {
    const _csrf = await this.csrf(csrfPage);
    const res = await this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ _csrf, ...fields }).toString(),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  }

  /** Submits the real-name verification form; returns the submission id. */
  async submitVerification(legalName: string, idNumber: string): Promise<number> {
    const csrf = await this.csrf('/account/verification');
    const form = new FormData();
    form.set('_csrf', csrf); // first, as the page's form sends it (decision 0024)
    form.set('legalName', legalName);
    form.set('idNumber', idNumber);
    form.set('consent', '1');
    const res = await this.request('/account/verification', {
      method: 'POST',
      body: form,
      headers: { accept: 'application/json' },
    });
    if (res.status !== 201) throw new Error(`verification failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: number }).id;
  }

  /** Uploads a file through the upload form; returns the new document id. */
  async upload(path: string, fields: Record<string, string>): Promise<number> {
    const csrf = await this.csrf('/upload');
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set('file', new Blob([readFileSync(path)]), basename(path));
    const res = await this.request(`/upload?_csrf=${encodeURIComponent(csrf)}`, {
      method: 'POST',
      body: form,
      headers: { accept: 'application/json' },
    });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: number }).id;
  }

  /** The pipeline status of one of my documents. */
  async status(id: number): Promise<string> {
    const res = await this.get(`/api/documents/${id}/status`, { accept: 'application/json' });
    return (JSON.parse(res.text) as { status: string }).status;
  }
}

/**
 * `wenyuan verify-contact --email …` against a server's DATA_DIR: the operator's way to vouch for an email when no
 * SMTP_URL is set (journeys that are not about verification need a seller whose email counts as verified).
 */
export function verifyContactByCli(dataDir: string, email: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'verify-contact', '--email', email], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: 'pipe',
  });
}
