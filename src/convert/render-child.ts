// The child process of render-process.ts: renders the page images of one document (pdf.js onto @napi-rs/canvas) and
// exits. It runs apart from the server and its converter children because canvas and pdf.js allocate native memory
// that no JavaScript heap limit sees (a 58 KB one-page PDF grew a process to 2.9 GB): here the parent watches the
// whole resident size and kills the child, and whatever it allocated goes back to the system with it.
import type { CappedChildReply } from './capped-child.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import { toConversionError } from './types.ts';

/** The answer posted back: the rendered pages, or a serialised ConversionError. */
export type RenderChildReply = CappedChildReply<RenderResult>;

// The multi-megabyte source maps of pdfjs-dist are not parsed for stack traces nobody reads (see convert-child.ts).
process.setSourceMapsEnabled(false);

process.once('message', async (req: RenderRequest & { source?: string }) => {
  let reply: RenderChildReply;
  try {
    // Renderers by source; the module is chosen at run time so another source (OFD) can bring its own renderer
    // (`render${Source}Pages` exported from `./render-${source}.ts`).
    const source = req.source && /^[a-z]{2,8}$/.test(req.source) ? req.source : 'pdf';
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const mod = (await import(`./render-${source}.${ext}`)) as Record<
      string,
      (r: RenderRequest) => Promise<RenderResult>
    >;
    const render = mod[`render${source[0]!.toUpperCase()}${source.slice(1)}Pages`];
    if (!render) throw new Error(`no renderer for ${source}`);
    reply = { ok: true, value: await render(req) };
  } catch (err) {
    reply = { ok: false, error: toConversionError(err).toJSON() };
  }
  process.send?.(reply, () => process.exit(0));
});
