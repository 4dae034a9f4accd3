/**
 * `book`: a thin command line over `build()` and `checkBook()`.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { constants } from 'node:os';
import { reporter } from 'vfile-reporter';
import type { VFile } from 'vfile';
import { build, compileAndCheck, type ProgressEvent } from './build.ts';
import { BuildError, UsageError } from './errors.ts';
import { checkOutputPlace, interruption } from './output/ownership.ts';
import { diagnosticsOf } from './check/index.ts';
import { catalogue } from './check/catalogue.ts';
import { formats, isFormat, type Format } from './output/index.ts';
import { resolveManuscript, describeChanges } from './critic/index.ts';
import { diffRevisions, describeDiff } from './diff/index.ts';
import { startPreview } from './preview/index.ts';

const help = `book — builds the book from its Markdown manuscript

Usage:
  book build [--manuscript DIR] [--out DIR] [--format html,epub,pdf] [--draft]
  book check [DIR | FILE.md ...] [--reporter human|json]
  book check --rules
  book proof [--manuscript DIR] [--out DIR]
  book accept|reject [DIR | FILE.md ...]
  book diff REV1 [REV2] [--manuscript DIR] [--out DIR]
  book preview [--manuscript DIR] [--out DIR] [--port N]
  book --help

Commands:
  build    Check the manuscript, then write the editions into the output folder.
           A failed build exits 1 and leaves the previous editions untouched.
  check    Run the footnote, citation, source and structure checks. Exit 1 on any error.
  proof    Proofs of the draft in build/proof/: HTML pages and book-proof.pdf with paragraph
           numbers, the check messages in the margin, corrections and editorial markers shown.
  accept   Apply every CriticMarkup correction ({++ ++}, {-- --}, {~~ ~> ~~}) in the files,
  reject   or discard them; highlights and comments go either way. Lists each change.
  diff     Word-level differences of the rendered text between two git revisions (REV2 left
           out: the working tree), as HTML pages in build/diff/.
  preview  Serve the draft's HTML edition on 127.0.0.1, rebuilt chapter by chapter as you
           save, open pages updated in place. Ctrl-C stops it.

Options:
  -m, --manuscript DIR   Manuscript folder (default: manuscript). Without a book.yaml, every
                         Markdown file of the folder builds, in name order.
  -o, --out DIR          Output folder (default: build).
  -p, --port N           With preview: the port on 127.0.0.1 (default 4000; 0 picks a free one).
  -f, --format LIST      Editions to build, comma-separated (default: all): ${Object.keys(formats).join(', ')}.
      --draft            Build even when the checks report errors; show editorial markers.
      --reporter NAME    Messages as human text (default) or as a JSON array (json).
      --bibliography F   Bibliography file (CSL-JSON or BibTeX) for a folder without book.yaml;
                         may be repeated.
      --csl FILE         CSL style for a folder without book.yaml.
      --locale LANG      Locale for a folder without book.yaml (e.g. fr-FR).
      --pdf-timeout S    Time limit of the PDF layout in seconds (default 1200, or BOOK_PDF_TIMEOUT).
      --rules            With check: list the rule ids and their default severity.
  -q, --quiet            Only errors and warnings, no progress.
  -h, --help             This help.

Output folder: a command replaces only what the tool wrote there (listed in book-manifest.json);
anything else at a name it needs is refused, as are /, your home folder and the manuscript.
Exit codes: 0 done; 1 errors in the manuscript; 2 a command that cannot run as given; 70 an
internal error (BOOK_DEBUG=1 shows its trace).

Also: npm run build, npm run check, npm test. The same build() is importable from scripts/index.ts.
`;

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Stage progress: an updating line on a terminal, plain lines otherwise (CI logs). */
function progressPrinter(io: Io, quiet: boolean) {
  const tty = io.stderr.isTTY === true;
  return (event: ProgressEvent) => {
    if (quiet) return;
    if (event.type === 'start') {
      if (tty) io.stderr.write(`\r\x1b[K… ${event.stage}`);
      else io.stderr.write(`book: ${event.stage}…\n`);
    } else {
      const line = `✓ ${event.stage} (${formatMs(event.ms)})`;
      io.stderr.write(tty ? `\r\x1b[K${line}\n` : `book: ${line}\n`);
    }
  };
}

/** Show paths relative to the working folder, as editors type them. */
function relativise(files: VFile[]): VFile[] {
  for (const file of files) {
    if (file.path && path.isAbsolute(file.path)) file.history = [path.relative(process.cwd(), file.path) || file.path];
  }
  return files;
}

