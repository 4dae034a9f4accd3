/**
 * The names registry (`persons.yaml`, named by `names:` in book.yaml; see docs/manuscript-format.md):
 * one entry per person with the canonical French form, the index sort key and the forms met in the
 * sources. Read and validated here, with the line of every problem, for the editions that need it
 * (the index of names of the print edition).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { z } from 'zod';
import { parseYamlWithPlaces } from '../config/load-config.ts';
import type { Book } from '../model.ts';

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
    file.message(reason, { place, ruleId: 'names-invalid', source: 'book' }).fatal = true;
    failed = true;
  };
  for (const error of document.errors) fail(`Cannot read the names registry as YAML: ${error.message.split('\n')[0]}`, placeOf(error.pos[0]));
  if (failed) return undefined;
  const result = personsSchema.safeParse(document.toJS() ?? []);
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
 * The registry of `book`, when book.yaml names one. The file joins `book.files` so that its
 * messages are printed like any other.
 */
export async function loadNamesRegistry(book: Book): Promise<NamesRegistry | undefined> {
  const name = book.meta.config.names;
  if (!name) return undefined;
  const registryPath = path.resolve(book.root, name);
  const existing = book.files.find((file) => file.path === registryPath);
  let file = existing;
  if (!file) {
    let text: string;
    try {
      text = await readFile(registryPath, 'utf8');
    } catch {
      const config = book.files.find((f) => path.basename(f.path) === 'book.yaml') ?? new VFile({ path: path.join(book.root, 'book.yaml') });
      const place = config.value === undefined ? undefined : parseYamlWithPlaces(String(config.value)).placeOfPath(['names']);
      config.message(`The names registry \`${name}\` named in book.yaml does not exist in ${book.root}; create it or remove \`names:\``, {
        place,
        ruleId: 'names-invalid',
        source: 'book',
      }).fatal = true;
      if (!book.files.includes(config)) book.files.push(config);
      return undefined;
    }
    file = new VFile({ path: registryPath, value: text });
    book.files.push(file);
  }
  const persons = parsePersons(file);
  return persons ? { persons, file } : undefined;
}
