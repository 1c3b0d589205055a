import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The part of s3rver (a real S3 protocol server over a directory) the tests use; the package ships no types. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverClass;

/** The bucket every s3rver started here has. */
export const S3RVER_BUCKET = 'wenyuan-test';

/** A running s3rver and how to reach it. */
export interface S3rverHandle {
  /** STORAGE_URL for this server (path-style, a prefix so keys are not at the bucket root). */
  readonly url: string;
  /** Environment for a wenyuan process using it: STORAGE_URL and the credentials s3rver accepts. */
  readonly env: Record<string, string>;
  /** Every request seen, as `METHOD /path?query` (tests check e.g. that a large file went up in parts). */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts s3rver in this process on an ephemeral loopback port with a fresh temp directory and one bucket. */
export async function startS3rver(opts: { prefix?: string } = {}): Promise<S3rverHandle> {
  const directory = mkdtempSync(join(tmpdir(), 'wy-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    // s3rver 4.0.4 computes two kinds of v4 signature differently from the current SDK: bucket-level path-style
    // requests (ListObjectsV2: it drops the trailing slash of `/bucket/`) and query strings with ' ( ) * (the
    // pre-signed content-disposition: it encodes with encodeURIComponent, not RFC 3986). Checking signatures is the
    // real service's job; the access key must still be s3rver's and pre-signed URLs still expire.
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: S3RVER_BUCKET }],
  });
  const { port } = await server.run();
  const requests: string[] = [];
  server.httpServer?.on('request', (req) => requests.push(`${req.method} ${req.url}`));
  const endpoint = `http://127.0.0.1:${port}`;
  const prefix = opts.prefix ?? 'site';
  const url = `s3://${S3RVER_BUCKET}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`;
  return {
    url,
    // s3rver's one built-in account.
    env: { STORAGE_URL: url, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
    requests,
    async close() {
      server.httpServer?.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
