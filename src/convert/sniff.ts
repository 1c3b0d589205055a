import { open } from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { ZipFile } from 'yauzl';
import { cfbProtection, odfIsEncrypted } from './office-protection.ts';
import { ooxmlBase } from './ooxml-kinds.ts';
import { sniffTextEncoding } from './text-encoding.ts';
import type { DocFormat } from './types.ts';
import { openZipLenient } from './zip-open.ts';

/** The verdict on an upload's bytes: its real format, or the `upload.*` message key saying why it is refused. */
export type SniffResult =
  | { ok: true; format: DocFormat; mime: string }
  | {
      ok: false;
      reason:
        | 'upload.empty'
        | 'upload.unsupportedFormat'
        | 'upload.extensionMismatch'
        | 'upload.notText'
        | 'upload.encrypted';
      params: Record<string, string | number>;
    };

const HEAD_BYTES = 64 * 1024;

const FORMAT_BY_EXT: Record<string, DocFormat> = {
  docx: 'docx',
  pdf: 'pdf',
  txt: 'txt',
  md: 'txt',
  text: 'txt',
  doc: 'doc',
  wps: 'wps',
  rtf: 'rtf',
  odt: 'odt',
  pptx: 'pptx',
  ppt: 'ppt',
  dps: 'dps',
  xlsx: 'xlsx',
  xls: 'xls',
  et: 'et',
  ods: 'ods',
  // OOXML templates and macro-enabled files are the same packages (ooxml-kinds.ts); macros are stripped at upload.
  dotx: 'docx',
  dotm: 'docx',
  docm: 'docx',
  xltx: 'xlsx',
  xltm: 'xlsx',
  xlsm: 'xlsx',
  xlsb: 'xlsx',
  potx: 'pptx',
  potm: 'pptx',
  pptm: 'pptx',
  ppsx: 'pptx',
  ppsm: 'pptx',
  // OFD (GB/T 33190), China's fixed-layout format for 电子公文: read by extract-ofd.ts, no LibreOffice needed.
  ofd: 'ofd',
  // Scans and photos of pages: made into image-only PDFs and read by OCR (image-scan.ts); refused without OCR.
  jpg: 'jpg',
  jpeg: 'jpg',
  png: 'png',
  tif: 'tif',
  tiff: 'tif',
};

/** Every file extension an upload may carry (the upload form's `accept` list is built from it). */
export const UPLOAD_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXT);
/** Every format an accepted upload is stored as (the search page's 格式 filter knows exactly these). */
export const DOC_FORMATS: ReadonlySet<DocFormat> = new Set(Object.values(FORMAT_BY_EXT));

const MIME: Record<DocFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  txt: 'text/plain',
  doc: 'application/msword',
  wps: 'application/vnd.ms-works',
  rtf: 'application/rtf',
  odt: 'application/vnd.oasis.opendocument.text',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ppt: 'application/vnd.ms-powerpoint',
  dps: 'application/vnd.ms-powerpoint',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  et: 'application/vnd.ms-excel',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  ofd: 'application/ofd',
  jpg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
};

/**
 * What the bytes of each office format may be, by file-type's extension: Office 97–2003 and the WPS Office formats
 * (.wps/.et/.dps) are OLE compound files (cfb); WPS also saves OOXML under its own extensions.
 */
const OFFICE_MAGIC: Partial<Record<DocFormat, readonly string[]>> = {
  doc: ['cfb'],
  wps: ['cfb', 'docx'],
  et: ['cfb', 'xlsx'],
  dps: ['cfb', 'pptx'],
  xls: ['cfb'],
  ppt: ['cfb'],
  rtf: ['rtf'],
  odt: ['odt'],
  ods: ['ods'],
  xlsx: ['xlsx'],
  pptx: ['pptx'],
};

// What the user is told the file really is, by file-type's extension.
const LABELS: Record<string, string> = {
  pdf: 'PDF 文档',
  docx: 'Word 文档 (.docx)',
  docm: 'Word 启用宏的文档 (.docm)',
  dotx: 'Word 模板 (.dotx)',
  dotm: 'Word 启用宏的模板 (.dotm)',
  xlsx: 'Excel 表格 (.xlsx)',
  xlsm: 'Excel 启用宏的表格 (.xlsm)',
  pptx: 'PowerPoint 演示文稿 (.pptx)',
  odt: 'OpenDocument 文本 (.odt)',
  ods: 'OpenDocument 表格 (.ods)',
  odp: 'OpenDocument 演示文稿 (.odp)',
  rtf: 'RTF 文档',
  epub: 'EPUB 电子书',
  zip: 'ZIP 压缩包',
  rar: 'RAR 压缩包',
  '7z': '7z 压缩包',
  gz: 'GZIP 压缩包',
  png: 'PNG 图片',
  jpg: 'JPEG 图片',
  gif: 'GIF 图片',
  webp: 'WebP 图片',
  bmp: 'BMP 图片',
  tif: 'TIFF 图片',
  exe: '可执行程序',
  xml: 'XML 文件',
};
const HTML_LABEL = 'HTML 网页';
const TEXT_LABEL = '纯文本';
const UNKNOWN_LABEL = '无法识别的格式';

