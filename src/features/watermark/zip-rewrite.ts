// Rewrites a zip while streaming it: untouched entries are copied as their compressed bytes (never inflated), the
// few replaced or added entries are deflated from memory. Output order: the original entries, then the added ones.
// No zip64 (the upload caps keep a docx far below 4 GiB); entry names keep their original bytes and UTF-8 flag.
import type { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import yauzl, { type Entry, type ZipFile, type ZipFileOptions } from 'yauzl';

/** Decoded entry name → the raw entry, in central-directory order. */
export interface ZipIndex {
  zip: ZipFile;
  entries: Map<string, Entry>;
}

export function openZipIndex(path: string): Promise<ZipIndex> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false }, (err, zip) => {
      if (err) return reject(err);
      const entries = new Map<string, Entry>();
      zip.on('error', reject);
      zip.on('entry', (entry: Entry) => {
        entries.set((entry.fileName as unknown as Buffer).toString('utf8'), entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve({ zip, entries }));
      zip.readEntry();
    });
  });
}

function openStream(zip: ZipFile, entry: Entry, raw: boolean): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const opts = (raw && entry.compressionMethod === 8 ? { decompress: false } : {}) as ZipFileOptions;
    zip.openReadStream(entry, opts, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

/** The inflated bytes of one entry, refusing more than `cap` bytes. */
export async function readEntry(index: ZipIndex, name: string, cap: number): Promise<Buffer | undefined> {
  const entry = index.entries.get(name);
  if (!entry) return undefined;
  if (entry.uncompressedSize > cap) throw new Error(`zip entry too large: ${name}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await openStream(index.zip, entry, false)) {
    size += (chunk as Buffer).length;
    if (size > cap) throw new Error(`zip entry too large: ${name}`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const U32_MAX = 0xffffffff;

interface Written {
  name: Buffer;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
  external: number;
  madeBy: number;
}

function localHeader(w: Written): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(w.flags, 6);
  h.writeUInt16LE(w.method, 8);
  h.writeUInt16LE(w.time, 10);
  h.writeUInt16LE(w.date, 12);
  h.writeUInt32LE(w.crc >>> 0, 14);
  h.writeUInt32LE(w.csize, 18);
  h.writeUInt32LE(w.usize, 22);
  h.writeUInt16LE(w.name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, w.name]);
}

function centralHeader(w: Written): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(w.madeBy, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(w.flags, 8);
  h.writeUInt16LE(w.method, 10);
  h.writeUInt16LE(w.time, 12);
  h.writeUInt16LE(w.date, 14);
  h.writeUInt32LE(w.crc >>> 0, 16);
  h.writeUInt32LE(w.csize, 20);
  h.writeUInt32LE(w.usize, 24);
  h.writeUInt16LE(w.name.length, 28);
  h.writeUInt32LE(w.external >>> 0, 38);
  h.writeUInt32LE(w.offset, 42);
  return Buffer.concat([h, w.name]);
}

/** 1980-01-01 00:00 in DOS time/date: a fixed stamp, so one purchase's marked file is always the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * Streams `index`'s zip with `replace` (decoded name → new contents) applied and `add` appended. The zip is closed
 * when the stream ends or fails.
 */
export async function* rewriteZip(
  index: ZipIndex,
  replace: ReadonlyMap<string, Buffer>,
  add: ReadonlyMap<string, Buffer>,
): AsyncGenerator<Buffer> {
  const written: Written[] = [];
  let offset = 0;
  const check = (n: number) => {
    if (n >= U32_MAX) throw new Error('zip64 output is not supported');
  };
  try {
    const fresh = function* (name: Buffer, data: Buffer, base: Partial<Written>): Generator<Buffer> {
      const deflated = deflateRawSync(data, { level: 6 });
      const w: Written = {
        name,
        flags: (base.flags ?? 0x800) & 0x800,
        method: 8,
        time: base.time ?? DOS_TIME,
        date: base.date ?? DOS_DATE,
        crc: crc32(data),
        csize: deflated.length,
        usize: data.length,
        offset,
        external: base.external ?? 0,
        madeBy: base.madeBy ?? 20,
      };
      check(w.usize);
      const header = localHeader(w);
      written.push(w);
      offset += header.length + deflated.length;
      yield header;
      yield deflated;
    };
    for (const [decoded, entry] of index.entries) {
      const name = entry.fileName as unknown as Buffer;
      const base = {
        flags: entry.generalPurposeBitFlag,
        time: entry.lastModFileTime,
        date: entry.lastModFileDate,
        external: entry.externalFileAttributes,
        madeBy: entry.versionMadeBy,
      };
      const replacement = replace.get(decoded);
      if (replacement) {
        yield* fresh(name, replacement, base);
        continue;
      }
      check(entry.compressedSize);
      check(entry.uncompressedSize);
      const w: Written = {
        ...base,
        // Sizes and CRC are known from the central directory: no data descriptor (bit 3), UTF-8 flag kept.
        flags: entry.generalPurposeBitFlag & 0x800,
        method: entry.compressionMethod,
        crc: entry.crc32,
        csize: entry.compressedSize,
        usize: entry.uncompressedSize,
        offset,
        name,
      };
      const header = localHeader(w);
      written.push(w);
      yield header;
      let copied = 0;
      for await (const chunk of await openStream(index.zip, entry, true)) {
        copied += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (copied !== entry.compressedSize) throw new Error(`zip entry size mismatch: ${decoded}`);
      offset += header.length + copied;
      check(offset);
    }
    for (const [name, data] of add) yield* fresh(Buffer.from(name, 'utf8'), data, {});
    const central = Buffer.concat(written.map(centralHeader));
    check(offset + central.length);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(written.length, 8);
    end.writeUInt16LE(written.length, 10);
    end.writeUInt32LE(central.length, 12);
    end.writeUInt32LE(offset, 16);
    yield central;
    yield end;
  } finally {
    index.zip.close();
  }
}
