/**
 * The print edition: `book.pdf` (print on demand: 3 mm bleed, TrimBox and BleedBox), `book-crop.pdf`
 * (the same with crop marks, for an offset printer) and `book-screen.pdf` (trim size, for reading).
 * Stages: print document (hast) → Paged.js layout in Chromium → Chromium prints → pdf-lib
 * post-processing. Returns the page map (`printPages`), which `build()` gives the EPUB. See docs/pdf.md.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VFile } from 'vfile';
import type { Book, PrintPage } from '../../model/index.ts';
import { BuildError } from '../../errors.ts';
import { report } from '../../check/messages.ts';
import { serializeHtml } from '../html/index.ts';
import { bookFonts, documentCharacters, faceMayDraw, fontFaceRule, installFonts, installedName, type BookFonts } from '../fonts.ts';
import { buildPrintDocument, type PrintDocument } from './print-document.ts';
import { defaultJobs, longBook, renderParts, type LayoutProblem, type PartsResult, type RenderedPage } from './render.ts';
import { splitPrintDocument } from './parts.ts';
import { joinParts } from './join.ts';
import { loadPdf } from './pdf-lib.ts';
import type { PDFDocument } from 'pdf-lib';
import { browserScript } from './browser/index.ts';
import { MM, postprocessPdf, type OutlineItem } from './postprocess.ts';
import { bookDate } from '../book-date.ts';
import { checkFontLicences, printSettings, writeCoverFiles, writePrintProduction, type CoverFiles, type PrintProduction, type PrintSettings } from '../print/index.ts';
import { marginLimits, marginsCss } from '../print/margins.ts';
import { preflightVerdict, reportMarginProblem } from '../print/preflight.ts';

export const printTemplateDir = fileURLToPath(new URL('../../../templates/print/', import.meta.url));

export const PDF_FILES = { print: 'book.pdf', crop: 'book-crop.pdf', screen: 'book-screen.pdf' } as const;

/** Bleed on every side: the usual 3 mm of print-on-demand and offset printers. */
export const BLEED_MM = 3;

export interface PdfOptions {
  /** Time limit for the layout, in milliseconds (default: BOOK_PDF_TIMEOUT seconds, or 20 minutes). */
  timeoutMs?: number;
  /** Keep the print document and its assets in `dir/print/` (to inspect the layout in a browser). */
  keepPrintHtml?: boolean;
  /** The date the PDF carries (default: the book's date, scripts/output/book-date.ts); proofs give theirs. */
  date?: Date;
  /** More stylesheets (file paths), applied after the print design: proofs bring theirs (scripts/proof). */
  stylesheets?: string[];
  /**
   * Lay out and check, print nothing: the page map, the notes and the layout's messages as a full
   * build reports them, no file written (`files` is empty). For callers that need the layout alone,
   * such as the 300k-word test (tests/pdf-render.test.ts), where printing and pdf-lib cost half the time.
   */
  layoutOnly?: boolean;
  /**
   * Also run the printer's preflight, make the page count even and write the printer's files
   * (scripts/output/print/: PDF/X, cover, specification sheet), as `book build --format pdf` does;
   * proofs and the benchmark do not.
   */
  printProduction?: boolean;
  /** A draft: the preflight's errors (an image under 150 ppi…) are reported but do not stop the build. */
  draft?: boolean;
  onProgress?: (event: { stage: string; pages?: number }) => void;
}

export interface PdfEdition {
  /** The files written in `dir`: the three PDFs, or none with `layoutOnly`. */
  files: string[];
  pages: number;
  /** The page map: each page's folio and the block it begins with (for the EPUB's page list). */
  printPages: PrintPage[];
  /**
   * The PDF's own file when the layout reported problems that belong to no chapter (browser errors,
   * refused requests), for the caller to report; the others are on their chapter's file.
   */
  messages: VFile[];
  notes: number;
  /** Milliseconds per stage: print document, browser (start, layout, print), layout alone, print alone, pdf-lib. */
  timings: { documentMs: number; browserMs: number; layoutMs: number; printMs: number; postprocessMs: number; productionMs: number };
  render: PartsResult;
  /** Parts whose printed PDF the join found read already (all, but in a long book: `longBook`). */
  partsReadAhead: number;
  /** The printer's files (scripts/output/print/): PDF/X, cover, specification sheet; none with `layoutOnly`. */
  print?: PrintProduction;
}

