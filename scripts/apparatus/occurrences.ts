/**
 * The registries' words found in the chapters (compile time, on the shared, sanitized rendering;
 * from validated data only), for every edition:
 *   - each place of the places registry, by its name and forms: `span.place-occurrence#place-ID-N`;
 *   - each person who has a biographical note, by the forms of the index of names:
 *     `span.person-occurrence#person-ID-N`;
 *   - a glossary term, at its first use in each chapter: a link to its entry in the glossary
 *     (`a.glossary-term`, role `doc-glossref`);
 *   - an abbreviation, wherever it stands: `abbr` with its expansion as `title`.
 * Ids are numbered through the book, in book order. The index of places and the biographical
 * notes point at these ids (page numbers in print, links elsewhere). Pure: changes the trees only.
 */
import path from 'node:path';
import type { Element, Root } from 'hast';
import type { Chapter } from '../model/index.ts';
import { formsOf, type Person } from '../manuscript/names.ts';
import type { PlaceEntry } from '../manuscript/places.ts';
import type { Glossary } from '../manuscript/glossary.ts';
import { findForms } from './find-forms.ts';

/** Where an entry is named: ids of its occurrences in book order, with their chapter. */
export type Occurrences = Map<string, Array<{ id: string; chapter: Chapter }>>;

export interface ApparatusMarks {
  places: Occurrences;
  persons: Occurrences;
  /** The id each glossary term's entry carries (its `gl-…` id, or the next free one). */
  termIds: Map<string, string>;
}

/** An id unique in the book: `base`, or the next free `base-2`… (render/ids.ts), kept for `chapterId`. */
export type ClaimId = (base: string, chapterId: string) => string;

export interface MarkInput {
  places?: readonly PlaceEntry[];
  /** The persons who have a biographical note (the forms are those of the whole registry). */
  persons?: readonly Person[];
  glossary?: Glossary;
  /** The glossary's chapter file (its source path) and id: the terms link to it. */
  glossaryPath?: string;
  glossaryId?: string;
  /** Ids are claimed in the book's ids, so that none is an author's (default: as made). */
  claimId?: ClaimId;
}

const element = (tagName: string, properties: Element['properties'], text: string): Element => ({ type: 'element', tagName, properties, children: [{ type: 'text', value: text }] });

function record(occurrences: Occurrences, key: string, prefix: string, chapter: Chapter, claim: ClaimId): string {
  const list = occurrences.get(key) ?? [];
  occurrences.set(key, list);
  const id = claim(`${prefix}-${key}-${list.length + 1}`, chapter.id);
  list.push({ id, chapter });
  return id;
}

/**
 * The forms, and those that begin with a small letter also with a capital: a term or a place
 * (`brumaille`, `la Plaine grise`) may open a sentence. The forms as written come first.
 */
function withCapitals(forms: string[]): string[] {
  const capitals = forms.filter((form) => /^\p{Ll}/u.test(form)).map((form) => form[0].toLocaleUpperCase() + form.slice(1));
  return [...forms, ...capitals];
}

/** Mark the registries' words in `chapters` (the manuscript's, in book order). */
export function markOccurrences(chapters: readonly Chapter[], input: MarkInput): ApparatusMarks {
  const claim: ClaimId = input.claimId ?? ((base) => base);
  const marks: ApparatusMarks = { places: new Map(), persons: new Map(), termIds: new Map() };
  for (const term of input.glossary?.terms ?? []) marks.termIds.set(term.id, claim(term.id, input.glossaryId ?? ''));
  const placeForms = new Map<string, string>();
  for (const place of input.places ?? []) {
    for (const form of withCapitals([place.name, ...place.forms.map((f) => f.form)])) if (!placeForms.has(form)) placeForms.set(form, place.id);
  }
  const withBio = new Set((input.persons ?? []).filter((p) => p.bio).map((p) => p.id));
  const personForms = new Map(formsOf(input.persons ?? []).filter((f) => withBio.has(f.personId)).map((f) => [f.text, f.personId]));
  const termForms = new Map<string, string>();
  for (const term of input.glossary?.terms ?? []) for (const form of withCapitals([term.term, ...term.forms.map((f) => f.form)])) if (!termForms.has(form)) termForms.set(form, term.id);

  for (const chapter of chapters) {
    const tree: Root = chapter.hast;
    findForms([tree], {
      forms: placeForms,
      skipClasses: ['place-occurrence'],
      wrap: (placeId, text) => element('span', { className: ['place-occurrence'], id: record(marks.places, placeId, 'place', chapter, claim) }, text),
    });
    findForms([tree], {
      forms: personForms,
      skipClasses: ['person-occurrence'],
      wrap: (personId, text) => element('span', { className: ['person-occurrence'], id: record(marks.persons, personId, 'person', chapter, claim) }, text),
    });
    if (input.glossaryPath) {
      // A link the manuscript could write itself (`glossaire.yaml#gl-terme`), relative to the chapter.
      const file = path.relative(path.dirname(chapter.source.path), input.glossaryPath).split(path.sep).map(encodeURIComponent).join('/');
      const linked = new Set<string>();
      findForms([tree], {
        forms: termForms,
        skipClasses: ['glossary-term'],
        wrap(termId, text) {
          if (linked.has(termId)) return undefined;
          linked.add(termId);
          return element('a', { className: ['glossary-term'], href: `${file}#${marks.termIds.get(termId) ?? termId}`, role: 'doc-glossref' }, text);
        },
      });
    }
    markAbbreviations(tree, input.glossary);
  }
  return marks;
}

/** Each abbreviation of `glossary` in `tree` written `<abbr title="expansion">`. */
export function markAbbreviations(tree: Root, glossary: Glossary | undefined): void {
  const abbreviations = new Map((glossary?.abbreviations ?? []).map((a) => [a.abbr, a]));
  findForms([tree], {
    forms: new Map([...abbreviations.keys()].map((abbr) => [abbr, abbr])),
    skipClasses: ['apparatus-term'],
    wrap: (abbr, text) => element('abbr', { title: abbreviations.get(abbr)!.expansion, lang: abbreviations.get(abbr)!.lang }, text),
  });
}
