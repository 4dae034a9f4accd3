/**
 * The chapters the registries make (the scholarly apparatus): the glossary, the index of places and
 * the biographical notes in the back matter, the list of abbreviations in the front matter.
 *
 * Each is first an mdast tree — its title, then one entry per registry item holding what is
 * Markdown in it (a definition, a note: notes and citations allowed), parsed with its positions in
 * the registry file — so that it is compiled like every chapter (typography, citations, notes,
 * rendering, sanitizing) and checked like one, its messages landing on the registry file. Then,
 * once the chapters are marked (occurrences.ts), `finish` gives each its final shape as a hast
 * tree from the validated data: a definition list, an index with links to the occurrences
 * (`a.index-locator`, one per chapter, whose `data-targets` the print edition turns into page
 * numbers), the notes with the places where each person is named.
 */
import { h } from 'hastscript';
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import type { Root, RootContent, PhrasingContent } from 'mdast';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Chapter, ChapterSource, GeneratedChapterKind } from '../model/index.ts';
import type { Labels } from '../i18n/labels.ts';
import { sortKeyOf, type Person } from '../manuscript/names.ts';
import type { PlaceEntry } from '../manuscript/places.ts';
import type { Glossary } from '../manuscript/glossary.ts';
import { slug } from '../render/ids.ts';
import { parseField } from './markdown-field.ts';
import { classesOf } from './find-forms.ts';
import type { ApparatusMarks, ClaimId } from './occurrences.ts';

/** A generated chapter before it is compiled. */
export interface ApparatusDraft {
  kind: GeneratedChapterKind;
  /** The page name it asks for (made from its title). */
  wantedId: string;
  /** The registry file: the chapter's messages land there. */
  file: VFile;
  source: ChapterSource;
  mdast: Root;
}

export interface ApparatusInput {
  glossary?: Glossary;
  places?: { places: readonly PlaceEntry[]; file: VFile };
  names?: { persons: readonly Person[]; file: VFile };
}

const entryNode = (children: RootContent[]): RootContent =>
  ({ type: 'apparatusEntry', data: { hName: 'div', hProperties: { className: ['apparatus-entry'] } }, children }) as unknown as RootContent;

const headingText = (text: string): PhrasingContent[] => [{ type: 'text', value: text }];
const termParagraph = (text: string): RootContent => ({ type: 'paragraph', data: { hProperties: { className: ['apparatus-term'] } }, children: headingText(text) });

function draft(kind: GeneratedChapterKind, title: string, file: VFile, matter: 'front' | 'back', entries: RootContent[]): ApparatusDraft {
  return {
    kind,
    wantedId: slug(title) || kind,
    file,
    source: { path: file.path, matter, generated: kind },
    mdast: { type: 'root', children: [{ type: 'heading', depth: 1, children: headingText(title) }, ...entries] },
  };
}

/** Persons with a biographical note, in the order of their sort keys. */
export function personsWithBio(persons: readonly Person[], lang: string): Person[] {
  const collator = new Intl.Collator(lang, { sensitivity: 'base', ignorePunctuation: true });
  return persons.filter((p) => p.bio).sort((a, b) => collator.compare(sortKeyOf(a), sortKeyOf(b)));
}

/** The places in the order of the index. */
function sortedPlaces(places: readonly PlaceEntry[], lang: string): PlaceEntry[] {
  const collator = new Intl.Collator(lang, { sensitivity: 'base', ignorePunctuation: true });
  return [...places].sort((a, b) => collator.compare(a.name, b.name));
}

/**
 * The drafts of the generated chapters the registries call for, their Markdown parsed (the
 * citation stage must see their citations before any chapter is rendered).
 */
export function draftApparatus(input: ApparatusInput, labels: Labels, lang: string): ApparatusDraft[] {
  const drafts: ApparatusDraft[] = [];
  const { glossary, places, names } = input;
  if (glossary?.abbreviations.length) {
    const collator = new Intl.Collator(lang, { sensitivity: 'base' });
    const sorted = [...glossary.abbreviations].sort((a, b) => collator.compare(a.abbr, b.abbr));
    drafts.push(draft('abbreviations', labels.apparatus.abbreviations, glossary.file, 'front', sorted.map((a) => entryNode([termParagraph(a.abbr), { type: 'paragraph', children: headingText(a.expansion) }]))));
  }
  if (glossary?.terms.length) {
    const collator = new Intl.Collator(lang, { sensitivity: 'base', ignorePunctuation: true });
    const sorted = [...glossary.terms].sort((a, b) => collator.compare(a.term, b.term));
    drafts.push(draft('glossary', labels.apparatus.glossary, glossary.file, 'back', sorted.map((t) => entryNode([termParagraph(t.term), ...parseField(t.definition, glossary.file, t.definitionStart)]))));
  }
  if (names && names.persons.some((p) => p.bio)) {
    const entries = personsWithBio(names.persons, lang).map((p) => entryNode([termParagraph(sortKeyOf(p)), ...parseField(p.bio!, names.file, p.fieldPositions.bio ?? p.position)]));
    drafts.push(draft('biographies', labels.apparatus.biographies, names.file, 'back', entries));
  }
  if (places && places.places.length) {
    drafts.push(draft('places-index', labels.apparatus.placesIndex, places.file, 'back', sortedPlaces(places.places, lang).map((p) => entryNode([termParagraph(p.name)]))));
  }
  return drafts;
}