const units: Record<string, number> = { mm: 1, cm: 10, in: 25.4, pt: 25.4 / 72 };

/** A trim dimension from book.yaml (`156mm`, `6in`) in millimetres. */
export function lengthInMm(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$/.exec(value);
  if (!match) return undefined;
  const mm = Number(match[1]) * units[match[2]];
  return mm >= 50 && mm <= 1000 ? mm : undefined;
}

function trimOf(book: Book): { width: number; height: number } {
  const { width, height } = book.meta.config.trim;
  const w = lengthInMm(width);
  const h = lengthInMm(height);
  if (w === undefined || h === undefined) {
    const config = book.files.find((file) => path.basename(file.path) === 'book.yaml');
    const message = `Invalid trim size \`${width} × ${height}\` in book.yaml: give \`trim: { width: 156mm, height: 234mm }\` with mm, cm, in or pt, between 50 mm and 1 m`;
    if (config) report(config, 'config-invalid', message);
    throw new BuildError(message, config ? [config] : []);
  }
  return { width: w, height: h };
}

/** The page-size rule Paged.js reads; the rest of the design is templates/print/print.css. */
function pageSizeCss(trim: { width: number; height: number }, bleed: number): string {
  return `/* From book.yaml (trim) and the bleed of the print edition (print.printer, print.bleed). */\n@page {\n  size: ${trim.width}mm ${trim.height}mm;\n  bleed: ${bleed}mm;\n}\n`;
}

/**
 * EB Garamond SemiBold's thin space (U+2009, which glyphs.ts puts for the narrow no-break space) is
 * 0.375 em wide, wider than its word space: « Titre » in a heading would gape. Later @font-face
 * rules win for the characters they cover (CSS Fonts 4 §4.5), so the semibold faces take that one
 * glyph from the regular files, whose thin space is 0.1 em.
 */
function thinSpaceCss(fonts: BookFonts, characters: ReadonlySet<number>): string {
  const rules: string[] = [];
  const boldWeight = fonts.faces.find((face) => face.role === 'bold')?.weight ?? 600;
  for (const face of fonts.faces) {
    if (face.weight !== 400 || (face.unicodeRange !== undefined && !/U\+2000-206F/i.test(face.unicodeRange)) || !faceMayDraw(face, characters)) continue;
    rules.push(fontFaceRule({ ...face, weight: boldWeight }, `fonts/${installedName(fonts, face)}`, 'U+2009'));
  }
  return `/* Thin spaces of the regular faces in semibold text (see scripts/output/pdf/index.ts). */\n${rules.join('\n')}\n`;
}

/** First page index of each division. */
function firstPages(pages: RenderedPage[]): Map<string, number> {
  const first = new Map<string, number>();
  pages.forEach((page, i) => {
    if (page.section && !first.has(page.section)) first.set(page.section, i);
  });
  return first;
}

/** The PDF's bookmarks: the table of contents, then the book's outline, then the index of names. */
function outlineOf(book: Book, pages: RenderedPage[], hasIndex: boolean): OutlineItem[] {
  const first = firstPages(pages);
  const { labels } = book;
  const items: OutlineItem[] = [];
  const toc = first.get('toc');
  if (toc !== undefined) items.push({ title: labels.contents, pageIndex: toc });
  const itemOf = (index: number): OutlineItem[] => {
    const chapter = book.chapters[index];
    const pageIndex = first.get(chapter.id);
    return pageIndex === undefined ? [] : [{ title: chapter.title, pageIndex }];
  };
  for (const line of book.outline) {
    if (line.type === 'chapter') {
      items.push(...itemOf(line.chapter));
      continue;
    }
    const children = line.chapters.flatMap(itemOf);
    if (children.length === 0) continue;
    items.push({ title: `${labels.print.partLabel(line.part + 1)} — ${line.title}`, pageIndex: first.get(line.id) ?? children[0].pageIndex, children });
  }
  const index = first.get('index-of-names');
  if (hasIndex && index !== undefined) items.push({ title: labels.print.indexOfNames, pageIndex: index });
  return items;
}

