/** Formats read by LibreOffice (converted to PDF first); accepted only when LibreOffice is installed. */
export type OfficeFormat = 'doc' | 'wps' | 'rtf' | 'odt' | 'pptx' | 'ppt' | 'dps' | 'xlsx' | 'xls' | 'et' | 'ods';

/** The formats the upload pipeline accepts, after sniffing. */
export type DocFormat = 'docx' | 'pdf' | 'txt' | 'ofd' | ImageFormat | OfficeFormat;

/** Scans uploaded as images (render-image.ts makes them image-only PDFs, which OCR reads). */
export type ImageFormat = 'jpg' | 'png' | 'tif';

/** Whether a format is an uploaded image. */
export function isImageFormat(format: string): format is ImageFormat {
  return format === 'jpg' || format === 'png' || format === 'tif';
}

export const OFFICE_FORMATS: ReadonlySet<string> = new Set<OfficeFormat>([
  'doc',
  'wps',
  'rtf',
  'odt',
  'pptx',
  'ppt',
  'dps',
  'xlsx',
  'xls',
  'et',
  'ods',
]);

/** Whether a format goes through LibreOffice. */
export function isOfficeFormat(format: string): format is OfficeFormat {
  return OFFICE_FORMATS.has(format);
}

/** The text of one document, normalised and split into pages, as every extractor returns it. */
export interface ExtractedText {
  /** Normalised text: paragraphs joined by '\n', each trimmed, empty ones dropped, NFC, no \r, no control chars. */
  body: string;
  /** UTF-16 offsets into `body` where each page begins; pageStarts[0] === 0; length === pageCount (>= 1). */
  pageStarts: number[];
  pageCount: number;
  /** Number of non-whitespace code points in `body`. */
  charCount: number;
  /** Title stated by the file itself (docx Title style or dc:title; pdf Info Title), junk filtered out. */
  title?: string;
  /** docx Heading 1..6 paragraphs; offsets into `body`. Empty for pdf and txt for now. */
  headings: Array<{ offset: number; level: number; text: string }>;
  /** txt only: the detected encoding, e.g. 'utf-8', 'gb18030', 'utf-16le'. */
  encoding?: string;
  /** MinHash signature of `body` for near-duplicate detection (similarity.ts), computed where the text was
   *  extracted (a converter worker) so the main thread does not; absent for texts too short to compare. */
  signature?: number[];
  /** What the reader should know about the source (shown on the document page): 'signed' = an OFD carrying
   *  electronic signatures (含电子签章), which are not verified. */
  flags?: string[];
  /** OCR only: what the engine was sure of — the share (0–1) of the recognised characters in words it read with
   *  confidence (tesseract: word confidence ≥ 60), and those words (page order, space-separated). The quality gate
   *  refuses noise read off drawings by them. */
  ocrConfidence?: { share: number; words: string };
}

/** Stable machine codes; the UI maps `convert.<camelCase>` message keys. */
export type ConversionCode =
  | 'encrypted'
  | 'corrupt'
  | 'tooManyPages'
  | 'zipBomb'
  | 'unsafeZip'
  | 'xmlDtd'
  | 'emptyText'
  | 'timeout'
  | 'outOfMemory'
  | 'failed'
  | 'unsupported'
  // An uploaded image whose pages state more pixels than the cap (render-image.ts), checked before decoding.
  | 'imageTooLarge'
  // The text-quality gate (text-quality.ts): mojibake or binary, fewer characters than the site's minimum, EICAR.
  | 'unreadable'
  | 'tooShort'
  | 'virusSignature';

const CODES: ReadonlySet<string> = new Set<ConversionCode>([
  'encrypted',
  'corrupt',
  'tooManyPages',
  'zipBomb',
  'unsafeZip',
  'xmlDtd',
  'emptyText',
  'timeout',
  'outOfMemory',
  'failed',
  'unsupported',
  'imageTooLarge',
  'unreadable',
  'tooShort',
  'virusSignature',
]);

/** The plain-object form of a ConversionError, safe to post across a worker boundary. */
export interface SerializedConversionError {
  code: ConversionCode;
  params: Record<string, string | number>;
  permanent: boolean;
}

/**
 * Why a file could not be turned into text. `permanent` false means a retry may succeed (the cause was not the
 * file itself); the message key is `convert.${code}` and `params` fill its placeholders.
 */
export class ConversionError extends Error {
  constructor(
    readonly code: ConversionCode,
    readonly params: Record<string, string | number> = {},
    readonly permanent = true,
  ) {
    super(params.detail === undefined ? `convert.${code}` : `convert.${code}: ${params.detail}`);
    this.name = 'ConversionError';
  }

  /** The i18n key in `src/i18n/messages.ts` for this error. */
  get messageKey(): `convert.${ConversionCode}` {
    return `convert.${this.code}`;
  }

  /** The structured-clone-safe form; rebuild it with `ConversionError.fromJSON`. */
  toJSON(): SerializedConversionError {
    return { code: this.code, params: { ...this.params }, permanent: this.permanent };
  }

  /** Rebuilds an error posted by `toJSON`; anything malformed becomes a retryable 'failed'. */
  static fromJSON(value: unknown): ConversionError {
    const v = value as Partial<SerializedConversionError> | null;
    if (v && typeof v.code === 'string' && CODES.has(v.code)) {
      const params: Record<string, string | number> = {};
      for (const [k, p] of Object.entries(v.params ?? {})) {
        if (typeof p === 'string' || typeof p === 'number') params[k] = p;
      }
      return new ConversionError(v.code, params, v.permanent !== false);
    }
    return new ConversionError('failed', { detail: 'malformed error from converter' }, false);
  }
}

/** Wraps anything thrown into a ConversionError; unknown errors become a retryable 'failed' with a short detail. */
export function toConversionError(err: unknown): ConversionError {
  if (err instanceof ConversionError) return err;
  return new ConversionError('failed', { detail: shortDetail(err) }, false);
}

/** A one-line, length-capped description of an error, for the `{detail}` placeholder. */
export function shortDetail(err: unknown, max = 120): string {
  const raw = err instanceof Error ? err.message || err.name : String(err);
  const line = (raw.split('\n')[0] ?? '').trim() || 'unknown error';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Caps applied to every upload before and while it is parsed. */
export interface ConvertLimits {
  /** Most pages a document may have (pdf: stated; docx: stated or estimated; txt: estimated). */
  maxPages: number;
  /** Most entries a docx zip may hold. */
  maxZipEntries: number;
  /** Most bytes all entries of a zip may inflate to, together. */
  maxZipTotalBytes: number;
  /** Most bytes one zip entry may inflate to. */
  maxZipEntryBytes: number;
  /** Highest inflated/compressed ratio, only enforced for entries that inflate beyond 1 MB. */
  maxZipRatio: number;
}

const MB = 1024 * 1024;

/** The caps used when a caller gives none. */
export const DEFAULT_LIMITS: ConvertLimits = Object.freeze({
  maxPages: 2000,
  maxZipEntries: 5000,
  maxZipTotalBytes: 300 * MB,
  maxZipEntryBytes: 100 * MB,
  maxZipRatio: 200,
});