/** The entries of a compiled draft, in order: each `div.apparatus-entry` with its term and the rest. */
function entriesOf(tree: HastRoot): Array<{ entry: Element; term: ElementContent[]; body: ElementContent[] }> {
  const found: Array<{ entry: Element; term: ElementContent[]; body: ElementContent[] }> = [];
  for (const node of tree.children) {
    if (node.type !== 'element' || !classesOf(node).includes('apparatus-entry')) continue;
    const [first, ...rest] = node.children;
    const term = first?.type === 'element' && classesOf(first).includes('apparatus-term') ? first.children : [];
    found.push({ entry: node, term, body: term.length ? rest : node.children });
  }
  return found;
}

/** Replace the entries of `tree` by `content`, where the first stood (title before, notes after). */
function replaceEntries(tree: HastRoot, content: ElementContent[]): void {
  const first = tree.children.findIndex((node) => node.type === 'element' && classesOf(node).includes('apparatus-entry'));
  const rest = tree.children.filter((node) => !(node.type === 'element' && classesOf(node).includes('apparatus-entry')));
  rest.splice(first < 0 ? rest.length : first, 0, ...content);
  tree.children = rest;
}

/**
 * Links to where an entry is named: one per chapter, to its first occurrence there, titled by the
 * chapter; `data-targets` lists every occurrence in it, for the print edition's page numbers.
 */
function locators(from: ChapterSource, occurrences: Array<{ id: string; chapter: Chapter }>): ElementContent[] {
  const byChapter = new Map<Chapter, string[]>();
  for (const { id, chapter } of occurrences) byChapter.set(chapter, [...(byChapter.get(chapter) ?? []), id]);
  const out: ElementContent[] = [];
  for (const [chapter, ids] of byChapter) {
    if (out.length) out.push({ type: 'text', value: ', ' });
    const file = path.relative(path.dirname(from.path), chapter.source.path).split(path.sep).map(encodeURIComponent).join('/');
    out.push(h('a', { className: ['index-locator'], href: `${file}#${ids[0]}`, dataTargets: ids.join(' ') }, chapter.title));
  }
  return out;
}

/**
 * Give a compiled generated chapter its final shape, from the registry and the marks (pure: the
 * chapter's tree is replaced in place). False when there is nothing to show: an index of places
 * when no place is named in the text.
 */
export function finishApparatusChapter(chapter: Chapter, input: ApparatusInput, marks: ApparatusMarks, labels: Labels, lang: string, claim: ClaimId = (base) => base): boolean {
  const tree = chapter.hast;
  const entries = entriesOf(tree);
  switch (chapter.source.generated) {
    case 'abbreviations': {
      const collator = new Intl.Collator(lang, { sensitivity: 'base' });
      const sorted = [...(input.glossary?.abbreviations ?? [])].sort((a, b) => collator.compare(a.abbr, b.abbr));
      replaceEntries(tree, [
        h(
          'dl',
          { className: ['abbreviations'] },
          entries.flatMap(({ term, body }, i) => [
            h('dt', [h('abbr', { title: sorted[i]?.expansion, lang: sorted[i]?.lang }, term)]),
            h('dd', body.flatMap((block) => (block.type === 'element' && block.tagName === 'p' ? block.children : [block]))),
          ]),
        ),
      ]);
      return true;
    }
    case 'glossary': {
      const collator = new Intl.Collator(lang, { sensitivity: 'base', ignorePunctuation: true });
      const terms = [...(input.glossary?.terms ?? [])].sort((a, b) => collator.compare(a.term, b.term));
      replaceEntries(tree, [
        h(
          'section',
          { className: ['glossary'], role: 'doc-glossary' },
          h(
            'dl',
            entries.flatMap(({ term, body }, i) => [
              h('dt', { className: ['glossary-entry-term'], id: terms[i] ? (marks.termIds.get(terms[i].id) ?? terms[i].id) : undefined, lang: terms[i]?.lang && terms[i]?.lang !== lang ? terms[i]?.lang : undefined }, term),
              h('dd', { className: ['glossary-definition'] }, body),
            ]),
          ),
        ),
      ]);
      return true;
    }
    case 'biographies': {
      const persons = personsWithBio(input.names?.persons ?? [], lang);
      replaceEntries(
        tree,
        entries.map(({ term, body }, i) => {
          const person = persons[i];
          const named = person ? (marks.persons.get(person.id) ?? []) : [];
          return h('div', { className: ['biography'], id: person ? claim(`bio-${person.id}`, chapter.id) : undefined }, [
            h('p', { className: ['biography-name'] }, [h('strong', term)]),
            ...body,
            ...(named.length ? [h('p', { className: ['biography-mentions'] }, [`${labels.apparatus.mentions}${labels.beforeColon}: `, ...locators(chapter.source, named)])] : []),
          ]);
        }),
      );
      return true;
    }
    case 'places-index': {
      const places = sortedPlaces(input.places?.places ?? [], lang);
      const items = entries.flatMap(({ term }, i) => {
        const place = places[i];
        const named = place ? (marks.places.get(place.id) ?? []) : [];
        if (!place || named.length === 0) return [];
        const children: ElementContent[] = [h('span', { className: ['index-heading'] }, term)];
        const forms = place.forms.filter((f) => f.form !== place.name);
        if (forms.length) children.push({ type: 'text', value: ' ' }, h('span', { className: ['index-forms'] }, ['(', ...forms.flatMap((f, k) => [...(k ? [', '] : []), h('span', { lang: f.lang !== lang ? f.lang : undefined }, f.form)]), ')']));
        children.push(h('span', { className: ['index-pages'] }, locators(chapter.source, named)));
        return [h('li', { className: ['index-entry'] }, children)];
      });
      replaceEntries(tree, [h('section', { className: ['places-index'], role: 'doc-index' }, [h('ul', { className: ['index-entries'] }, items)])]);
      return items.length > 0;
    }
    default:
      return true;
  }
}
