/**
 * The one loader of the book's registries — the names (`names:` → persons.yaml), the places
 * (`places:`), the glossary (`glossary:`) and the abbreviations (`abbreviations:`): a YAML list of
 * entries, read strictly as UTF-8, validated by the entry's zod schema, each problem reported with
 * its line and column under the registry's own rule id (`names-invalid`, `places-invalid`,
 * `glossary-invalid`). Every entry keeps the place of its `- ` item in the file (`position`), so
 * that the checks and editions reading it can point there. See docs/manuscript-format.md.
 */
import path from 'node:path';
import { VFile } from 'vfile';
import type { z } from 'zod';
import { isMap, isScalar, Scalar, type Document } from 'yaml';
import { parseYamlWithPlaces, yamlData, type Place } from '../config/load-config.ts';
import type { RuleId } from '../check/catalogue.ts';
import { BuildError } from '../errors.ts';
import { report } from '../check/messages.ts';
import { readManuscriptFile, readText } from './read-text.ts';

/**
 * An entry of a registry with the place of its item in the file, and where the text of each of its
 * scalar fields begins (after the quote, or on the line after `|` or `>`): a Markdown field's
 * messages are reported there (scripts/apparatus/markdown-field.ts).
 */
export type Positioned<T> = T & { position: Place; fieldPositions: Record<string, Place> };

/** Where the text of each scalar value of the map at `index` begins. */
function fieldPositionsOf(document: Document, index: number, text: string, placeOf: (offset: number) => Place): Record<string, Place> {
  const places: Record<string, Place> = {};
  const map = document.getIn([index], true);
  if (!isMap(map)) return places;
  for (const pair of map.items) {
    if (!isScalar(pair.key) || !isScalar(pair.value) || !pair.value.range) continue;
    let offset = pair.value.range[0];
    const type = pair.value.type;
    if (type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE) offset += 1;
    else if (type === Scalar.BLOCK_LITERAL || type === Scalar.BLOCK_FOLDED) {
      const lineEnd = text.indexOf('\n', offset);
      offset = lineEnd < 0 ? offset : lineEnd + 1;
      while (text[offset] === ' ') offset++;
    }
    places[String(pair.key.value)] = placeOf(offset);
  }
  return places;
}

/** What one registry is: where book.yaml names it, how messages call it, how an entry is checked. */
export interface RegistryKind<T> {
  /** The key of book.yaml naming the file (`names`, `places`…), repeated in messages. */
  key: string;
  /** How messages call it: `names registry`, `places registry`, `glossary`. */
  what: string;
  ruleId: RuleId;
  /** The schema of one entry (strict: an unknown key is a mistake). */
  entry: z.ZodType<T, z.ZodTypeDef, unknown>;
  /** Entries that must differ: their key, its path in the entry and how to say it twice (`Person id`). */
  unique?: { of: (entry: T) => string; at: string | ((entry: T) => string); label: string; fix: string };
  /** Checks across an entry's fields the schema cannot make: each problem with the entry's path of it. */
  refine?: (entry: T) => Array<{ at: Array<string | number>; reason: string }>;
}

export interface Registry<T> {
  entries: Array<Positioned<T>>;
  file: VFile;
}

/** The zod issue as a sentence's end: `: expected array, found string`, `: a latitude …, found 123`. */
function describeIssue(issue: z.ZodIssue, data: unknown): string {
  if (issue.code === 'invalid_type') return `: expected ${issue.expected}, found ${issue.received}`;
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    let value: unknown = data;
    for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    return `: expected ${issue.message}, found ${typeof value === 'number' || typeof value === 'string' ? JSON.stringify(value) : typeof value}`;
  }
  return `: ${issue.message}`;
}

/**
 * Validate the registry text of `file`. Problems become messages on `file` (fatal for the
 * registries' ids, `fixed` in the catalogue) with their line; any problem makes the result
 * undefined: an edition never works from half a registry.
 */
export function parseRegistry<T>(file: VFile, kind: RegistryKind<T>): Array<Positioned<T>> | undefined {
  const { document, placeOf, placeOfPath } = parseYamlWithPlaces(String(file.value));
  let failed = false;
  const fail = (reason: string, place: Place) => {
    report(file, kind.ruleId, reason, place);
    failed = true;
  };
  for (const error of document.errors) fail(`Cannot read the ${kind.what} as YAML: ${error.message.split('\n')[0]}`, placeOf(error.pos[0]));
  if (failed) return undefined;
  const read = yamlData(document, placeOf);
  if ('reason' in read) {
    fail(`Cannot read the ${kind.what}: ${read.reason}`, read.place);
    return undefined;
  }
  const data = read.data ?? [];
  const result = (kind.entry.array() as z.ZodType<T[], z.ZodTypeDef, unknown>).safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.length ? ` at \`${issue.path.join('.')}\`` : '';
      fail(`Invalid entry in the ${kind.what}${key}${describeIssue(issue, data)}`, placeOfPath(issue.path));
    }
    return undefined;
  }
  const seen = new Set<string>();
  result.data.forEach((entry, i) => {
    for (const problem of kind.refine?.(entry) ?? []) fail(`Invalid entry in the ${kind.what} at \`${[i, ...problem.at].join('.')}\`: ${problem.reason}`, placeOfPath([i, ...problem.at]));
    if (!kind.unique) return;
    const id = kind.unique.of(entry);
    if (seen.has(id)) fail(`${kind.unique.label} \`${id}\` is used twice in the ${kind.what}; ${kind.unique.fix}`, placeOfPath([i, typeof kind.unique.at === 'string' ? kind.unique.at : kind.unique.at(entry)]));
    seen.add(id);
  });
  const text = String(file.value);
  return failed ? undefined : result.data.map((entry, i) => ({ ...entry, position: placeOfPath([i]), fieldPositions: fieldPositionsOf(document, i, text, placeOf) }));
}

/**
 * Read and validate the registry book.yaml names at `key:` (`name`), when the book is loaded: its
 * problems are reported by `book check` like those of book.yaml. The path is already known to lie
 * inside the manuscript (scripts/manuscript/inside.ts). The registry file joins `files` so that
 * its messages are printed like any other; a registry that does not exist is reported on
 * book.yaml, at its key.
 */
export async function readRegistry<T>(
  root: string,
  name: string,
  kind: RegistryKind<T>,
  config: { file: VFile; place: Place },
): Promise<{ registry?: Registry<T>; files: VFile[] }> {
  const registryPath = path.resolve(root, name);
  const read = await readText(registryPath);
  if (read.problem === 'unreadable') {
    const reason = read.reason === 'does not exist' ? `does not exist in ${root}; create it or remove \`${kind.key}:\`` : `${read.reason}; correct it or remove \`${kind.key}:\``;
    report(config.file, kind.ruleId, `The ${kind.what} \`${name}\` named in book.yaml ${reason}`, config.place);
    return { files: [] };
  }
  if (read.problem === 'encoding') {
    const { file } = await readManuscriptFile(registryPath, `The ${kind.what}`);
    throw new BuildError(`The ${kind.what} is not valid UTF-8.`, [file]);
  }
  const file = new VFile({ path: registryPath, value: read.text });
  const entries = parseRegistry(file, kind);
  return { registry: entries ? { entries, file } : undefined, files: [file] };
}
