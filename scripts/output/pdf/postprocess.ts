/**
 * PDF post-processing, its own step (as in Vivliostyle CLI): Chromium prints every page at its
 * full size (trim plus bleed) and writes no TrimBox or BleedBox, no author, no outline. From the
 * one PDF it prints, pdf-lib writes the three files:
 *   - book.pdf: MediaBox = BleedBox = trim + bleed, TrimBox = the trim (ISO 32000-1 §14.11.2,
 *     PDF/X practice: printers impose on the TrimBox and cut within the BleedBox);
 *   - book-screen.pdf: every box the trim, so a viewer shows the page as cut, without the bleed;
 *   - book-crop.pdf: the same pages on a sheet larger by a slug, with crop marks at the trim
 *     corners, drawn outside the bleed (offset printers).
 * All three get title, author, subject, language (/Lang, for the tagged PDF Chromium writes), the
 * book's date as CreationDate and ModDate in place of Chromium's clock (scripts/output/book-date.ts:
 * two builds of the same sources, the same dates), bookmarks (/Outlines: front matter, parts with their chapters, back matter) and the links inside
 * the book that Chromium is not asked to write (note calls and notes, index).
 * book.pdf is written whole; the screen and crop files are book.pdf followed by an incremental
 * update of what differs, their pages (incremental.ts). With `keepPrint`, the document goes back
 * to book.pdf's pages for the printer's PDF/X, which need not read book.pdf again.
 */
import { writeFile } from 'node:fs/promises';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, type PDFObject, type PDFPage } from 'pdf-lib';
import { appendUpdate, crossReferenceSize } from './incremental.ts';
import { loadPdf, pdfBytes } from './pdf-lib.ts';

export const MM = 72 / 25.4;

export interface OutlineItem {
  title: string;
  /** Index (from 0) of the page the item opens. */
  pageIndex: number;
  children?: OutlineItem[];
}

export interface PdfMetadata {
  title: string;
  subtitle?: string;
  authors: string[];
  language: string;
  keywords?: string[];
}

/** A link to write: from a box on a page to a point on a page, in CSS px from the sheet's top left. */
export interface LinkAnnotation {
  from: { page: number; x: number; y: number; width: number; height: number };
  to: { page: number; x: number; y: number };
}

export interface PostprocessOptions {
  /** Bleed on each side, in points. */
  bleed: number;
  metadata: PdfMetadata;
  outline: OutlineItem[];
  /** The three files to write. */
  files: { print: string; screen: string; crop: string };
  /** Extra margin around the bleed for crop marks, in points (default 10 mm). */
  slug?: number;
  /** Links inside the book (Chromium writes only the table of contents'). */
  links?: LinkAnnotation[];
  /** The book's date (scripts/output/book-date.ts), written as CreationDate and ModDate. */
  date: Date;
  /** Add a blank page at the end when the count is odd (printers bind whole leaves). */
  evenPages?: boolean;
  /** Return book.pdf's document and bytes (`PostprocessResult.print`), for the printer's PDF/X. */
  keepPrint?: boolean;
}

/** CSS px (1/96 in) to PDF points (1/72 in). */
const PX = 0.75;

/** Link annotations (ISO 32000-1 §12.5.6.5), no border, to /XYZ destinations at the target's top. */
function addLinks(doc: PDFDocument, links: LinkAnnotation[]): void {
  const pages = doc.getPages();
  const context = doc.context;
  for (const link of links) {
    const from = pages[link.from.page];
    const to = pages[link.to.page];
    if (!from || !to) continue;
    const media = from.getMediaBox();
    const top = media.y + media.height - link.from.y * PX;
    const target = to.getMediaBox();
    const annotation = context.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: [media.x + link.from.x * PX, top - link.from.height * PX, media.x + (link.from.x + link.from.width) * PX, top],
      Border: [0, 0, 0],
      Dest: [to.ref, PDFName.of('XYZ'), null, target.y + target.height - link.to.y * PX, null],
    });
    from.node.addAnnot(context.register(annotation));
  }
}

function setMetadata(doc: PDFDocument, metadata: PdfMetadata, date: Date): void {
  doc.setTitle(metadata.title, { showInWindowTitleBar: true });
  if (metadata.authors.length) doc.setAuthor(metadata.authors.join(', '));
  if (metadata.subtitle) doc.setSubject(metadata.subtitle);
  if (metadata.keywords?.length) doc.setKeywords(metadata.keywords);
  doc.setLanguage(metadata.language);
  doc.setProducer('book (Paged.js, Chromium, pdf-lib)');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
}

