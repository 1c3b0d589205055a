// Marks a PDF for one buyer with pdf-lib (decision 0019): the ASCII token in the Info dictionary and in the XMP
// metadata and, on every page, as invisible text (rendering mode 3, as OCR layers are written) that text extraction
// and copying keep; the visible line (when on) in a non-embedded Adobe-GB1 font (STSong-Light, which every PDF reader
// substitutes; no font file is embedded). The existing page content is wrapped in q/Q so its graphics state cannot
// leak into the mark, and both lines are sized to fit inside the page's visible box (pdf.js drops text outside it).
// pdf-lib parses and writes the whole file: memory is bounded by MAX_PDF_MARK_BYTES, not streamed. A file pdf-lib
// cannot open (encrypted with an empty user password, a broken cross-reference table) is rewritten by qpdf first.
import { readFile, stat } from 'node:fs/promises';
import {
  decodePDFRawStream,
  EncryptedPDFError,
  ParseSpeeds,
  PDFArray,
  PDFCatalog,
  type PDFContext,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFPageLeaf,
  PDFPageTree,
  PDFParser,
  PDFRawStream,
  PDFRef,
  PDFString,
  StandardFonts,
} from 'pdf-lib';
import { NotMarkable } from './docx-mark.ts';
import { qpdfRewrite } from './qpdf.ts';
import { INFO_KEY, toAscii, XMP_NS } from './token.ts';

export interface PdfMark {
  token: Buffer;
  visibleLine: string | undefined;
}

/** The largest PDF marked (in memory, several times its size while pdf-lib holds it); larger ones are not markable. */
export const MAX_PDF_MARK_BYTES = 64 * 1024 * 1024;

/**
 * The marked copy of the PDF at `path`. A file pdf-lib cannot open is decrypted and re-serialised by qpdf, and that
 * copy is marked (`repaired`). Throws NotMarkable (with its code) when the file cannot carry the mark.
 */
export async function markPdfFile(path: string, mark: PdfMark): Promise<{ bytes: Uint8Array; repaired: boolean }> {
  const size = (await stat(path)).size;
  if (size > MAX_PDF_MARK_BYTES) throw new NotMarkable(`${size} bytes`, 'tooLarge');
  let first: NotMarkable;
  try {
    return { bytes: await markPdf(await readFile(path), mark), repaired: false };
  } catch (err) {
    if (!(err instanceof NotMarkable)) throw err;
    first = err;
  }
  const rewritten = await qpdfRewrite(path, MAX_PDF_MARK_BYTES);
  if (!rewritten) throw first;
  try {
    return { bytes: await markPdf(rewritten, mark), repaired: true };
  } catch (err) {
    throw err instanceof NotMarkable ? first : err;
  }
}

/** The marked PDF's bytes. Throws NotMarkable for an encrypted or unreadable file. */
export async function markPdf(bytes: Uint8Array, mark: PdfMark): Promise<Uint8Array> {
  let pdf: PDFDocument;
  try {
    pdf = await loadLenient(bytes);
  } catch (err) {
    throw err instanceof EncryptedPDFError
      ? new NotMarkable('encrypted', 'encrypted')
      : new NotMarkable(String(err).slice(0, 200));
  }
  try {
    return await addMark(pdf, mark);
  } catch (err) {
    // pdf-lib read the file but cannot rewrite it (a page tree or object it does not understand).
    throw new NotMarkable(String(err).slice(0, 200));
  }
}

