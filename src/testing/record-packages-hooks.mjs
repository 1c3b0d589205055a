// Module resolution hooks of record-packages.mjs (they run on the loader thread), and the recorder both threads use.
import { appendFileSync } from 'node:fs';

// The package a resolved path or URL lies in: the last node_modules segment (a nested copy is named as itself).
const PACKAGE = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/** Appends each package name to `file` the first time a path inside it is seen (by this thread). */
export function recorder(file) {
  const seen = new Set();
  return (path) => {
    const name = PACKAGE.exec(path)?.[1];
    if (!name || seen.has(name)) return;
    seen.add(name);
    appendFileSync(file, `${name}\n`);
  };
}

let record = () => {};

export function initialize(data) {
  if (data?.file) record = recorder(data.file);
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  record(resolved.url);
  return resolved;
}
