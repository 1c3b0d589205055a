// Multipart bodies, read in the handler (after the CSRF check) through one adapter over @fastify/multipart.
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { AppError, badRequest, tooLarge } from '../errors.ts';
import { formatBytes } from './format.ts';
import { hasControlChars } from './schemas.ts';

/** A file part's bytes; `truncated` when the size cap cut it short. */
export type FileStream = Readable & { readonly truncated: boolean };
/** One part of a form, independent of the multipart library. */
export type FormPart =
  | { type: 'field'; name: string; value: string }
  | { type: 'file'; name: string; filename: string; stream: FileStream };

type Limits = { fileSize?: number };

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

/**
 * The parts of a multipart request in order; a body the parser cannot read is a 400, never a 500 or a hang. Names
 * and values follow the route-schema rule (web/schemas.ts): no control characters but tab and line breaks.
 */
export async function* multipartParts(req: FastifyRequest, limits: Limits = {}): AsyncIterable<FormPart> {
  try {
    for await (const part of req.parts({ limits })) {
      if (hasControlChars(part.fieldname)) throw malformed();
      if (part.type === 'file') {
        if (hasControlChars(part.filename)) throw malformed();
        yield { type: 'file', name: part.fieldname, filename: part.filename, stream: guardFile(part.file) };
      } else {
        const value = String(part.value ?? '');
        if (hasControlChars(value)) throw malformed();
        yield { type: 'field', name: part.fieldname, value };
      }
    }
  } catch (err) {
    throw isClientError(err) ? err : malformed();
  }
}

/** The first file part of a multipart request read into memory (at most `maxBytes`), or undefined without one. */
export async function readFirstFile(req: FastifyRequest, maxBytes: number): Promise<Buffer | undefined> {
  for await (const part of multipartParts(req, { fileSize: maxBytes })) {
    if (part.type !== 'file') continue;
    const chunks: Buffer[] = [];
    for await (const chunk of part.stream) chunks.push(chunk as Buffer);
    if (part.stream.truncated) throw tooLarge({ max: formatBytes(maxBytes) });
    return Buffer.concat(chunks);
  }
  return undefined;
}
