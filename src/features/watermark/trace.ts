// `wenyuan trace` and /admin/trace: recover the purchase a file was marked for (decision 0019). Every carrier is
// read — package metadata (a PDF's Info and XMP), the text layer (invisible characters), the ASCII token in footers
// or invisible PDF text — and every token's signature is checked; a token whose signature fails names nobody.
import { open, readFile } from 'node:fs/promises';
import { inspectPdf } from '../../convert/pdf-inspect.ts';
import { scanZip } from '../../convert/zip-inspect.ts';
import type { Deps } from '../../deps.ts';
import { chinaDay } from '../credits/rewards.ts';
import * as repo from './repo.ts';
import { maskName } from './service.ts';
import { findAsciiTokens, findInvisibleTokens, INFO_KEY, markKey, verifyMark } from './token.ts';

/** Where a token was found. */
export type Carrier = 'metadata' | 'xmp' | 'text' | 'hidden';

export interface TracedPurchase {
  purchaseId: number;
  /** False when the signature holds but this site has no such purchase (marked by another installation). */
  known: boolean;
  buyerId?: number;
  buyer?: string;
  documentId?: number;
  title?: string;
  date?: string;
  refunded?: boolean;
  carriers: Carrier[];
}

export type TraceResult =
  | { status: 'unmarked'; kind: string }
  | { status: 'forged'; kind: string; claimedIds: number[] }
  | { status: 'marked'; kind: string; purchases: TracedPurchase[]; forgedIds: number[] };

const MAX_TEXT_BYTES = 200 * 1024 * 1024;

/** Traces a file on disk (a docx, a PDF, or text). */
export async function traceFile(
  deps: Pick<Deps, 'config' | 'database' | 'downloadUrlSecret'>,
  path: string,
): Promise<TraceResult> {
  const head = Buffer.alloc(8);
  const fh = await open(path, 'r');
  try {
    await fh.read(head, 0, 8, 0);
  } finally {
    await fh.close();
  }
  const found: Array<{ token: Buffer; carrier: Carrier }> = [];
  let kind: string;
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04'))) {
    kind = 'docx';
    const scan = await scanZip(path, undefined, (name) => /\.(xml|rels)$/i.test(name));
    for (const [name, xml] of scan.kept) {
      const text = xml.toString('utf8');
      const carrier: Carrier = /custom\.xml$|core\.xml$/i.test(name) ? 'metadata' : 'text';
      for (const token of findInvisibleTokens(text)) found.push({ token, carrier: 'text' });
      for (const token of findAsciiTokens(text))
        found.push({ token, carrier: carrier === 'text' ? 'hidden' : carrier });
    }
  } else if (head.subarray(0, 5).toString('latin1') === '%PDF-') {
    kind = 'pdf';
    await tracePdf(deps.config, path, found);
  } else {
    kind = 'text';
    const bytes = await readFile(path);
    if (bytes.length > MAX_TEXT_BYTES) throw new RangeError('file too large');
    const text = decodeText(bytes);
    for (const token of findInvisibleTokens(text)) found.push({ token, carrier: 'text' });
    for (const token of findAsciiTokens(text)) found.push({ token, carrier: 'hidden' });
  }
  return judge(deps, kind, found);
}

function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8');
}

/** Pages and characters of a PDF's text layer the trace reads at most (the mark is on every page and in metadata). */
const MAX_TRACE_PAGES = 10_000;
const MAX_TRACE_CHARS = 20_000_000;

async function tracePdf(
  config: Deps['config'],
  path: string,
  found: Array<{ token: Buffer; carrier: Carrier }>,
): Promise<void> {
  // An uploaded PDF is untrusted: pdf.js reads it in a child under the conversion caps, never in this process.
  const { rssMb, memoryMb, timeoutMs } = config.convert;
  const pdf = await inspectPdf(
    path,
    { infoKeys: [INFO_KEY], maxPages: MAX_TRACE_PAGES, maxChars: MAX_TRACE_CHARS },
    { rssMb, heapMb: memoryMb, timeoutMs },
  );
  const custom = pdf.info[INFO_KEY];
  if (custom !== undefined) for (const token of findAsciiTokens(custom)) found.push({ token, carrier: 'metadata' });
  if (pdf.xmp !== undefined) for (const token of findAsciiTokens(pdf.xmp)) found.push({ token, carrier: 'xmp' });
  for (const text of pdf.pages) {
    for (const token of findInvisibleTokens(text)) found.push({ token, carrier: 'text' });
    for (const token of findAsciiTokens(text)) found.push({ token, carrier: 'hidden' });
  }
}

async function judge(
  deps: Pick<Deps, 'database' | 'downloadUrlSecret'>,
  kind: string,
  found: Array<{ token: Buffer; carrier: Carrier }>,
): Promise<TraceResult> {
  const key = markKey(deps.downloadUrlSecret);
  const good = new Map<number, Set<Carrier>>();
  const forged = new Set<number>();
  for (const { token, carrier } of found) {
    const check = verifyMark(key, token);
    if (!check) continue;
    if (check.ok) {
      const set = good.get(check.purchaseId) ?? new Set<Carrier>();
      set.add(carrier);
      good.set(check.purchaseId, set);
    } else forged.add(check.claimedId);
  }
  if (good.size === 0) {
    return forged.size ? { status: 'forged', kind, claimedIds: [...forged] } : { status: 'unmarked', kind };
  }
  const purchases: TracedPurchase[] = [];
  for (const [purchaseId, carriers] of good) {
    const row = await repo.findPurchase(deps.database.db, purchaseId);
    purchases.push(
      row
        ? {
            purchaseId,
            known: true,
            buyerId: row.buyer_id,
            buyer: maskName(row.display_name),
            documentId: row.document_id,
            title: row.title,
            date: chinaDay(row.created_at),
            refunded: row.status !== 'active',
            carriers: [...carriers].sort(),
          }
        : { purchaseId, known: false, carriers: [...carriers].sort() },
    );
  }
  return { status: 'marked', kind, purchases, forgedIds: [...forged] };
}