function printMessages(files: VFile[], io: Io, reporterName: string, quiet: boolean): void {
  relativise(files);
  if (reporterName === 'json') {
    io.stdout.write(`${JSON.stringify(diagnosticsOf(files), null, 2)}\n`);
    return;
  }
  // Quiet: errors and warnings only (infos such as editorial markers are left out).
  if (quiet) for (const file of files) file.messages = file.messages.filter((m) => m.fatal === true || m.fatal === false);
  const withMessages = files.filter((file) => file.messages.length > 0);
  if (withMessages.length === 0) return;
  const text = reporter(withMessages, { quiet: true, color: io.stderr.isTTY === true });
  if (text) io.stderr.write(`${text}\n`);
}

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        manuscript: { type: 'string', short: 'm' },
        out: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f' },
        draft: { type: 'boolean' },
        reporter: { type: 'string' },
        bibliography: { type: 'string', multiple: true },
        csl: { type: 'string' },
        locale: { type: 'string' },
        'pdf-timeout': { type: 'string' },
        rules: { type: 'boolean' },
        port: { type: 'string', short: 'p' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr.write(`book: ${(error as Error).message}\nRun \`book --help\` for the options.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    io.stdout.write(help);
    return command || values.help ? 0 : 2;
  }
  const reporterName = values.reporter ?? 'human';
  if (reporterName !== 'human' && reporterName !== 'json') {
    io.stderr.write(`book: unknown reporter \`${reporterName}\`; use human or json\n`);
    return 2;
  }
  const quiet = values.quiet ?? false;
  const pdfTimeout = values['pdf-timeout'] === undefined ? undefined : Number(values['pdf-timeout']);
  if (pdfTimeout !== undefined && !(pdfTimeout > 0)) {
    io.stderr.write(`book: --pdf-timeout takes a number of seconds greater than 0, not \`${values['pdf-timeout']}\`\n`);
    return 2;
  }
  const isDir = (p: string) => !/\.(md|markdown)$/i.test(p);
  const common = {
    manuscript: values.manuscript ?? rest.find(isDir) ?? 'manuscript',
    files: rest.filter((p) => !isDir(p)),
    bibliography: values.bibliography,
    csl: values.csl,
    locale: values.locale,
    draft: values.draft ?? false,
    pdfTimeout,
    onProgress: progressPrinter(io, quiet || reporterName === 'json'),
  };

  try {
    if (command === 'check') {
      if (values.rules) {
        for (const [id, info] of Object.entries(catalogue)) io.stdout.write(`${id.padEnd(34)} ${info.severity.padEnd(8)} ${info.description}\n`);
        return 0;
      }
      const { book, diagnostics } = await compileAndCheck({ ...common, onProgress: undefined }, { renderCitations: false });
      printMessages(book.files, io, reporterName, quiet);
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      if (reporterName === 'human' && !quiet) {
        const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
        const infos = diagnostics.length - errors - warnings;
        io.stderr.write(`book check: ${book.chapters.length} chapters, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info\n`);
      }
      return errors > 0 ? 1 : 0;
    }
    if (command === 'build') {
      const requested = values.format?.split(',').map((f) => f.trim()).filter(Boolean);
      const unknown = requested?.filter((f) => !isFormat(f));
      if (unknown?.length) {
        io.stderr.write(`book: unknown format ${unknown.map((f) => `\`${f}\``).join(', ')}; choose among ${Object.keys(formats).join(', ')}\n`);
        return 2;
      }
      const result = await build({ ...common, out: values.out, formats: requested as Format[] | undefined });
      printMessages(result.book.files, io, reporterName, quiet);
      if (!quiet && reporterName === 'human') {
        io.stderr.write('\nEditions:\n');
        for (const output of result.outputs) {
          io.stderr.write(`  ${output.format.padEnd(6)} ${path.relative(process.cwd(), output.path).padEnd(28)} ${formatBytes(output.bytes).padStart(9)}  ${formatMs(output.ms)}\n`);
        }
        io.stderr.write(`Built in ${formatMs(result.ms)}.\n`);
      }
      return 0;
    }
    if (command === 'proof') {
      // The date a proof carries: now, or SOURCE_DATE_EPOCH (buildProof's default).
      const { buildProof } = await import('./proof/index.ts'); // loads the PDF writer: only when asked
      const result = await buildProof({ manuscript: common.manuscript, out: values.out });
      printMessages(result.book.files, io, reporterName, true);
      if (!quiet) {
        const flags = result.chapters.reduce((n, chapter) => n + chapter.placed.length + chapter.unplaced.length, 0);
        io.stderr.write(`Proofs: ${path.relative(process.cwd(), result.dir) || result.dir}/ (${result.pages.length} pages, ${flags} check messages shown)\n`);
      }
      return 0;
    }
    if (command === 'accept' || command === 'reject') {
      let results;
      try {
        results = await resolveManuscript({ manuscript: common.manuscript, files: common.files }, command);
      } catch (error) {
        // A refusal says itself which files were changed (none when a file is refused before any is
        // written); the build's "previous editions are untouched" would not be about the sources.
        if (!(error instanceof BuildError)) throw error;
        printMessages(error.files, io, reporterName, false);
        io.stderr.write(`book ${command}: ${error.message}\n`);
        return 1;
      }
      const lines = describeChanges(results, command, (file) => path.relative(process.cwd(), file) || file);
      for (const line of lines) io.stdout.write(`${line}\n`);
      if (!quiet) {
        const files = results.filter((result) => result.changes.length > 0).length;
        io.stderr.write(
          lines.length
            ? `book ${command}: ${lines.length} change${lines.length > 1 ? 's' : ''} in ${files} file${files > 1 ? 's' : ''}\n`
            : `book ${command}: No CriticMarkup in the manuscript; nothing changed\n`,
        );
      }
      return 0;
    }
    if (command === 'diff') {
      const [from, to, ...extra] = rest;
      if (!from || extra.length > 0) {
        io.stderr.write('book diff: give one or two git revisions: book diff REV1 [REV2]\n');
        return 2;
      }
      await checkOutputPlace(values.out ?? 'build', [values.manuscript ?? 'manuscript']);
      const result = await diffRevisions({ manuscript: values.manuscript ?? 'manuscript', from, to, out: path.join(values.out ?? 'build', 'diff') });
      for (const line of describeDiff(result)) io.stdout.write(`${line}\n`);
      if (!quiet) io.stderr.write(`Differences: ${path.relative(process.cwd(), path.join(result.dir, 'index.html'))}\n`);
      return 0;
    }
    if (command === 'preview') {
      const port = values.port === undefined ? 4000 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.stderr.write(`book: --port takes a number from 0 to 65535, not \`${values.port}\`\n`);
        return 2;
      }
      await checkOutputPlace(values.out ?? 'build', [common.manuscript]);
      const server = await startPreview({
        manuscript: common.manuscript,
        out: path.join(values.out ?? 'build', 'preview'),
        port,
        onRebuild: (result) => {
          if (!quiet) io.stderr.write(`book preview: ${result.summary} (${formatMs(result.ms)})\n`);
        },
        onError: (error) => io.stderr.write(`book preview: ${(error as Error).message}\n`),
      });
      io.stdout.write(`Preview on ${server.url} — Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      if (!quiet) io.stderr.write('book preview: stopped\n');
      return 0;
    }
    io.stderr.write(`book: unknown command \`${command}\`\n\n${help}`);
    return 2;
  } catch (error) {
    const signal = interruption();
    if (signal) {
      // The browser's driver stops it on SIGTERM and the build fails for that: say what happened.
      io.stderr.write(`book: stopped by ${signal}; the previous outputs are untouched\n`);
      return 128 + constants.signals[signal];
    }
    if (error instanceof UsageError) {
      io.stderr.write(`book: ${error.message}\n`);
      return 2;
    }
    if (error instanceof BuildError) {
      if (error.files.length) printMessages(error.files, io, reporterName, false);
      io.stderr.write(`book: ${error.message}\nNothing was written; the previous editions in the output folder are untouched.\n`);
      return 1;
    }
    reportInternalError(error, io.stderr);
    return 70;
  }
}

