/**
 * `book-cover.pdf`: the cover page (cover-art.ts) printed by Debian's Chromium (scripts/browser.ts),
 * then given its boxes by pdf-lib: MediaBox = BleedBox = the cover with its bleed, TrimBox = the
 * cover as cut (back + spine + front). The page is a folder of its own (the page, its styles, the
 * book's fonts, the barcode's SVG) opened from disk; any request elsewhere is refused.
 *
 * Why Chromium and not pdf-lib drawing: the cover's typography is the book's and the EPUB cover's
 * (EB Garamond with kerning, small capitals, balanced title lines), which the browser sets as it
 * sets the book; pdf-lib would need its own line breaking and font shaping.
 *
 * Chromium's PDF of the cover is kept in node_modules/.cache/book/print-covers/ (scripts/cache.ts),
 * named by a hash of the page, its styles, the barcode, the fonts' bytes and the browser: a rebuild
 * whose title, page count (the spine) and design are unchanged does not start Chromium again, as
 * for the EPUB's cover. The boxes, title and dates are set on it at every build.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPdf, pdfBytes } from '../pdf/pdf-lib.ts';
import { browserIdentity, withCoverPage } from '../../browser.ts';
import { cachedFile, hashOf } from '../../cache.ts';
import { BuildError } from '../../errors.ts';
import type { Book } from '../../model/index.ts';
import { serializeHtml } from '../html/index.ts';
import { bookFonts, familyRule, fontIdentity, installFonts } from '../fonts.ts';
import { MM } from '../pdf/postprocess.ts';
import { printTemplateDir } from '../pdf/index.ts';
import { isbnBarcode } from './barcode.ts';
import { coverArt } from './cover-art.ts';
import type { CoverGeometry, PrintSettings } from './settings.ts';

export interface CoverOptions {
  settings: PrintSettings;
  geometry: CoverGeometry;
  workDir: string;
  output: string;
  date: Date;
}

async function printPage(page: string, pdf: string, fontFamily: string): Promise<void> {
  await withCoverPage(page, fontFamily, 'Printing the cover', { serviceWorkers: 'block' }, (tab) => tab.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true, tagged: false, outline: false }));
}

/** Write the cover PDF at `options.output`. */
export async function writeCover(book: Book, options: CoverOptions): Promise<void> {
  const { settings, geometry, workDir } = options;
  await mkdir(workDir, { recursive: true });
  const fonts = bookFonts(book);
  const fontsCss = `${await installFonts(fonts, path.join(workDir, 'fonts'), 'fonts/')}\n${familyRule(fonts)}\n`;
  await writeFile(path.join(workDir, 'fonts.css'), fontsCss);
  const coverCss = await readFile(path.join(printTemplateDir, 'cover.css'), 'utf8');
  await writeFile(path.join(workDir, 'cover.css'), coverCss);
  const isbn = book.meta.identifiers.isbn;
  let barcode: { src: string; widthMm: number; heightMm: number; isbn: string } | undefined;
  let barcodeSvg = '';
  if (isbn) {
    const drawn = isbnBarcode(isbn, settings.preset.barcodeScale);
    barcodeSvg = drawn.svg;
    await writeFile(path.join(workDir, 'barcode.svg'), drawn.svg);
    barcode = { src: 'barcode.svg', widthMm: drawn.widthMm, heightMm: drawn.heightMm, isbn: isbn.trim() };
  }
  const page = path.join(workDir, 'cover.html');
  const html = serializeHtml(coverArt(book, { settings, geometry, stylesheets: ['fonts.css', 'cover.css'], barcode }));
  await writeFile(page, html);
  const printed = await cachedFile('print-covers', `${hashOf(html, fontsCss, coverCss, barcodeSvg, await fontIdentity(fonts), browserIdentity())}.pdf`, async () => {
    const raw = path.join(workDir, 'cover-chromium.pdf');
    await printPage(page, raw, fonts.family);
    return readFile(raw);
  });

  // Cut the sheet to the cover, from its top left corner, and give it its boxes.
  const doc = await loadPdf(printed);
  if (doc.getPageCount() !== 1) throw new BuildError(`The cover came out on ${doc.getPageCount()} pages instead of one; report this layout bug`);
  const sheet = doc.getPage(0);
  const top = sheet.getMediaBox().y + sheet.getMediaBox().height;
  const width = geometry.width * MM;
  const height = geometry.height * MM;
  const bleed = settings.bleed * MM;
  const y = top - height;
  sheet.setMediaBox(0, y, width, height);
  sheet.setCropBox(0, y, width, height);
  sheet.setBleedBox(0, y, width, height);
  sheet.setTrimBox(bleed, y + bleed, width - 2 * bleed, height - 2 * bleed);
  doc.setTitle(`${book.typeset.title} — ${book.labels.epub.cover}`);
  doc.setAuthor((book.meta.editors.length ? book.meta.editors : book.meta.authors).join(', '));
  doc.setProducer('book (Chromium, pdf-lib)');
  doc.setCreationDate(options.date);
  doc.setModificationDate(options.date);
  await writeFile(options.output, await pdfBytes(doc, { objectStreams: false }));
}
