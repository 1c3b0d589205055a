import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat as statFile } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3StorageConfig } from '../config.ts';
import { type BlobKey, type BlobStore, parseBlobKey } from './blob-store.ts';
import type { CollectClaims } from './collect-claims.ts';
import { createTempFiles } from './temp-files.ts';

/** How long a collector's claim protects its delete; writers wait at most this long (decision 0016). */
export const CLAIM_LEASE_MS = 5 * 60_000;
/** A collector sends its DeleteObject only this soon after claiming, so it lands well before a takeover. */
const DELETE_DEADLINE_MS = CLAIM_LEASE_MS / 2;
const TOUCHED_AT = 'touched-at';
const CONTENT_TYPE = 'application/octet-stream';

/** Options of the S3 store. */
export interface S3BlobStoreOptions {
  readonly s3: S3StorageConfig;
  /** Local directory of temp files (uploads land here before they are sent). */
  readonly tempDir: string;
  readonly claims: CollectClaims;
  /** Files larger than this go up as a multipart upload in parts of this size (≥ 5 MiB, S3's minimum part). */
  readonly partSize?: number;
  /** How many `withLocalFile` copies may exist at once (each is a whole blob on local disk). */
  readonly localCopies?: number;
  /** Test seam: runs between the collector's last look at a blob and its DeleteObject. */
  readonly beforeCollectDelete?: (key: BlobKey) => Promise<void>;
}

const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/** A counting semaphore: at most `n` holders at once. */
function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** The parts of the AWS SDK this store uses. */
interface Sdk {
  readonly s3: typeof import('@aws-sdk/client-s3');
  readonly Upload: typeof import('@aws-sdk/lib-storage').Upload;
  readonly getSignedUrl: typeof import('@aws-sdk/s3-request-presigner').getSignedUrl;
}

let sdkLoading: Promise<Sdk> | undefined;
/**
 * The SDK (~12 MB resident) is loaded by the first S3 call, not when this module is: every process imports the store
 * through the composition root, and a site on local storage never needs it.
 */
function loadSdk(): Promise<Sdk> {
  sdkLoading ??= Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/lib-storage'),
    import('@aws-sdk/s3-request-presigner'),
  ]).then(([s3, storage, presigner]) => ({ s3, Upload: storage.Upload, getSignedUrl: presigner.getSignedUrl }));
  return sdkLoading;
}

/** The SDK client for a configured bucket (shared by the store and nothing else: only this file speaks S3). */
function createClient(sdk: Sdk, s3: S3StorageConfig): S3Client {
  return new sdk.s3.S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    // A copy: the configuration is frozen and the SDK marks the credentials object it is given.
    credentials: s3.credentials ? { ...s3.credentials } : undefined,
    // Checksums only where the protocol requires them: the SDK's default trailing CRC (aws-chunked bodies) is not
    // understood by many S3-compatible stores (older MinIO, OSS, COS, s3rver) and would store corrupt bodies.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
    maxAttempts: 3,
  });
}

/**
 * Blobs as objects `<prefix><namespace>/<sha256>` in one S3-compatible bucket. Uploads are written to a local temp
 * file first (hashing, sniffing), then sent: one PutObject, or a multipart upload for large files. Touch times are
 * the `touched-at` metadata (a CopyObject onto itself refreshes it); a collector's delete is serialised with
 * writers through a claim in the database, since an object store cannot delete "unless touched" atomically
 * (docs/decisions/0016-s3-blob-store.md has the argument).
 */