/**
 * A failure no input should cause: a bug. One line asking to report it (exit 70, EX_SOFTWARE of
 * sysexits.h); the trace only with BOOK_DEBUG=1.
 */
export function reportInternalError(error: unknown, stderr: Pick<NodeJS.WriteStream, 'write'>): void {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = what.split('\n')[0].slice(0, 200);
  stderr.write(`book: internal error (${line}); please report it with the command you ran — set BOOK_DEBUG=1 to see the trace\n`);
  if (process.env.BOOK_DEBUG === '1' && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
}

/**
 * The process around `main()`, for `bin/book.js` and `tsx scripts/cli.ts`: output to a reader that
 * went away (`book check --rules | head -1`) ends quietly; a failure that escapes (an error in a
 * callback, a rejection nobody awaited) is an internal error, exit 70.
 */
export async function runCommandLine(argv: string[]): Promise<void> {
  const fail = (error: unknown) => {
    try {
      reportInternalError(error, process.stderr);
    } finally {
      process.exit(70);
    }
  };
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return; // nobody reads any more
      fail(error);
    });
  }
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    fail(error);
  }
}

const invokedDirectly = process.argv[1] !== undefined && /scripts[\/]cli\.ts$/.test(process.argv[1]);
if (invokedDirectly) await runCommandLine(process.argv.slice(2));
