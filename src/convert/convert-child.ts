// Entry point of a converter child process (see extraction-pool.ts): receives one task at a time over IPC, runs the
// extractor for the format, sends back the text or a serialised ConversionError. Nothing here outlives a task except
// the loaded libraries (pdf.js, htmlparser2), which is the point of keeping the process alive across tasks; the parent
// watches its whole resident size (native memory included) and replaces it after a number of tasks or when it has
// grown, so what pdf.js and Node's buffers leave behind goes back to the system with the process (decision 0037).
import type { ConvertLimits, DocFormat, ExtractedText, SerializedConversionError } from './types.ts';
import { toConversionError } from './types.ts';

// tsx turns source maps on, and Node then parses the multi-megabyte maps pdfjs-dist ships with on import: some 60 MB
// of heap in every child, which eats most of a tight memory cap. Stack traces here never reach a user anyway.
process.setSourceMapsEnabled(false);

/** A task sent to a converter child. */
export interface ChildTask {
  type: 'task';
  id: number;
  path: string;
  format: DocFormat;
  limits: ConvertLimits;
}

/** What a converter child sends back: once 'ready' (libraries loaded), then one 'result' per task. */
export type ChildReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: ExtractedText }
  | { type: 'result'; id: number; ok: false; error: SerializedConversionError };

// The parent is gone (it exited, or closed the channel): nothing can reach this process any more.
process.on('disconnect', () => process.exit(0));

const { extractDocx } = await import('./extract-docx.ts');
const { extractPdf } = await import('./extract-pdf.ts');
const { extractTxt } = await import('./extract-txt.ts');
const { extractOfd } = await import('./extract-ofd.ts');

// Office formats never reach a child: LibreOffice turns them into a PDF first (see converter.ts). Page images are
// drawn by render-child.ts, one process per render.
const EXTRACTORS: Partial<Record<DocFormat, (path: string, limits: ConvertLimits) => Promise<ExtractedText>>> = {
  docx: extractDocx,
  pdf: extractPdf,
  txt: extractTxt,
  ofd: extractOfd,
};

const send = (reply: ChildReply) => {
  // The channel may close between the task and its answer (the parent killed us or exited): nothing to do then.
  if (process.connected) process.send?.(reply);
};

process.on('message', async (task: ChildTask) => {
  if (task?.type !== 'task') return;
  let reply: ChildReply;
  try {
    const extract = EXTRACTORS[task.format];
    if (!extract) throw new Error(`unknown format ${String(task.format)}`);
    reply = { type: 'result', id: task.id, ok: true, value: await extract(task.path, task.limits) };
  } catch (err) {
    reply = { type: 'result', id: task.id, ok: false, error: toConversionError(err).toJSON() };
  }
  send(reply);
});
send({ type: 'ready' });
