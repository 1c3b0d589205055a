// The pages of a TIFF as its directories (IFDs) state them, read without decoding a pixel: a scan bomb (a page that
// declares 100 000 × 100 000, thousands of pages, or directories that point back at each other) is refused before
// any decoder allocates for it. Baseline TIFF only (classic 32-bit offsets); BigTIFF is not taken.
import { open } from 'node:fs/promises';

/** One page's stated size. */
export interface TiffPage {
  width: number;
  height: number;
}

/** The pages of the TIFF at `path` (at most `maxPages + 1` are read), or undefined when it is not a readable TIFF. */
export async function readTiffPages(path: string, maxPages: number): Promise<TiffPage[] | undefined> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const read = async (offset: number, length: number): Promise<Buffer | undefined> => {
      if (offset < 0 || offset + length > size) return undefined;
      const b = Buffer.alloc(length);
      const { bytesRead } = await fh.read(b, 0, length, offset);
      return bytesRead === length ? b : undefined;
    };
    const head = await read(0, 8);
    if (!head) return undefined;
    const order = head.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return undefined;
    const le = order === 'II';
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    if (u16(head, 2) !== 42) return undefined;
    const pages: TiffPage[] = [];
    const seen = new Set<number>();
    let next = u32(head, 4);
    while (next !== 0 && pages.length <= maxPages) {
      // A directory met twice is a loop: the file is refused rather than walked for ever.
      if (seen.has(next)) return undefined;
      seen.add(next);
      const countBytes = await read(next, 2);
      if (!countBytes) return undefined;
      const count = u16(countBytes, 0);
      const dir = await read(next + 2, count * 12 + 4);
      if (!dir) return undefined;
      let width = 0;
      let height = 0;
      for (let e = 0; e < count; e++) {
        const tag = u16(dir, e * 12);
        const type = u16(dir, e * 12 + 2);
        // SHORT (3) values sit in the first two bytes of the value field, LONG (4) fill it.
        const value = type === 3 ? u16(dir, e * 12 + 8) : type === 4 ? u32(dir, e * 12 + 8) : 0;
        if (tag === 256) width = value;
        else if (tag === 257) height = value;
      }
      if (!(width > 0 && height > 0)) return undefined;
      pages.push({ width, height });
      next = u32(dir, count * 12);
    }
    return pages.length > 0 ? pages : undefined;
  } finally {
    await fh.close();
  }
}
