/**
 * One module per edition. Each writer gets the compiled book and a staging folder and returns the
 * name of what it wrote there (a file or a folder), which `build()` then moves into place.
 */
import path from 'node:path';
import type { Book } from '../model.ts';
import { writeHtmlEdition } from './html.ts';
// The PDF and EPUB writers (Chromium, pdf-lib, fonts) are loaded when their edition is built, so
// that `book check` and an HTML build do not pay for them at start-up.

export interface WriteOptions {
  draft: boolean;
  /** The book's date (scripts/output/book-date.ts), for the editions that carry one; computed once, when first asked. */
  date?: () => Promise<Date>;
  /** Time limit of the PDF layout, in seconds. */
  pdfTimeout?: number;
}

export interface EditionWriter {
  /** What the edition is, for `--help` and the summary. */
  description: string;
  /** The names it may write in the output folder, claimed before any work (scripts/output/ownership.ts). */
  outputs: string[];
  /** Returns the name of what it wrote, or the names when it writes several files (the PDFs). */
  write(book: Book, staging: string, options: WriteOptions): Promise<string | string[]>;
}

export type Format = 'html' | 'pdf' | 'epub';

export const formats: Record<Format, EditionWriter> = {
  html: {
    description: 'HTML edition: build/html/index.html and one page per chapter',
    outputs: ['html'],
    async write(book, staging) {
      await writeHtmlEdition(book, path.join(staging, 'html'));
      return 'html';
    },
  },
  pdf: {
    description: 'Print edition: build/book.pdf (3 mm bleed), build/book-crop.pdf (crop marks), build/book-screen.pdf',
    outputs: ['book.pdf', 'book-crop.pdf', 'book-screen.pdf'],
    async write(book, staging, { pdfTimeout, date }) {
      const { writePdfEdition } = await import('./pdf/index.ts');
      return (await writePdfEdition(book, staging, { timeoutMs: pdfTimeout === undefined ? undefined : pdfTimeout * 1000, date: await date?.() })).files;
    },
  },
  // After the PDF (registry order is build order): it reads the PDF's page map, book.printPages.
  epub: {
    description: 'EPUB 3 edition: build/book.epub',
    outputs: ['book.epub'],
    async write(book, staging, { date }) {
      const { epubFileName, writeEpub } = await import('./epub/index.ts');
      await writeEpub(book, path.join(staging, epubFileName), path.join(staging, '.epub-work'), { date: await date?.() });
      return epubFileName;
    },
  },
};

export function isFormat(name: string): name is Format {
  return Object.hasOwn(formats, name);
}
