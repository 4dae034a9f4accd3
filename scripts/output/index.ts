/**
 * One module per edition. Each writer gets the compiled book and a staging folder and returns the
 * name of what it wrote there (a file or a folder), which `build()` then moves into place.
 */
import path from 'node:path';
import type { Book } from '../model.ts';
import { writeHtmlEdition } from './html.ts';

export interface WriteOptions {
  draft: boolean;
}

export interface EditionWriter {
  /** What the edition is, for `--help` and the summary. */
  description: string;
  write(book: Book, staging: string, options: WriteOptions): Promise<string>;
}

export type Format = 'html';

export const formats: Record<Format, EditionWriter> = {
  html: {
    description: 'HTML edition: build/html/index.html and one page per chapter',
    async write(book, staging) {
      await writeHtmlEdition(book, path.join(staging, 'html'));
      return 'html';
    },
  },
};

export function isFormat(name: string): name is Format {
  return Object.hasOwn(formats, name);
}