async function addMark(pdf: PDFDocument, mark: PdfMark): Promise<Uint8Array> {
  const ascii = toAscii(mark.token);
  const { context } = pdf;
  dropShadowedGenerations(pdf);

  // Info dictionary (created when the file has none).
  let info = context.trailerInfo.Info ? context.lookup(context.trailerInfo.Info) : undefined;
  if (!(info instanceof PDFDict)) {
    info = context.obj({});
    context.trailerInfo.Info = context.register(info);
  }
  (info as PDFDict).set(PDFName.of(INFO_KEY), PDFString.of(ascii));
  setXmp(pdf, ascii);

  const helvetica = await pdf.embedFont(StandardFonts.Helvetica);
  const song = mark.visibleLine ? songFont(pdf) : undefined;
  const lineEms = mark.visibleLine ? [...mark.visibleLine].reduce((w, c) => w + (c < '\u0080' ? 0.5 : 1), 0) : 0;
  const tokenEms = helvetica.widthOfTextAtSize(ascii, 1);
  for (const page of pdf.getPages()) {
    const node = page.node;
    // No media box anywhere up the tree: pdf.js takes US Letter, so does the mark (pdf-lib needs one).
    if (!node.getInheritableAttribute(PDFName.of('MediaBox'))) node.set(PDFName.of('MediaBox'), context.obj(LETTER));
    node.normalize();
    const hidden = node.newFontDictionary('WyH', helvetica.ref);
    const visible = song ? node.newFontDictionary('WyV', song) : undefined;
    // The visible box: the crop box within the media box. Text beyond it is cut off by viewers and dropped by
    // pdf.js's text extraction, so both lines are made to fit (a tiny page gets tiny lines).
    const crop = page.getCropBox();
    const media = page.getMediaBox();
    const x0 = Math.max(crop.x, media.x);
    const y0 = Math.max(crop.y, media.y);
    const width = Math.min(crop.x + crop.width, media.x + media.width) - x0;
    const height = Math.min(crop.y + crop.height, media.y + media.height) - y0;
    const margin = Math.min(18, width * 0.05);
    const room = Math.max(width - 2 * margin, 1);
    const x = n(x0 + margin);
    const y = n(y0 + Math.min(8, height * 0.1));
    let ops = `q BT 3 Tr /${hidden.decodeText()} ${n(Math.min(2, room / tokenEms))} Tf 1 0 0 1 ${x} ${y} Tm (${ascii}) Tj ET Q\n`;
    if (visible && mark.visibleLine) {
      const hex = PDFHexString.fromText(mark.visibleLine).asString().slice(4); // UTF-16BE without the BOM
      ops += `q 0.6 g BT /${visible.decodeText()} ${n(Math.min(7, room / lineEms))} Tf 1 0 0 1 ${x} ${y} Tm <${hex}> Tj ET Q\n`;
    }
    const start = context.register(context.flateStream('q\n'));
    const end = context.register(context.flateStream('Q\n'));
    node.wrapContentStreams(start, end);
    node.addContentStream(context.register(context.flateStream(ops)));
  }
  return pdf.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}

const LETTER = [0, 0, 612, 792];

/**
 * PDFDocument.load with a lenient page tree. pdf-lib types a dictionary by its /Type while parsing, so a catalog,
 * page-tree node or page without one (pdf.js reads those; hand-made files omit it) stops it ("Pages is not a
 * function") or hides the page. Here they are typed by position: the trailer's /Root is the catalog, a node of the
 * tree with /Kids is a page-tree node, one without is a page.
 */
async function loadLenient(bytes: Uint8Array): Promise<PDFDocument> {
  const context = await PDFParser.forBytesWithOptions(bytes, ParseSpeeds.Slow, false).parseDocument();
  typePageTree(context);
  // What PDFDocument.load does after parsing (its constructor is private in the typings); it refuses encryption.
  const Doc = PDFDocument as unknown as new (
    c: PDFContext,
    ignoreEncryption: boolean,
    updateMetadata: boolean,
  ) => PDFDocument;
  return new Doc(context, false, false);
}

function typePageTree(context: PDFContext) {
  const rootRef = context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef)) return;
  let root = context.lookup(rootRef);
  if (!(root instanceof PDFDict)) return;
  if (!(root instanceof PDFCatalog)) {
    root.set(PDFName.of('Type'), PDFName.of('Catalog'));
    root = PDFCatalog.fromMapWithContext(root.asMap(), context);
    context.assign(rootRef, root);
  }
  const seen = new Set<string>();
  const visit = (ref: PDFObject | undefined, depth: number) => {
    if (!(ref instanceof PDFRef) || depth > 64 || seen.has(ref.tag)) return;
    seen.add(ref.tag);
    const node = context.lookup(ref);
    if (!(node instanceof PDFDict) || node instanceof PDFPageLeaf) return;
    const kids = node.lookup(PDFName.of('Kids'));
    if (node instanceof PDFPageTree || kids instanceof PDFArray) {
      if (!(node instanceof PDFPageTree)) {
        node.set(PDFName.of('Type'), PDFName.of('Pages'));
        context.assign(ref, PDFPageTree.fromMapWithContext(node.asMap(), context));
      }
      if (kids instanceof PDFArray) for (let i = 0; i < kids.size(); i++) visit(kids.get(i), depth + 1);
    } else {
      node.set(PDFName.of('Type'), PDFName.of('Page'));
      context.assign(ref, PDFPageLeaf.fromMapWithContext(node.asMap(), context));
    }
  };
  visit((root as PDFDict).get(PDFName.of('Pages')), 0);
}

