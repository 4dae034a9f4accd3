/**
 * The glossary and the abbreviations (`glossary: glossary.yaml`, `abbreviations: FILE`; see
 * docs/manuscript-format.md), read by the shared registry loader (registry.ts). One list, two
 * kinds of entries:
 *   - a term: `{ term, definition, forms?, lang? }` — the definition is Markdown inline (notes and
 *     citations allowed), rendered like the chapters; the forms are the other spellings found in
 *     the text (a string, or `{ form, lang }` like the names registry's variants);
 *   - an abbreviation: `{ abbr, expansion, lang? }` — in the glossary's file or in its own.
 * A term's id (its anchor in the editions) is made from the term; two entries with the same id
 * are an error at the second.
 */
import type { VFile } from 'vfile';
import { z } from 'zod';
import type { Place } from '../config/load-config.ts';
import { slug } from '../render/ids.ts';
import { languageTag } from './names.ts';
import { parseRegistry, readRegistry, type Positioned, type RegistryKind } from './registry.ts';

const form = z.union([z.string().min(1), z.object({ form: z.string().min(1), lang: languageTag }).strict()]);

export const glossaryEntrySchema = z
  .object({
    term: z.string().min(1, 'the term as the glossary prints it').optional(),
    definition: z.string().min(1, 'the definition, in Markdown').optional(),
    forms: z.array(form).default([]),
    abbr: z.string().min(1, 'the abbreviation as the text writes it').optional(),
    expansion: z.string().min(1, 'what the abbreviation stands for').optional(),
    lang: languageTag.optional(),
  })
  .strict();

type RawEntry = z.output<typeof glossaryEntrySchema>;

export interface GlossaryTerm {
  /** The anchor of its entry in the glossary: `gl-` and the term made an id. */
  id: string;
  term: string;
  definition: string;
  forms: Array<{ form: string; lang?: string }>;
  lang?: string;
  position: Place;
  /** Where the definition's text begins in the file: its messages are reported from there. */
  definitionStart: Place;
}

export interface Abbreviation {
  abbr: string;
  expansion: string;
  lang?: string;
  position: Place;
}

export interface Glossary {
  terms: GlossaryTerm[];
  abbreviations: Abbreviation[];
  file: VFile;
}

export const termId = (term: string) => `gl-${slug(term) || 'terme'}`;

/** The registry key of an entry: the id of a term, the abbreviation itself. */
const identity = (entry: RawEntry) => (entry.term !== undefined ? termId(entry.term) : `abbr:${entry.abbr ?? ''}`);

function kindOf(key: 'glossary' | 'abbreviations', termsAllowed: boolean): RegistryKind<RawEntry> {
  return {
    key,
    what: key === 'glossary' ? 'glossary' : 'list of abbreviations',
    ruleId: 'glossary-invalid',
    entry: glossaryEntrySchema,
    unique: { of: identity, at: (entry) => (entry.term !== undefined ? 'term' : 'abbr'), label: 'Entry', fix: 'give each term or abbreviation one entry' },
    refine(entry) {
      const isTerm = entry.term !== undefined || entry.definition !== undefined;
      const isAbbr = entry.abbr !== undefined || entry.expansion !== undefined;
      if (isTerm && isAbbr) return [{ at: ['abbr'], reason: 'an entry is a term (`term`, `definition`) or an abbreviation (`abbr`, `expansion`), not both; make two entries' }];
      if (!isTerm && !isAbbr) return [{ at: [], reason: 'expected a term (`term`, `definition`) or an abbreviation (`abbr`, `expansion`)' }];
      if (isTerm && !termsAllowed) return [{ at: ['term'], reason: 'a list of abbreviations holds abbreviations only (`abbr`, `expansion`); put terms in the glossary' }];
      if (isTerm && entry.term === undefined) return [{ at: ['definition'], reason: 'a definition without its `term`' }];
      if (isTerm && entry.definition === undefined) return [{ at: ['term'], reason: `term \`${entry.term}\` has no \`definition\`` }];
      if (isAbbr && entry.abbr === undefined) return [{ at: ['expansion'], reason: 'an expansion without its `abbr`' }];
      if (isAbbr && entry.expansion === undefined) return [{ at: ['abbr'], reason: `abbreviation \`${entry.abbr}\` has no \`expansion\`` }];
      if (isAbbr && entry.forms.length) return [{ at: ['forms'], reason: 'an abbreviation is found as written (`abbr`); `forms` is for terms' }];
      return [];
    },
  };
}

function split(entries: Array<Positioned<RawEntry>>, file: VFile): Glossary {
  const glossary: Glossary = { terms: [], abbreviations: [], file };
  for (const entry of entries) {
    if (entry.term !== undefined && entry.definition !== undefined) {
      glossary.terms.push({
        id: termId(entry.term),
        term: entry.term,
        definition: entry.definition,
        forms: entry.forms.map((f) => (typeof f === 'string' ? { form: f } : f)),
        lang: entry.lang,
        position: entry.position,
        definitionStart: entry.fieldPositions.definition ?? entry.position,
      });
    } else if (entry.abbr !== undefined && entry.expansion !== undefined) {
      glossary.abbreviations.push({ abbr: entry.abbr, expansion: entry.expansion, lang: entry.lang, position: entry.position });
    }
  }
  return glossary;
}

/** Validate glossary text (terms and abbreviations); problems are messages on `file`, and make the result undefined. */
export function parseGlossary(file: VFile, key: 'glossary' | 'abbreviations' = 'glossary'): Glossary | undefined {
  const entries = parseRegistry(file, kindOf(key, key === 'glossary'));
  return entries ? split(entries, file) : undefined;
}

/** Read and validate the file book.yaml names at `glossary:` or `abbreviations:` (registry.ts). */
export async function readGlossary(
  root: string,
  name: string,
  key: 'glossary' | 'abbreviations',
  config: { file: VFile; place: Place },
): Promise<{ registry?: Glossary; files: VFile[] }> {
  const { registry, files } = await readRegistry(root, name, kindOf(key, key === 'glossary'), config);
  return { registry: registry ? split(registry.entries, registry.file) : undefined, files };
}
