/**
 * The book's folios: roman (lower case) before the main matter, arabic from 1 where it begins. One
 * module for both sides of the layout: the page code in Chromium (browser/render.ts, bundled with
 * it) numbers each part's pages, and the build (render.ts) numbers the whole book's when it joins
 * the parts. Nothing here may import Node's modules.
 */
import { romanNumeral } from '../../i18n/labels.ts';

/** The folio of the book's page `page` (from 0), the main matter beginning at page `restartAt`, if known. */
export function folioOf(page: number, restartAt: number | undefined): string {
  return restartAt !== undefined && page >= restartAt ? String(page - restartAt + 1) : romanNumeral(page + 1).toLowerCase();
}
