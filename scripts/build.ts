/**
 * `build()`: the library function behind `book build`. Stages in order: claim the outputs in the
 * output folder (scripts/output/ownership.ts: only what the tool wrote may be replaced; refused
 * before any work otherwise) → compile the manuscript into the document model → check it → write
 * each requested edition into a staging folder → move the finished outputs into place. A failure
 * at any stage leaves the previous outputs untouched.
 */
import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { compileBook } from './compile.ts';
import { checkBook, type Diagnostic } from './check/index.ts';
import { CheckCache } from './check-cache.ts';
import { useCache } from './cache.ts';
import { BuildError } from './errors.ts';
import { nestingCut } from './markdown/nesting.ts';
import type { Book, PrintPage } from './model/index.ts';
import type { Format, WriteOptions } from './output/index.ts';
import { bookDate, sourceDateEpoch } from './output/book-date.ts';
import { checkOutputPlace, claimOutputs } from './output/ownership.ts';
import type { SeveritySetting } from './config/book-schema.ts';

export interface BuildOptions {
  /** Manuscript folder (default `manuscript`), or a single Markdown file. */
  manuscript?: string;
  /** Markdown files to build instead of a folder (no book.yaml). */
  files?: string[];
  /** Output folder (default `build`). */
  out?: string;
  /** Editions to build (default: all). */
  formats?: Format[];
  /** Build even when the checks report errors, and show editorial markers. */
  draft?: boolean;
  bibliography?: string[];
  csl?: string;
  locale?: string;
  /** Time limit of the PDF layout, in seconds (default: BOOK_PDF_TIMEOUT, or 20 minutes). */
  pdfTimeout?: number;
  /** Called as each stage starts and ends, for progress display. */
  onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { type: 'start'; stage: string }
  /** Work done so far inside a long stage: the PDF's pages laid out. */
  | { type: 'progress'; stage: string; pages: number }
  | { type: 'end'; stage: string; ms: number };

export interface BuildOutput {
  format: Format;
  /** Path of the file or folder written. */
  path: string;
  bytes: number;
  ms: number;
}

export interface BuildResult {
  book: Book;
  outputs: BuildOutput[];
  /** The PDF's page map, when the PDF was built: each page's folio and the block it begins with. */
  printPages?: PrintPage[];
  diagnostics: Diagnostic[];
  ms: number;
}

async function sizeOf(target: string): Promise<number> {
  const info = await stat(target);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(target)) total += await sizeOf(path.join(target, entry));
  return total;
}

async function timed<T>(stage: string, options: BuildOptions, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  options.onProgress?.({ type: 'start', stage });
  const started = performance.now();
  const value = await work();
  const ms = Math.round(performance.now() - started);
  options.onProgress?.({ type: 'end', stage, ms });
  return { value, ms };
}

/**
 * Compile and check, without writing anything. `renderCitations: false` (what `book check` uses)
 * skips formatting citations with citeproc: the citation checks read the keys and the entries,
 * not the formatted text, so the messages are the same, in a fraction of the time.
 */
