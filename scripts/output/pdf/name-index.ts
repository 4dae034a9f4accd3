/**
 * The index of names of the printed book. With a names registry (persons.yaml), every occurrence of
 * a person's canonical form, of a variant, or of the surname alone (when no other person shares
 * it) is marked in the print chapters; without one, the language-tagged spans (`[Қадем
 * Жұманиязов]{lang=kk}`) are the names. Each marked occurrence gets an id; the index lists, per
 * name, references to those ids, which the page handler turns into page numbers. Pure: works on
 * the trees it is given.
 */
import type { Root, Element, ElementContent, Text } from 'hast';
import type { Person } from '../../manuscript/names.ts';
import { sortKeyOf, surnameOf } from '../../manuscript/names.ts';
import type { IndexEntry } from './pages.ts';

const skippedTags = new Set(['h1', 'code', 'pre', 'script', 'style', 'svg', 'math']);
const skippedClasses = new Set(['citation', 'noteref', 'page-ref', 'note-number', 'name-occurrence']);

function classesOf(node: Element): string[] {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : [];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Form {
  text: string;
  personId: string;
}

/** The forms to look for: canonical name, variants, and the surname when it names one person only. */
export function formsOf(persons: Person[]): Form[] {
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

export interface NameMarks {
  /** Person id → ids of its marked occurrences, in book order. */
  occurrences: Map<string, string[]>;
}

/**
 * Wrap each occurrence of a registered form in `span.name-occurrence` with an id and
 * `data-page-target`. `trees` in book order; ids are numbered through the book.
 */
export function markNames(trees: Array<{ tree: Root; lang: string }>, persons: Person[]): NameMarks {
  const forms = formsOf(persons);
  const occurrences = new Map<string, string[]>();
  if (forms.length === 0) return { occurrences };
  const byText = new Map(forms.map((f) => [f.text.normalize('NFC'), f.personId]));
  // Spaces in a form match any space the typography put there (no-break, narrow no-break).
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{M}\\p{N}])(${forms.map((f) => escape(f.text.normalize('NFC')).replace(/\s+/g, '[\\s\\u00a0\\u202f]+')).join('|')})(?![\\p{L}\\p{M}\\p{N}])`,
    'gu',
  );
  const mark = (text: Text): ElementContent[] | undefined => {
    const value = text.value;
    pattern.lastIndex = 0;
    if (!pattern.test(value)) return undefined;
    pattern.lastIndex = 0;
    const out: ElementContent[] = [];
    let last = 0;
    for (const match of value.matchAll(pattern)) {
      const personId = byText.get(match[0].replace(/[\s\u00a0\u202f]+/g, ' ').normalize('NFC')) ?? byText.get(match[0]);
      if (!personId) continue;
      if (match.index > last) out.push({ type: 'text', value: value.slice(last, match.index) });
      const list = occurrences.get(personId) ?? [];
      occurrences.set(personId, list);
      const id = `name-${personId}-${list.length + 1}`;
      list.push(id);
      out.push({
        type: 'element',
        tagName: 'span',
        properties: { className: ['name-occurrence'], id, dataPageTarget: '', dataPerson: personId },
        children: [{ type: 'text', value: match[0] }],
      });
      last = match.index + match[0].length;
    }
    if (last < value.length) out.push({ type: 'text', value: value.slice(last) });
    return out;
  };
  const walk = (node: Root | Element) => {
    const children: Array<Root['children'][number]> = [];
    for (const child of node.children) {
      if (child.type === 'text') {
        const replaced = mark(child);
        if (replaced) children.push(...replaced);
        else children.push(child);
        continue;
      }
      if (child.type === 'element' && !skippedTags.has(child.tagName) && !classesOf(child).some((c) => skippedClasses.has(c))) walk(child);
      children.push(child);
    }
    node.children = children as typeof node.children;
  };
  for (const { tree } of trees) walk(tree);
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
