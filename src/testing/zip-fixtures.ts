// Test helper: writes zip files byte by byte, so tests can build the hostile archives no well-behaved zip library
// would produce (lying sizes, traversal names, symlinks, encryption flags). Not used by production code.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/** One entry of a hand-built zip. */
export interface ZipEntryInput {
  name: string;
  /** Content; deflated unless `method` is 0 or `deflated` is given. */
  data?: Buffer | string;
  method?: 0 | 8;
  /** Already-deflated content with its true size and CRC (for big generated bombs). */
  deflated?: DeflatedData;
  /** Uncompressed size written in both headers instead of the true one: a lying header. */
  declaredSize?: number;
  /** General purpose bit flags (bit 0: encrypted). UTF-8 names set bit 11 automatically. */
  flags?: number;
  /** Unix mode (e.g. 0o120777 for a symlink); marks the entry as made on Unix. */
  unixMode?: number;
}

/** Deflated bytes with the size and CRC-32 of what they inflate to. */
export interface DeflatedData {
  data: Buffer;
  size: number;
  crc: number;
}

/** Builds a zip archive (local headers, data, central directory, end record) from the entries, in order. */
export function buildZip(entries: readonly ZipEntryInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const utf8 = /[^\x20-\x7e]/.test(e.name) ? 0x800 : 0;
    const method = e.deflated ? 8 : (e.method ?? 8);
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : (e.data ?? Buffer.alloc(0));
    const packed = e.deflated ?? {
      data: method === 8 ? deflateRawSync(raw) : raw,
      size: raw.length,
      crc: crc32(raw) >>> 0,
    };
    const size = e.declaredSize ?? packed.size;
    const flags = (e.flags ?? 0) | utf8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0x21, 10); // 1980-01-01 00:00
    local.writeUInt32LE(packed.crc, 14);
    local.writeUInt32LE(packed.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(0x21, 12);
    central.writeUInt32LE(packed.crc, 16);
    central.writeUInt32LE(packed.data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(e.unixMode === undefined ? 0 : (e.unixMode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed.data);
    centrals.push(central, name);
    offset += local.length + name.length + packed.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Deflates `bytes` zero bytes without ever holding them: 400 MB become about 400 KB. */
export async function deflateZeros(bytes: number): Promise<DeflatedData> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  const chunk = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let left = bytes; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await ended;
  return { data: Buffer.concat(out), size: bytes, crc: crc >>> 0 };
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** A paragraph of WordprocessingML, optionally styled. Text is escaped. */
export function wordParagraph(text: string, styleId?: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const style = styleId ? `<w:pPr><w:pStyle w:val="${styleId}"/></w:pPr>` : '';
  return `<w:p>${style}<w:r><w:t xml:space="preserve">${escaped}</w:t></w:r></w:p>`;
}

/** The parts of a minimal valid .docx: the body XML goes inside <w:body>; `prolog` goes before <w:document>. */
export function docxEntries(opts: {
  body: string;
  prolog?: string;
  styles?: string;
  coreTitle?: string;
  pages?: number;
}): ZipEntryInput[] {
  const entries: ZipEntryInput[] = [
    {
      name: '[Content_Types].xml',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
        '</Relationships>',
    },
    {
      name: 'word/document.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${opts.prolog ?? ''}<w:document xmlns:w="${W}"><w:body>${opts.body}</w:body></w:document>`,
    },
  ];
  if (opts.styles !== undefined) {
    entries.push(
      {
        name: 'word/_rels/document.xml.rels',
        data:
          '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
          '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
          '</Relationships>',
      },
      { name: 'word/styles.xml', data: `<w:styles xmlns:w="${W}">${opts.styles}</w:styles>` },
    );
  }
  if (opts.coreTitle !== undefined) {
    entries.push({
      name: 'docProps/core.xml',
      data: `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${opts.coreTitle}</dc:title></cp:coreProperties>`,
    });
  }
  if (opts.pages !== undefined) {
    entries.push({
      name: 'docProps/app.xml',
      data: `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Pages>${opts.pages}</Pages></Properties>`,
    });
  }
  return entries;
}

/** A temporary directory for generated fixtures, removed by `cleanup`. */
export async function fixtureDir(): Promise<{
  dir: string;
  write(name: string, data: Buffer | string): Promise<string>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'wenyuan-convert-'));
  return {
    dir,
    async write(name, data) {
      const path = join(dir, name);
      await writeFile(path, data);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
