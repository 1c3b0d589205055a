// Private-use characters that Symbol and Wingdings fonts put in PDFs and Office files (U+F020–U+F0FF: the font's
// byte code + 0xF000). Without the font they show as empty boxes. A list bullet (the first character of a paragraph)
// becomes "•"; elsewhere the Symbol font's meaning is used where it is unambiguous in running text (Greek letters
// and mathematical signs, as in exam papers); anything else is dropped.

/** Symbol font, byte code → Unicode (Adobe's Symbol encoding, the printable part). */
const SYMBOL: Record<number, string> = {
  34: '∀',
  36: '∃',
  39: '∋',
  64: '≅',
  92: '∴',
  94: '⊥',
  162: '′',
  163: '≤',
  165: '∞',
  167: '♣',
  168: '♦',
  169: '♥',
  170: '♠',
  171: '↔',
  172: '←',
  173: '↑',
  174: '→',
  175: '↓',
  176: '°',
  177: '±',
  178: '″',
  179: '≥',
  180: '×',
  181: '∝',
  182: '∂',
  183: '•',
  184: '÷',
  185: '≠',
  186: '≡',
  187: '≈',
  188: '…',
  196: '⊗',
  197: '⊕',
  198: '∅',
  199: '∩',
  200: '∪',
  201: '⊃',
  202: '⊇',
  203: '⊄',
  204: '⊂',
  205: '⊆',
  206: '∈',
  207: '∉',
  208: '∠',
  209: '∇',
  213: '∏',
  214: '√',
  215: '⋅',
  216: '¬',
  217: '∧',
  218: '∨',
  219: '⇔',
  220: '⇐',
  221: '⇑',
  222: '⇒',
  223: '⇓',
  229: '∑',
  242: '∫',
};
const GREEK_UPPER = 'ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ';
const GREEK_LOWER = 'αβχδεφγηιϕκλμνοπθρστυϖωξψζ';
for (let i = 0; i < 26; i++) {
  SYMBOL[0x41 + i] = GREEK_UPPER[i]!;
  SYMBOL[0x61 + i] = GREEK_LOWER[i]!;
}
// Plain ASCII punctuation and digits keep their meaning in Symbol.
for (const c of '!#%&()+,-./0123456789:;<=>?[]_{|}') SYMBOL[c.charCodeAt(0)] = c;

/** Whether `c` is a private-use code point (BMP area or the supplementary planes 15–16). */
export function isPrivateUse(c: number): boolean {
  return (c >= 0xe000 && c <= 0xf8ff) || c >= 0xf0000;
}

/**
 * Maps the private-use characters of one paragraph: a leading Symbol/Wingdings bullet → "• ", Symbol-range
 * characters inside → their Symbol meaning, every other private-use character dropped. Returns how many were
 * mapped and dropped.
 */
export function mapPrivateUse(paragraph: string): { text: string; mapped: number; dropped: number } {
  let mapped = 0;
  let dropped = 0;
  let out = '';
  let first = true;
  for (const ch of paragraph) {
    const c = ch.codePointAt(0)!;
    if (!isPrivateUse(c)) {
      out += ch;
      if (ch.trim()) first = false;
      continue;
    }
    if (c >= 0xf020 && c <= 0xf0ff) {
      if (first) {
        out += '• ';
        mapped++;
        first = false;
        continue;
      }
      const m = SYMBOL[c - 0xf000];
      if (m) {
        out += m;
        mapped++;
        continue;
      }
    }
    dropped++;
  }
  return { text: out.replace(/• +/, '• ').trim(), mapped, dropped };
}
