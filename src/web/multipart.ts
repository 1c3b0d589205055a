// Multipart bodies, read in the handler (after the CSRF check) through one adapter over @fastify/multipart.
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badRequest, tooLarge } from '../errors.ts';
import { recordMultipartField } from './form-state.ts';
import { formatBytes } from './format.ts';
import { hasControlChars } from './schemas.ts';

/** A file part's bytes; `truncated` when the size cap cut it short. */
export type FileStream = Readable & { readonly truncated: boolean };
/** One part of a form, independent of the multipart library. */
export type FormPart =
  | { type: 'field'; name: string; value: string }
  | { type: 'file'; name: string; filename: string; stream: FileStream };

/** Caps on one multipart body (busboy's): bytes per file, files, fields, bytes per field, parts. */
type Limits = { fileSize?: number; files?: number; fields?: number; fieldSize?: number; parts?: number };

/** Errors meant for the client (ours, or the library's coded 4xx such as too many parts) pass through. */
function isClientError(err: unknown): boolean {
  if (err instanceof AppError) return true;
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

const malformed = () => badRequest('upload.malformed');

/**
 * The file stream of a part, guaranteed to end or fail. When a body ends inside a part, @fastify/multipart leaves
 * the part's stream destroyed with neither an error nor an end, and a reader piping it waits forever; here that is
 * a 400, as is any parser error. `truncated` (the size cap was reached) is kept.
 */
function guardFile(file: Readable & { truncated?: boolean }): FileStream {
  if (file.destroyed && !file.readableEnded) throw malformed();
  const out = new PassThrough();
  Object.defineProperty(out, 'truncated', { get: () => file.truncated === true });
  file.on('data', (chunk: Buffer) => {
    if (!out.destroyed && !out.write(chunk)) file.pause();
  });
  out.on('drain', () => file.resume());
  file.on('end', () => out.end());
  file.on('error', (err) => out.destroy(isClientError(err) ? err : malformed()));
  file.on('close', () => {
    if (!file.readableEnded) out.destroy(malformed());
  });
  // A reader that gives up (too large, wrong format) lets the rest of the part drain, so parsing can finish.
  out.on('close', () => {
    if (!file.readableEnded) file.resume();
  });
  return out as PassThrough & FileStream;
}

/** Multipart requests whose CSRF token is to be read from their first field (see deferCsrfToMultipart). */
const csrfInBody = new WeakSet<FastifyRequest>();

/**
 * For a route marked `csrf: 'multipart'`: a multipart request carrying no token in a header or the query string
 * has its check moved to the body, where the form's first field is `_csrf` (so the address bar never shows the
 * token). multipartParts then refuses the request before yielding any part unless that field is a valid token.
 * Returns whether the check was deferred (else the usual check runs now).
 */
export function deferCsrfToMultipart(req: FastifyRequest): boolean {
  const inQuery = (req.query as Record<string, unknown> | undefined)?._csrf;
  if (!req.isMultipart() || req.headers['x-csrf-token'] || inQuery) return false;
  csrfInBody.add(req);
  return true;
}

const csrfRefused = () => new AppError(403, 'csrf', 'error.csrf');

/** Checks a token read from the body with the one CSRF verifier (the plugin's), as if it came in a form body. */
function verifyCsrf(req: FastifyRequest, token: string): void {
  const saved = req.body;
  let ok = false;
  try {
    req.body = { _csrf: token };
    // The verifier answers through reply.send on refusal and next() on success; both are captured here.
    const capture = { send: () => undefined } as unknown as FastifyReply;
    req.server.csrfProtection(req, capture, () => {
      ok = true;
    });
  } finally {
    req.body = saved;
  }
  if (!ok) throw csrfRefused();
}

/**
 * The parts of a multipart request in order; a body the parser cannot read is a 400, never a 500 or a hang. Names
 * and values follow the route-schema rule (web/schemas.ts): no control characters but tab and line breaks.
 */
export async function* multipartParts(req: FastifyRequest, limits: Limits = {}): AsyncIterable<FormPart> {
  let checkCsrf = csrfInBody.has(req);
  try {
    for await (const part of req.parts({ limits })) {
      if (checkCsrf) {
        // The first part must be the token; nothing else is read (or stored) before it is checked.
        if (part.type !== 'field' || part.fieldname !== '_csrf') throw csrfRefused();
        verifyCsrf(req, String(part.value ?? ''));
        checkCsrf = false;
        csrfInBody.delete(req);
        continue;
      }
      if (hasControlChars(part.fieldname)) throw malformed();
      if (part.type === 'file') {
        if (hasControlChars(part.filename)) throw malformed();
        yield { type: 'file', name: part.fieldname, filename: part.filename, stream: guardFile(part.file) };
      } else {
        const value = String(part.value ?? '');
        if (hasControlChars(value)) throw malformed();
        recordMultipartField(req, part.fieldname, value);
        yield { type: 'field', name: part.fieldname, value };
      }
    }
  } catch (err) {
    throw isClientError(err) ? err : malformed();
  }
  // A body with no part at all never showed its token.
  if (checkCsrf) throw csrfRefused();
}

/** A file part read into memory; over its cap (the stream cut short, or the parser's own error) it is `tooLarge()`. */
export async function readPartBytes(stream: FileStream, tooLarge: () => AppError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (err) {
    throw (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge() : err;
  }
  if (stream.truncated) throw tooLarge();
  return Buffer.concat(chunks);
}

/** The first file part of a multipart request read into memory (at most `maxBytes`), or undefined without one. */
export async function readFirstFile(req: FastifyRequest, maxBytes: number): Promise<Buffer | undefined> {
  for await (const part of multipartParts(req, { fileSize: maxBytes })) {
    if (part.type !== 'file') continue;
    return readPartBytes(part.stream, () => tooLarge({ max: formatBytes(maxBytes) }));
  }
  return undefined;
}
