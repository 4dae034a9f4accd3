/** `book build`: check the manuscript, then write the editions (scripts/build.ts). */
import path from 'node:path';
import { build } from '../build.ts';
import { formats, isFormat, type Format } from '../output/index.ts';
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
} from './command.ts';

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
      value: 'LIST',
      description: `Editions to build, comma-separated (default: all): ${Object.keys(formats).join(', ')}.`,
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
    const requested = values.format?.split(',').map((f) => f.trim()).filter(Boolean);
    const unknown = requested?.filter((f) => !isFormat(f));
    if (unknown?.length) {
      io.stderr.write(`book: unknown format ${unknown.map((f) => `\`${f}\``).join(', ')}; choose among ${Object.keys(formats).join(', ')}\n`);
      return 2;
    }
    const result = await build({
      ...manuscriptOptions(values, positionals),
      pdfTimeout,
      onProgress: progressPrinter(io, quiet || reporterName === 'json'),
      out: values.out,
      formats: requested as Format[] | undefined,
    });
    printMessages(result.book.files, io, reporterName, quiet);
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
