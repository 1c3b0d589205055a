import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ConversionError, type ConvertLimits, DEFAULT_LIMITS } from './types.ts';
import { openZipLenient } from './zip-open.ts';

// Ratios are only meaningful once an entry is big; small XML parts routinely compress 50:1 or better.
const RATIO_FLOOR_BYTES = 1024 * 1024;
// Embedded media by extension: a bitmap or metafile of one flat colour compresses 600:1 and more in an ordinary
// presentation. Their ratio says nothing (they are never parsed here, and LibreOffice decodes them under its own
// memory cap); the per-entry and total inflated-size caps still hold for them. Every other part — XML, rels, the
// binary parts of xlsb, anything unnamed — is judged by the ratio too.
const MEDIA_PART =
  /\.(png|jpe?g|gif|bmp|dib|tiff?|emf|wmf|emz|wmz|wdp|jxr|hdp|ico|pcx|tga|webp|svgz|mp3|mp4|m4a|m4v|wav|wma|wmv|avi|mov|mpe?g|ogg)$/i;
// In XML parts a DOCTYPE is allowed only as a bare reference to an external DTD by public or relative system
// identifier (old OpenOffice writes `<!DOCTYPE office:document-content PUBLIC "-//OpenOffice.org//DTD OfficeDocument
// 1.0//EN" "office.dtd">`): no internal subset, no identifier with a URL scheme (http:, file:…), and no parser here
// loads external DTDs. Other parts may carry any DOCTYPE harmlessly and are never parsed as XML by the extractor: SVG
// images exported from Illustrator, HTML imported as an altChunk (word/afchunk.htm). Entity declarations, which every
// XXE and billion-laughs payload needs, are refused in every part.
const XML_PART = /\.(xml|rels)$/i;

/** What a full pass over a zip found: every entry name, and the bytes of the entries the caller asked to keep. */
export interface ZipScan {
  names: string[];
  kept: Map<string, Buffer>;
}

/**
 * Inspects a zip with yauzl before any parser sees it: entry count, declared and *actual* inflated sizes (stream
 * every entry through inflate counting bytes, so lying headers are caught — yauzl validateEntrySizes), compression
 * ratio (of text-bearing parts: embedded media are judged by the size caps alone), and entry names (no absolute
 * paths, no '..' segments, no backslashes, no NUL). Also checks that no .xml/.rels entry holds a DOCTYPE with an
 * internal subset or a URL (this blocks XXE and billion-laughs); '<!ENTITY' is refused in any entry at all.
 * Throws ConversionError('zipBomb'|'unsafeZip'|'xmlDtd'|'corrupt'|'encrypted'). Returns the entry names.
 */
export async function inspectZip(path: string, limits: ConvertLimits = DEFAULT_LIMITS): Promise<string[]> {
  return (await scanZip(path, limits)).names;
}

/**
 * The same inspection as `inspectZip`, also returning the inflated bytes of the entries `keep` selects (each within
 * the same caps), so a caller parses them without inflating the zip a second time.
 */
export async function scanZip(
  path: string,
  limits: ConvertLimits = DEFAULT_LIMITS,
  keep: (name: string) => boolean = () => false,
): Promise<ZipScan> {
  const zip = await openZip(path);
  try {
    // 1. The end-of-central-directory record states the entry count: refuse before reading any entry.
    if (zip.entryCount > limits.maxZipEntries) throw new ConversionError('zipBomb');
    // 2. Read the central directory: names, flags and declared sizes, all checked before inflating a byte.
    const entries = await readDirectory(zip, limits);
    // 3. Inflate every entry, counting real bytes, aborting at the first cap crossed.
    const kept = new Map<string, Buffer>();
    const budget = { total: 0 };
    for (const { entry, name } of entries) {
      if (name.endsWith('/')) continue;
      const bytes = await inflateEntry(zip, entry, name, limits, budget, keep(name));
      if (bytes) kept.set(name, bytes);
    }
    return { names: entries.map((e) => e.name), kept };
  } finally {
    zip.close();
  }
}

