// Entry point of a converter worker thread (see converter.ts): receives one task at a time, runs the extractor for
// the format, posts back the text or a serialised ConversionError. Nothing here outlives a task except the loaded
// libraries, which is the point of keeping workers alive.
import { parentPort } from 'node:worker_threads';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import type { ConvertLimits, DocFormat, ExtractedText, SerializedConversionError } from './types.ts';
import { toConversionError } from './types.ts';

// tsx turns source maps on, and Node then parses the multi-megabyte maps pdfjs-dist ships with on import: some 60 MB
// of heap in every worker, which eats most of a tight memory cap. Stack traces here never reach a user anyway.
process.setSourceMapsEnabled(false);
const { extractDocx } = await import('./extract-docx.ts');
const { extractPdf } = await import('./extract-pdf.ts');
const { extractTxt } = await import('./extract-txt.ts');
const { extractOfd } = await import('./extract-ofd.ts');
const { renderPdfPages } = await import('./render-pdf.ts');
const { renderOfdPages } = await import('./render-ofd.ts');

/** A task posted to a converter worker. */
export interface WorkerTask {
  type: 'task';
  id: number;
  path: string;
  format: DocFormat;
  limits: ConvertLimits;
  /** Present for a render task (page images) instead of a text extraction. */
  render?: RenderRequest;
}

/** What a converter worker posts back: once 'ready', then one 'result' per task. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: ExtractedText | RenderResult }
  | { type: 'result'; id: number; ok: false; error: SerializedConversionError };

// Office formats never reach a worker: LibreOffice turns them into a PDF first (see converter.ts).
const EXTRACTORS: Partial<Record<DocFormat, (path: string, limits: ConvertLimits) => Promise<ExtractedText>>> = {
  docx: extractDocx,
  pdf: extractPdf,
  txt: extractTxt,
  ofd: extractOfd,
};

const port = parentPort;
if (port) {
  port.on('message', async (task: WorkerTask) => {
    if (task?.type !== 'task') return;
    let reply: WorkerReply;
    try {
      if (task.render) {
        const render = task.render.source === 'ofd' ? renderOfdPages : renderPdfPages;
        reply = { type: 'result', id: task.id, ok: true, value: await render(task.render) };
      } else {
        const extract = EXTRACTORS[task.format];
        if (!extract) throw new Error(`unknown format ${String(task.format)}`);
        reply = { type: 'result', id: task.id, ok: true, value: await extract(task.path, task.limits) };
      }
    } catch (err) {
      reply = { type: 'result', id: task.id, ok: false, error: toConversionError(err).toJSON() };
    }
    port.postMessage(reply);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
