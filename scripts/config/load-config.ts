/**
 * Reads and validates `book.yaml`. Every problem becomes a vfile message with the line and column
 * of the offending value, so an editor sees where to look and what was expected.
 */
import { LineCounter, parseDocument, isNode, visit, type Document, type Node as YamlNode } from 'yaml';
import type { VFile } from 'vfile';
import { bookSchema, type BookConfig } from './book-schema.ts';
import { isValidIsbn } from './isbn.ts';

export interface Place {
  line: number;
  column: number;
}

/** Parse YAML text and return a function that finds the place of a value by its path. */
export function parseYamlWithPlaces(text: string) {
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
  const fail = (reason: string, place: Place, ruleId: string) => {
    const message = file.message(reason, { place, ruleId, source: 'book' });
    message.fatal = true;
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
    return undefined;
  }
  const config = result.data;
  const isbn = config.identifiers.isbn;
  if (isbn !== undefined && !isValidIsbn(isbn)) {
    fail(
      `Invalid ISBN \`${isbn}\` in book.yaml: expected an ISBN-13 or ISBN-10 whose check digit is right; correct it or remove it`,
      placeOfPath(['identifiers', 'isbn']),
      'config-invalid',
    );
    return undefined;
  }
  return config;
}
