/**
 * The commands of `book`, in the order the help lists them, and the help written from them: usage
 * lines, summaries and options come from each command's own module (build.ts, check.ts…).
 */
import type { Command, OptionSpec, Options } from './command.ts';
import { globalOptions } from './command.ts';
import build from './build.ts';
import check from './check.ts';
import proof from './proof.ts';
import accept from './accept.ts';
import diff from './diff.ts';
import preview from './preview.ts';
import fix from './fix.ts';
import init from './init.ts';

export { globalOptions, type Command, type Io } from './command.ts';

export const commands: readonly Command[] = [build, check, proof, accept, diff, preview, fix, init];

/** The command called `name`, if there is one. */
export function commandNamed(name: string): Command | undefined {
  return commands.find((command) => command.names.includes(name));
}

/** The commands that take the option `--name` (or `-name` when `short`). */
export function commandsTaking(option: string, short = false): Command[] {
  return commands.filter((command) => Object.entries(command.options).some(([name, spec]) => (short ? spec.short === option : name === option)));
}

/** A command's options together with the global ones, in help order. */
export function optionsOf(command: Command): Options {
  return { ...command.options, ...globalOptions };
}

const DESCRIPTION_COLUMN = 25;
const SUMMARY_COLUMN = 11;

function optionLines(name: string, spec: OptionSpec): string {
  const label = `  ${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
  const [first, ...rest] = spec.description.split('\n');
  const pad = label.length < DESCRIPTION_COLUMN ? label.padEnd(DESCRIPTION_COLUMN) : `${label} `;
  return [`${pad}${first}`, ...rest.map((line) => `${' '.repeat(DESCRIPTION_COLUMN)}${line}`)].join('\n');
}

/** Options with a short flag first, then the others, each in the order met; the global ones last. */
function optionsSection(options: Array<[string, OptionSpec]>): string {
  const seen = new Map<string, OptionSpec>();
  for (const [name, spec] of options) if (!seen.has(name)) seen.set(name, spec);
  const entries = [...seen].filter(([name]) => !(name in globalOptions));
  const ordered = [...entries.filter(([, spec]) => spec.short), ...entries.filter(([, spec]) => !spec.short), ...Object.entries(globalOptions)];
  return ordered.map(([name, spec]) => optionLines(name, spec)).join('\n');
}

function summaryLines(command: Command): string {
  return command.summary.map((line, i) => `  ${(command.names[i] ?? '').padEnd(SUMMARY_COLUMN - 2)}${line}`).join('\n');
}

const footer = `Output folder: a command replaces only what the tool wrote there (listed in book-manifest.json);
anything else at a name it needs is refused, as are /, your home folder and the manuscript.
Exit codes: 0 done; 1 errors in the manuscript; 2 a command that cannot run as given; 70 an
internal error (BOOK_DEBUG=1 shows its trace).
`;

/** `book --help`: every command and every option. */
export function globalHelp(): string {
  return `book — builds the book from its Markdown manuscript

Usage:
${commands.flatMap((command) => command.usage.map((line) => `  book ${line}`)).join('\n')}
  book --help | --version

Commands:
${commands.map(summaryLines).join('\n')}

Options:
${optionsSection(commands.flatMap((command) => Object.entries(command.options)))}

${footer}
Also: npm run build, npm run check, npm test. The same build() is importable from scripts/index.ts.
`;
}

/** `book NAME --help`: that command's usage and its options only. */
export function commandHelp(command: Command): string {
  return `Usage:
${command.usage.map((line) => `  book ${line}`).join('\n')}

${summaryLines(command)}

Options:
${optionsSection(Object.entries(command.options))}

${footer}
\`book --help\` lists every command.
`;
}
