// A PDF written byte by byte for tests: lines of Courier text, some drawn in "fake bold" — every glyph painted three
// times a fraction of a point apart, as PDF printers do for a bold face the font lacks. Extractors then read each
// character three times ("QQQuuuaaa…"), which is what the text-quality gate collapses.

/** One line of the page: its text, font size, and whether each glyph is drawn three times. */
export interface PdfLine {
  text: string;
  size: number;
  fakeBold?: boolean;
}

const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);

/** The bytes of a one-page PDF (A4) showing `lines` from the top, with an Info Title when given. */
export function fakeBoldPdf(lines: PdfLine[], infoTitle?: string): Buffer {
  const ops: string[] = ['BT'];
  let y = 780;
  for (const line of lines) {
    ops.push(`/F1 ${line.size} Tf`);
    const advance = line.size * 0.6; // Courier: every glyph is 600/1000 em wide
    [...line.text].forEach((ch, i) => {
      const x = 56 + i * advance;
      const copies = line.fakeBold ? [0, 0.3, 0.6] : [0];
      for (const dx of copies) ops.push(`1 0 0 1 ${(x + dx).toFixed(2)} ${y} Tm (${esc(ch)}) Tj`);
    });
    y -= line.size * 1.6;
  }
  ops.push('ET');
  const stream = ops.join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    `<< /Title (${esc(infoTitle ?? '')}) /Producer (wenyuan tests) >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${infoTitle ? ' /Info 6 0 R' : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
