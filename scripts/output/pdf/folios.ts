/**
 * The book's folios: roman (lower case) before the main matter, arabic from 1 where it begins. One
 * module for both sides of the layout: the page code in Chromium (browser/render.ts, bundled with
 * it) numbers each part's pages, and the build (render.ts) numbers the whole book's when it joins
 * the parts. Nothing here may import Node's modules.
 */

/** `n` (1 or more) in lower-case roman numerals. */
export function roman(n: number): string {
  const digits: Array<[number, string]> = [
    [1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'],
    [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i'],
  ];
  let out = '';
  for (const [value, letters] of digits) {
    while (n >= value) {
      out += letters;
      n -= value;
    }
  }
  return out;
}

/** The folio of the book's page `page` (from 0), the main matter beginning at page `restartAt`, if known. */
export function folioOf(page: number, restartAt: number | undefined): string {
  return restartAt !== undefined && page >= restartAt ? String(page - restartAt + 1) : roman(page + 1);
}
