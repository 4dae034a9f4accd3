/**
 * The EAN-13 barcode of the ISBN for the back cover (bwip-js, which draws the bars and the digits
 * as paths: no font needed, vector in the PDF). The `isbn` symbology of bwip-js prints the ISBN
 * above the bars (« ISBN 978-… ») and the EAN digits below, as ISBN agencies show it.
 *
 * Size: ISO/IEC 15420 (EAN-13) at 100 % has a module 0.33 mm wide and bars 22.85 mm high; bwip-js
 * draws one unit per module at `scale: 1`, so the SVG is given its size in millimetres from its
 * units × 0.33 mm × the printer's magnification.
 */
import bwipjs from 'bwip-js';
import { normaliseIsbn } from '../../config/isbn.ts';

/** ISBN-13 digits of a valid ISBN-10 or ISBN-13 (ISO 2108: 978 + the first nine digits + a new check digit). */
export function isbn13(isbn: string): string {
  const digits = normaliseIsbn(isbn);
  if (digits.length === 13) return digits;
  const body = `978${digits.slice(0, 9)}`;
  const sum = [...body].reduce((total, d, i) => total + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** ISBN-13 with its hyphens as book.yaml gives them, or grouped 978-X-XXX… when it gave none. */
function displayed(isbn: string): string {
  const digits = normaliseIsbn(isbn);
  return digits.length === 13 && /-/.test(isbn) ? isbn.trim() : isbn13(isbn);
}

const MODULE_MM = 0.33;
/** Bar height at 100 %, in modules (22.85 mm / 0.33 mm), as bwip-js's `height` (mm at 72 units per inch). */
const BAR_HEIGHT = ((22.85 / MODULE_MM) * 25.4) / 72;

export interface Barcode {
  svg: string;
  widthMm: number;
  heightMm: number;
  digits: string;
}

export function isbnBarcode(isbn: string, magnification = 1): Barcode {
  const digits = isbn13(isbn);
  const svg = bwipjs.toSVG({ bcid: 'isbn', text: displayed(isbn).replace(/^(\d{13})$/, (d) => `${d.slice(0, 3)}-${d.slice(3, 12)}-${d.slice(12)}`), includetext: true, scale: 1, height: BAR_HEIGHT });
  const box = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
  if (!box) throw new Error('bwip-js drew an SVG without a viewBox');
  const unit = MODULE_MM * magnification;
  return { svg, widthMm: Number(box[1]) * unit, heightMm: Number(box[2]) * unit, digits };
}
