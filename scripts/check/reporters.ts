/**
 * How the command line prints messages: as human text (vfile-reporter, unchanged) or as one JSON
 * array. The JSON keeps the keys it has always had — `file`, `line`, `column`, `ruleId`,
 * `severity`, `message`, in that order — and adds `expected` and `actual` only where a rule knows
 * them. `url` and the end of the range are left out: the url follows from the id
 * (`docs/check-rules.md#<id>`), and tools that read the array compare its keys.
 */
import { reporter } from 'vfile-reporter';
import type { VFile } from 'vfile';
import { catalogue, type RuleInfo } from './catalogue.ts';
import { diagnosticsOf, type Diagnostic } from './messages.ts';

export type ReporterName = 'human' | 'json' | 'compact';

export type JsonDiagnostic = Pick<Diagnostic, 'file' | 'line' | 'column' | 'ruleId' | 'severity' | 'message' | 'expected' | 'actual'>;

/** One diagnostic as `--reporter json` prints it. */
export function jsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  const json: JsonDiagnostic = { file: d.file, line: d.line, column: d.column, ruleId: d.ruleId, severity: d.severity, message: d.message };
  if (d.expected) json.expected = d.expected;
  if (d.actual !== undefined) json.actual = d.actual;
  return json;
}

/** The JSON array of the messages on `files`, with its final newline. */
export function jsonReport(files: VFile[]): string {
  return `${JSON.stringify(diagnosticsOf(files).map(jsonDiagnostic), null, 2)}\n`;
}

/**
 * `--reporter compact`: one message a line, `file:line:column: severity message [rule-id]`, the
 * form compilers print and terminals and editors turn into links to the place. A message is one
 * line already; any line break in it is folded into a space so that each stays one line. Quiet
 * leaves out the infos, as the human reporter does.
 */
export function compactReport(files: VFile[], { quiet = false }: { quiet?: boolean } = {}): string {
  return diagnosticsOf(files)
    .filter((d) => !quiet || d.severity !== 'info')
    .map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.message.replace(/\s*\n\s*/g, ' ')} [${d.ruleId}]\n`)
    .join('');
}

/**
 * The human text of the messages on `files` (empty when there are none). Quiet leaves out the
 * infos (editorial markers), keeping errors and warnings.
 */
export function humanReport(files: VFile[], { quiet = false, color = false }: { quiet?: boolean; color?: boolean } = {}): string {
  if (quiet) for (const file of files) file.messages = file.messages.filter((m) => m.fatal === true || m.fatal === false);
  const withMessages = files.filter((file) => file.messages.length > 0);
  if (withMessages.length === 0) return '';
  return reporter(withMessages, { quiet: true, color });
}

/** The tag of the ids only one command reports, in `book check --rules`. */
const stageTags: Record<NonNullable<RuleInfo['stage']>, string> = { build: 'build', resolve: 'accept/reject', preview: 'preview' };

/**
 * `book check --rules`: one line per id — id, default severity, then `[build]` for the ids only a
 * build reports (an edition's writer), `[accept/reject]` for those only these commands report,
 * `[preview]` for those only `book preview` reports, `[fixed]` for those book.yaml cannot set, and
 * what it guards.
 */
export function rulesList(): string {
  return (Object.entries(catalogue) as Array<[string, RuleInfo]>)
    .filter(([, info]) => !info.retired)
    .map(([id, info]) => {
      const tags = `${info.stage ? `[${stageTags[info.stage]}] ` : ''}${info.fixed ? '[fixed] ' : ''}`;
      return `${id.padEnd(34)} ${info.severity.padEnd(8)} ${tags}${info.description}\n`;
    })
    .join('');
}