/** Decides the real format of an uploaded file from its bytes (magic numbers via file-type), checked against the declared extension. */
export async function sniffFile(path: string, declaredExt: string): Promise<SniffResult> {
  const declared = declaredExt.trim().toLowerCase().replace(/^\.+/, '');
  const { head, size } = await readHead(path);
  // 1. Nothing to look at.
  if (size === 0) return refuse('upload.empty', {});
  // 2. Only the formats we convert.
  const format = FORMAT_BY_EXT[declared];
  if (!format) return refuse('upload.unsupportedFormat', { ext: declared });
  const truncated = size > head.length;
  const mismatch = (actual: string) => refuse('upload.extensionMismatch', { declared, actual });
  // 3. HTML has no magic number file-type knows; a saved web page renamed .docx is common.
  if (looksLikeHtml(head)) return mismatch(HTML_LABEL);
  // 4. Text with a byte order mark is text: file-type can mistake the UTF-16 BOM for an MPEG audio frame.
  if (format === 'txt' && hasBom(head)) {
    return sniffTextEncoding(head, truncated) ? accept('txt') : refuse('upload.notText', {});
  }
  const type = await fileTypeFromBuffer(head).catch(() => undefined);
  switch (format) {
    case 'pdf':
      if (type?.ext === 'pdf') return accept('pdf');
      // pdf.js, like Acrobat, accepts a header preceded by up to 1 KB of junk; file-type only looks at offset 0.
      if (!type && head.subarray(0, 1024).includes('%PDF-')) return accept('pdf');
      return mismatch(describe(type?.ext, head, truncated));
    case 'docx':
      if (type && ooxmlBase(type.ext) === 'docx') return accept('docx');
      // file-type reads the local headers in the first 64 KB; a docx whose [Content_Types].xml comes after big
      // media parts only shows as a zip there, so ask the central directory.
      if (type?.ext === 'zip' && (await zipLooksLikeDocx(path))) return accept('docx');
      // A password-protected .docx is an OLE container holding an EncryptedPackage: say so, not "wrong format".
      if (type?.ext === 'cfb' && (await isEncryptedCfb(path, head))) return refuse('upload.encrypted', {});
      return mismatch(describe(type?.ext, head, truncated));
    case 'ofd':
      // An OFD package is a zip whose root holds OFD.xml.
      if (type?.ext === 'zip' && (await zipNames(path, ['OFD.xml'])).has('OFD.xml')) return accept('ofd');
      return mismatch(describe(type?.ext, head, truncated));
    case 'jpg':
    case 'png':
    case 'tif':
      // A photo saved as .jpg that is really a PNG (phones and chat apps do this) is taken for what it is.
      if (type?.ext === 'jpg' || type?.ext === 'png' || type?.ext === 'tif') return accept(type.ext);
      // file-type follows a TIFF's first directory, which scanners often write after the pixels, past the bytes
      // read here: the byte-order mark and 42 say TIFF (tiff-pages.ts reads the directories at conversion).
      if (!type && /^(II\*\0|MM\0\*)/.test(head.toString('latin1', 0, 4))) return accept('tif');
      return mismatch(describe(type?.ext, head, truncated));
    case 'txt':
      if (type) return mismatch(describe(type.ext, head, truncated));
      return sniffTextEncoding(head, truncated) ? accept('txt') : refuse('upload.notText', {});
    default: {
      const allowed = OFFICE_MAGIC[format] ?? [];
      // Templates and macro-enabled variants count as their base kind (xlsm → xlsx).
      let ext = type ? (ooxmlBase(type.ext) ?? type.ext) : undefined;
      // RTF has no magic file-type always reports; `{\rtf` opens every RTF file.
      if (!ext && head.subarray(0, 5).toString('latin1') === '{\\rtf') ext = 'rtf';
      // file-type only reads the first local headers; an OOXML/ODF zip may only show as a zip there.
      if (ext === 'zip' && allowed.some((a) => a !== 'cfb')) ext = (await zipOfficeKind(path)) ?? ext;
      if (ext === 'cfb' && (await isEncryptedCfb(path, head))) return refuse('upload.encrypted', {});
      if ((ext === 'odt' || ext === 'ods') && (await odfIsEncrypted(path))) return refuse('upload.encrypted', {});
      if (ext && allowed.includes(ext)) return accept(format);
      // A .docx renamed .doc is common (Word opens it anyway): take it for what it is.
      if (format === 'doc' && ext === 'docx') return accept('docx');
      return mismatch(describe(ext, head, truncated));
    }
  }
}

function accept(format: DocFormat): SniffResult {
  return { ok: true, format, mime: MIME[format] };
}

function refuse(
  reason: Extract<SniffResult, { ok: false }>['reason'],
  params: Record<string, string | number>,
): SniffResult {
  return { ok: false, reason, params };
}

async function readHead(path: string): Promise<{ head: Buffer; size: number }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), size };
  } finally {
    await fh.close();
  }
}