/** The page map for the EPUB: a blank page belongs where the next page begins. */
export function printPagesOf(pages: RenderedPage[]): PrintPage[] {
  const result: PrintPage[] = new Array(pages.length);
  let next: { chapterId: string; blockId: string } = { chapterId: '', blockId: '' };
  for (let i = pages.length - 1; i >= 0; i--) {
    const page = pages[i];
    const here = page.blank || (!page.section && !page.blockId) ? next : { chapterId: page.section, blockId: page.blockId };
    result[i] = { label: page.label, ...here };
    next = here;
  }
  return result;
}

/** The preflight's kinds of problem (browser/render.ts, preflight()), reported under `print-` ids. */
const preflightKinds = new Set<LayoutProblem['kind']>(['image-resolution-low', 'image-resolution-too-low', 'text-too-small', 'line-too-thin', 'margin-too-small']);

/** Layout problems become build messages at the place in the manuscript of the block concerned. */
function reportProblems(book: Book, document: Pick<PrintDocument, 'blocks'>, render: PartsResult, pdfFile: VFile): void {
  // Text too small outside the blocks (the margin boxes) is found by every part: said once.
  const said = new Set<string>();
  for (const problem of render.problems) {
    if (problem.kind === 'text-too-small') {
      const key = `${problem.block}|${/set at ([\d.]+) pt/.exec(problem.message)?.[1]}`;
      if (said.has(key)) continue;
      said.add(key);
    }
    const source = document.blocks.get(problem.block);
    const file = source?.chapter.file ?? pdfFile;
    if (problem.kind === 'margin-too-small' && !source) {
      // The page margins and running heads are the same in every part: said once.
      if (said.has(problem.message)) continue;
      said.add(problem.message);
      reportMarginProblem(book, problem, pdfFile);
      continue;
    }
    if (preflightKinds.has(problem.kind)) {
      report(file, `print-${problem.kind as 'image-resolution-low' | 'image-resolution-too-low' | 'text-too-small' | 'line-too-thin' | 'margin-too-small'}`, problem.message, source?.position);
      continue;
    }
    report(file, `pdf-${problem.kind as 'footnote-lost' | 'footnote-doubled' | 'footnote-page' | 'orphan' | 'widow' | 'heading-at-foot'}`, `${problem.message} of the PDF; rewrite or move text near it, or report the layout bug`, source?.position);
  }
  for (const error of render.browser.errors) {
    report(pdfFile, 'pdf-browser-error', `The browser reported an error while laying out the PDF: ${error}`);
  }
  for (const request of render.browser.failedRequests) {
    report(pdfFile, 'pdf-request-failed', `The print document asked for ${request}; it was refused`);
  }
}

