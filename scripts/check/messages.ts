/**
 * The one way a message is made, and the one shape it is read in.
 *
 * `report()` is how every part of the tool — check rules, loading the manuscript and book.yaml,
 * the editions' writers — tells the author something. It stamps the message the same way each
 * time (rule id, source, the documentation link) and takes its severity from the catalogue, never
 * from the caller; `book.yaml`'s `rules:` changes it afterwards (`applySeverities`, run by the
 * checks), except for the ids the catalogue marks `fixed`. As in unified-engine, the severity is a
 * vfile message's `fatal`: true an error, false a warning, undefined an info.
 *
 * `Diagnostic` is a message as every reader sees it: the JSON reporter (reporters.ts), the proofs
 * (scripts/proof/) and the preview (scripts/preview/).
 */
import type { Position, Point } from 'unist';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { isRuleId, ruleInfo, type RuleId, type Severity } from './catalogue.ts';

export type Place = Position | Point | undefined;

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  /** Where a message about a range ends (a whole `:::todo` block), when it does not end where it starts. */
  endLine?: number;
  endColumn?: number;
  ruleId: string;
  severity: Severity;
  /** One sentence: what is wrong and what to do. */
  message: string;
  /** The rule's documentation: `docs/check-rules.md#<id>`, relative to the repository. */
  url?: string;
  /** What the rule expected instead (a known rule id, the French order of note call and punctuation). */
  expected?: string[];
  /** What it found. */
  actual?: string;
}

/** What a rule may add to its message, as vfile allows. */
export interface ReportExtra {
  expected?: string[];
  actual?: string;
}

/** Where each id is documented: its row in docs/check-rules.md (the rows carry an anchor by id). */
export function ruleUrl(ruleId: string): string {
  return `docs/check-rules.md#${ruleId}`;
}

function fatalOf(severity: Severity): boolean | undefined {
  return severity === 'error' ? true : severity === 'warning' ? false : undefined;
}

export function severityOf(message: VFileMessage): Severity {
  return message.fatal === true ? 'error' : message.fatal === false ? 'warning' : 'info';
}

/** Make a message on `file`: stamped, with the catalogue's severity. */
export function report(file: VFile, ruleId: RuleId, reason: string, place?: Place, extra: ReportExtra = {}): VFileMessage {
  const info = ruleInfo(ruleId);
  const message = file.message(reason, { place, ruleId, source: info.edition ?? 'book' });
  message.fatal = fatalOf(info.severity);
  message.url = ruleUrl(ruleId);
  if (extra.expected) message.expected = extra.expected;
  if (extra.actual !== undefined) message.actual = extra.actual;
  return message;
}

/**
 * Apply book.yaml's `rules:` (and the build's own overrides) to the messages on `files`: `off`
 * removes them, another severity replaces the catalogue's. Fixed ids are left as they are
 * (book.yaml cannot name them, scripts/config/load-config.ts; an override of the build can't either).
 */
export function applySeverities(files: VFile[], settings: Readonly<Record<string, Severity | 'off'>>): void {
  for (const file of files) {
    file.messages = file.messages.filter((message) => {
      const id = message.ruleId ?? '';
      if (!isRuleId(id) || ruleInfo(id).fixed) return true;
      const setting = settings[id] ?? ruleInfo(id).severity;
      if (setting === 'off') return false;
      message.fatal = fatalOf(setting);
      return true;
    });
  }
}

/** One message as every reader sees it. */
export function diagnosticOf(file: VFile | string, message: VFileMessage): Diagnostic {
  const place = message.place as Position | Point | undefined;
  const end = place && 'end' in place ? place.end : undefined;
  const diagnostic: Diagnostic = {
    file: typeof file === 'string' ? file : file.path,
    line: message.line ?? 1,
    column: message.column ?? 1,
    ruleId: message.ruleId ?? 'unknown',
    severity: severityOf(message),
    message: message.reason,
  };
  if (end && (end.line !== diagnostic.line || end.column !== diagnostic.column)) {
    diagnostic.endLine = end.line;
    diagnostic.endColumn = end.column;
  }
  if (message.url) diagnostic.url = message.url;
  if (message.expected?.length) diagnostic.expected = message.expected;
  if (message.actual !== undefined) diagnostic.actual = message.actual;
  return diagnostic;
}

/** The messages of `files`, flattened and sorted by file, line, column. */
export function diagnosticsOf(files: VFile[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const file of files) for (const message of file.messages) diagnostics.push(diagnosticOf(file, message));
  return diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