function hasBom(b: Buffer): boolean {
  return (
    (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) ||
    (b[0] === 0xff && b[1] === 0xfe) ||
    (b[0] === 0xfe && b[1] === 0xff)
  );
}

/** True when the bytes begin, after a BOM and whitespace, with `<!doctype html` or `<html` (also in UTF-16). */
export function looksLikeHtml(head: Buffer): boolean {
  let start = head.subarray(0, 1024);
  let text: string;
  if (start[0] === 0xff && start[1] === 0xfe) text = start.subarray(2).toString('utf16le');
  else if (start[0] === 0xfe && start[1] === 0xff) text = Buffer.from(start.subarray(2)).swap16().toString('utf16le');
  else {
    if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) start = start.subarray(3);
    text = start.toString('latin1');
  }
  // Comments may precede the doctype (saved pages often start with '<!-- saved from url=... -->').
  const rest = text.replace(/^(\s|<!--[\s\S]*?-->)*/, '').toLowerCase();
  return rest.startsWith('<!doctype html') || rest.startsWith('<html');
}

// Names the real content for the mismatch message; Office 97–2003 containers say which application made them.
function describe(ext: string | undefined, head: Buffer, truncated: boolean): string {
  if (ext === 'cfb') return describeCfb(head);
  if (ext) return LABELS[ext] ?? ext.toUpperCase();
  return sniffTextEncoding(head, truncated) ? TEXT_LABEL : UNKNOWN_LABEL;
}

const ENCRYPTED_OFFICE = '加密的 Office 文档';

// Needs a password, whatever the Office 97–2003 or encrypted-OOXML kind (office-protection.ts reads the streams).
async function isEncryptedCfb(path: string, head: Buffer): Promise<boolean> {
  return describeCfb(head) === ENCRYPTED_OFFICE || (await cfbProtection(path)) === 'password';
}

function describeCfb(head: Buffer): string {
  const has = (name: string) => head.includes(Buffer.from(name, 'utf16le'));
  // A password-protected .docx/.xlsx is an OLE container holding an EncryptedPackage stream.
  if (has('EncryptedPackage')) return ENCRYPTED_OFFICE;
  if (has('WordDocument')) return 'Word 97-2003 文档 (.doc)';
  if (has('Workbook') || has('Book')) return 'Excel 97-2003 表格 (.xls)';
  if (has('PowerPoint Document')) return 'PowerPoint 97-2003 演示文稿 (.ppt)';
  return 'Office 97-2003 文档';
}

// The central directory only, read as zip-inspect will (a stray byte after the end record forgiven).
function openZip(path: string, cb: (err: unknown, zip: ZipFile) => void): void {
  openZipLenient(path, { lazyEntries: true, autoClose: true, decodeStrings: false }).then(
    (zip) => cb(null, zip),
    (err) => cb(err, undefined as unknown as ZipFile),
  );
}

// Reads only the central directory and names the OOXML/ODF kind from the parts present.
async function zipOfficeKind(path: string): Promise<string | undefined> {
  const names = await zipNames(path, [
    'word/document.xml',
    'xl/workbook.xml',
    'xl/workbook.bin',
    'ppt/presentation.xml',
    'mimetype',
  ]);
  if (names.has('word/document.xml')) return 'docx';
  if (names.has('xl/workbook.xml') || names.has('xl/workbook.bin')) return 'xlsx';
  if (names.has('ppt/presentation.xml')) return 'pptx';
  return undefined;
}

function zipNames(path: string, wanted: string[]): Promise<Set<string>> {
  return new Promise((resolve) => {
    const found = new Set<string>();
    openZip(path, (err, zip) => {
      if (err) return resolve(found);
      let seen = 0;
      const finish = () => {
        zip.close();
        resolve(found);
      };
      zip.on('error', finish);
      zip.on('end', finish);
      zip.on('entry', (entry) => {
        const name = (entry.fileName as unknown as Buffer).toString('latin1');
        if (wanted.includes(name)) found.add(name);
        if (++seen > 10_000) return finish();
        zip.readEntry();
      });
      zip.readEntry();
    });
  });
}

// Reads only the central directory (no entry data) and looks for the parts every docx has.
function zipLooksLikeDocx(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    openZip(path, (err, zip) => {
      if (err) return resolve(false);
      let contentTypes = false;
      let document = false;
      let seen = 0;
      const finish = (verdict: boolean) => {
        zip.close();
        resolve(verdict);
      };
      zip.on('error', () => finish(false));
      zip.on('end', () => finish(contentTypes && document));
      zip.on('entry', (entry) => {
        const name = (entry.fileName as unknown as Buffer).toString('latin1');
        if (name === '[Content_Types].xml') contentTypes = true;
        if (name === 'word/document.xml') document = true;
        if (contentTypes && document) return finish(true);
        // The entry cap is enforced later by inspectZip; here it only bounds the time spent looking.
        if (++seen > 10_000) return finish(false);
        zip.readEntry();
      });
      zip.readEntry();
    });
  });
}
