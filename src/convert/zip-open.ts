// Opening a zip the way `unzip` and Office do, with yauzl's checks intact. yauzl insists that the end-of-central-
// directory record's comment reaches exactly to the end of the file; Word, LibreOffice and Info-ZIP find the record
// by scanning back and ignore what follows it. Real uploads have one stray byte appended (a download tool, a
// transfer in text mode, a padded attachment), or a comment length that does not match. Such a zip is presented to
// yauzl as the file it should have been — cut after its record (and the record's comment length set to what is
// there) — through a RandomAccessReader, so every other check (entry count, sizes, names, offsets, CRCs) still
// applies, and `writeNormalizedZip` writes that same view as a file for the parsers that read the zip themselves.
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Options, type ZipFile } from 'yauzl';

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const MAX_COMMENT = 0xffff;
// Bytes after the record that are still taken as a benign appendix; more is not a zip with a stray byte.
const MAX_TRAILING = 64 * 1024;

/** Where a zip really ends, and the comment length its record should state. */
export interface ZipExtent {
  /** The file's size on disk. */
  size: number;
  /** Where the zip ends: the end of its end-of-central-directory record and comment. */
  end: number;
  /** Offset of the record's comment-length field and the value it must hold, when the stored one is wrong. */
  commentLengthFix?: { at: number; value: number };
}

/** Whether the zip needs the lenient view at all (false for a strict zip and for anything that is no zip). */
export function needsRepair(extent: ZipExtent | undefined): extent is ZipExtent {
  return !!extent && (extent.end !== extent.size || extent.commentLengthFix !== undefined);
}

/**
 * Finds the end-of-central-directory record as Info-ZIP does: the last signature whose record is consistent (its
 * central directory ends where the record begins, or a ZIP64 locator precedes it). Undefined when there is none.
 */
export async function locateZipEnd(path: string): Promise<ZipExtent | undefined> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, ZIP64_LOCATOR_SIZE + EOCD_SIZE + MAX_COMMENT + MAX_TRAILING);
    const tail = Buffer.alloc(length);
    await fh.read(tail, 0, length, size - length);
    const base = size - length;
    for (let i = length - EOCD_SIZE; i >= 0; i--) {
      if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
      const at = base + i;
      const cdSize = tail.readUInt32LE(i + 12);
      const cdOffset = tail.readUInt32LE(i + 16);
      const zip64 = i >= ZIP64_LOCATOR_SIZE && tail.readUInt32LE(i - ZIP64_LOCATOR_SIZE) === ZIP64_LOCATOR_SIGNATURE;
      // A signature inside the comment or the trailing bytes is not the record.
      if (!zip64 && cdOffset + cdSize !== at) continue;
      const stated = tail.readUInt16LE(i + 20);
      const available = size - (at + EOCD_SIZE);
      const comment = Math.min(stated, available);
      const extent: ZipExtent = { size, end: at + EOCD_SIZE + comment };
      if (size - extent.end > MAX_TRAILING) return undefined;
      if (stated !== comment) extent.commentLengthFix = { at: at + 20, value: comment };
      return extent;
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

/** A zip file on disk seen as its extent says: cut at `end`, the comment length patched. Each range is read
 *  through its own stream of the file (opened and closed with it), so no descriptor outlives a read. */
class ExtentReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly path: string,
    private readonly extent: ZipExtent,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): NodeJS.ReadableStream {
    const stream = createReadStream(this.path, { start, end: end - 1 });
    const fix = this.extent.commentLengthFix;
    if (!fix || end <= fix.at || start >= fix.at + 2) return stream;
    let pos = start;
    const patch = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        const out = Buffer.from(chunk);
        for (let k = 0; k < 2; k++) {
          const rel = fix.at + k - pos;
          if (rel >= 0 && rel < out.length) out[rel] = (fix.value >> (8 * k)) & 0xff;
        }
        pos += chunk.length;
        cb(null, out);
      },
    });
    stream.on('error', (err) => patch.destroy(err));
    return stream.pipe(patch);
  }
}

/**
 * Opens a zip with yauzl: directly when it is strict, else through the lenient view (stray bytes after the end
 * record, a wrong comment length). Errors are yauzl's, for the caller to map.
 */
export async function openZipLenient(path: string, options: Options): Promise<ZipFile> {
  const extent = await locateZipEnd(path);
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip: ZipFile) => (err ? reject(err) : resolve(zip));
    if (!needsRepair(extent)) return yauzl.open(path, options, done);
    yauzl.fromRandomAccessReader(new ExtentReader(path, extent), extent.end, options, done);
  });
}

/** Writes the lenient view of a zip (cut after its record, the comment length fixed) to `dest`. */
export async function writeNormalizedZip(path: string, extent: ZipExtent, dest: string): Promise<void> {
  await pipeline(createReadStream(path, { start: 0, end: extent.end - 1 }), createWriteStream(dest));
  const fix = extent.commentLengthFix;
  if (fix) {
    const fh = await open(dest, 'r+');
    try {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(fix.value);
      await fh.write(b, 0, 2, fix.at);
    } finally {
      await fh.close();
    }
  }
}

/** The names of a zip's entries, from its central directory alone (at most 10 000); empty when it cannot be read. */
export async function zipEntryNames(path: string): Promise<string[]> {
  let zip: ZipFile;
  try {
    zip = await openZipLenient(path, { lazyEntries: true, autoClose: true, decodeStrings: false });
  } catch {
    return [];
  }
  return new Promise((resolve) => {
    const names: string[] = [];
    const finish = () => {
      zip.close();
      resolve(names);
    };
    zip.on('error', finish);
    zip.on('end', finish);
    zip.on('entry', (entry) => {
      names.push((entry.fileName as unknown as Buffer).toString('utf8'));
      if (names.length >= 10_000) return finish();
      zip.readEntry();
    });
    zip.readEntry();
  });
}