export async function compileAndCheck(
  options: BuildOptions,
  { renderCitations = true }: { renderCitations?: boolean } = {},
): Promise<{ book: Book; diagnostics: Diagnostic[] }> {
  const draft = options.draft ?? false;
  const { value: book } = await timed('compile', options, () =>
    compileBook({
      manuscript: options.manuscript ?? 'manuscript',
      files: options.files,
      bibliography: options.bibliography,
      csl: options.csl,
      locale: options.locale,
      showTodos: draft ? true : undefined,
      renderCitations,
    }),
  );
  const extra: Record<string, SeveritySetting> = {};
  if (!draft && book.meta.config.todo === 'refuse') extra['todo-marker'] = 'error';
  const { value: diagnostics } = await timed('check', options, async () => {
    // A warm build takes the unchanged chapters' messages from the cache (scripts/check-cache.ts).
    const memo = useCache() ? await CheckCache.open(book) : undefined;
    const found = checkBook(book, { overrides: extra, memo });
    await memo?.close();
    return found;
  });
  return { book, diagnostics };
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  // The writers are loaded by a build, not by `book check` (docs/startup.md).
  const { formats, isFormat } = await import('./output/index.ts');
  const known = Object.keys(formats) as Format[];
  for (const format of options.formats ?? []) {
    if (!isFormat(format)) throw new BuildError(`Unknown format \`${String(format)}\`; choose among ${known.join(', ')}`);
  }
  // Each edition reads the book and changes nothing in it, so their order does not matter, with one
  // exception: the EPUB takes its page list from the PDF's page map, so it comes after the PDF
  // when both are asked (the sort is stable: the others keep their order).
  const requested = known.filter((format) => (options.formats ?? known).includes(format));
  requested.sort((a, b) => Number(a === 'epub') - Number(b === 'epub'));
  sourceDateEpoch(); // a malformed SOURCE_DATE_EPOCH is refused before any work
  const out = path.resolve(options.out ?? 'build');
  await checkOutputPlace(out, options.files?.length ? options.files : [options.manuscript ?? 'manuscript']);
  const folder = await claimOutputs(out, requested.flatMap((format) => formats[format].outputs));
  // What the editions need from the toolchain alone starts now, beside the compile (EditionWriter.prepare).
  for (const format of requested) formats[format].prepare?.();
  const { book, diagnostics } = await compileAndCheck(options);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 && !options.draft) {
    throw new BuildError(
      `The manuscript has ${errors.length} error${errors.length > 1 ? 's' : ''}; correct ${errors.length > 1 ? 'them' : 'it'}, or build a draft with --draft`,
      book.files,
    );
  }
  // A chapter nested too deep was read only in part (scripts/markdown/nesting.ts): not even a draft of it.
  const tooDeep = book.chapters.filter((chapter) => nestingCut(chapter.file)).map((chapter) => path.relative(book.root, chapter.source.path));
  if (tooDeep.length > 0) {
    throw new BuildError(`${tooDeep.join(', ')}: nested too deep to be built, even as a draft (nesting-too-deep); flatten ${tooDeep.length > 1 ? 'them' : 'it'}`, book.files);
  }

  // One date for every edition that carries one, computed when first asked (not for HTML alone).
  let date: Promise<Date> | undefined;
  const writeOptions: WriteOptions = { draft: options.draft ?? false, pdfTimeout: options.pdfTimeout, date: () => (date ??= bookDate(book, { exclude: [out] })) };
  const staging = await folder.stage();
  const outputs: BuildOutput[] = [];
  // The editions that use a browser (the PDF's layout and printed cover, the EPUB's cover) share
  // one, closed once they are written (scripts/browser.ts); an HTML build does not load it.
  const oneBrowser = requested.some((format) => format !== 'html') ? (await import('./browser.ts')).withSharedBrowser : <T>(work: () => Promise<T>) => work();
  try {
    const staged: Array<{ format: Format; name: string; ms: number }> = [];
    await oneBrowser(async () => {
      for (const format of requested) {
        const writer = formats[format];
        const onPages = (pages: number) => options.onProgress?.({ type: 'progress', stage: format, pages });
        const { value: written, ms } = await timed(format, options, () => writer.write(book, staging, { ...writeOptions, onPages }));
        // The PDF's page map goes to the editions written after it (the EPUB).
        if (written.printPages) writeOptions.printPages = written.printPages;
        for (const file of written.messages ?? []) if (!book.files.includes(file)) book.files.push(file);
        for (const name of written.names) {
          if (!writer.outputs.includes(name)) throw new Error(`The ${format} writer wrote \`${name}\`, which it does not declare in its outputs`);
          staged.push({ format, name, ms });
        }
      }
    });
    // Every edition is ready: only now replace the previous ones.
    await folder.install(staging, staged.map(({ name }) => name));
    for (const { format, name, ms } of staged) {
      const target = path.join(out, name);
      outputs.push({ format, path: target, bytes: await sizeOf(target), ms });
    }
  } finally {
    await folder.discard(staging);
  }
  return { book, outputs, printPages: writeOptions.printPages, diagnostics, ms: Math.round(performance.now() - started) };
}
