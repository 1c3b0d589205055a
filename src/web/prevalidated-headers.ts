import { type ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';

/** A fixed set of response headers, checked once, for `writeHeadPrevalidated`. */
export interface PrevalidatedHeaders {
  /** Name, value, name, value… as given. */
  readonly list: readonly string[];
  /** The same headers as Node's own header map (lower-case name → [name, value]); undefined if a name repeats. */
  readonly map: Readonly<Record<string, readonly [string, string]>> | undefined;
}

/**
 * The prototype of the header maps: an empty object with no prototype, so that nothing is inherited (a polluted
 * Object.prototype cannot add a header when Node walks the map with for…in) while the maps themselves stay in V8's
 * fast mode (`Object.create(null)` objects are dictionaries, and for…in over them goes through the runtime).
 */
const NOTHING_INHERITED: object = Object.freeze(Object.create(null));

/** Checks every name and value as Node's `writeHead` would (throws the same errors), once. */
export function prevalidate(list: readonly string[]): PrevalidatedHeaders {
  if (list.length % 2 !== 0) throw new TypeError('headers: an even list of names and values');
  let map: Record<string, readonly [string, string]> | undefined = Object.create(NOTHING_INHERITED);
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i] as string;
    const value = list[i + 1] as string;
    validateHeaderName(name);
    validateHeaderValue(name, value);
    const key = name.toLowerCase();
    if (map && key in map) map = undefined;
    else if (map) map[key] = [name, value];
  }
  return { list, map };
}

/** Node's symbol for a response's header map: null until looked up, undefined when this Node has none. */
let kOutHeaders: symbol | null | undefined = null;

/**
 * `res.writeHead(status, headers.list)`, without Node checking each name and value again. Node validates a header
 * list passed to `writeHead` with two regular expressions per header on every response: for the anonymous page's 24
 * headers that was ≈ 22 000 instructions of a ≈ 92 000-instruction front-cache hit (bench/page-ir.ts), the largest
 * single cost above bare Fastify (which sends two headers). Headers set with `setHeader` are validated when set and
 * not again when written; this hands Node a copy of the checked map as if `setHeader` had been called for each, then
 * `writeHead(status)` writes them in order, byte for byte as the list would be (`prevalidated-headers.test.ts`).
 *
 * The map is Node's internal `kOutHeaders` property, found by its description on the first response. Where it is not
 * there, or a header has already been set on this response, or a name repeats, the list goes through `writeHead` as
 * usual.
 */
export function writeHeadPrevalidated(res: ServerResponse, status: number, headers: PrevalidatedHeaders): void {
  if (kOutHeaders === null) {
    kOutHeaders = Object.getOwnPropertySymbols(res).find((s) => s.description === 'kOutHeaders');
  }
  const own = res as unknown as Record<symbol, unknown>;
  if (kOutHeaders !== undefined && headers.map !== undefined && own[kOutHeaders] === null) {
    // Shared by every response written with these headers, and never changed: it is set here just before the head is
    // written, and once it is, Node refuses `setHeader`, `appendHeader` and `removeHeader` (ERR_HTTP_HEADERS_SENT).
    // (A copy per response cost more than the validation it saves: a null-prototype copy is built in V8's runtime.)
    own[kOutHeaders] = headers.map;
    res.writeHead(status);
  } else {
    res.writeHead(status, headers.list as string[]);
  }
}
