/**
 * The index of names of the printed book. With a names registry (persons.yaml), every occurrence of
 * a person's canonical form, of a variant, or of the surname alone (when no other person shares
 * it) is marked in the print chapters; without one, the language-tagged spans (`[Қадем
 * Жұманиязов]{lang=kk}`) are the names. Each marked occurrence gets an id; the index lists, per
 * name, references to those ids, which the page handler turns into page numbers. Pure: works on
 * the trees it is given.
 */
import type { Root, Element } from 'hast';
import { classesOf, findForms } from '../../apparatus/find-forms.ts';
import type { Person } from '../../manuscript/names.ts';
import { sortKeyOf } from '../../manuscript/names.ts';
import type { IndexEntry } from './pages.ts';

const skippedTags = new Set(['h1', 'code', 'pre', 'script', 'style', 'svg', 'math']);

/** The forms of the registry found in the text (scripts/manuscript/names.ts). */
export { formsOf } from '../../manuscript/names.ts';
import { formsOf } from '../../manuscript/names.ts';

export interface NameMarks {
  /** Person id → ids of its marked occurrences, in book order. */
  occurrences: Map<string, string[]>;
}

/**
 * Wrap each occurrence of a registered form in `span.name-occurrence` with an id and
 * `data-page-target` (the shared matcher, scripts/apparatus/find-forms.ts). `trees` in book order;
 * ids are numbered through the book.
 */
export function markNames(trees: Array<{ tree: Root; lang: string }>, persons: Person[]): NameMarks {
  const occurrences = new Map<string, string[]>();
  findForms(
    trees.map(({ tree }) => tree),
    {
      forms: new Map(formsOf(persons).map((f) => [f.text, f.personId])),
      // The heading of a person's own biographical note (scripts/apparatus) is no mention.
      skipClasses: ['name-occurrence', 'biography-name'],
      // Names are indexed in links and abbreviations too (the glossary's links, a cross-reference).
      searchTags: ['a', 'abbr'],
      wrap(personId, text): Element {
        const list = occurrences.get(personId) ?? [];
        occurrences.set(personId, list);
        const id = `name-${personId}-${list.length + 1}`;
        list.push(id);
        return { type: 'element', tagName: 'span', properties: { className: ['name-occurrence'], id, dataPageTarget: '', dataPerson: personId }, children: [{ type: 'text', value: text }] };
      },
    },
  );
  return { occurrences };
}

/** Index entries from the registry: one per person met in the text, in the order of the sort keys. */
export function registryEntries(persons: Person[], marks: NameMarks, lang: string): IndexEntry[] {
  const collator = new Intl.Collator(lang, { sensitivity: 'base', ignorePunctuation: true });
  return persons
    .filter((person) => (marks.occurrences.get(person.id)?.length ?? 0) > 0)
    .map((person) => ({
      heading: sortKeyOf(person),
      // Forms in other scripts help the reader who met them elsewhere; Latin variants are spellings.
      forms: person.variants.filter((v) => !/\p{Script=Latin}/u.test(v.form)).map((v) => ({ form: v.form, lang: v.lang === 'und' ? undefined : v.lang })),
      targets: marks.occurrences.get(person.id)!,
    }))
    .sort((a, b) => collator.compare(a.heading, b.heading));
}

/**
 * Without a registry: the spans the author tagged with a language other than the book's are the
 * names (`[Абу Молдагалиев]{lang=ru}`). Each gets an id; entries group identical texts.
 */
export function taggedNameEntries(trees: Array<{ tree: Root; lang: string }>, bookLang: string): IndexEntry[] {
  const byText = new Map<string, { lang: string; targets: string[] }>();
  let n = 0;
  const primary = (tag: string) => tag.toLowerCase().split('-')[0];
  const walk = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      const lang = child.properties.lang;
      if (child.tagName === 'span' && typeof lang === 'string' && primary(lang) !== primary(bookLang) && !classesOf(child).length) {
        const text = child.children.map((c) => (c.type === 'text' ? c.value : '')).join('').trim();
        if (text && child.children.every((c) => c.type === 'text')) {
          const id = typeof child.properties.id === 'string' ? child.properties.id : `name-tagged-${++n}`;
          child.properties.id = id;
          child.properties.dataPageTarget = '';
          const entry = byText.get(text) ?? { lang, targets: [] };
          entry.targets.push(id);
          byText.set(text, entry);
          continue;
        }
      }
      if (!skippedTags.has(child.tagName)) walk(child);
    }
  };
  for (const { tree } of trees) walk(tree);
  const collator = new Intl.Collator(bookLang, { sensitivity: 'base' });
  return [...byText]
    .map(([text, entry]) => ({ heading: text, headingLang: entry.lang, forms: [], targets: entry.targets }))
    .sort((a, b) => collator.compare(a.heading, b.heading));
}