/** Count of the visible descendants of an open outline item (ISO 32000-1 §12.3.3, table 153). */
function visibleCount(items: OutlineItem[]): number {
  return items.reduce((n, item) => n + 1 + visibleCount(item.children ?? []), 0);
}

function addOutline(doc: PDFDocument, items: OutlineItem[]): void {
  if (items.length === 0) return;
  const context = doc.context;
  const pages = doc.getPages();
  const rootRef = context.nextRef();
  const build = (list: OutlineItem[], parent: PDFRef): PDFRef[] => {
    const refs = list.map(() => context.nextRef());
    list.forEach((item, i) => {
      const page = pages[Math.min(Math.max(item.pageIndex, 0), pages.length - 1)];
      const dict = context.obj({}) as PDFDict;
      dict.set(PDFName.of('Title'), PDFHexString.fromText(item.title));
      dict.set(PDFName.of('Parent'), parent);
      dict.set(PDFName.of('Dest'), context.obj([page.ref, PDFName.of('Fit')]));
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1]);
      if (i < list.length - 1) dict.set(PDFName.of('Next'), refs[i + 1]);
      const children = item.children ?? [];
      if (children.length) {
        const childRefs = build(children, refs[i]);
        dict.set(PDFName.of('First'), childRefs[0]);
        dict.set(PDFName.of('Last'), childRefs[childRefs.length - 1]);
        dict.set(PDFName.of('Count'), PDFNumber.of(visibleCount(children)));
      }
      context.assign(refs[i], dict);
    });
    return refs;
  };
  const top = build(items, rootRef);
  const root = context.obj({}) as PDFDict;
  root.set(PDFName.of('Type'), PDFName.of('Outlines'));
  root.set(PDFName.of('First'), top[0]);
  root.set(PDFName.of('Last'), top[top.length - 1]);
  root.set(PDFName.of('Count'), PDFNumber.of(visibleCount(items)));
  context.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function setBoxes(page: PDFPage, media: Box, trim: Box, bleed: Box): void {
  page.setMediaBox(media.x, media.y, media.width, media.height);
  page.setCropBox(media.x, media.y, media.width, media.height);
  page.setBleedBox(bleed.x, bleed.y, bleed.width, bleed.height);
  page.setTrimBox(trim.x, trim.y, trim.width, trim.height);
  // ArtBox defaults to the CropBox; a stale one from elsewhere would mislead.
  page.node.delete(PDFName.of('ArtBox'));
}

/**
 * Crop marks: two short lines at each trim corner, outside the bleed, in registration colour
 * (C = M = Y = K = 100 %), 0.25 pt. The content operators, drawn in the page's own coordinates.
 */
function cropMarkOperators(trim: Box, bleed: number, slug: number): string {
  const start = bleed + 1 * MM;
  const end = bleed + slug - 1 * MM;
  const n = (v: number) => String(Math.round(v * 1000) / 1000);
  const corners = [
    { x: trim.x, y: trim.y, dx: -1, dy: -1 },
    { x: trim.x + trim.width, y: trim.y, dx: 1, dy: -1 },
    { x: trim.x, y: trim.y + trim.height, dx: -1, dy: 1 },
    { x: trim.x + trim.width, y: trim.y + trim.height, dx: 1, dy: 1 },
  ];
  const lines = corners.flatMap((c) => [
    `${n(c.x + c.dx * start)} ${n(c.y)} m ${n(c.x + c.dx * end)} ${n(c.y)} l S`,
    `${n(c.x)} ${n(c.y + c.dy * start)} m ${n(c.x)} ${n(c.y + c.dy * end)} l S`,
  ]);
  return ['q', '1 1 1 1 K', '0.25 w', '0 J', ...lines, 'Q'].join('\n');
}

/**
 * The crop marks put on every page: the page's content, in a `q … Q` of its own (its transforms do
 * not reach the marks), then the marks, as streams added around it (shared by pages of one size).
 * Returns each page's `/Contents` as it was, for `removeCropMarks`, and the streams it made.
 */
