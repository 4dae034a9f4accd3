/** `book build`: check the manuscript, then write the editions (scripts/build.ts). */
import path from 'node:path';
import type { BuildOptions } from '../build.ts';
import { BuildError, UsageError } from '../errors.ts';
import type { Format } from '../output/index.ts';
import { formatNames, isFormatName } from '../output/format-names.ts';
import {
  defineCommand,
  draftOption,
  formatBytes,
  formatMs,
  manuscriptOptions,
  manuscriptOption,
  outOption,
  printMessages,
  progressPrinter,
  reporterOption,
  sourceOptions,
  type Io,
} from './command.ts';
import { outOf } from './book-folder.ts';

export default defineCommand({
  names: ['build'],
  usage: ['build [--manuscript DIR] [--out DIR] [--format html,epub,pdf] [--draft]'],
  summary: ['Check the manuscript, then write the editions into the output folder.', 'A failed build exits 1 and leaves the previous editions untouched.'],
  options: {
    manuscript: manuscriptOption,
    out: outOption,
    format: {
      type: 'string',
      short: 'f',
      multiple: true,
      value: 'LIST',
      description: `Editions to build, comma-separated (default: all): ${formatNames.join(', ')};\nmay be repeated.`,
    },
    draft: draftOption,
    reporter: reporterOption,
    ...sourceOptions,
    'pdf-timeout': { type: 'string', value: 'S', description: 'Time limit of the PDF layout in seconds (default 1200, or BOOK_PDF_TIMEOUT).' },
  },
  async run({ values, positionals, io }) {
    const quiet = values.quiet ?? false;
    const reporterName = values.reporter ?? reporterOption.default;
    const pdfTimeout = values['pdf-timeout'] === undefined ? undefined : Number(values['pdf-timeout']);
    if (pdfTimeout !== undefined && !(pdfTimeout > 0)) {
      io.stderr.write(`book: --pdf-timeout takes a number of seconds greater than 0, not \`${values['pdf-timeout']}\`\n`);
      return 2;
    }
    // `--format html --format pdf` builds both, as `--format html,pdf` does.
    const requested = values.format?.flatMap((list) => list.split(',')).map((f) => f.trim()).filter(Boolean);
    const unknown = requested?.filter((f) => !isFormatName(f));
    if (unknown?.length) {
      io.stderr.write(`book: unknown format ${unknown.map((f) => `\`${f}\``).join(', ')}; choose among ${formatNames.join(', ')}\n`);
      return 2;
    }
    const { only, ...located } = manuscriptOptions(values, positionals);
    const options = {
      // Files named inside a book are built on their own, as a book of their own (as before).
      ...(only ? { ...located, files: only } : located),
      pdfTimeout,
      onProgress: progressPrinter(io, quiet || reporterName === 'json'),
      out: outOf(values, positionals),
      formats: requested as Format[] | undefined,
    };
    if (reporterName === 'json') return buildJson(options, io);
    // The pipeline and the writers are loaded when the command runs, not for `book --help` (docs/startup.md).
    const { build } = await import('../build.ts');
    const result = await build(options);
    await printMessages(result.book.files, io, reporterName, quiet);
    if (!quiet && reporterName === 'human') {
      io.stderr.write('\nEditions:\n');
      for (const output of result.outputs) {
        io.stderr.write(`  ${output.format.padEnd(6)} ${path.relative(process.cwd(), output.path).padEnd(28)} ${formatBytes(output.bytes).padStart(9)}  ${formatMs(output.ms)}\n`);
      }
      io.stderr.write(`Built in ${formatMs(result.ms)}.\n`);
    }
    return 0;
  },
});

/**
 * `book build --reporter json`: one JSON document on stdout, for scripts and CI — what was written
 * (`outputs`: format, path relative to the working folder, bytes, ms), the messages as
 * `book check --reporter json` gives them, the total time, and `error` when the build stopped
 * (then `outputs` is empty: nothing was written).
 */
async function buildJson(options: BuildOptions, io: Io): Promise<number> {
  const [{ build }, { diagnosticsOf }, { jsonDiagnostic }, { interruption }] = await Promise.all([
    import('../build.ts'),
    import('../check/messages.ts'),
    import('../check/reporters.ts'),
    import('../output/ownership.ts'),
  ]);
  const relative = (file: string) => path.relative(process.cwd(), file) || file;
  const messages = (files: Parameters<typeof diagnosticsOf>[0]) => {
    for (const file of files) if (file.path && path.isAbsolute(file.path)) file.history = [relative(file.path)];
    return diagnosticsOf(files).map(jsonDiagnostic);
  };
  try {
    const result = await build(options);
    const outputs = result.outputs.map(({ format, path: file, bytes, ms }) => ({ format, path: relative(file), bytes, ms }));
    io.stdout.write(`${JSON.stringify({ outputs, messages: messages(result.book.files), ms: result.ms }, null, 2)}\n`);
    return 0;
  } catch (error) {
    // Usage errors, bugs and interruptions are reported by scripts/cli.ts, as for every command.
    if (!(error instanceof BuildError) || error instanceof UsageError || interruption()) throw error;
    io.stdout.write(`${JSON.stringify({ outputs: [], messages: messages(error.files), error: error.message }, null, 2)}\n`);
    io.stderr.write(`book: ${error.message}\nNothing was written; the previous editions in the output folder are untouched.\n`);
    return 1;
  }
}
