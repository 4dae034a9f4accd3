/**
 * The printed cover as one HTML page (hast, like every generated page), printed by the same
 * Chromium as the book: back, spine and front side by side on one sheet of the cover's full size
 * (bleed included). The front is the EPUB cover's design (scripts/output/epub/cover-art.ts, same
 * classes and typography, sized in millimetres by templates/print/cover.css); the spine carries
 * the title and the editors, read from bottom to top (the French convention) or from top to
 * bottom; the back carries `back-cover:` from book.yaml and, when the book has an ISBN, its EAN-13
 * on a white box. Everything is text from book.yaml, escaped by the serializer; the barcode is an
 * SVG file bwip-js drew from the validated ISBN, loaded as an image (no markup of it inlined).
 */
import { h } from 'hastscript';
import type { Root } from 'hast';
import type { Book } from '../../model/index.ts';
import { bookText } from '../../model/typeset.ts';
import { coverFront } from '../epub/cover-art.ts';
import type { CoverGeometry, PrintSettings } from './settings.ts';

export interface CoverArtOptions {
  settings: PrintSettings;
  geometry: CoverGeometry;
  stylesheets: string[];
  /** The barcode image (file name in the work folder) and its size, when the book has an ISBN. */
  barcode?: { src: string; widthMm: number; heightMm: number; isbn: string };
}

/** Paragraphs of `back-cover:` (separated by blank lines), typeset like the book's metadata. */
export function backCoverParagraphs(book: Book): string[] {
  const text = book.meta.config['back-cover'] ?? '';
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((paragraph) => bookText(book.meta, paragraph));
}

const mm = (value: number) => `${Math.round(value * 1000) / 1000}mm`;

function people(book: Book): string {
  const { meta } = book;
  return (meta.editors.length ? meta.editors : meta.authors).join(', ');
}

export function coverArt(book: Book, options: CoverArtOptions): Root {
  const { settings, geometry, barcode } = options;
  const { trim, bleed } = settings;
  const panel = trim.width + bleed;
  // The sheet Chromium prints is a millimetre larger than the cover, right and bottom, and cut
  // back to the cover's size afterwards (Chromium rounds page sizes to whole CSS pixels).
  const sheet = { width: geometry.width + 1, height: geometry.height + 1 };
  const spineText = [book.typeset.title, people(book)].filter(Boolean);
  return {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: book.meta.language }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('title', book.typeset.title),
          ...options.stylesheets.map((href) => h('link', { rel: 'stylesheet', href })),
          h('style', `@page { size: ${mm(sheet.width)} ${mm(sheet.height)}; margin: 0; }\n:root { --bleed: ${mm(bleed)}; --trim-width: ${mm(trim.width)}; --cover-height: ${mm(geometry.height)}; --spine-width: ${mm(geometry.spine)}; --sheet-width: ${mm(sheet.width)}; --sheet-height: ${mm(sheet.height)}; }`),
        ]),
        h('body', [
          h('main', { className: ['print-cover'] }, [
            h('section', { className: ['back'], style: `left: 0; width: ${mm(panel)}` }, [
              h('div', { className: ['back-text'] }, backCoverParagraphs(book).map((paragraph) => h('p', paragraph))),
              ...(barcode
                ? [
                    h('div', { className: ['barcode'] }, [
                      h('img', { src: barcode.src, alt: `ISBN ${barcode.isbn}`, style: `width: ${mm(barcode.widthMm)}; height: ${mm(barcode.heightMm)}` }),
                    ]),
                  ]
                : []),
            ]),
            h('section', { className: ['spine', settings.spineDirection], style: `left: ${mm(panel)}; width: ${mm(geometry.spine)}` }, geometry.spineText ? [h('p', { className: ['spine-text'] }, spineText.map((text, i) => h('span', { className: [i === 0 ? 'spine-title' : 'spine-people'] }, text)))] : []),
            h('section', { className: ['front', 'cover'], style: `left: ${mm(panel + geometry.spine)}; width: ${mm(panel)}` }, [coverFront(book)]),
          ]),
        ]),
      ]),
    ],
  };
}
