/**
 * `book`: a thin dispatcher over the commands of scripts/commands/ — one module per command, each
 * with its own options and help, over `build()` and its siblings. It finds the command, parses its
 * arguments with that command's options only (and the global ones), runs it, and turns what it
 * throws into an exit code: 1 for the manuscript's errors, 2 for a command that cannot run as
 * given, 70 for a bug.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { BuildError, UsageError } from './errors.ts';
import { commandHelp, commandNamed, commandsTaking, commands, globalHelp, globalOptions, optionsOf, type Command, type Io } from './commands/index.ts';
import { printMessages, reporters, type Options, type Values } from './commands/command.ts';

/** The options as parseArgs takes them: type, short flag, repetition (defaults are the command's to apply). */
function parserOptions(options: Options) {
  return Object.fromEntries(
    Object.entries(options).map(([name, { type, short, multiple }]) => [name, { type, ...(short && { short }), ...(multiple && { multiple }) }]),
  );
}

/** Where the command's name is among the arguments: the first positional (options may come before it). */
function findCommand(argv: string[]): { name: string; index: number } | undefined {
  const every = Object.assign({}, ...commands.map((command) => parserOptions(optionsOf(command))));
  const { tokens } = parseArgs({ args: argv, options: every, strict: false, allowPositionals: true, tokens: true });
  const token = tokens.find((t) => t.kind === 'positional');
  return token?.kind === 'positional' ? { name: token.value, index: token.index } : undefined;
}

/** An option the command does not take: say which command takes it, when one does. */
function unknownOptionMessage(error: Error, command: Command, name: string): string {
  const option = /^Unknown option '(-{1,2})([^'=]+)/.exec(error.message);
  const owners = option ? commandsTaking(option[2], option[1] === '-') : [];
  const help = `Run \`book ${name} --help\` for the options of ${name}.`;
  if (!option || owners.length === 0) return `book: ${error.message}\n${help}\n`;
  const list = owners.map((owner) => `book ${owner.names.join('|')}`);
  const ownersText = list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}` : list[0];
  return `book: \`${option[1]}${option[2]}\` is an option of ${ownersText}, not of book ${name}\n${help}\n`;
}

/** `book --version`: the toolchain's version, from its package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `book ${pkg.version}\n`;
}

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const found = findCommand(argv);
  if (!found || found.name === 'help') {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: parserOptions(globalOptions), allowPositionals: true }));
    } catch (error) {
      io.stderr.write(`book: ${(error as Error).message}\nRun \`book --help\` for the options.\n`);
      return 2;
    }
    // `book help NAME`: that command's help.
    if (values.version && !found) {
      io.stdout.write(version());
      return 0;
    }
    const topic = found && argv.slice(found.index + 1).find((arg) => !arg.startsWith('-'));
    const about = topic ? commandNamed(topic) : undefined;
    if (topic && !about) {
      io.stderr.write(`book: unknown command \`${topic}\`\n\n${globalHelp()}`);
      return 2;
    }
    io.stdout.write(about ? commandHelp(about) : globalHelp());
    return found || values.help ? 0 : 2;
  }
  const { name } = found;
  const command = commandNamed(name);
  if (!command) {
    io.stderr.write(`book: unknown command \`${name}\`\n\n${globalHelp()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv.filter((_, i) => i !== found.index), options: parserOptions(optionsOf(command)), allowPositionals: true });
  } catch (error) {
    io.stderr.write(unknownOptionMessage(error as Error, command, name));
    return 2;
  }
  // The types follow from the command's options, which parsed them (Command.run checks its own).
  const values = parsed.values as Values<Options>;
  if (values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  if (values.version) {
    io.stdout.write(version());
    return 0;
  }
  const reporterName = 'reporter' in command.options ? values.reporter ?? 'human' : 'human';
  if (!(reporters as readonly string[]).includes(reporterName)) {
    io.stderr.write(`book: unknown reporter \`${reporterName}\`; use ${reporters.join(', ')}\n`);
    return 2;
  }

  try {
    return await command.run({ name, values, positionals: parsed.positionals, io });
  } catch (error) {
    // Loaded here, not at start-up: a command that staged outputs has loaded it already (docs/startup.md).
    const { interruption } = await import('./output/ownership.ts');
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
      if (error.files.length) await printMessages(error.files, io, reporterName, false);
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
