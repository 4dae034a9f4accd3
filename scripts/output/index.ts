/**
 * One module per edition, each a folder: html/, pdf/, epub/. Each writer gets the compiled book
 * (which it reads, never changes) and a staging folder and returns the names of what it wrote there
 * (a file or a folder), which `build()` then moves into place.
 */
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Book, PrintPage } from '../model/index.ts';
import { writeHtmlEdition } from './html/index.ts';
// The PDF and EPUB writers (Chromium, pdf-lib, fonts) are loaded when their edition is built, so
// that `book check` and an HTML build do not pay for them at start-up.

export interface WriteOptions {
  draft: boolean;
  /** The book's date (scripts/output/book-date.ts), for the editions that carry one; computed once, when first asked. */
  date?: () => Promise<Date>;
  /** Time limit of the PDF layout, in seconds. */
  pdfTimeout?: number;
  /** The page map of the PDF built in the same run, for the EPUB's page list (`build()` passes it on). */
  printPages?: PrintPage[];
  /** Told the number of pages laid out so far, every second or so, while a paged edition (the PDF) is laid out. */
  onPages?: (pages: number) => void;
}

export interface WrittenEdition {
  /** The names of what it wrote in the staging folder. */
  names: string[];
  /** The print edition's page map (the PDF writer alone returns one). */
  printPages?: PrintPage[];
  /** Files of the edition's own messages (the PDF's layout), which `build()` adds to the book's. */
  messages?: VFile[];
}

export interface EditionWriter {
  /** What the edition is, for `--help` and the summary. */
  description: string;
  /** The names it may write in the output folder, claimed before any work (scripts/output/ownership.ts). */
  outputs: string[];
  write(book: Book, staging: string, options: WriteOptions): Promise<WrittenEdition>;
  /**
   * Started by `build()` before the book is compiled: work that depends on the toolchain alone (a
   * script bundled by esbuild, in a process of its own), which then runs on the other core while
   * the compile keeps this one. It only starts memoized work that `write` asks for again; a failure
   * is reported there, by `write`, never here.
   */
  prepare?(): void;
}

export type Format = 'html' | 'pdf' | 'epub';

export const formats: Record<Format, EditionWriter> = {
  html: {
    description: 'HTML edition: build/html/index.html and one page per chapter',
    outputs: ['html'],
    prepare() {
      void import('./html/search/index.ts').then(({ searchScript }) => searchScript()).catch(() => undefined);
    },
    async write(book, staging) {
      await writeHtmlEdition(book, path.join(staging, 'html'));
      return { names: ['html'] };
    },
  },
  pdf: {
    description: 'Print edition: build/book.pdf (bleed), build/book-crop.pdf (crop marks), build/book-screen.pdf; for the printer build/book-pdfx.pdf, build/book-cover.pdf (and its PDF/X), build/print-specs.json and .txt',
    outputs: ['book.pdf', 'book-crop.pdf', 'book-screen.pdf', 'book-pdfx.pdf', 'book-cover.pdf', 'book-cover-pdfx.pdf', 'print-specs.json', 'print-specs.txt'],
    prepare() {
      void import('./pdf/browser/index.ts').then(({ browserScript }) => browserScript()).catch(() => undefined);
    },
    async write(book, staging, { pdfTimeout, date, draft, onPages }) {
      const { writePdfEdition } = await import('./pdf/index.ts');
      const edition = await writePdfEdition(book, staging, {
        timeoutMs: pdfTimeout === undefined ? undefined : pdfTimeout * 1000,
        date: await date?.(),
        draft,
        printProduction: true,
        onProgress: onPages && ((event) => event.pages !== undefined && event.stage === 'pages' && onPages(event.pages)),
      });
      return { names: edition.files, printPages: edition.printPages, messages: edition.messages };
    },
  },
  epub: {
    description: 'EPUB 3 edition: build/book.epub',
    outputs: ['book.epub'],
    async write(book, staging, { date, printPages }) {
      const { epubFileName, writeEpub } = await import('./epub/index.ts');
      await writeEpub(book, path.join(staging, epubFileName), path.join(staging, '.epub-work'), { date: await date?.(), printPages });
      return { names: [epubFileName] };
    },
  },
};

export function isFormat(name: string): name is Format {
  return Object.hasOwn(formats, name);
}
