// What an OOXML upload is stored as (decision 0021): the clean package it should be. A macro-enabled file (.docm,
// .xlsm, .pptm, their templates, .xlsb) loses its VBA project — the vbaProject part, its signatures and data, the
// relationships and content-type entries naming them — and its main part's macro-enabled content type becomes the
// plain one, so what is delivered is an ordinary .docx/.xlsx/.pptx (templates stay templates) that runs nothing. A
// zip with stray bytes after its end record is rewritten without them. Every other entry is copied byte for byte
// (its compressed data, CRC and sizes as they were); only the edited XML is deflated anew. The zip is inspected
// first, under the same caps as at conversion.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import type { Entry, ZipFile } from 'yauzl';
import { ConversionError, type ConvertLimits, DEFAULT_LIMITS, type DocFormat } from './types.ts';
import { scanZip } from './zip-inspect.ts';
import { locateZipEnd, needsRepair, openZipLenient, zipEntryNames } from './zip-open.ts';

const VBA_PART = /(^|\/)(vbaProject\.bin|vbaProjectSignature\w*\.bin|vbaData\.xml)$/i;
const VBA_RELS = /(^|\/)_rels\/(vbaProject\.bin|vbaProjectSignature\w*\.bin|vbaData\.xml)\.rels$/i;
const EDITED = /(^\[Content_Types\]\.xml|\.rels)$/i;

const PLAIN_TYPES: Array<[RegExp, string]> = [
  [
    /application\/vnd\.ms-word\.document\.macroEnabled\.main\+xml/g,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  ],
  [
    /application\/vnd\.ms-word\.template\.macroEnabledTemplate\.main\+xml/g,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml',
  ],
  [
    /application\/vnd\.ms-excel\.sheet\.macroEnabled\.main\+xml/g,
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  ],
  [
    /application\/vnd\.ms-excel\.template\.macroEnabled\.main\+xml/g,
    'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml',
  ],
  [
    /application\/vnd\.ms-powerpoint\.presentation\.macroEnabled\.main\+xml/g,
    'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
  ],
  [
    /application\/vnd\.ms-powerpoint\.template\.macroEnabled\.main\+xml/g,
    'application/vnd.openxmlformats-officedocument.presentationml.template.main+xml',
  ],
  [
    /application\/vnd\.ms-powerpoint\.slideshow\.macroEnabled\.main\+xml/g,
    'application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml',
  ],
];

/** The extension a macro-free copy is named with (docm → docx); others unchanged. */
export function macroFreeExtension(ext: string): string {
  const map: Record<string, string> = {
    docm: 'docx',
    dotm: 'dotx',
    xlsm: 'xlsx',
    xltm: 'xltx',
    pptm: 'pptx',
    potm: 'potx',
    ppsm: 'ppsx',
  };
  return map[ext.toLowerCase()] ?? ext;
}

/** A file name with its macro-enabled extension replaced by the plain one (报告.docm → 报告.docx). */
export function macroFreeName(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? filename : filename.slice(0, dot + 1) + macroFreeExtension(filename.slice(dot + 1));
}

const ZIP_FORMATS: ReadonlySet<DocFormat> = new Set<DocFormat>([
  'docx',
  'xlsx',
  'pptx',
  'odt',
  'ods',
  'wps',
  'et',
  'dps',
]);

/**
 * Cleans an upload of a zip-based office format in place (see cleanOfficeZip). A zip that fails inspection is left
 * as it is: the conversion job refuses it with its reason.
 */
export async function cleanUploadedOffice(path: string, format: DocFormat): Promise<CleanResult | undefined> {
  if (!ZIP_FORMATS.has(format)) return undefined;
  try {
    return await cleanOfficeZip(path);
  } catch (err) {
    if (err instanceof ConversionError) return undefined;
    throw err;
  }
}

/** What cleaning did to a file. */
export interface CleanResult {
  /** The VBA parts removed (names), empty when there were none. */
  removed: string[];
  /** Stray bytes after the end record were dropped. */
  repaired: boolean;
  size: number;
  sha256: string;
}

/**
 * Rewrites the OOXML zip at `path` in place when it carries a VBA project or stray bytes after its end; undefined
 * when it is already clean (or no zip). Throws the inspection's ConversionError for a zip that fails the caps.
 */
export async function cleanOfficeZip(
  path: string,
  limits: ConvertLimits = DEFAULT_LIMITS,
): Promise<CleanResult | undefined> {
  const extent = await locateZipEnd(path);
  if (!extent) return undefined;
  const repaired = needsRepair(extent);
  // 0. The central directory alone says whether there is anything to do (most uploads: nothing).
  if (!repaired && !(await zipEntryNames(path)).some((n) => VBA_PART.test(n) || VBA_RELS.test(n))) return undefined;
  // 1. Inspect everything (sizes, ratio, names, DTDs), keeping the parts that may need editing.
  const scan = await scanZip(path, limits, (name) => EDITED.test(name));
  const removed = scan.names.filter((n) => VBA_PART.test(n) || VBA_RELS.test(n));
  if (removed.length === 0 && !repaired) return undefined;
  // 2. Copy every other entry; edit the content types and relationships that name a removed part.
  const dropped = new Set(
    removed.filter((n) => VBA_PART.test(n)).map((n) => n.slice(n.lastIndexOf('/') + 1).toLowerCase()),
  );
  const out = `${path}.clean`;
  try {
    await rewrite(path, out, (name) => {
      if (VBA_PART.test(name) || VBA_RELS.test(name)) return null;
      const kept = scan.kept.get(name);
      if (!kept || dropped.size === 0) return undefined;
      const xml = kept.toString('utf8');
      const edited = editXml(name, xml, dropped);
      return edited === xml ? undefined : Buffer.from(edited, 'utf8');
    });
    await rename(out, path);
  } catch (err) {
    await rm(out, { force: true });
    throw err;
  }
  const { size, sha256 } = await hashFile(path);
  return { removed, repaired, size, sha256 };
}