// Stray bytes after the end record (or a wrong comment length) are forgiven as unzip forgives them (zip-open.ts);
// nothing else is.
async function openZip(path: string): Promise<ZipFile> {
  try {
    return await openZipLenient(path, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (err) {
    throw mapYauzlError(err);
  }
}

interface NamedEntry {
  entry: Entry;
  name: string;
}

function readDirectory(zip: ZipFile, limits: ConvertLimits): Promise<NamedEntry[]> {
  return new Promise((resolve, reject) => {
    const out: NamedEntry[] = [];
    const seen = new Set<string>();
    let declaredTotal = 0;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      reject(err instanceof ConversionError ? err : mapYauzlError(err));
    };
    zip.on('error', fail);
    zip.on('end', () => {
      if (!failed) resolve(out);
    });
    zip.on('entry', (entry: Entry) => {
      if (failed) return;
      try {
        const name = decodeName(entry);
        checkName(name, entry);
        if (seen.has(name)) throw unsafe(`重复条目：${quote(name)}`);
        seen.add(name);
        // Traditional PKWARE encryption; strong encryption (bit 6) is already refused by yauzl.
        if (entry.generalPurposeBitFlag & 0x1) throw new ConversionError('encrypted');
        checkDeclaredSize(entry, name, limits);
        declaredTotal += entry.uncompressedSize;
        if (declaredTotal > limits.maxZipTotalBytes) throw new ConversionError('zipBomb');
        if (out.length >= limits.maxZipEntries) throw new ConversionError('zipBomb');
        out.push({ entry, name });
        zip.readEntry();
      } catch (err) {
        fail(err);
      }
    });
    zip.readEntry();
  });
}

// Names are decoded the way yauzl would (UTF-8 flag or Info-ZIP Unicode Path field, else CP437) but validated by us,
// so the offending name can be reported and backslashes are not silently turned into separators.
function decodeName(entry: Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  const lowLevel = (yauzl as unknown as { getFileNameLowLevel: GetFileName }).getFileNameLowLevel;
  return lowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
}

type GetFileName = (flags: number, raw: Buffer, extraFields: Entry['extraFields'], strict: boolean) => string;

function checkName(name: string, entry: Entry): void {
  if (name.length === 0) throw unsafe('条目名为空');
  if (name.includes('\0')) throw unsafe(`条目名含空字符：${quote(name)}`);
  if (name.includes('\\')) throw unsafe(`条目名含反斜杠：${quote(name)}`);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) throw unsafe(`绝对路径：${quote(name)}`);
  if (name.split('/').includes('..')) throw unsafe(`路径穿越：${quote(name)}`);
  // Unix symlink: made by a Unix host (high byte 3) with S_IFLNK in the high half of the external attributes.
  const madeBy = (entry as Entry & { versionMadeBy: number }).versionMadeBy >> 8;
  if (madeBy === 3 && ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000) {
    throw unsafe(`符号链接：${quote(name)}`);
  }
}

function checkDeclaredSize(entry: Entry, name: string, limits: ConvertLimits): void {
  const size = entry.uncompressedSize;
  if (size > limits.maxZipEntryBytes) throw new ConversionError('zipBomb');
  if (
    !MEDIA_PART.test(name) &&
    size > RATIO_FLOOR_BYTES &&
    size / Math.max(1, entry.compressedSize) > limits.maxZipRatio
  ) {
    throw new ConversionError('zipBomb');
  }
}

function inflateEntry(
  zip: ZipFile,
  entry: Entry,
  name: string,
  limits: ConvertLimits,
  budget: { total: number },
  keepIt: boolean,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(mapYauzlError(err));
      const dtd = new DtdScanner(XML_PART.test(name));
      const judgeRatio = !MEDIA_PART.test(name);
      const chunks: Buffer[] | undefined = keepIt ? [] : undefined;
      let size = 0;
      let done = false;
      const stop = (e: unknown) => {
        if (done) return;
        done = true;
        (stream as Readable & { destroy(): void }).destroy();
        reject(e instanceof ConversionError ? e : mapYauzlError(e));
      };
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        budget.total += chunk.length;
        if (
          size > limits.maxZipEntryBytes ||
          budget.total > limits.maxZipTotalBytes ||
          (judgeRatio && size > RATIO_FLOOR_BYTES && size / Math.max(1, entry.compressedSize) > limits.maxZipRatio)
        ) {
          return stop(new ConversionError('zipBomb'));
        }
        if (dtd.feed(chunk)) return stop(new ConversionError('xmlDtd'));
        if (chunks) chunks.push(chunk);
      });
      stream.on('error', stop);
      stream.on('end', () => {
        if (done) return;
        done = true;
        resolve(chunks ? Buffer.concat(chunks) : undefined);
      });
    });
  });
}

