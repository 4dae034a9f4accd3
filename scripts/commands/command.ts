/**
 * What a command of `book` is: its names, its usage lines and summary for the help, the options it
 * takes, and what it runs. scripts/cli.ts parses a command's arguments with these options only and
 * writes every help from them, so the help and what is accepted cannot drift apart.
 */
import path from 'node:path';
import type { VFile } from 'vfile';
import { colorFor } from './color.ts';
import { locate } from './book-folder.ts';
import type { ProgressEvent } from '../build.ts';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** One option, as node:util parseArgs takes it plus what the help says of it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given more than once (the values are listed in order). */
  multiple?: boolean;
  /** What the value stands for in the help (`DIR`, `N`…); none for a switch. */
  value?: string;
  /** The help's description; lines after the first are continuation lines. */
  description: string;
  /** The value when the option is not given (the command applies it: a positional may come first). */
  default?: string;
}

export type Options = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : S['multiple'] extends true ? string[] : string;

/** The options every command takes. */
export const globalOptions = {
  quiet: { type: 'boolean', short: 'q', description: 'Only errors and warnings, no progress.' },
  help: { type: 'boolean', short: 'h', description: 'This help.' },
  version: { type: 'boolean', short: 'V', description: 'The version of book.' },
} as const satisfies Options;

/** The parsed values of a command's options (and of the global ones). */
export type Values<O extends Options> = { [K in keyof O]?: ValueOf<O[K]> } & { [K in keyof typeof globalOptions]?: boolean };

export interface CommandInput<O extends Options> {
  /** The name the command was called by (`accept` or `reject` for the same module). */
  name: string;
  values: Values<O>;
  positionals: string[];
  io: Io;
}

export interface Command<O extends Options = Options> {
  /** The names it answers to; the help sets each beside one line of the summary. */
  names: readonly string[];
  /** Usage lines, without the leading `book `. */
  usage: readonly string[];
  /** What it does, for the help: one line or more. */
  summary: readonly string[];
  options: O;
  /** Runs the command; resolves to the exit code. Errors thrown are reported by scripts/cli.ts. */
  run(input: CommandInput<O>): Promise<number>;
}

/** A command with its option types checked against its options. */
export function defineCommand<const O extends Options>(command: Command<O>): Command {
  return command as unknown as Command;
}

// Options several commands share, declared once so that they read the same everywhere.

export const manuscriptOption = {
  type: 'string',
  short: 'm',
  value: 'DIR',
  default: 'manuscript',
  description: 'Book folder (default: the nearest folder with a book.yaml, from here\nupward, else manuscript). Without a book.yaml, every Markdown file of the\nfolder builds, in name order.',
} as const satisfies OptionSpec;

export const outOption = { type: 'string', short: 'o', value: 'DIR', default: 'build', description: 'Output folder (default: build; from a subfolder of a book, the book\'s build).' } as const satisfies OptionSpec;

export const draftOption = { type: 'boolean', description: 'Build even when the checks report errors; show editorial markers.' } as const satisfies OptionSpec;

export const reporterOption = {
  type: 'string',
  value: 'NAME',
  default: 'human',
  description: 'Messages as human text (default), as a JSON array (json), or one per line\nas file:line:column: severity message [rule-id] (compact).',
} as const satisfies OptionSpec;

/** Where a folder without book.yaml finds its bibliography, style and locale. */
export const sourceOptions = {
  bibliography: {
    type: 'string',
    multiple: true,
    value: 'F',
    description: 'Bibliography file (CSL-JSON or BibTeX) for a folder without book.yaml;\nmay be repeated.',
  },
  csl: { type: 'string', value: 'FILE', description: 'CSL style for a folder without book.yaml.' },
  locale: { type: 'string', value: 'LANG', description: 'Locale for a folder without book.yaml (e.g. fr-FR).' },
} as const satisfies Options;

/** The reporters `--reporter` chooses among. */
export const reporters = ['human', 'json', 'compact'] as const;
export type ReporterName = (typeof reporters)[number];

export { isFolder, manuscriptOf } from './book-folder.ts';

/**
 * What `build` and `check` read: the book's folder or the files named (scripts/commands/book-folder.ts),
 * and the citation options for a folder without book.yaml. `only`: the chapters of the book the
 * messages are limited to, when files of a book were named.
 */
export function manuscriptOptions(
  values: { manuscript?: string; bibliography?: string[]; csl?: string; locale?: string; draft?: boolean },
  positionals: string[],
) {
  const { manuscript, files, only } = locate(values, positionals);
  return {
    manuscript,
    files,
    only,
    bibliography: values.bibliography,
    csl: values.csl,
    locale: values.locale,
    draft: values.draft ?? false,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Off a terminal (a CI log), a long stage's progress is one line every this many milliseconds at most. */
export const PLAIN_PROGRESS_EVERY_MS = 5000;

/**
 * Stage progress: an updating line on a terminal, plain lines otherwise (CI logs). Inside a long
 * stage (the PDF's layout), the pages laid out: the terminal's line follows them, a log gets a line
 * every few seconds.
 */
export function progressPrinter(io: Io, quiet: boolean, now: () => number = () => performance.now()) {
  const tty = io.stderr.isTTY === true;
  let lastLine = -Infinity;
  return (event: ProgressEvent) => {
    if (quiet) return;
    if (event.type === 'progress') {
      const line = `${event.stage}: ${event.pages} page${event.pages === 1 ? '' : 's'} laid out`;
      if (tty) io.stderr.write(`\r\x1b[K… ${line}`);
      else if (now() - lastLine >= PLAIN_PROGRESS_EVERY_MS) {
        lastLine = now();
        io.stderr.write(`book: ${line}\n`);
      }
      return;
    }
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

/**
 * The messages on `files`, through the reporter chosen (scripts/check/reporters.ts, loaded here
 * rather than at start-up: `book --help` does not need it, docs/startup.md).
 */
export async function printMessages(files: VFile[], io: Io, reporterName: string, quiet: boolean): Promise<void> {
  const { compactReport, humanReport, jsonReport } = await import('../check/reporters.ts');
  relativise(files);
  if (reporterName === 'json') {
    io.stdout.write(jsonReport(files));
    return;
  }
  if (reporterName === 'compact') {
    io.stdout.write(compactReport(files, { quiet }));
    return;
  }
  // Quiet: errors and warnings only (infos such as editorial markers are left out).
  const text = humanReport(files, { quiet, color: colorFor(io.stderr) });
  if (text) io.stderr.write(`${text}\n`);
}
