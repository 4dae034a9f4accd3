/**
 * The names registry (`persons.yaml`, named by `names:` in book.yaml; see docs/manuscript-format.md):
 * one entry per person with the canonical French form, the index sort key and the forms met in the
 * sources. Read and validated here when the book is loaded, with the line of every problem, for
 * `book check` and the editions that need it (the index of names of the print edition).
 */
import type { VFile } from 'vfile';
import { z } from 'zod';
import type { Place } from '../config/load-config.ts';
import type { Book } from '../model/index.ts';
import { parseRegistry, readRegistry, type Positioned, type RegistryKind } from './registry.ts';

export const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as fr, kk or ru');

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
    /** A biographical note, Markdown inline (notes and citations allowed): « Notices biographiques ». */
    bio: z.string().min(1, 'the biographical note, in Markdown').optional(),
  })
  .strict();

export const personsSchema = z.array(personSchema);

/** A person of the registry, with the place of its entry in the file. */
export type Person = Positioned<z.output<typeof personSchema>>;

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

/** The names registry for the shared loader (scripts/manuscript/registry.ts). */
export const namesKind: RegistryKind<z.output<typeof personSchema>> = {
  key: 'names',
  what: 'names registry',
  ruleId: 'names-invalid',
  entry: personSchema,
  unique: { of: (person) => person.id, at: 'id', label: 'Person id', fix: 'give each person one entry' },
};

/**
 * Validate the registry text. Problems become messages on `file` with their line; fatal ones make
 * the result undefined.
 */
export function parsePersons(file: VFile): Person[] | undefined {
  return parseRegistry(file, namesKind);
}

/**
 * Read and validate the registry book.yaml names (`names:`), when the book is loaded (the shared
 * loader, scripts/manuscript/registry.ts): every edition finds it on `book.names`.
 */
export async function readNamesRegistry(
  root: string,
  name: string,
  config: { file: VFile; place: Place },
): Promise<{ registry?: NamesRegistry; files: VFile[] }> {
  const { registry, files } = await readRegistry(root, name, namesKind, config);
  return { registry: registry ? { persons: registry.entries, file: registry.file } : undefined, files };
}

/** The registry of `book`, read and validated when the book was loaded (see readNamesRegistry). */
export async function loadNamesRegistry(book: Book): Promise<NamesRegistry | undefined> {
  return book.names;
}

export interface NameForm {
  text: string;
  personId: string;
}

/** The forms to look for: canonical name, variants, and the surname when it names one person only. */
export function formsOf(persons: readonly Person[]): NameForm[] {
  const forms = new Map<string, string>();
  const claimed = new Map<string, Set<string>>();
  const claim = (text: string, personId: string) => {
    const t = text.trim();
    if (t.length < 2) return;
    if (!claimed.has(t)) claimed.set(t, new Set());
    claimed.get(t)!.add(personId);
  };
  for (const person of persons) {
    claim(person.name, person.id);
    for (const variant of person.variants) claim(variant.form, person.id);
  }
  const surnames = new Map<string, Set<string>>();
  for (const person of persons) {
    const surname = surnameOf(person);
    if (surname.length < 3 || /[.]/.test(surname)) continue;
    if (!surnames.has(surname)) surnames.set(surname, new Set());
    surnames.get(surname)!.add(person.id);
  }
  for (const [surname, ids] of surnames) if (ids.size === 1 && !claimed.has(surname)) claim(surname, [...ids][0]);
  // A form two persons share designates neither for sure: leave it out.
  for (const [text, ids] of claimed) if (ids.size === 1) forms.set(text, [...ids][0]);
  return [...forms].map(([text, personId]) => ({ text, personId })).sort((a, b) => b.text.length - a.text.length);
}
