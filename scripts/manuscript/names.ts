/**
 * The names registry (`persons.yaml`, named by `names:` in book.yaml; see docs/manuscript-format.md):
 * one entry per person with the canonical French form, the index sort key and the forms met in the
 * sources. Read and validated here when the book is loaded, with the line of every problem, for
 * `book check` and the editions that need it (the index of names of the print edition).
 */
import path from 'node:path';
import { VFile } from 'vfile';
import { z } from 'zod';
import { parseYamlWithPlaces, yamlData, type Place } from '../config/load-config.ts';
import type { Book } from '../model/index.ts';
import { BuildError } from '../errors.ts';
import { report } from '../check/messages.ts';
import { readManuscriptFile, readText } from './read-text.ts';

const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as fr, kk or ru');

export const personSchema = z
  .object({
    id: z.string().regex(/^[\p{L}\p{N}_-]+$/u, 'an id of letters, digits, `-` or `_`'),
    name: z.string().min(1, 'the canonical form of the name'),
    sort: z.string().min(1).optional(),
    variants: z.array(z.object({ form: z.string().min(1), lang: languageTag }).strict()).default([]),
    role: z.string().optional(),
    attested: z.enum(['seed-only', 'beyond-seed']).optional(),
    sources: z.array(z.string()).default([]),
    note: z.string().optional(),
  })
  .strict();

export const personsSchema = z.array(personSchema);

export type Person = z.output<typeof personSchema>;

export interface NamesRegistry {
  persons: Person[];
  file: VFile;
}

/** The sort key: `sort`, else the name with its last word first (`Kadem Zhumaniyazov` → `Zhumaniyazov, Kadem`). */
export function sortKeyOf(person: Person): string {
  if (person.sort) return person.sort;
  const words = person.name.trim().split(/\s+/);
  return words.length > 1 ? `${words.at(-1)}, ${words.slice(0, -1).join(' ')}` : person.name;
}

/** The surname as the sort key gives it (`Gaulle, Charles de` → `Gaulle`). */
export function surnameOf(person: Person): string {
  return sortKeyOf(person).split(',')[0].trim();
}

/**
 * Validate the registry text. Problems become messages on `file` with their line; fatal ones make
 * the result undefined.
 */
export function parsePersons(file: VFile): Person[] | undefined {
  const { document, placeOf, placeOfPath } = parseYamlWithPlaces(String(file.value));
  let failed = false;
  const fail = (reason: string, place: { line: number; column: number }) => {
    report(file, 'names-invalid', reason, place);
    failed = true;
  };
  for (const error of document.errors) fail(`Cannot read the names registry as YAML: ${error.message.split('\n')[0]}`, placeOf(error.pos[0]));
  if (failed) return undefined;
  const read = yamlData(document, placeOf);
  if ('reason' in read) {
    fail(`Cannot read the names registry: ${read.reason}`, read.place);
    return undefined;
  }
  const result = personsSchema.safeParse(read.data ?? []);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.length ? ` at \`${issue.path.join('.')}\`` : '';
      const found = issue.code === 'invalid_type' ? `: expected ${issue.expected}, found ${issue.received}` : `: ${issue.message}`;
      fail(`Invalid entry in the names registry${key}${found}`, placeOfPath(issue.path));
    }
    return undefined;
  }
  const seen = new Map<string, number>();
  result.data.forEach((person, i) => {
    if (seen.has(person.id)) fail(`Person id \`${person.id}\` is used twice in the names registry; give each person one entry`, placeOfPath([i, 'id']));
    seen.set(person.id, i);
  });
  return failed ? undefined : result.data;
}

/**
 * Read and validate the registry book.yaml names (`names:`), when the book is loaded: its problems
 * are reported by `book check` like those of book.yaml, and every edition finds it on `book.names`.
 * The path is already known to lie inside the manuscript (scripts/manuscript/inside.ts). The
 * registry file joins `files` so that its messages are printed like any other; a registry that
 * does not exist is reported on book.yaml, at `names:`.
 */
export async function readNamesRegistry(
  root: string,
  name: string,
  config: { file: VFile; place: Place },
): Promise<{ registry?: NamesRegistry; files: VFile[] }> {
  const registryPath = path.resolve(root, name);
  const read = await readText(registryPath);
  if (read.problem === 'unreadable') {
    const reason = read.reason === 'does not exist' ? `does not exist in ${root}; create it or remove \`names:\`` : `${read.reason}; correct it or remove \`names:\``;
    report(config.file, 'names-invalid', `The names registry \`${name}\` named in book.yaml ${reason}`, config.place);
    return { files: [] };
  }
  if (read.problem === 'encoding') {
    const { file } = await readManuscriptFile(registryPath, 'The names registry');
    throw new BuildError('The names registry is not valid UTF-8.', [file]);
  }
  const file = new VFile({ path: registryPath, value: read.text });
  const persons = parsePersons(file);
  return { registry: persons ? { persons, file } : undefined, files: [file] };
}

/** The registry of `book`, read and validated when the book was loaded (see readNamesRegistry). */
export async function loadNamesRegistry(book: Book): Promise<NamesRegistry | undefined> {
  return book.names;
}