function addCropMarks(doc: PDFDocument, boxes: Array<{ page: PDFPage; trim: Box }>, bleed: number, slug: number): { contents: Array<PDFObject | undefined>; streams: PDFRef[] } {
  const { context } = doc;
  const save = context.register(context.stream('q\n'));
  const marks = new Map<string, PDFRef>();
  const contents = boxes.map(({ page, trim }) => {
    const operators = `Q\n${cropMarkOperators(trim, bleed, slug)}\n`;
    let ref = marks.get(operators);
    if (!ref) marks.set(operators, (ref = context.register(context.flateStream(operators))));
    const contents = page.node.get(PDFName.of('Contents'));
    const resolved = contents instanceof PDFRef ? context.lookup(contents) : contents;
    const streams = resolved instanceof PDFArray ? resolved.asArray() : contents ? [contents] : [];
    page.node.set(PDFName.of('Contents'), context.obj([save, ...streams, ref]));
    return contents;
  });
  return { contents, streams: [save, ...marks.values()] };
}

/** Every page's `/Contents` as `addCropMarks` found it; the marks' streams then reach nothing. */
function removeCropMarks(boxes: Array<{ page: PDFPage }>, contents: Array<PDFObject | undefined>): void {
  boxes.forEach(({ page }, i) => {
    const before = contents[i];
    if (before) page.node.set(PDFName.of('Contents'), before);
    else page.node.delete(PDFName.of('Contents'));
  });
}

export interface PostprocessResult {
  /** With `keepPrint`: the document as book.pdf holds it (boxes, pages, no crop marks), and book.pdf's bytes. */
  print?: { doc: PDFDocument; bytes: Uint8Array };
  pages: number;
  /** Blank pages added at the end (`evenPages`). */
  blankPagesAdded: number;
  /** Trim size in points. */
  trim: { width: number; height: number };
}

export async function postprocessPdf(raw: Uint8Array | PDFDocument, options: PostprocessOptions): Promise<PostprocessResult> {
  // The book's parts joined (join.ts), or a PDF as Chromium printed it.
  const doc = raw instanceof PDFDocument ? raw : await loadPdf(raw);
  setMetadata(doc, options.metadata, options.date);
  addOutline(doc, options.outline);
  addLinks(doc, options.links ?? []);
  const b = options.bleed;
  const slug = options.slug ?? 10 * MM;
  let blankPagesAdded = 0;
  if (options.evenPages && doc.getPageCount() % 2 === 1) {
    const last = doc.getPage(doc.getPageCount() - 1).getMediaBox();
    doc.addPage([last.width, last.height]).setMediaBox(last.x, last.y, last.width, last.height);
    blankPagesAdded = 1;
  }
  const pages = doc.getPages();
  const boxes = pages.map((page) => {
    const media = page.getMediaBox();
    const trim = { x: media.x + b, y: media.y + b, width: media.width - 2 * b, height: media.height - 2 * b };
    return { page, media, trim };
  });
  const save = async (file: string) => {
    const bytes = await pdfBytes(doc, { objectStreams: true });
    await writeFile(file, bytes);
    return bytes;
  };

  // book.pdf: for print on demand.
  for (const { page, media, trim } of boxes) setBoxes(page, media, trim, media);
  const printBytes = await save(options.files.print);
  // The two others are book.pdf and an update of what differs (incremental.ts): objects made from
  // now on are numbered past book.pdf's, whose object streams pdf-lib numbered outside its context.
  doc.context.largestObjectNumber = Math.max(doc.context.largestObjectNumber, crossReferenceSize(printBytes) - 1);
  const pageRefs = pages.map((page) => page.ref);

  // book-screen.pdf: the page as cut.
  for (const { page, trim } of boxes) setBoxes(page, trim, trim, trim);
  await writeFile(options.files.screen, appendUpdate(printBytes, doc.context, pageRefs));

  // book-crop.pdf: a larger sheet with crop marks.
  for (const { page, media, trim } of boxes) {
    const sheet = { x: media.x - slug, y: media.y - slug, width: media.width + 2 * slug, height: media.height + 2 * slug };
    setBoxes(page, sheet, trim, media);
  }
  const crop = addCropMarks(doc, boxes, b, slug);
  await writeFile(options.files.crop, appendUpdate(printBytes, doc.context, [...pageRefs, ...crop.streams]));
  const cropContents = crop.contents;

  const first = boxes[0]?.trim ?? { width: 0, height: 0 };
  const result: PostprocessResult = { pages: pages.length, blankPagesAdded, trim: { width: first.width, height: first.height } };
  if (options.keepPrint) {
    // Back to book.pdf's pages, for the printer's PDF/X, which need not read the file again.
    removeCropMarks(boxes, cropContents);
    for (const { page, media, trim } of boxes) setBoxes(page, media, trim, media);
    result.print = { doc, bytes: printBytes };
  }
  return result;
}
