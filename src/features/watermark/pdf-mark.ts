// Marks a PDF for one buyer with pdf-lib (decision 0019): the ASCII token in the Info dictionary and, on every page,
// as invisible text (rendering mode 3, as OCR layers are written) that text extraction and copying keep; the visible
// line (when on) in a non-embedded Adobe-GB1 font (STSong-Light, which every PDF reader substitutes; no font file
// is embedded). The existing page content is wrapped in q/Q so its graphics state cannot leak into the mark.
// pdf-lib parses and writes the whole file: memory is bounded by the file (the upload cap), not streamed.
import {
  EncryptedPDFError,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFString,
  StandardFonts,
} from 'pdf-lib';
import { NotMarkable } from './docx-mark.ts';
import { toAscii } from './token.ts';

export interface PdfMark {
  token: Buffer;
  visibleLine: string | undefined;
}

export const INFO_KEY = 'WenyuanMark';

/** The marked PDF's bytes. Throws NotMarkable for an encrypted or unreadable file. */
export async function markPdf(bytes: Uint8Array, mark: PdfMark): Promise<Uint8Array> {
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false });
  } catch (err) {
    throw new NotMarkable(err instanceof EncryptedPDFError ? 'encrypted' : String(err));
  }
  const ascii = toAscii(mark.token);
  const { context } = pdf;

  // Info dictionary (created when the file has none).
  let info = context.trailerInfo.Info ? context.lookup(context.trailerInfo.Info) : undefined;
  if (!(info instanceof PDFDict)) {
    info = context.obj({});
    context.trailerInfo.Info = context.register(info);
  }
  (info as PDFDict).set(PDFName.of(INFO_KEY), PDFString.of(ascii));

  const helvetica = await pdf.embedFont(StandardFonts.Helvetica);
  const song = mark.visibleLine ? songFont(pdf) : undefined;
  for (const page of pdf.getPages()) {
    const node = page.node;
    node.normalize();
    const hidden = node.newFontDictionary('WyH', helvetica.ref);
    const visible = song ? node.newFontDictionary('WyV', song) : undefined;
    const box = page.getCropBox();
    const x = box.x + 18;
    const y = box.y + 8;
    let ops = `q BT 3 Tr /${hidden.decodeText()} 2 Tf 1 0 0 1 ${x} ${y} Tm (${ascii}) Tj ET Q\n`;
    if (visible && mark.visibleLine) {
      const hex = PDFHexString.fromText(mark.visibleLine).asString().slice(4); // UTF-16BE without the BOM
      ops += `q 0.6 g BT /${visible.decodeText()} 7 Tf 1 0 0 1 ${x} ${y} Tm <${hex}> Tj ET Q\n`;
    }
    const start = context.register(context.flateStream('q\n'));
    const end = context.register(context.flateStream('Q\n'));
    node.wrapContentStreams(start, end);
    node.addContentStream(context.register(context.flateStream(ops)));
  }
  return pdf.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
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
