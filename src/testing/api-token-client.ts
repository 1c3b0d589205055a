import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { TestClient } from './client.ts';

/** A program calling the JSON API with a personal API token only: no cookie, no CSRF token, no Accept header. */
export class TokenClient {
  constructor(
    private readonly app: FastifyInstance,
    readonly token: string,
  ) {}

  private auth(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...extra };
  }

  /** GET a path with the token. */
  get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'GET', url, headers: this.auth(headers) });
  }

  /** POST an urlencoded form with the token (and no CSRF token). */
  postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(fields).toString(),
      headers: this.auth({ 'content-type': 'application/x-www-form-urlencoded', ...headers }),
    });
  }

  /** Uploads a file (a path) with form fields as `curl -F` would: multipart, the token, nothing else. */
  upload(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const boundary = `----wenyuanapi${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    for (const [k, v] of Object.entries(fields)) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(path)}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      readFileSync(path),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    );
    return this.app.inject({
      method: 'POST',
      url: '/upload',
      payload: Buffer.concat(chunks),
      headers: this.auth({ 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers }),
    });
  }

  /** Polls the status API until the document is published or rejected (or the time runs out). */
  async waitForStatus(id: number, timeoutMs = 60_000): Promise<{ status: string; reason: string | null }> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.get(`/api/documents/${id}/status`);
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
      const body = res.json() as { status: string; reason: string | null };
      if (body.status === 'published' || body.status === 'rejected') return body;
      if (Date.now() > until) throw new Error(`document ${id} still ${body.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Creates a token through the /settings/tokens form of a logged-in browser client and returns the secret shown
 * once on the answer (plus the whole answer).
 */
export async function createTokenViaForm(
  client: TestClient,
  fields: { name: string; read?: boolean; upload?: boolean; expiry?: string },
): Promise<{ token: string; res: LightMyRequestResponse }> {
  const csrf = await client.csrf('/settings/tokens');
  const res = await client.postForm(
    '/settings/tokens',
    {
      name: fields.name,
      ...(fields.read === false ? {} : { read: '1' }),
      ...(fields.upload ? { upload: '1' } : {}),
      expiry: fields.expiry ?? '30',
    },
    { csrf },
  );
  const token = /<code id="new-token"[^>]*>(wy_[A-Za-z0-9_-]{43})<\/code>/.exec(res.body)?.[1];
  if (res.statusCode !== 201 || !token)
    throw new Error(`token not created: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return { token, res };
}
