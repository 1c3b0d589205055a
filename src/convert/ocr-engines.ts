// The OCR engines by name (config OCR=tesseract|none), for compose.ts and bench/ocr.ts.
import type { OcrEngine } from './ocr.ts';
import { createTesseractOcr, type TesseractOptions } from './ocr-tesseract.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';

/** What every engine needs: a way to draw PDF pages (the converter pool's capped render children). */
export interface OcrEngineOptions {
  render(req: RenderRequest): Promise<RenderResult>;
  pageTimeoutMs?: number;
  /** Engine settings for experiments (bench/ocr.ts); production uses each engine's defaults. */
  tesseract?: Omit<TesseractOptions, 'render' | 'tesseractPath' | 'pageTimeoutMs' | 'memoryMb'>;
}

/** The engine called `name`, or undefined for 'none'. */
export function createOcrEngine(name: string, opts: OcrEngineOptions): OcrEngine | undefined {
  if (name === 'tesseract')
    return createTesseractOcr({
      render: opts.render,
      ...(opts.pageTimeoutMs ? { pageTimeoutMs: opts.pageTimeoutMs } : {}),
      ...opts.tesseract,
    });
  return undefined;
}
