// Page images are rendered in a child process whose whole resident memory is capped (decision 0022; the child's
// caps and watchdog are capped-child.ts's): pdf.js and @napi-rs/canvas allocate native memory that V8's heap limit
// does not see.
import { type ChildCaps, runInCappedChild } from './capped-child.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import { ConversionError } from './types.ts';

/** Caps of one render. */
export type RenderCaps = ChildCaps;

/** What a finished child reports about itself: the largest resident size seen, for logs and the bench. */
export interface RenderOutcome {
  result: RenderResult;
  peakRssBytes: number;
}

/**
 * Renders in a fresh child process (render-child.ts) under `caps`; rejects with a ConversionError (outOfMemory,
 * timeout, …). While it runs, `live` holds a function that kills the child (the pool's close() calls it).
 */
export async function renderInChild(
  req: RenderRequest,
  caps: RenderCaps,
  live?: Set<() => void>,
): Promise<RenderOutcome> {
  const { value, peakRssBytes } = await runInCappedChild<RenderResult>('render-child', req, caps, 'page render', live);
  return { result: value, peakRssBytes };
}

/** At most `concurrency` renders at a time, each in its own capped child. */
export function createRenderPool(caps: RenderCaps, concurrency: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  let closed = false;
  const live = new Set<() => void>();
  return {
    async render(req: RenderRequest): Promise<RenderResult> {
      if (closed) throw new ConversionError('failed', { detail: 'converter closed' }, false);
      if (running >= concurrency) await new Promise<void>((r) => waiting.push(r));
      running++;
      try {
        if (closed) throw new ConversionError('failed', { detail: 'converter closed' }, false);
        return (await renderInChild(req, caps, live)).result;
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    /** No new render starts; every child in flight is killed. */
    close() {
      closed = true;
      for (const cancel of [...live]) cancel();
    },
  };
}