export async function writePdfEdition(book: Book, dir: string, options: PdfOptions = {}): Promise<PdfEdition> {
  const trim = trimOf(book);
  const settings: PrintSettings = printSettings(book, trim);
  // Read and validated when the book was loaded (scripts/manuscript/names.ts).
  const registry = book.names;
  if (book.meta.config.names && !registry) {
    throw new BuildError('The names registry cannot be read; correct it to build the index of names.', book.files.filter((f) => f.messages.some((m) => m.fatal)));
  }

  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(path.join(dir, '.print-'));
  const started = performance.now();
  let cover: Promise<CoverFiles> | undefined;
  try {
    const extra = (options.stylesheets ?? []).map((file, i) => ({ file, name: `extra-${i + 1}.css` }));
    // book.yaml's print.margins, after the print design's (print/margins.ts).
    const margins = marginsCss(book);
    const stylesheets = ['fonts.css', 'page.css', 'print.css', ...(margins ? ['margins.css'] : []), ...extra.map(({ name }) => name)];
    // The print design and the extra stylesheets, read once: copied as they are, and their text
    // counted with the book's characters (their `content`) below.
    const design = await Promise.all([{ file: path.join(printTemplateDir, 'print.css'), name: 'print.css' }, ...extra].map(async ({ file, name }) => ({ name, bytes: await readFile(file) })));
    const pageCss = pageSizeCss(trim, settings.bleed);
    if (margins) await writeFile(path.join(work, 'margins.css'), margins);
    for (const { name, bytes } of design) await writeFile(path.join(work, name), bytes);
    await writeFile(path.join(work, 'page.css'), pageCss);
    await writeFile(path.join(work, 'render.js'), await browserScript());
    const jobs = defaultJobs();
    // The print document's trees are let go once its parts are written: the build holds them no
    // longer while Chromium lays the parts out (about 50 MB at 300k words, and twice that of heap
    // its garbage collector then leaves room for).
    const { document, split } = await (async () => {
      const whole = buildPrintDocument(book, { persons: registry?.persons, stylesheets, script: 'render.js' });
      // Only the faces that may draw a character of the book: Paged.js loads every face of the
      // stylesheets before it lays a part out (EB Garamond's 28 files, 7 alphabets, in each part).
      const characters = documentCharacters(whole.tree, [...design.map(({ bytes }) => bytes.toString('utf8')), pageCss, margins ?? '']);
      const fonts = bookFonts(book);
      await writeFile(path.join(work, 'fonts.css'), `${await installFonts(fonts, path.join(work, 'fonts'), 'fonts/', characters)}${thinSpaceCss(fonts, characters)}`);
      // The book in parts laid out at once (parts.ts, "Parallel layout" in docs/pdf.md); the whole
      // document is kept only to be inspected (keepPrintHtml): render.js lays it out on its own too.
      const cut = splitPrintDocument(whole.tree, jobs);
      const parts = cut.parts.map(({ tree, ...part }, k) => ({ ...part, file: `part-${k + 1}.html` }));
      for (const [k, part] of cut.parts.entries()) await writeFile(path.join(work, parts[k].file), serializeHtml(part.tree));
      if (options.keepPrintHtml) await writeFile(path.join(work, 'print.html'), serializeHtml(whole.tree));
      return {
        document: { blocks: whole.blocks, indexEntries: whole.indexEntries },
        split: { parts, wanted: cut.wanted },
      };
    })();
    const documentDone = performance.now();

    const pdfFile = new VFile({ path: PDF_FILES.print });
    // The printer's preflight belongs to the printer's files: proofs and the benchmark go without.
    if (options.printProduction) await checkFontLicences(pdfFile, bookFonts(book));
    // Each part's PDF read by pdf-lib as soon as it is printed, while the other parts are laid out
    // and printed, rather than one after another once all are (join.ts): the 20k- and 100k-word
    // books' parts, 1.7 and 7.5 MB of PDF, several times that in memory. Not in a long book
    // (`longBook`: the 300k-word book, 22 MB of parts), whose build is at its peak of memory while
    // its last parts are laid out: its parts are read by the join, one after another, as before.
    const readAhead = new Map<number, Promise<PDFDocument>>();
    let partsReadAhead = 0;
    const onPrinted = longBook(split.parts) ? undefined : (k: number, file: string) => {
      partsReadAhead++;
      const doc = readFile(file).then(loadPdf);
      doc.catch(() => undefined);
      readAhead.set(k, doc);
    };
    const readAlready = (k: number) => {
      const doc = readAhead.get(k);
      readAhead.delete(k);
      return doc;
    };
    const render = await renderParts({
      parts: split.parts,
      wanted: split.wanted,
      jobs,
      preflight: options.printProduction ? { minTextPt: settings.minTextPt, minLinePt: settings.minLinePt, margins: marginLimits(settings.preset) } : undefined,
      workDir: work,
      assetsDir: book.root,
      pdfDir: options.layoutOnly ? undefined : work,
      timeoutMs: options.timeoutMs,
      onProgress: options.onProgress,
      onPrinted,
    });
    const browserDone = performance.now();
    reportProblems(book, document, render, pdfFile);
    // The printer's preflight decides before any file is written (a draft goes on, and says so).
    if (options.printProduction) preflightVerdict(book, pdfFile, { draft: options.draft ?? false });

    let production: PrintProduction | undefined;
    let blankPagesAdded = 0;
    let postprocessDone = performance.now();
    if (!options.layoutOnly) {
      const { meta, typeset } = book;
      const date = options.date ?? (await bookDate(book));
      // The cover needs only the page count (its spine): printed while the parts are joined and
      // post-processed. Its failure waits for its turn below (and the work folder for it).
      const coverFor = (pages: number) => {
        const task = writeCoverFiles(book, dir, { settings, pages, date, workDir: work });
        task.catch(() => undefined);
        return task;
      };
      const coverPages = render.pages.length + (render.pages.length % 2 === 1 ? 1 : 0);
      cover = options.printProduction ? coverFor(coverPages) : undefined;
      const processed = await postprocessPdf(await joinParts(render.parts, render.blanks, new Set(render.pages.flatMap((page, i) => (page.blank && !render.blanks.includes(i) ? [i] : []))), readAlready), {
        bleed: settings.bleed * MM,
        evenPages: options.printProduction ?? false,
        keepPrint: options.printProduction ?? false,
        metadata: {
          title: typeset.title,
          subtitle: typeset.subtitle || undefined,
          authors: meta.authors.length ? meta.authors : meta.editors,
          language: meta.language,
        },
        outline: outlineOf(book, render.pages, document.indexEntries > 0),
        links: render.links,
        date,
        files: {
          print: path.join(dir, PDF_FILES.print),
          screen: path.join(dir, PDF_FILES.screen),
          crop: path.join(dir, PDF_FILES.crop),
        },
      });
      blankPagesAdded = processed.blankPagesAdded;
      if (blankPagesAdded > 0) {
        report(pdfFile, 'print-page-count-odd', `The book has ${render.pages.length} pages, an odd number: ${blankPagesAdded} blank page added at the end of the PDFs (${processed.pages} pages), as printers bind whole leaves`);
        // The count the progress line ends on is the PDF's.
        options.onProgress?.({ stage: 'pages', pages: processed.pages });
      }
      postprocessDone = performance.now();
      if (cover && processed.pages !== coverPages) {
        await cover.catch(() => undefined);
        cover = coverFor(processed.pages);
      }
      if (options.printProduction && cover && processed.print) production = await writePrintProduction(book, dir, { settings, pages: processed.pages, blankPagesAdded, date, workDir: work, interior: processed.print, cover, jobs });
    }
    const productionDone = performance.now();
    if (options.keepPrintHtml) {
      await rm(path.join(dir, 'print'), { recursive: true, force: true });
      await cp(work, path.join(dir, 'print'), { recursive: true });
    }
    const printPages = printPagesOf(render.pages);
    // A blank page added at the end belongs where the last page does.
    for (let i = 0; i < blankPagesAdded; i++) {
      const last = printPages[printPages.length - 1];
      printPages.push({ ...last, label: /^\d+$/.test(last.label) ? String(Number(last.label) + 1) : last.label });
    }
    return {
      files: options.layoutOnly ? [] : [...Object.values(PDF_FILES), ...(production?.files ?? [])],
      pages: render.pages.length + blankPagesAdded,
      printPages,
      messages: pdfFile.messages.length ? [pdfFile] : [],
      notes: render.notes,
      timings: {
        documentMs: Math.round(documentDone - started),
        browserMs: Math.round(browserDone - documentDone),
        layoutMs: render.layoutMs,
        printMs: render.printMs,
        postprocessMs: Math.round(postprocessDone - browserDone),
        productionMs: Math.round(productionDone - postprocessDone),
      },
      partsReadAhead,
      render,
      print: production,
    };
  } finally {
    // A cover still printing when something failed writes into the work folder: it stops first.
    await cover?.catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}
