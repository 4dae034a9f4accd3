/**
 * GFM's syntax as remark-gfm gives it (autolink literals, footnotes, strikethrough, tables, task
 * lists), with its table and autolinks kept from costing a book's prose what they find in it:
 * they were 200 of the 420 ms micromark took to read the benchmark's 100k-word book (JIT warm).
 *
 * - **Tables.** micromark-extension-gfm-table is tried at the start of every block: each
 *   paragraph's first line was read as a possible table head, cell by cell, to the line's end. A
 *   table needs a delimiter row on the next line, made only of `-`, `:`, `|`, spaces and tabs after
 *   the prefixes of block quotes and list items (`>`, spaces) — `a` over `:-` is a table, so the
 *   pipe alone does not say it. `readSource` notes the lines that could be one; the table is
 *   tried only above them (and always for the rows that follow a table's head).
 * - **Email autolinks.** micromark-extension-gfm-autolink-literal starts an email at every letter
 *   and digit, which cuts the text into one-character pieces for the parser to join again. An
 *   email needs an address character right before `@` and a dot after it in the source; a chapter
 *   without that (`[@cle]` and `@cle` are not) is read without the email construct
 *   (`emailAutolinks: false`). Likewise the web addresses, tried at every `h` and `w`: they need
 *   `http` or `www` in the source, as typed (a letter cannot be escaped), else `webAutolinks: false`.
 * - **Autolinks in text.** mdast-util-gfm-autolink-literal then looks for addresses in every text
 *   node with four regular expressions. A text can hold one only if its source has `http`, `www`,
 *   an email's shape (an escape may stand before any of its punctuation) or a character reference
 *   (`&#64;` is an `@`); a chapter with none is read without that search (`findAutolinks: false`).
 *
 * Each only skips attempts that cannot succeed: the trees, positions included, are the same as
 * remark-gfm's (tests/gfm-syntax.test.ts compares them on the manuscripts, the fixtures and random
 * text). Anything parsed with no `readSource` before it (the critic's own reading of a file) has
 * every table tried.
 */
import type { Processor } from 'unified';
import { gfm } from 'micromark-extension-gfm';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import type { Construct, ConstructRecord, Extension, State, TokenizeContext } from 'micromark-util-types';

/** An address character before `@`, then domain characters up to a dot: what every email autolink holds. */
const EMAIL_POSSIBLE = /[\w+.-]@[\w.-]*\./;
/** What the text of a chapter holds, from its source, before an autolink can be found in it. */
const AUTOLINK_POSSIBLE = /&|http|www|[\w+.-]\\?@(?:\\?[\w-])+\\?\./i;
/** `http` or `www`, as every web address autolink starts. */
const WEB_POSSIBLE = /http|www/i;
/** A line that could be a table's delimiter row, with its containers' prefixes. */
const DELIMITER_ROW = /^[ \t>|:-]*-[ \t>|:-]*$/;

/** For the source being parsed: which lines (1-based) could be a delimiter row. */
let delimiterLines: Uint8Array | undefined;

/** Whether a chapter could hold a web address autolink (else it may be read with `webAutolinks: false`). */
export function mayHoldWebAddress(source: string): boolean {
  return WEB_POSSIBLE.test(source);
}

/** Whether a chapter could hold an email autolink (else it may be read with `emailAutolinks: false`). */
export function mayHoldEmail(source: string): boolean {
  return EMAIL_POSSIBLE.test(source);
}

/** Whether the text of a chapter could hold an autolink once read (else `findAutolinks: false`). */
export function mayHoldAutolink(source: string): boolean {
  return AUTOLINK_POSSIBLE.test(source);
}

/** Run `parse` with the table construct told which lines of `source` could be delimiter rows. */
export function readSource<T>(source: string, parse: () => T): T {
  const lines = source.split(/\r\n|\r|\n/);
  const marks = new Uint8Array(lines.length + 2);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.includes('-') && DELIMITER_ROW.test(line)) marks[i + 1] = 1;
  }
  const outer = delimiterLines;
  delimiterLines = marks;
  try {
    return parse();
  } finally {
    delimiterLines = outer;
  }
}

function guardedTable(table: Construct): Construct {
  const tokenize = table.tokenize;
  return {
    ...table,
    tokenize(this: TokenizeContext, effects, ok, nok): State {
      const self = this;
      return function start(code) {
        if (delimiterLines && !delimiterLines[self.now().line + 1] && !afterTableRow(self)) return nok(code);
        return tokenize.call(self, effects, ok, nok)(code);
      };
    },
  };
}

/** The table construct's own test for a body row: the last event before blank space is a head or a row. */
function afterTableRow(self: TokenizeContext): boolean {
  let index = self.events.length - 1;
  while (index > -1) {
    const type: string = self.events[index]![1].type;
    if (type === 'lineEnding' || type === 'linePrefix') index--;
    else return type === 'tableHead' || type === 'tableRow';
  }
  return false;
}

type Constructs = Construct | Array<Construct> | undefined;

/** A construct record with `change` applied to each construct (undefined: left out). */
function mapRecord(record: ConstructRecord | undefined, change: (construct: Construct) => Construct | undefined): ConstructRecord {
  const result: ConstructRecord = {};
  for (const key of Reflect.ownKeys(record ?? {})) {
    const value = (record as Record<PropertyKey, Constructs>)[key];
    const kept = (Array.isArray(value) ? value : value ? [value] : []).flatMap((construct) => change(construct) ?? []);
    if (kept.length) (result as Record<PropertyKey, Array<Construct>>)[key] = kept;
  }
  return result;
}

/** micromark-extension-gfm's syntax, its table guarded and, unless asked for, no email or web autolinks. */
const webConstructs = new Set(['protocolAutolink', 'wwwAutolink']);

export function gfmSyntax(options: Pick<GfmReading, 'emailAutolinks' | 'webAutolinks'>): Extension {
  const syntax = gfm();
  return {
    ...syntax,
    flow: mapRecord(syntax.flow, (construct) => (construct.name === 'table' ? guardedTable(construct) : construct)),
    text: mapRecord(syntax.text, (construct) => {
      if (construct.name === 'emailAutolink' && !options.emailAutolinks) return undefined;
      if (webConstructs.has(construct.name ?? '') && !options.webAutolinks) return undefined;
      return construct;
    }),
  };
}

export interface GfmReading {
  /** Read email autolinks (false: the text cannot hold one, `mayHoldEmail`). */
  emailAutolinks: boolean;
  /** Read `http://…` and `www.…` autolinks (false: the text cannot hold one, `mayHoldWebAddress`). */
  webAutolinks: boolean;
  /** Look for addresses in the text once read (false: it cannot hold one, `mayHoldAutolink`). */
  findAutolinks: boolean;
}

/** How to read a chapter's GFM, from its source. */
export function gfmReadingOf(source: string): GfmReading {
  return { emailAutolinks: mayHoldEmail(source), webAutolinks: mayHoldWebAddress(source), findAutolinks: mayHoldAutolink(source) };
}

/** remark-gfm's reading (it writes no Markdown here), with the syntax above. */
export function remarkGfmSyntax(this: Processor, options: GfmReading) {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmSyntax(options));
  const fromMarkdown = gfmFromMarkdown();
  (data.fromMarkdownExtensions ??= []).push(options.findAutolinks ? fromMarkdown : fromMarkdown.map(({ transforms, ...extension }) => extension));
}
