import { createHook } from 'node:async_hooks';

/** The tick object kept for the life of the process (see `pinNextTickMaps`). */
let pinned: object | undefined;

/**
 * Keeps one of `process.nextTick`'s queue entries alive for the life of the process, so that V8 never collects the
 * hidden classes (maps) of those entries.
 *
 * Node 20 builds each entry as `{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }`. V8 records
 * the map each computed-key property is added to (the literal's feedback) and compiles the additions inline while it
 * sees one map. The maps are held weakly by that feedback: a full garbage collection at a moment when no entry is
 * queued — an idle moment of a server — frees them, the next entry gets new maps, and the feedback goes
 * megamorphic for the rest of the process. From then on every `nextTick` (about seven per HTTP request in Node's
 * streams) makes three calls into V8's C++ runtime: ~25 000 more instructions per cached page served, a fifth of
 * the request (`npx tsx bench/page-ir.ts`, the bracketed figure; about half the server starts were seen in that
 * state). A live entry keeps its map and, through the maps' back pointers, every map before it.
 *
 * The entry is caught once at startup by an async hook's `init` (its `resource` is the entry itself), then the
 * hook is disabled: nothing runs per tick afterwards. `pin-tick-maps.test.ts` checks the feedback after a full GC.
 */
export function pinNextTickMaps(): void {
  if (pinned) return;
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'TickObject' && pinned === undefined) pinned = resource as object;
    },
  });
  hook.enable();
  try {
    process.nextTick(noop);
  } finally {
    hook.disable();
  }
}

function noop(): void {}
