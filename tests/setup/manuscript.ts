/**
 * Global setup: the shipped manuscript built once, as a draft, in every format (the EPUB then has
 * the PDF's page list), into a temporary folder removed when the run ends. The tests that read its
 * editions (`readers` below) take it with `inject('manuscriptBuild')` instead of building it each.
 * Only plain data crosses to the test workers: the folder, the outputs, and what the tests read of
 * the compiled book.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Root as HastRoot } from 'hast';
import type { TestProject } from 'vitest/node';
import { build } from '../../scripts/build.ts';
import type { PrintPage } from '../../scripts/model/index.ts';

export interface ManuscriptBuild {
  /**
   * The output folder: html/, book.epub, book.pdf, book-crop.pdf, book-screen.pdf, and the printer's
   * files: book-pdfx.pdf, book-cover.pdf, book-cover-pdfx.pdf, print-specs.json, print-specs.txt.
   */
  out: string;
  outputs: Array<{ format: string; path: string }>;
  /** The compiled chapters, in book order. */
  chapters: Array<{ id: string; title: string; hast: HastRoot }>;
  /** The PDF's page map, which the EPUB of the same build reads. */
  printPages: PrintPage[];
  /** The build messages of the PDF writer (layout problems, browser errors), as text. */
  pdfMessages: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    manuscriptBuild: ManuscriptBuild;
  }
}

/** The test files that read the build: a run without any of them does not make it. */
const readers = ['tests/epub.test.ts', 'tests/html-edition.test.ts', 'tests/pdf.test.ts', 'tests/epub-page-list.test.ts', 'tests/fonts-manuscript.test.ts', 'tests/print.test.ts'];

let out: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  const running = (project.vitest as { state?: { getPaths?: () => string[] } }).state?.getPaths?.();
  if (running && !running.some((file) => readers.some((reader) => file.endsWith(reader)))) return;
  out = await mkdtemp(path.join(os.tmpdir(), 'book-manuscript-'));
  const manuscript = path.resolve(import.meta.dirname, '..', '..', 'manuscript');
  const result = await build({ manuscript, out, draft: true });
  const { book } = result;
  const shared: ManuscriptBuild = {
    out,
    outputs: result.outputs.map(({ format, path }) => ({ format, path })),
    chapters: book.chapters.map(({ id, title, hast }) => ({ id, title, hast })),
    printPages: result.printPages ?? [],
    pdfMessages: book.files.flatMap((f) => f.messages.filter((m) => m.source === 'pdf').map(String)),
  };
  // Plain JSON, as the workers receive it.
  project.provide('manuscriptBuild', JSON.parse(JSON.stringify(shared)) as ManuscriptBuild);
}

export async function teardown(): Promise<void> {
  if (out) await rm(out, { recursive: true, force: true });
  // The Ace reports the test workers (this process's children) kept for the run (tests/support/epub-checkers.ts).
  await rm(path.join(os.tmpdir(), `book-tests-ace-${process.pid}`), { recursive: true, force: true });
}
