// Whether an office file is password-protected, told from its structure before any parser runs, so the uploader
// hears "文档已加密" instead of "文件已损坏" for every format:
// - OLE compound files: an EncryptedPackage/EncryptionInfo stream (encrypted OOXML); Word's FIB flags fEncrypted or
//   fObfuscated; a FilePass record in an Excel workbook's globals; PowerPoint's EncryptedSummary stream or a
//   CryptSession10Container record;
// - ODF: META-INF/manifest.xml listing encryption-data.
import type { Readable } from 'node:stream';
import { openCfb } from './cfb.ts';
import { openZipLenient } from './zip-open.ts';

const FIB_ENCRYPTED = 0x0100;
const FIB_OBFUSCATED = 0x8000;
const BIFF_FILEPASS = 0x002f;
const BIFF_EOF = 0x000a;
const BIFF_BOUNDSHEET = 0x0085;
// A CryptSession10Container record header: recVer 0xF, recInstance 0, recType 0x2F14.
const PPT_CRYPT_SESSION = Buffer.from([0x0f, 0x00, 0x14, 0x2f]);
const PPT_SCAN_BYTES = 16 * 1024 * 1024;

/**
 * How the compound file at `path` is protected: 'password' when it cannot be read without one (encrypted OOXML,
 * Word, PowerPoint), 'filePass' for an Excel workbook with a FilePass record — Excel and LibreOffice open those
 * without asking when the password is Excel's default ("VelvetSweatshop", used for read-only protection), so such a
 * workbook is only called encrypted once LibreOffice has failed on it — undefined when it is not protected.
 */
export async function cfbProtection(path: string): Promise<'password' | 'filePass' | undefined> {
  const cfb = await openCfb(path);
  if (!cfb) return undefined;
  try {
    const has = (name: string) => cfb.entries.some((e) => e.name.toLowerCase() === name.toLowerCase());
    if (has('EncryptedPackage') || has('EncryptionInfo') || has('EncryptedSummary')) return 'password';
    const word = await cfb.read('WordDocument', 12);
    if (word && word.length >= 12 && (word.readUInt16LE(0) === 0xa5ec || word.readUInt16LE(0) === 0xa5dc)) {
      if (word.readUInt16LE(0x0a) & (FIB_ENCRYPTED | FIB_OBFUSCATED)) return 'password';
    }
    const ppt = await cfb.read('PowerPoint Document', PPT_SCAN_BYTES);
    if (ppt?.includes(PPT_CRYPT_SESSION)) return 'password';
    const book = (await cfb.read('Workbook', 64 * 1024)) ?? (await cfb.read('Book', 64 * 1024));
    if (book && biffHasFilePass(book)) return 'filePass';
    return undefined;
  } finally {
    await cfb.close();
  }
}

// The FilePass record sits in the workbook globals, right after the first BOF; stop at the first sheet or EOF.
function biffHasFilePass(b: Buffer): boolean {
  let at = 0;
  for (let n = 0; n < 200 && at + 4 <= b.length; n++) {
    const type = b.readUInt16LE(at);
    const len = b.readUInt16LE(at + 2);
    if (type === BIFF_FILEPASS) return true;
    if (type === BIFF_EOF || type === BIFF_BOUNDSHEET) return false;
    at += 4 + len;
  }
  return false;
}

const MANIFEST = 'META-INF/manifest.xml';
const MANIFEST_MAX = 1024 * 1024;

/** True when the ODF package at `path` lists encryption-data in its manifest (a password-protected .odt/.ods). */
export async function odfIsEncrypted(path: string): Promise<boolean> {
  let zip: Awaited<ReturnType<typeof openZipLenient>>;
  try {
    zip = await openZipLenient(path, { lazyEntries: true, autoClose: true, decodeStrings: false });
  } catch {
    return false;
  }
  return new Promise((resolve) => {
    let seen = 0;
    let settled = false;
    const finish = (v: boolean) => {
      if (settled) return;
      settled = true;
      zip.close();
      resolve(v);
    };
    zip.on('error', () => finish(false));
    zip.on('end', () => finish(false));
    zip.on('entry', (entry) => {
      const name = (entry.fileName as unknown as Buffer).toString('latin1');
      if (name !== MANIFEST || entry.uncompressedSize > MANIFEST_MAX) {
        if (++seen > 10_000) return finish(false);
        return zip.readEntry();
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err) return finish(false);
        const chunks: Buffer[] = [];
        let size = 0;
        (stream as Readable).on('data', (c: Buffer) => {
          size += c.length;
          if (size > MANIFEST_MAX) return (stream as Readable).destroy();
          chunks.push(c);
        });
        (stream as Readable).on('error', () => finish(false));
        (stream as Readable).on('end', () => finish(Buffer.concat(chunks).includes('encryption-data')));
        (stream as Readable).on('close', () => finish(false));
      });
    });
    zip.readEntry();
  });
}