/** A number as a content stream writes it (no exponent, a few decimals). */
const n = (v: number) => String(Math.round(v * 1000) / 1000);

/**
 * pdf-lib reads every object in the file body, so an object number reused by an incremental update (`40 0 obj`
 * freed, then `40 1 obj`) is held twice, and its cross-reference table then lists the older one under the next
 * number (qpdf: "expected 41 1 obj"). Only the newest generation is live; the older ones are dropped.
 */
function dropShadowedGenerations(pdf: PDFDocument) {
  const newest = new Map<number, number>();
  const refs = pdf.context.enumerateIndirectObjects().map(([ref]) => ref);
  for (const ref of refs)
    newest.set(ref.objectNumber, Math.max(newest.get(ref.objectNumber) ?? 0, ref.generationNumber));
  for (const ref of refs) if (ref.generationNumber < newest.get(ref.objectNumber)!) pdf.context.delete(ref);
}

const XMP_PROP = (ascii: string) =>
  `<rdf:Description rdf:about="" xmlns:wenyuan="${XMP_NS}"><wenyuan:Mark>${ascii}</wenyuan:Mark></rdf:Description>`;

/**
 * The token in the XMP metadata too (tools that rewrite the Info dictionary often keep XMP): added as its own
 * rdf:Description to the document's packet, or in a new packet when there is none.
 */
function setXmp(pdf: PDFDocument, ascii: string) {
  const { context, catalog } = pdf;
  const existing = catalog.get(PDFName.of('Metadata'));
  let xml: string | undefined;
  if (existing instanceof PDFRef) {
    const stream = context.lookup(existing);
    if (stream instanceof PDFRawStream) {
      try {
        const text = Buffer.from(decodePDFRawStream(stream).decode()).toString('utf8');
        const at = text.lastIndexOf('</rdf:RDF>');
        if (at >= 0) xml = `${text.slice(0, at)}${XMP_PROP(ascii)}${text.slice(at)}`;
      } catch {
        // An unreadable packet is left as it is (below).
      }
    }
    // A packet this cannot edit (UTF-16, a filter pdf-lib lacks) is the uploader's: kept, without the token.
    if (xml === undefined) return;
  }
  xml ??=
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">' +
    `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${XMP_PROP(ascii)}</rdf:RDF></x:xmpmeta>\n` +
    '<?xpacket end="w"?>';
  const stream = context.stream(Buffer.from(xml, 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  if (existing instanceof PDFRef) context.assign(existing, stream);
  else catalog.set(PDFName.of('Metadata'), context.register(stream));
}

/** STSong-Light through UniGB-UCS2-H: Chinese text without embedding a font file. */
function songFont(pdf: PDFDocument) {
  const { context } = pdf;
  const descriptor = context.register(
    context.obj({
      Type: 'FontDescriptor',
      FontName: 'STSong-Light',
      Flags: 6,
      FontBBox: [-25, -254, 1000, 880],
      ItalicAngle: 0,
      Ascent: 880,
      Descent: -120,
      CapHeight: 880,
      StemV: 93,
    }),
  );
  // Half-width ASCII (CIDs 1–95 in Adobe-GB1) at half an em; everything else the default full em.
  const widths = PDFArray.withContext(context);
  widths.push(PDFNumber.of(1));
  widths.push(context.obj(new Array(95).fill(500)));
  const cidFont = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'CIDFontType0',
      BaseFont: 'STSong-Light',
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('GB1'), Supplement: 2 },
      FontDescriptor: descriptor,
      DW: 1000,
      W: widths,
    }),
  );
  return context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: 'STSong-Light-UniGB-UCS2-H',
      Encoding: 'UniGB-UCS2-H',
      DescendantFonts: [cidFont],
    }),
  );
}