const DOCTYPE = Buffer.from('<!doctype');
const ENTITY = Buffer.from('<!entity');
// The longest DOCTYPE declaration read; a real one is under 200 bytes.
const MAX_DOCTYPE = 1024;

/**
 * Finds '<!ENTITY' and unsafe DOCTYPE declarations in a byte stream, case-insensitively, across chunk boundaries, in
 * UTF-8 and in UTF-16 (NUL bytes are skipped, which turns UTF-16 ASCII into plain ASCII). Both markers begin with
 * '<!', which occurs nowhere else in them, so restarting on a mismatch cannot miss a match. A DOCTYPE is read to its
 * '>' and refused when it opens an internal subset ('['), names an identifier with a URL scheme, or runs on.
 */
export class DtdScanner {
  private doctypeAt = 0;
  private entityAt = 0;
  // The declaration after '<!doctype', while it is being read.
  private decl: number[] | undefined;

  constructor(private readonly checkDoctype = true) {}

  /** Feeds the next chunk; true as soon as a marker has been seen. */
  feed(chunk: Uint8Array): boolean {
    for (let i = 0; i < chunk.length; i++) {
      // Between matches only '<' can start one: jump to the next '<' natively (images and long text runs hold
      // few; XML holds one per tag) instead of stepping through every byte in JavaScript.
      if (this.entityAt === 0 && this.doctypeAt === 0 && !this.decl) {
        i = chunk.indexOf(0x3c, i);
        if (i < 0) return false;
      }
      let b = chunk[i]!;
      if (b === 0) continue;
      if (this.decl) {
        if (b === 0x5b || this.decl.length >= MAX_DOCTYPE) return true;
        if (b !== 0x3e) {
          this.decl.push(b);
          continue;
        }
        const unsafe = !safeDoctype(Buffer.from(this.decl).toString('latin1'));
        this.decl = undefined;
        if (unsafe) return true;
        continue;
      }
      if (b >= 0x41 && b <= 0x5a) b += 0x20;
      this.entityAt = step(ENTITY, this.entityAt, b);
      if (this.entityAt === ENTITY.length) return true;
      if (this.checkDoctype) {
        this.doctypeAt = step(DOCTYPE, this.doctypeAt, b);
        if (this.doctypeAt === DOCTYPE.length) {
          this.doctypeAt = 0;
          this.decl = [];
        }
      }
    }
    return false;
  }
}

// `name PUBLIC "pubid" "sysid"`, `name SYSTEM "sysid"` or just `name`; no identifier may carry a URL scheme.
function safeDoctype(decl: string): boolean {
  const m =
    /^\s+[\w:.-]+(?:\s+(?:PUBLIC\s+("[^"]*"|'[^']*')\s*("[^"]*"|'[^']*')?|SYSTEM\s+("[^"]*"|'[^']*')))?\s*$/i.exec(
      decl,
    );
  if (!m) return false;
  return [m[2], m[3]].every((id) => id === undefined || !/^.[a-z][a-z0-9+.-]*:/i.test(id));
}

function step(pattern: Buffer, at: number, b: number): number {
  if (pattern[at] === b) return at + 1;
  return pattern[0] === b ? 1 : 0;
}

// The detail is shown to the uploader inside a Chinese sentence (convert.unsafeZip), so it is Chinese too.
function unsafe(detail: string): ConversionError {
  return new ConversionError('unsafeZip', { detail });
}

// An entry name fit for a message: control characters made visible, length capped.
function quote(name: string): string {
  let visible = '';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    visible += c < 0x20 || (c >= 0x7f && c < 0xa0) ? '\uFFFD' : ch;
  }
  return visible.length > 60 ? `${visible.slice(0, 59)}…` : visible;
}

// yauzl reports everything as a plain Error; sort its messages into our codes.
function mapYauzlError(err: unknown): ConversionError {
  if (err instanceof ConversionError) return err;
  // An I/O failure (missing file, too many open files) says nothing about the file: let it surface as retryable.
  if (typeof (err as NodeJS.ErrnoException | null)?.syscall === 'string') throw err;
  const message = err instanceof Error ? err.message : String(err);
  if (/encrypt/i.test(message)) return new ConversionError('encrypted');
  // The stream produced more bytes than the header declared: a lying header, the classic bomb.
  if (/too many bytes in the stream/.test(message)) return new ConversionError('zipBomb');
  return new ConversionError('corrupt');
}
