import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { parseIdentifier } from '../features/accounts/identifier.ts';
import { depsOfTestApp } from './app-registry.ts';

/** A browser-like client over `app.inject`: keeps cookies, finds CSRF tokens in pages, builds multipart bodies. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  /** The Cookie header this client sends (for requests built by hand). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
      const expired = (c.expires && c.expires.getTime() <= Date.now()) || c.maxAge === 0 || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  /** GET a path. */
  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } }),
    );
  }

  /** The CSRF token of the form on `pageUrl` (fetching the page also sets the secret cookie). */
  async csrf(pageUrl = '/upload'): Promise<string> {
    const res = await this.get(pageUrl);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body) ?? /_csrf=([^"&]+)/.exec(res.body);
    if (!m?.[1]) throw new Error(`no CSRF token on ${pageUrl} (status ${res.statusCode})`);
    return decodeURIComponent(m[1]);
  }

  /** POST an urlencoded form; `csrf` false sends none (to test the refusal). */
  async postForm(
    url: string,
    fields: Record<string, string>,
    opts: { csrf?: string | false; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const token = opts.csrf === false ? undefined : (opts.csrf ?? (await this.csrf('/')));
    const body = new URLSearchParams({ ...(token ? { _csrf: token } : {}), ...fields }).toString();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...opts.headers },
      }),
    );
  }

  /**
   * Registers and stays logged in. When the account is created at once (no transport for its channel), its email or
   * phone is then marked verified in the database, as most tests are not about that verification; pass
   * `{ verifyContact: false }` to keep it unverified. (Where the site can send, registration answers "code sent"
   * and creates nothing until the code or link is confirmed: features/accounts tests drive that flow.)
   */
  async register(
    identifier: string,
    displayName = '基层小笔杆',
    password = 'correct horse 1',
    opts: { verifyContact?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const csrf = await this.csrf('/register');
    const res = await this.postForm(
      '/register',
      { identifier, displayName, password, passwordConfirm: password },
      { csrf },
    );
    const deps = depsOfTestApp(this.app);
    const id = parseIdentifier(identifier);
    if (res.statusCode === 303 && opts.verifyContact !== false && deps && id) {
      await deps.database.db
        .updateTable('users')
        .set({ contact_verified_at: Date.now() })
        .where(id.kind, '=', id.value)
        .where('contact_verified_at', 'is', null)
        .execute();
    }
    return res;
  }

  /**
   * Posts a multipart form (fields, and a file part when given) to `url` with the CSRF token of `csrfPage` in the
   * query string, as the site's multipart forms do.
   */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    opts: {
      file?: { field: string; name: string; data: Buffer };
      csrfPage?: string;
      accept?: string;
      /** Send the token as the body's first field, as the page's form does (else in the query, as scripts do). */
      csrfInBody?: boolean;
    } = {},
  ): Promise<LightMyRequestResponse> {
    const csrf = await this.csrf(opts.csrfPage ?? url);
    const boundary = `----wenyuan${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    const first = opts.csrfInBody ? { _csrf: csrf } : {};
    for (const [k, v] of Object.entries({ ...first, ...fields })) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    if (opts.file) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${opts.file.field}"; filename="${opts.file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        opts.file.data,
        Buffer.from('\r\n'),
      );
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    const sep = url.includes('?') ? '&' : '?';
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url: opts.csrfInBody ? url : `${url}${sep}_csrf=${encodeURIComponent(csrf)}`,
        payload: Buffer.concat(chunks),
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          cookie: this.cookieHeader(),
          ...(opts.accept ? { accept: opts.accept } : {}),
        },
      }),
    );
  }

  /** Uploads a file (path, or name + bytes) with form fields, the way the upload form does. */
  async upload(
    file: string | { name: string; data: Buffer },
    fields: Record<string, string>,
    opts: { accept?: string } = {},
  ): Promise<LightMyRequestResponse> {
    const csrf = await this.csrf('/upload');
    const f = typeof file === 'string' ? { name: basename(file), data: readFileSync(file) } : file;
    const boundary = `----wenyuan${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    for (const [k, v] of Object.entries(fields)) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      f.data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    );
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url: `/upload?_csrf=${encodeURIComponent(csrf)}`,
        payload: Buffer.concat(chunks),
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          cookie: this.cookieHeader(),
          accept: opts.accept ?? 'application/json',
        },
      }),
    );
  }
}

/**
 * Polls a document's status until it is final (published/rejected) or the time runs out: a bound for a hung
 * conversion, generous because a loaded 2-core machine (the tests run two files at once) can take tens of seconds.
 */
export async function waitForStatus(
  client: TestClient,
  id: number,
  timeoutMs = 90_000,
): Promise<{ status: string; reason: string | null }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await client.get(`/api/documents/${id}/status`, { accept: 'application/json' });
    const body = res.json() as { status: string; reason: string | null };
    if (body.status === 'published' || body.status === 'rejected') return { status: body.status, reason: body.reason };
    if (Date.now() > until) throw new Error(`document ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
