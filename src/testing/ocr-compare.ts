// The one normalisation applied to both sides before an OCR text is compared with the true text (bench/ocr.ts and
// the OCR tests):
// - Unicode compatibility forms folded (full-width ＡＢ１ and ，：；（） → their ASCII forms, on both sides alike);
// - all whitespace dropped (line breaks and the spaces an engine puts between characters are layout, not text);
// - private-use code points dropped: a PDF made from Word writes Symbol/Wingdings bullets as U+F0xx, which name a
//   glyph of one font, not a character any reader (or OCR) could type.
export function ocrCompareText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\ue000-\uf8ff]/g, '')
    .replace(/\s+/g, '');
}
