/**
 * The print document before any browser: the pure steps that turn the shared chapter rendering into
 * the print HTML (notes at their calls, hyphenation, glyphs, names for the index, the page
 * builders), and the names registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { VFile } from 'vfile';
import { compileBook } from '../scripts/compile.ts';
import type { Book } from '../scripts/model/index.ts';
import { loadNamesRegistry, parsePersons, type Person } from '../scripts/manuscript/names.ts';
import { notesAtCalls } from '../scripts/output/pdf/footnotes.ts';
import { hyphenate, SOFT_HYPHEN } from '../scripts/output/pdf/hyphenate.ts';
import { printableGlyphs } from '../scripts/output/pdf/glyphs.ts';
import { formsOf, markNames, registryEntries, taggedNameEntries } from '../scripts/output/pdf/name-index.ts';
import { buildPrintDocument } from '../scripts/output/pdf/print-document.ts';
import { lengthInMm, printPagesOf } from '../scripts/output/pdf/index.ts';

let dir: string;

async function bookOf(files: Record<string, string>): Promise<Book> {
  const folder = await mkdtemp(path.join(dir, 'book-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(folder, name), text);
  return compileBook({ manuscript: folder });
}

function all(node: Root | Element, test: (element: Element) => boolean): Element[] {
  const found: Element[] = [];
  const walk = (parent: Root | Element) => {
    for (const child of parent.children) {
      if (child.type !== 'element') continue;
      if (test(child)) found.push(child);
      walk(child);
    }
  };
  walk(node);
  return found;
}
const hasClass = (name: string) => (element: Element) => Array.isArray(element.properties.className) && element.properties.className.includes(name);
const text = (node: ElementContent | Root): string => (node.type === 'text' ? node.value : 'children' in node ? node.children.map((c) => text(c as ElementContent)).join('') : '');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pdf-document-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('notes at their calls', () => {
  it('moves each note right after its first call, and only there', async () => {
    const book = await bookOf({
      'a.md': '# Titre\n\nUn texte[^x] et encore[^x]. Un autre^[Note en ligne, avec *emphase*.].\n\n[^x]: La note.\n\n    Second paragraphe de la note.\n',
    });
    const tree = structuredClone(book.chapters[0].hast);
    const { placed } = notesAtCalls(tree);
    expect(placed).toEqual(['a-fn-1', 'a-fn-2']);
    expect(all(tree, hasClass('footnotes'))).toEqual([]);
    const notes = all(tree, hasClass('fn'));
    expect(notes.map((n) => n.properties.dataNoteNumber)).toEqual(['1', '2']);
    const paragraph = all(tree, (e) => e.tagName === 'p')[0];
    const kinds = paragraph.children.filter((c): c is Element => c.type === 'element').map((e) => (hasClass('fn')(e) ? 'note' : hasClass('noteref')(e) ? `call ${text(e)}` : e.tagName));
    expect(kinds).toEqual(['call 1', 'note', 'call 1', 'call 2', 'note']);
    // A note's paragraphs become spans (a paragraph cannot hold blocks).
    expect(all(notes[0], (e) => e.tagName === 'p')).toEqual([]);
    expect(all(notes[0], hasClass('fn-p'))).toHaveLength(2);
    expect(text(notes[1])).toContain('Note en ligne, avec emphase.');
  });
});

describe('hyphenation', () => {
  const hyphenated = (tree: Root | Element) => text(tree).split(/\s+/).filter((w) => w.includes(SOFT_HYPHEN));

  it('divides French words, 2 letters before a break and 3 after at least', () => {
    const tree = h(null, [h('p', 'Les prisonniers musulmans étaient extraordinairement nombreux dans la représentation.')]);
    hyphenate(tree, { lang: 'fr' });
    const words = hyphenated(tree);
    expect(words.map((w) => w.replace(/\u00ad/g, '-'))).toContain('pri-son-niers');
    for (const word of words) {
      const clean = word.replace(/[^\p{L}\u00ad]/gu, '');
      for (const part of [clean.split(SOFT_HYPHEN)[0], clean.split(SOFT_HYPHEN).at(-1)!]) expect(part.length).toBeGreaterThanOrEqual(2);
      expect(clean.split(SOFT_HYPHEN).at(-1)!.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('leaves proper names, short words, headings, links and code alone', () => {
    const tree = h(null, [
      h('h2', 'Représentation extraordinaire'),
      h('p', ['Zhumaniyazov et Bisengaliev organisèrent ', h('a', { href: 'https://example.org' }, 'extraordinairement'), ' ', h('code', 'représentation'), ' court.']),
    ]);
    hyphenate(tree, { lang: 'fr' });
    expect(hyphenated(tree).map((w) => w.replace(/\u00ad/g, ''))).toEqual(['organisèrent']);
  });

  it('uses each passage’s own patterns: Russian divided, Kazakh (no patterns) left alone', () => {
    const tree = h(null, [h('p', [h('span', { lang: 'ru' }, 'воспоминания партизанского'), ' ', h('span', { lang: 'kk' }, 'партизандарының естеліктері')])]);
    hyphenate(tree, { lang: 'fr' });
    const [russian, kazakh] = all(tree, (e) => e.tagName === 'span');
    expect(text(russian)).toContain(SOFT_HYPHEN);
    expect(text(kazakh)).not.toContain(SOFT_HYPHEN);
  });
});

describe('glyphs the type lacks', () => {
  it('replaces narrow no-break spaces and non-breaking hyphens with joined glyphs the font has, in text and running heads', () => {
    const tree = h(null, [h('section', { dataRunningHead: '«\u202fTitre\u202f»' }, [h('p', '«\u202fOui\u202f» ; pages 205\u201126\nsuite')])]);
    printableGlyphs(tree);
    const section = tree.children[0] as Element;
    expect(section.properties.dataRunningHead).toBe('«\u2060\u2009\u2060Titre\u2060\u2009\u2060»');
    expect(text(tree)).toBe('«\u2060\u2009\u2060Oui\u2060\u2009\u2060» ; pages 205\u2060-\u206026 suite');
  });
});

describe('names registry and index', () => {
  const registry = `- id: zhumaniyazov-kadem
  name: "Kadem Zhumaniyazov"
  sort: "Zhumaniyazov, Kadem"
  variants:
    - { form: "Қадем Жұманиязов", lang: kk }
- id: gaulle-charles-de
  name: "Charles de Gaulle"
  sort: "Gaulle, Charles de"
- id: ali-nurlan
  name: "Nurlan Ali"
  sort: "Ali, Nurlan"
- id: ali-serik
  name: "Serik Ali"
  sort: "Ali, Serik"
`;

  it('reads the registry, and says where an entry is wrong', () => {
    const persons = parsePersons(new VFile({ path: 'persons.yaml', value: registry }))!;
    expect(persons.map((p) => p.id)).toEqual(['zhumaniyazov-kadem', 'gaulle-charles-de', 'ali-nurlan', 'ali-serik']);
    const bad = new VFile({ path: 'persons.yaml', value: `${registry}- id: x\n  name: 12\n  variants: [{ form: "X" }]\n` });
    expect(parsePersons(bad)).toBeUndefined();
    expect(bad.messages.map((m) => m.line)).toEqual([16, 17]);
    expect(bad.messages[0].reason).toMatch(/`4\.name`: expected string/);
    const twice = new VFile({ path: 'persons.yaml', value: `${registry}- id: ali-nurlan\n  name: "Autre"\n` });
    expect(parsePersons(twice)).toBeUndefined();
    expect(twice.messages[0].reason).toMatch(/`ali-nurlan` is used twice/);
    expect(twice.messages[0].line).toBe(15);
  });

  it('says where book.yaml names a registry that does not exist', async () => {
    const book = await bookOf({ 'book.yaml': 'title: Un livre\nnames: absent.yaml\ncontents:\n  chapters: [a.md]\n', 'a.md': '# A\n\nTexte.\n' });
    expect(await loadNamesRegistry(book)).toBeUndefined();
    const message = book.files.flatMap((f) => f.messages).find((m) => m.ruleId === 'names-invalid');
    expect(message?.line).toBe(2);
    expect(message?.fatal).toBe(true);
    expect(message?.reason).toMatch(/`absent\.yaml` named in book\.yaml does not exist/);
  });

  it('looks for the name, the variants and the surname when it names one person only', () => {
    const persons = parsePersons(new VFile({ value: registry }))!;
    const forms = formsOf(persons).map((f) => f.text);
    expect(forms).toEqual(expect.arrayContaining(['Kadem Zhumaniyazov', 'Қадем Жұманиязов', 'Zhumaniyazov', 'Gaulle', 'Nurlan Ali', 'Serik Ali']));
    expect(forms).not.toContain('Ali');
  });

  it('marks occurrences with ids and lists them under the sort form, in French order', () => {
    const persons = parsePersons(new VFile({ value: registry }))!;
    const tree = h(null, [
      h('h1', 'Zhumaniyazov'),
      h('p', ['Le général de\u00a0Gaulle rencontra Kadem\u00a0Zhumaniyazov, dit ', h('span', { lang: 'kk' }, 'Қадем Жұманиязов'), '. Zhumaniyazovs ne compte pas.']),
    ]);
    const marks = markNames([{ tree, lang: 'fr' }], persons);
    const marked = all(tree, hasClass('name-occurrence'));
    expect(marked.map((e) => [e.properties.id, text(e)])).toEqual([
      ['name-gaulle-charles-de-1', 'Gaulle'],
      ['name-zhumaniyazov-kadem-1', 'Kadem\u00a0Zhumaniyazov'],
      ['name-zhumaniyazov-kadem-2', 'Қадем Жұманиязов'],
    ]);
    const entries = registryEntries(persons, marks, 'fr');
    expect(entries.map((e) => e.heading)).toEqual(['Gaulle, Charles de', 'Zhumaniyazov, Kadem']);
    expect(entries[1].forms).toEqual([{ form: 'Қадем Жұманиязов', lang: 'kk' }]);
    expect(entries[1].targets).toEqual(['name-zhumaniyazov-kadem-1', 'name-zhumaniyazov-kadem-2']);
  });

  it('without a registry, takes the language-tagged spans as the names', () => {
    const tree = h(null, [h('p', ['Selon ', h('span', { lang: 'ru' }, 'Абу Молдагалиев'), ' et ', h('span', { lang: 'kk' }, 'Қадем Жұманиязов'), ', puis ', h('span', { lang: 'ru' }, 'Абу Молдагалиев')])]);
    const entries = taggedNameEntries([{ tree, lang: 'fr' }], 'fr');
    expect(entries.map((e) => [e.heading, e.headingLang, e.targets.length])).toEqual([
      ['Абу Молдагалиев', 'ru', 2],
      ['Қадем Жұманиязов', 'kk', 1],
    ]);
    expect(all(tree, (e) => e.properties.dataPageTarget === '')).toHaveLength(3);
  });
});

describe('print document of the manuscript', () => {
  let book: Book;
  let persons: Person[];
  beforeAll(async () => {
    book = await compileBook({ manuscript: 'manuscript' });
    const { readFile } = await import('node:fs/promises');
    persons = parsePersons(new VFile({ path: 'persons.yaml', value: await readFile('manuscript/persons.yaml', 'utf8') }))!;
  });

  it('builds front matter, parts, chapters and index in book order, with the folio restart on the first part', () => {
    const { tree, indexEntries } = buildPrintDocument(book, { persons, stylesheets: ['print.css'], script: 'render.js' });
    const body = all(tree, (e) => e.tagName === 'body')[0];
    const divisions = body.children.filter((c): c is Element => c.type === 'element').map((e) => String(e.properties.dataSection));
    const chapters = book.chapters.map((c) => c.id);
    expect(divisions.slice(0, 4)).toEqual(['half-title', 'title-page', 'copyright', 'toc']);
    expect(divisions.filter((d) => chapters.includes(d))).toEqual(chapters);
    expect(divisions.filter((d) => d.startsWith('partie-'))).toEqual(book.meta.parts.map((p) => p.id));
    // The index of names closes the book: after every chapter and the bibliography, followed only by
    // what the build makes itself from the registries and figures (index of places, illustrations).
    const namesIndexAt = divisions.indexOf('index-of-names');
    expect(namesIndexAt).toBeGreaterThan(divisions.indexOf(book.chapters.find((c) => c.source.generated === 'bibliography')!.id));
    const madeAfter = new Set(book.chapters.filter((c) => c.source.generated !== undefined && c.source.generated !== 'bibliography').map((c) => c.id));
    expect(divisions.slice(namesIndexAt + 1).every((d) => madeAfter.has(d))).toBe(true);
    expect(indexEntries).toBeGreaterThan(10);
    const restart = all(body, (e) => e.properties.dataFolioRestart === '');
    expect(restart.map((e) => e.properties.dataSection)).toEqual(['partie-1']);
    // Every TOC line refers to a division that exists and can be found on its page.
    const targets = new Set(all(body, (e) => e.properties.dataPageTarget === '').map((e) => e.properties.id));
    const refs = all(all(body, hasClass('toc'))[0], (e) => typeof e.properties.dataPageRef === 'string');
    expect(refs.length).toBe(book.chapters.length + book.meta.parts.length + 1);
    for (const ref of refs) expect(targets.has(ref.properties.dataPageRef as string)).toBe(true);
  });

  it('numbers blocks as the EPUB does, and knows where each comes from', () => {
    const { tree, blocks } = buildPrintDocument(book, { stylesheets: [], script: 'render.js' });
    const chapter = book.chapters[0];
    const numbered = all(tree, (e) => typeof e.properties.dataBlock === 'string' && (e.properties.dataBlock as string).startsWith(`${chapter.id}-b`));
    expect(numbered[0].properties.dataBlock).toBe(`${chapter.id}-b1`);
    expect(numbered[0].tagName).toBe('h1');
    expect(blocks.get(`${chapter.id}-b2`)?.position?.start.line).toBeGreaterThan(1);
    expect(blocks.get(`${chapter.id}-b2`)?.chapter).toBe(chapter);
    // The shared tree is left as it was.
    expect(all(chapter.hast, (e) => e.properties.dataBlock !== undefined)).toEqual([]);
  });
});

describe('helpers', () => {
  it('reads trim sizes in mm, cm, in and pt', () => {
    expect(lengthInMm('156mm')).toBe(156);
    expect(lengthInMm('23.4cm')).toBeCloseTo(234);
    expect(lengthInMm('6in')).toBeCloseTo(152.4);
    expect(lengthInMm('156')).toBeUndefined();
    expect(lengthInMm('3mm')).toBeUndefined();
  });

  it('puts a blank page where the next page begins', () => {
    const map = printPagesOf([
      { label: 'xvi', blank: true, side: 'left', section: '', blockId: '' },
      { label: '1', blank: false, side: 'right', section: 'partie-1', blockId: '' },
      { label: '2', blank: true, side: 'left', section: '', blockId: '' },
      { label: '3', blank: false, side: 'right', section: 'ch', blockId: 'ch-b1' },
    ]);
    expect(map).toEqual([
      { label: 'xvi', chapterId: 'partie-1', blockId: '' },
      { label: '1', chapterId: 'partie-1', blockId: '' },
      { label: '2', chapterId: 'ch', blockId: 'ch-b1' },
      { label: '3', chapterId: 'ch', blockId: 'ch-b1' },
    ]);
  });
});