export function createS3BlobStore(opts: S3BlobStoreOptions): BlobStore {
  const { s3, claims } = opts;
  // The SDK and the client, made on first use (one client per store).
  let connecting: Promise<{ sdk: Sdk; client: S3Client }> | undefined;
  const api = () => {
    connecting ??= loadSdk().then((sdk) => ({ sdk, client: createClient(sdk, s3) }));
    return connecting;
  };
  const Bucket = s3.bucket;
  const temp = createTempFiles(opts.tempDir);
  const partSize = Math.max(opts.partSize ?? 8 * 1024 ** 2, 5 * 1024 ** 2);
  const localCopy = limiter(opts.localCopies ?? 4);
  const objectKey = (key: BlobKey) => `${s3.prefix}${parseBlobKey(key)}`;

  const head = async (key: BlobKey) => {
    const { sdk, client } = await api();
    try {
      const r = await client.send(new sdk.s3.HeadObjectCommand({ Bucket, Key: objectKey(key) }));
      const touched = Number(r.Metadata?.[TOUCHED_AT]);
      const modified = r.LastModified?.getTime() ?? 0;
      return { size: r.ContentLength ?? 0, mtimeMs: Number.isFinite(touched) && touched > 0 ? touched : modified };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  };

  const upload = async (path: string, key: BlobKey) => {
    const { size } = await statFile(path);
    const { sdk, client } = await api();
    const params = {
      Bucket,
      Key: objectKey(key),
      ContentType: CONTENT_TYPE,
      Metadata: { [TOUCHED_AT]: String(Date.now()) },
    };
    if (size <= partSize) {
      await client.send(new sdk.s3.PutObjectCommand({ ...params, Body: createReadStream(path), ContentLength: size }));
      return;
    }
    // Streams the file in parts (at most queueSize parts in memory); a failed upload is aborted, parts and all.
    await new sdk.Upload({
      client,
      params: { ...params, Body: createReadStream(path) },
      partSize,
      queueSize: 4,
      leavePartsOnError: false,
    }).done();
  };

  /** Refreshes `touched-at` (CopyObject onto itself); false when the object is missing. */
  const copyTouch = async (key: BlobKey) => {
    const Key = objectKey(key);
    const { sdk, client } = await api();
    try {
      await client.send(
        new sdk.s3.CopyObjectCommand({
          Bucket,
          Key,
          CopySource: `${Bucket}/${Key}`,
          MetadataDirective: 'REPLACE',
          ContentType: CONTENT_TYPE,
          Metadata: { [TOUCHED_AT]: String(Date.now()) },
        }),
      );
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  };

  const store: BlobStore = {
    async putFile(tempPath, key) {
      try {
        // An existing blob is touched instead of sent again; if a collector removed it meanwhile, send it.
        if ((await head(key)) && (await store.touch(key))) return;
        await upload(tempPath, key);
      } finally {
        await rm(tempPath, { force: true });
      }
    },
    async touch(key) {
      if (!(await copyTouch(key))) return false;
      // A collector may have looked at the old time just before our copy and be about to delete: wait until no
      // claim stands, then look again. What is there now stays (any later collector sees our fresh time).
      while (await claims.held(key, CLAIM_LEASE_MS)) await sleep(25);
      return (await head(key)) !== undefined;
    },
    async has(key) {
      return (await head(key)) !== undefined;
    },
    async size(key) {
      return (await head(key))?.size;
    },
    stat: head,
    read(key, range) {
      const Key = objectKey(key); // a bad key throws here, before a stream exists
      const out = new PassThrough();
      const abort = new AbortController();
      out.once('close', () => abort.abort());
      const Range = range ? `bytes=${range.start}-${range.end}` : undefined;
      api()
        .then(({ sdk, client }) =>
          client.send(new sdk.s3.GetObjectCommand({ Bucket, Key, Range }), {
            abortSignal: abort.signal,
          }),
        )
        .then((r) => pipeline(r.Body as Readable, out))
        .catch((err) => out.destroy(err));
      return out;
    },
    async withLocalFile(key, fn) {
      return localCopy(async () => {
        const path = temp.path('s3-copy');
        try {
          await pipeline(store.read(key), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
          return await fn(path);
        } finally {
          await rm(path, { force: true });
        }
      });
    },
    async delete(key) {
      const { sdk, client } = await api();
      await client.send(new sdk.s3.DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
    async collect(key, touchedBefore) {
      const { sdk, client } = await api();
      const started = performance.now();
      const claim = await claims.acquire(key, CLAIM_LEASE_MS);
      if (!claim) return undefined;
      try {
        const st = await head(key);
        if (!st || st.mtimeMs >= touchedBefore) return undefined;
        await opts.beforeCollectDelete?.(key);
        const left = DELETE_DEADLINE_MS - (performance.now() - started);
        // Too slow to be sure no writer has taken the claim over: keep the blob (the next run tries again).
        if (left <= 0) return undefined;
        await client.send(new sdk.s3.DeleteObjectCommand({ Bucket, Key: objectKey(key) }), {
          abortSignal: AbortSignal.timeout(Math.ceil(left)),
        });
        return st.size;
      } finally {
        await claims.release(key, claim);
      }
    },
    tempPath(prefix) {
      return temp.path(prefix);
    },
    async sweepTemp(modifiedBefore, o = {}) {
      return temp.sweep(modifiedBefore, o);
    },
    async *list() {
      const { sdk, client } = await api();
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new sdk.s3.ListObjectsV2Command({ Bucket, Prefix: s3.prefix, ContinuationToken }),
        );
        for (const o of page.Contents ?? []) {
          let key: BlobKey;
          try {
            key = parseBlobKey((o.Key ?? '').slice(s3.prefix.length));
          } catch {
            continue; // not one of ours (another application's object under the same prefix)
          }
          yield { key, size: o.Size ?? 0 };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
    async presignDownload(key, o) {
      const { sdk, client } = await api();
      const command = new sdk.s3.GetObjectCommand({
        Bucket,
        Key: objectKey(key),
        ResponseContentDisposition: o.contentDisposition,
        ResponseContentType: o.contentType,
        ResponseCacheControl: 'private, no-store',
      });
      return sdk.getSignedUrl(client, command, { expiresIn: o.expiresInSeconds });
    },
  };
  return store;
}
