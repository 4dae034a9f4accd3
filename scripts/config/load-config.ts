/**
 * Reads and validates `book.yaml`. Every problem becomes a vfile message with the line and column
 * of the offending value, so an editor sees where to look and what was expected.
 */
import { LineCounter, parseDocument, isMap, isNode, isScalar, visit, type Document, type Node as YamlNode } from 'yaml';
import type { VFile } from 'vfile';
import { bookSchema, type BookConfig } from './book-schema.ts';
import { isValidIsbn } from './isbn.ts';
import { report, type ReportExtra } from '../check/messages.ts';
import type { RuleId } from '../check/catalogue.ts';
import { fixedBecause, isRuleId, nearestRuleId, ruleInfo } from '../check/catalogue.ts';

export interface Place {
  line: number;
  column: number;
}

/** The last text parsed and what it gave: book.yaml is read for its settings, then for its chapters' places. */
let lastParsed: { text: string; parsed: ReturnType<typeof parseYaml> } | undefined;

/**
 * Parse YAML text and return a function that finds the place of a value by its path. The same text
 * twice in a row is parsed once (the document is only read by its users).
 */
export function parseYamlWithPlaces(text: string): ReturnType<typeof parseYaml> {
  if (lastParsed?.text !== text) lastParsed = { text, parsed: parseYaml(text) };
  return lastParsed.parsed;
}

function parseYaml(text: string) {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const placeOf = (offset: number): Place => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  /** The place of the value at `path`, or of its nearest existing ancestor. */
  const placeOfPath = (path: ReadonlyArray<PropertyKey>): Place => {
    for (let length = path.length; length >= 0; length--) {
      const node = document.getIn(path.slice(0, length) as Array<string | number>, true);
      if (isNode(node) && (node as YamlNode).range) return placeOf((node as YamlNode).range![0]);
    }
    return { line: 1, column: 1 };
  };
  return { document, placeOf, placeOfPath };
}

/**
 * How many times a YAML document's aliases (`*name`) may be expanded: the yaml package's guard
 * against "billion laughs" alias bombs, stated here so that every manuscript YAML uses the same.
 */
export const maxAliasCount = 100;

/**
 * The plain data of a parsed document, or why it cannot be had (too many aliases, an alias with
 * no anchor) and where: the first alias of the document.
 */
export function yamlData(document: Document, placeOf: (offset: number) => Place): { data: unknown } | { reason: string; place: Place } {
  try {
    return { data: document.toJS({ maxAliasCount }) };
  } catch (error) {
    let place: Place = { line: 1, column: 1 };
    visit(document, {
      Alias(_, node) {
        if (node.range) place = placeOf(node.range[0]);
        return visit.BREAK;
      },
    });
    const excessive = /excessive alias count/i.test((error as Error).message);
    return {
      reason: excessive
        ? `its aliases (\`*name\`) expand to more than ${maxAliasCount} copies, the limit that stops alias bombs; write the values out`
        : `${(error as Error).message.split('\n')[0]}; define each anchor (\`&name\`) before its aliases`,
      place,
    };
  }
}

/**
 * What is wrong with the ids of `rules:`: an id that is no rule (it would silently change
 * nothing), with the nearest known id as `expected`; a fixed id given another severity than its
 * own (catalogue.ts, `fixedBecause`).
 */
function ruleProblems(rules: Record<string, unknown>): Array<{ id: string; reason: string; extra: ReportExtra }> {
  const problems: Array<{ id: string; reason: string; extra: ReportExtra }> = [];
  for (const [id, setting] of Object.entries(rules)) {
    if (!isRuleId(id)) {
      const nearest = nearestRuleId(id);
      problems.push({
        id,
        reason: `is no rule id, so it would change nothing${nearest ? `: did you mean \`${nearest}\`?` : ''} (\`book check --rules\` lists the ids)`,
        extra: { actual: id, expected: nearest ? [nearest] : undefined },
      });
      continue;
    }
    const fixed = fixedBecause(id, String(setting));
    if (fixed) problems.push({ id, reason: `${fixed}; remove the line`, extra: { actual: String(setting), expected: [ruleInfo(id).severity] } });
  }
  return problems;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The place of the key `key` in the map at `path` (where an editor looks for it), if found. */
function placeOfKey(document: Document, path: string[], key: string, placeOf: (offset: number) => Place): Place | undefined {
  const map = document.getIn(path, true);
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return placeOf(pair.key.range[0]);
  }
  return undefined;
}

function describeExpectation(issue: import('zod').ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined'
        ? `\`${issue.path.join('.')}\` is missing: expected ${issue.expected}`
        : `expected ${issue.expected}, found ${issue.received}`;
    case 'invalid_enum_value':
      return `expected one of ${issue.options.map((o) => `\`${String(o)}\``).join(', ')}, found \`${String(issue.received)}\``;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}; see docs/manuscript-format.md for the keys book.yaml takes`;
    case 'invalid_string':
    case 'too_small':
    case 'custom':
      return `expected ${issue.message}`;
    default:
      return issue.message;
  }
}

/**
 * Validate `book.yaml`; messages go to `file` (fatal ones for errors). Returns the config, or
 * undefined when it cannot be used.
 */
export function loadBookConfig(file: VFile): BookConfig | undefined {
  const text = String(file.value);
  const { document, placeOf, placeOfPath } = parseYamlWithPlaces(text);
  let failed = false;
  const fail = (reason: string, place: Place, ruleId: RuleId, extra?: ReportExtra) => {
    report(file, ruleId, reason, place, extra);
    failed = true;
  };

  for (const error of document.errors) {
    fail(`Cannot read book.yaml as YAML: ${error.message.split('\n')[0]}`, placeOf(error.pos[0]), 'config-invalid');
  }
  if (failed) return undefined;

  const read = yamlData(document, placeOf);
  if ('reason' in read) {
    fail(`Cannot read book.yaml: ${read.reason}`, read.place, 'config-invalid');
    return undefined;
  }
  const raw: unknown = read.data ?? {};
  const result = bookSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.length ? `\`${issue.path.join('.')}\`: ` : '';
      fail(`Invalid value in book.yaml: ${key}${describeExpectation(issue)}`, placeOfPath(issue.path), 'config-invalid');
    }
  }
  // The ids of `rules:` are checked even when another value is wrong: every problem at once.
  const rules = isRecord(raw) && isRecord(raw.rules) ? raw.rules : {};
  for (const problem of ruleProblems(rules)) {
    fail(`Invalid rule in book.yaml: \`rules.${problem.id}\` ${problem.reason}`, placeOfKey(document, ['rules'], problem.id, placeOf) ?? placeOfPath(['rules', problem.id]), 'config-invalid', problem.extra);
  }
  if (!result.success || failed) return undefined;
  const config = result.data;
  const isbn = config.identifiers.isbn;
  if (isbn !== undefined && !isValidIsbn(isbn)) {
    fail(
      `Invalid ISBN \`${isbn}\` in book.yaml: expected an ISBN-13 or ISBN-10 whose check digit is right; correct it or remove it`,
      placeOfPath(['identifiers', 'isbn']),
      'isbn-check-digit',
    );
    return undefined;
  }
  return config;
}
