// A minimal, bounded reader of OLE compound files (CFB, [MS-CFB]): the directory and the first bytes of a named
// stream, enough to tell whether an Office 97–2003 file (or an encrypted OOXML container) is password-protected.
// Every chain walk is bounded by the file's sector count, so a looping or lying FAT cannot hang it.
import { open } from 'node:fs/promises';

const SIGNATURE = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const END_OF_CHAIN = 0xfffffffe;
const MAX_SECTOR = 0xfffffffa;

/** One directory entry: a stream or storage. */
export interface CfbEntry {
  name: string;
  type: number;
  start: number;
  size: number;
}

/** An opened compound file: its entries and a way to read the beginning of a stream. */
export interface Cfb {
  entries: CfbEntry[];
  /** Up to `max` bytes from the start of the named stream (case-insensitive), or undefined when absent/unreadable. */
  read(name: string, max: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/** Opens a compound file; undefined when the bytes are not one or its header/directory cannot be read. */
export async function openCfb(path: string): Promise<Cfb | undefined> {
  const fh = await open(path, 'r');
  let ok = false;
  try {
    const { size } = await fh.stat();
    const header = Buffer.alloc(512);
    if ((await fh.read(header, 0, 512, 0)).bytesRead < 512 || !header.subarray(0, 8).equals(SIGNATURE)) return;
    const shift = header.readUInt16LE(0x1e);
    if (shift !== 9 && shift !== 12) return;
    const sectorSize = 1 << shift;
    const sectors = Math.ceil(size / sectorSize);
    const sectorAt = async (n: number, into = Buffer.alloc(sectorSize)) => {
      if (n >= MAX_SECTOR || n >= sectors) throw new Error('sector out of range');
      await fh.read(into, 0, sectorSize, (n + 1) * sectorSize);
      return into;
    };
    // 1. The FAT's own sectors: 109 listed in the header, the rest in the DIFAT chain.
    const fatSectors: number[] = [];
    for (let i = 0; i < 109; i++) fatSectors.push(header.readUInt32LE(0x4c + i * 4));
    let difat = header.readUInt32LE(0x44);
    for (let hops = 0; difat < MAX_SECTOR && hops < sectors; hops++) {
      const s = await sectorAt(difat);
      for (let i = 0; i < sectorSize / 4 - 1; i++) fatSectors.push(s.readUInt32LE(i * 4));
      difat = s.readUInt32LE(sectorSize - 4);
    }
    const fatCount = Math.min(header.readUInt32LE(0x2c), sectors);
    const fat: number[] = [];
    for (const n of fatSectors.slice(0, fatCount)) {
      if (n >= MAX_SECTOR) continue;
      const s = await sectorAt(n);
      for (let i = 0; i < sectorSize / 4; i++) fat.push(s.readUInt32LE(i * 4));
    }
    const chain = (start: number): number[] => {
      const out: number[] = [];
      for (let n = start; n < MAX_SECTOR && n < fat.length && out.length < sectors; n = fat[n]!) out.push(n);
      return out;
    };
    const readChain = async (start: number, max: number) => {
      const parts: Buffer[] = [];
      let got = 0;
      for (const n of chain(start)) {
        if (got >= max) break;
        parts.push(await sectorAt(n));
        got += sectorSize;
      }
      return Buffer.concat(parts).subarray(0, max);
    };
    // 2. The directory: 128-byte entries along its chain.
    const dirBytes = await readChain(header.readUInt32LE(0x30), Math.min(sectors, 4096) * sectorSize);
    const entries: CfbEntry[] = [];
    for (let at = 0; at + 128 <= dirBytes.length; at += 128) {
      const type = dirBytes[at + 0x42]!;
      if (type !== 1 && type !== 2 && type !== 5) continue;
      const nameLen = Math.min(64, dirBytes.readUInt16LE(at + 0x40));
      const name = dirBytes.subarray(at, at + Math.max(0, nameLen - 2)).toString('utf16le');
      entries.push({ name, type, start: dirBytes.readUInt32LE(at + 0x74), size: dirBytes.readUInt32LE(at + 0x78) });
    }
    const root = entries.find((e) => e.type === 5);
    const cutoff = header.readUInt32LE(0x38) || 4096;
    const miniShift = header.readUInt16LE(0x20) || 6;
    ok = true;
    return {
      entries,
      async read(name, max) {
        const e = entries.find((x) => x.type === 2 && x.name.toLowerCase() === name.toLowerCase());
        if (!e) return undefined;
        const want = Math.min(max, e.size);
        try {
          if (e.size >= cutoff || !root) return await readChain(e.start, want);
          // Small streams live in the mini stream (the root's chain), in 64-byte sectors listed by the mini FAT.
          const miniFat = await readChain(header.readUInt32LE(0x3c), header.readUInt32LE(0x40) * sectorSize);
          const mini = await readChain(root.start, Math.min(root.size, 64 * 1024 * 1024));
          const miniSize = 1 << miniShift;
          const parts: Buffer[] = [];
          let got = 0;
          for (let n = e.start, hops = 0; n < MAX_SECTOR && got < want && hops < mini.length; hops++) {
            parts.push(mini.subarray(n * miniSize, (n + 1) * miniSize));
            got += miniSize;
            n = n * 4 + 4 <= miniFat.length ? miniFat.readUInt32LE(n * 4) : END_OF_CHAIN;
          }
          return Buffer.concat(parts).subarray(0, want);
        } catch {
          return undefined;
        }
      },
      close: () => fh.close(),
    };
  } catch {
    return undefined;
  } finally {
    if (!ok) await fh.close();
  }
}
