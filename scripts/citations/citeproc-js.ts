/**
 * citeproc-js (npm `citeproc`), loaded when first asked for, by `require`, as the CommonJS module
 * it is. Imported as an ES module, Node would first scan its 1 MB of source for the names it
 * exports (cjs-module-lexer, about 40 ms); and a build whose citations all come from the cache
 * (docs/cache.md) never asks for it.
 */
import { createRequire } from 'node:module';
import type CitationProcessor from 'citeproc';

let loaded: typeof CitationProcessor | undefined;

export function citeproc(): typeof CitationProcessor {
  return (loaded ??= createRequire(import.meta.url)('citeproc') as typeof CitationProcessor);
}
