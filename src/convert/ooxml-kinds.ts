// OOXML templates and macro-enabled files are the same packages as the plain kinds (a main part of another content
// type, a VBA project part beside it), and are read the same way; file-type names each by its own extension.
const BASE: Record<string, 'docx' | 'xlsx' | 'pptx'> = {
  docx: 'docx',
  docm: 'docx',
  dotx: 'docx',
  dotm: 'docx',
  xlsx: 'xlsx',
  xlsm: 'xlsx',
  xltx: 'xlsx',
  xltm: 'xlsx',
  xlsb: 'xlsx',
  pptx: 'pptx',
  pptm: 'pptx',
  potx: 'pptx',
  potm: 'pptx',
  ppsx: 'pptx',
  ppsm: 'pptx',
};

/** The plain OOXML kind a file-type extension belongs to (docm → docx), or undefined for anything else. */
export function ooxmlBase(ext: string): 'docx' | 'xlsx' | 'pptx' | undefined {
  return Object.hasOwn(BASE, ext) ? BASE[ext] : undefined;
}