// Removes the elements (Override, Default, Relationship) that point at a dropped part, and turns macro-enabled main
// content types into the plain ones.
function editXml(name: string, xml: string, dropped: Set<string>): string {
  const pointsAtDropped = (element: string) => {
    const m = /\b(?:PartName|Target)\s*=\s*"([^"]*)"/.exec(element);
    if (m) return dropped.has(m[1]!.slice(m[1]!.lastIndexOf('/') + 1).toLowerCase());
    return /ContentType\s*=\s*"application\/vnd\.ms-office\.vbaProject(?:Signature\w*)?"/.test(element);
  };
  let out = xml.replace(/<(Override|Default|Relationship)\b[^>]*?(?:\/>|>\s*<\/\1>)/g, (el) =>
    pointsAtDropped(el) ? '' : el,
  );
  if (/^\[Content_Types\]\.xml$/i.test(name)) for (const [from, to] of PLAIN_TYPES) out = out.replace(from, to);
  return out;
}

/** Copies the zip entry by entry into `dest`: `edit` returns null to drop an entry, new bytes to replace it. */
async function rewrite(src: string, dest: string, edit: (name: string) => Buffer | null | undefined): Promise<void> {
  const zip = await openZipLenient(src, {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: true,
  });
  const file = createWriteStream(dest, { flags: 'wx' });
  const central: Buffer[] = [];
  let offset = 0;
  const write = (b: Buffer) =>
    new Promise<void>((resolve, reject) => {
      offset += b.length;
      file.write(b, (err) => (err ? reject(err) : resolve()));
    });
  try {
    for (const entry of await entries(zip)) {
      const rawName = entry.fileName as unknown as Buffer;
      const name = rawName.toString(entry.generalPurposeBitFlag & 0x800 ? 'utf8' : 'latin1');
      const replacement = edit(name);
      if (replacement === null) continue;
      const method = replacement ? 8 : entry.compressionMethod;
      const data = replacement ? deflateRawSync(replacement) : undefined;
      const crc = replacement ? crc32(replacement) : entry.crc32;
      const compressed = data ? data.length : entry.compressedSize;
      const size = replacement ? replacement.length : entry.uncompressedSize;
      // Sizes go in the local header, so no data descriptor (bit 3) is written; the UTF-8 flag (bit 11) is kept.
      const flags = entry.generalPurposeBitFlag & 0x800;
      const at = offset;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(entry.lastModFileTime, 10);
      local.writeUInt16LE(entry.lastModFileDate, 12);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(compressed, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(rawName.length, 26);
      local.writeUInt16LE(0, 28);
      await write(local);
      await write(rawName);
      if (data) await write(data);
      else await copyRaw(zip, entry, file, (n) => (offset += n));
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(20, 4);
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(flags, 8);
      cd.writeUInt16LE(method, 10);
      cd.writeUInt16LE(entry.lastModFileTime, 12);
      cd.writeUInt16LE(entry.lastModFileDate, 14);
      cd.writeUInt32LE(crc >>> 0, 16);
      cd.writeUInt32LE(compressed, 20);
      cd.writeUInt32LE(size, 24);
      cd.writeUInt16LE(rawName.length, 28);
      cd.writeUInt32LE(at, 42);
      central.push(cd, rawName);
    }
    const cdStart = offset;
    const cdBytes = Buffer.concat(central);
    await write(cdBytes);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    const count = central.length / 2;
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(cdBytes.length, 12);
    end.writeUInt32LE(cdStart, 16);
    await write(end);
  } finally {
    zip.close();
    await new Promise<void>((resolve) => file.end(resolve));
  }
}

function entries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const out: Entry[] = [];
    zip.on('entry', (e: Entry) => {
      out.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', reject);
    zip.readEntry();
  });
}

// The entry's compressed bytes as stored (yauzl checks they are as many as the central directory says).
function copyRaw(zip: ZipFile, entry: Entry, file: Writable, counted: (n: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const raw = entry.compressionMethod === 0 ? {} : { decompress: false };
    zip.openReadStream(entry, raw as never, (err, stream) => {
      if (err) return reject(err);
      (stream as Readable).on('data', (chunk: Buffer) => {
        counted(chunk.length);
        if (!file.write(chunk)) {
          (stream as Readable).pause();
          file.once('drain', () => (stream as Readable).resume());
        }
      });
      (stream as Readable).on('error', reject);
      (stream as Readable).on('end', () => resolve());
    });
  });
}

async function hashFile(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}
