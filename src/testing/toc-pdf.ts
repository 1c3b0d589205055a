// A PDF whose first page is a table of contents with dot leaders (as Word and LaTeX print them) and whose later
// pages hold the body: the shape that made 碎片内容 a row of dots. Latin text, so it needs no embedded CJK font.
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** The section names and one body paragraph per section (each well over 40 characters). */
export const TOC_PDF_SECTIONS: ReadonlyArray<{ name: string; body: string }> = [
  {
    name: 'Scope of the annual work plan',
    body: 'The committee reviewed the progress of every district and agreed that the annual work plan should focus on housing repairs, school meals and the night bus routes.',
  },
  {
    name: 'Housing repairs',
    body: 'Housing repairs start with the oldest blocks on the river side, where roofs and stairwells were last renewed more than thirty years ago and tenants report leaks.',
  },
  {
    name: 'School meals',
    body: 'School meals will be cooked in the district kitchens again, with a weekly menu published on the notice board and a parents panel that tastes the food each month.',
  },
  {
    name: 'Night bus routes',
    body: 'Night bus routes are extended to the new hospital and the railway station, so that shift workers reach home safely after midnight without a long walk in the dark.',
  },
];

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The bytes of the PDF: page 1 "Contents" with leaders to page numbers, then one page per two sections. */
export async function tocFirstPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const toc = pdf.addPage([595, 842]);
  toc.drawText('Contents', { x: 56, y: 780, size: 18, font });
  TOC_PDF_SECTIONS.forEach((s, i) => {
    const label = `${i + 1} ${s.name} `;
    const dots = '.'.repeat(Math.max(8, 70 - label.length));
    toc.drawText(`${label}${dots} ${2 + Math.floor(i / 2)}`, { x: 56, y: 740 - i * 22, size: 11, font });
  });
  for (let p = 0; p < TOC_PDF_SECTIONS.length; p += 2) {
    const page = pdf.addPage([595, 842]);
    let y = 780;
    for (const [i, s] of TOC_PDF_SECTIONS.slice(p, p + 2).entries()) {
      page.drawText(`${p + i + 1} ${s.name}`, { x: 56, y, size: 14, font });
      y -= 28;
      for (const line of wrap(s.body, 80)) {
        page.drawText(line, { x: 56, y, size: 11, font });
        y -= 16;
      }
      y -= 24;
    }
  }
  return Buffer.from(await pdf.save());
}
