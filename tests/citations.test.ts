/**
 * The citation stage (scripts/citations): bibliography reading with places, style and locale
 * lookup, notes in reading order, ibid. per chapter, the bibliography where it is asked for or in
 * a generated chapter, languages of foreign works. Each test writes a small manuscript into a
 * temporary folder and compiles it as the build does.
 */
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { temporaryFolders } from './support/temp.ts';
import { VFile } from 'vfile';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { Element, Root } from 'hast';
import { compileBook } from '../scripts/compile.ts';
import { checkBook } from '../scripts/check/index.ts';
import { BuildError } from '../scripts/errors.ts';
import { readCslJson } from '../scripts/citations/csl-json.ts';
import { readBibtex } from '../scripts/citations/bibtex.ts';
import { findLocale, findStyle } from '../scripts/citations/resources.ts';
import type { Book } from '../scripts/model/index.ts';

const run = promisify(execFile);
const differential = path.resolve('tests/fixtures/pandoc-differential');

const works = [
  { id: 'dupont-1990', type: 'book', author: [{ family: 'Dupont', given: 'Jean' }], title: 'Les maquis du Tarn', publisher: 'Privat', 'publisher-place': 'Toulouse', issued: { 'date-parts': [[1990]] }, language: 'fr' },
  { id: 'smith-2001', type: 'article-journal', author: [{ family: 'Smith', given: 'Anna' }], title: 'Soviet Prisoners of War', 'container-title': 'Journal of Modern History', page: '201-230', issued: { 'date-parts': [[2001]] }, language: 'en' },
  { id: 'ivanov-1975', type: 'book', author: [{ family: 'Иванов', given: 'Иван' }], title: 'Всем смертям назло', publisher: 'Наука', 'publisher-place': 'Москва', issued: { 'date-parts': [[1975]] }, language: 'ru' },
  { id: 'mendikulova-2018', type: 'book', author: [{ family: 'Mendikulova', given: 'Gulnara' }], title: 'Казахи во Второй мировой войне', publisher: 'Дайк-Пресс', issued: { 'date-parts': [[2018]] }, language: 'ru' },
  { id: 'jamais-cite', type: 'book', author: [{ family: 'Martin', given: 'Claire' }], title: 'Un livre jamais cité', publisher: 'Privat', issued: { 'date-parts': [[2005]] } },
];

const folder = temporaryFolders('book-citations-');

/** Write `files` into a new temporary manuscript folder; JSON values are serialised. */
async function manuscript(files: Record<string, string | object>): Promise<string> {
  const dir = await folder();
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

const bookYaml = (chapters: string[], extra = '') =>
  `title: Essai\nlanguage: fr\nbibliography: bibliography.json\n${extra}contents:\n  chapters: [${chapters.join(', ')}]\n`;

const hasClass = (node: Element, name: string) => Array.isArray(node.properties.className) && node.properties.className.includes(name);

/** The text of each note of a chapter, without its number. */
function notesOf(tree: Root): string[] {
  const notes: string[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'aside' && hasClass(node, 'footnote')) notes.push(toString(node).replace(/^\d+\s*/, '').replace(/\s+/g, ' ').trim());
  });
  return notes;
}

function entriesOf(book: Book): Element[] {
  const entries: Element[] = [];
  for (const chapter of book.chapters) {
    visit(chapter.hast, 'element', (node: Element) => {
      if (hasClass(node, 'csl-entry')) entries.push(node);
    });
  }
  return entries;
}

const bodyText = (tree: Root) => {
  const texts: string[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'p' && !hasClass(node, 'todo-label')) texts.push(toString(node).replace(/\s+/g, ' '));
    if (node.tagName === 'section' && hasClass(node, 'footnotes')) return 'skip';
    return undefined;
  });
  return texts;
};

describe('reading bibliographies', () => {
  it('places each CSL-JSON entry at the line of its object', () => {
    const file = new VFile({ path: 'b.json', value: '[\n  {"id": "a", "type": "book"},\n\n  {\n    "id": "b",\n    "type": "book"\n  }\n]\n' });
    const { entries, problems } = readCslJson(file);
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.item.id, e.place.line, e.place.column])).toEqual([['a', 2, 3], ['b', 4, 3]]);
  });

  it('gives the line of a JSON syntax error, and refuses what is not an array', () => {
    const broken = readCslJson(new VFile({ path: 'b.json', value: '[\n  {"id": "a",\n   "type": "book"\n   "title": "x"}\n]\n' }));
    expect(broken.entries).toEqual([]);
    expect(broken.problems[0]).toMatchObject({ unreadable: true, place: { line: 4 } });
    expect(readCslJson(new VFile({ path: 'b.json', value: '{"id": "a"}' })).problems[0].reason).toMatch(/array of entries/);
    expect(readCslJson(new VFile({ path: 'b.json', value: '[{"type": "book"}]' })).problems[0].reason).toMatch(/no `id`/);
  });

  it('reads BibTeX with each entry at its line and converts it to CSL-JSON', () => {
    const bib = '% a comment\n\n@book{dupont,\n  author = {Dupont, Jean and de la Fontaine, Pierre},\n  title = {Les maquis},\n  location = {Toulouse},\n  year = 1990, month = mar,\n  langid = {french},\n}\n@article{smith, author={Smith, Anna}, title={T}, journaltitle={J}, pages={201--230}, date={2001-06}}\n';
    const { entries, problems } = readBibtex(new VFile({ path: 'b.bib', value: bib }));
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.item.id, e.place.line])).toEqual([['dupont', 3], ['smith', 10]]);
    expect(entries[0].item).toMatchObject({
      type: 'book',
      author: [{ family: 'Dupont', given: 'Jean' }, { family: 'Fontaine', given: 'Pierre', 'non-dropping-particle': 'de la' }],
      'publisher-place': 'Toulouse',
      issued: { 'date-parts': [[1990, 3]] },
      language: 'fr',
    });
    expect(entries[1].item).toMatchObject({ type: 'article-journal', 'container-title': 'J', page: '201–230', issued: { 'date-parts': [[2001, 6]] } });
  });

  it('gives the line of a BibTeX syntax error', () => {
    const { problems } = readBibtex(new VFile({ path: 'b.bib', value: '@book{a,\n  title = {x},\n}\n\n@book{b,\n  title = {never closed,\n  year = 1\n}\n' }));
    expect(problems).toHaveLength(1);
    // Where the parser noticed (the end of the file), naming the entry where it went wrong.
    expect(problems[0].place?.line).toBe(9);
    expect(problems[0].reason).toMatch(/entry that starts on line 5/);
  });

  it('renders a BibTeX bibliography exactly as the same CSL-JSON one', async () => {
    const input = path.join(differential, 'fr.md');
    const fromJson = await compileBook({ manuscript: differential, files: [input], bibliography: [path.join(differential, 'bibliography.json')], locale: 'fr-FR' });
    const fromBib = await compileBook({ manuscript: differential, files: [input], bibliography: [path.join(differential, 'bibliography.bib')], locale: 'fr-FR' });
    expect(notesOf(fromBib.chapters[0].hast)).toEqual(notesOf(fromJson.chapters[0].hast));
    expect(entriesOf(fromBib).map((e) => toString(e))).toEqual(entriesOf(fromJson).map((e) => toString(e)));
  });
});

describe('style and locale', () => {
  it('finds the house style and locales in templates/csl, others in Debian’s package', async () => {
    expect((await findStyle('chicago-fullnote-bibliography', '/'))?.path).toMatch(/templates\/csl\/chicago-fullnote-bibliography\.csl$/);
    expect((await findStyle('chicago-author-date', '/'))?.path).toBe('/usr/share/citation-style-language/styles/chicago-author-date.csl');
    expect(await findStyle('no-such-style', '/')).toBeUndefined();
    expect((await findLocale('fr', '/'))?.tag).toBe('fr-FR');
    expect((await findLocale('en', '/'))?.tag).toBe('en-US');
    expect((await findLocale('ru-RU', '/'))?.path).toBe('/usr/share/citation-style-language/locales/locales-ru-RU.xml');
  });

  it('refuses a style it cannot find, pointing at the line of book.yaml', async () => {
    const dir = await manuscript({ 'book.yaml': bookYaml(['a.md'], 'csl: chicago-inexistant\n'), 'a.md': '# A\n', 'bibliography.json': works });
    const error = await compileBook({ manuscript: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const message = (error as BuildError).files[0].messages[0];
    expect(message).toMatchObject({ ruleId: 'config-invalid', line: 4, fatal: true });
    expect(message.reason).toMatch(/chicago-inexistant/);
  });
});

describe('notes in a note style', () => {
  it('numbers citation notes with the author’s notes, in reading order', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(['a.md']),
      'bibliography.json': works,
      'a.md': '# A\n\nUn [@dupont-1990, p. 3]. Une note[^n]. Encore [@smith-2001, p. 210] et [@smith-2001, p. 210].\n\n[^n]: La note de l’auteur.\n',
    });
    const book = await compileBook({ manuscript: dir });
    expect(notesOf(book.chapters[0].hast)).toEqual([
      'Jean Dupont, Les maquis du Tarn (Toulouse : Privat, 1990), 3.',
      'La note de l’auteur.',
      'Anna Smith, « Soviet Prisoners of War », Journal of Modern History, 2001, 210.',
      'Ibid.',
    ]);
    // The call takes the place of the space: « Un¹. », before the punctuation.
    expect(bodyText(book.chapters[0].hast)[0]).toBe('Un1. Une note2. Encore3 et4.');
  });

  it('processes a citation inside an author’s note at that note’s place in the sequence', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(['a.md']),
      'bibliography.json': works,
      'a.md': [
        '# A',
        'Texte [@dupont-1990, p. 3]. Note[^n]. Puis [@dupont-1990, p. 3]. Autre note[^m]. Enfin [@dupont-1990, p. 3].',
        '[^n]: Voir [@dupont-1990, p. 9].',
        '[^m]: Comme le dit @smith-2001 [p. 4], voir [@dupont-1990, p. 3].',
      ].join('\n\n'),
    });
    const book = await compileBook({ manuscript: dir });
    expect(notesOf(book.chapters[0].hast)).toEqual([
      'Jean Dupont, Les maquis du Tarn (Toulouse : Privat, 1990), 3.',
      // Between parentheses inside the author's note, and at its place: ibid. of note 1.
      'Voir (ibid., 9).',
      // Note 2 cited Dupont at p. 9: p. 3 is ibid. with a locator.
      'Ibid., 3.',
      'Comme le dit Anna Smith, « Soviet Prisoners of War », Journal of Modern History, 2001, 4, voir (Dupont, Les maquis du Tarn, 3).',
      // After a note that cites two works, no ibid.: the short form (Chicago).
      'Dupont, Les maquis du Tarn, 3.',
    ]);
  });

  it('gives the first reference of each chapter in full: ibid. and short forms restart with the chapter', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(['a.md', 'b.md']),
      'bibliography.json': works,
      'a.md': '# A\n\nUn [@dupont-1990, p. 3]. Deux [@dupont-1990, p. 3].\n',
      'b.md': '# B\n\nTrois [@dupont-1990, p. 3]. Quatre [@smith-2001]. Cinq [@dupont-1990].\n',
    });
    const book = await compileBook({ manuscript: dir });
    expect(notesOf(book.chapters[0].hast)).toEqual(['Jean Dupont, Les maquis du Tarn (Toulouse : Privat, 1990), 3.', 'Ibid.']);
    expect(notesOf(book.chapters[1].hast)).toEqual([
      'Jean Dupont, Les maquis du Tarn (Toulouse : Privat, 1990), 3.',
      'Anna Smith, « Soviet Prisoners of War », Journal of Modern History, 2001, 201‑30.',
      'Dupont, Les maquis du Tarn.',
    ]);
  });

  it('keeps the author in the text for @key, and prints a key it cannot find as key?', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(['a.md']),
      'bibliography.json': works,
      'a.md': '# A\n\n@ivanov-1975 [p. 3] le dit. Puis @ivanov-1975 encore. Et [@inconnu; @smith-2001] enfin. Échappé [@dupont-1990, p. 3, \\[sic\\]].\n',
    });
    const book = await compileBook({ manuscript: dir });
    expect(bodyText(book.chapters[0].hast)[0]).toBe('Иван Иванов1 le dit. Puis Иванов2 encore. Et3 enfin. Échappé4.');
    expect(notesOf(book.chapters[0].hast)).toEqual([
      'Всем смертям назло (Москва : Наука, 1975), 3.',
      // No ibid. without a page after a note with one: it would say « same page ».
      'Всем смертям назло.',
      'inconnu?; Anna Smith, « Soviet Prisoners of War », Journal of Modern History, 2001, 201‑30.',
      'Jean Dupont, Les maquis du Tarn (Toulouse : Privat, 1990), 3, [sic].',
    ]);
    expect(checkBook(book).filter((d) => d.ruleId === 'citation-unknown-key').map((d) => [d.line, d.column])).toEqual([[3, 59]]);
  });

  it('protects a suffix’s final period so that the next work keeps its semicolon', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(['a.md']),
      'bibliography.json': works,
      'a.md': '# A\n\nTexte [@dupont-1990, p. 21, 29 et suiv.; @smith-2001].\n',
    });
    const book = await compileBook({ manuscript: dir });
    expect(notesOf(book.chapters[0].hast)[0]).toMatch(/^Jean Dupont, .*, 21, 29 et suiv\.; Anna Smith/);
  });
});

describe('the bibliography', () => {
  it('is a generated chapter at the end, with every cited work and nothing else, foreign titles marked', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(['a.md']),
      'bibliography.json': works,
      'a.md': '# A\n\nTexte [@ivanov-1975; @mendikulova-2018; @dupont-1990].\n',
    });
    const book = await compileBook({ manuscript: dir });
    const last = book.chapters[book.chapters.length - 1];
    expect(last).toMatchObject({ id: 'bibliographie', title: 'Bibliographie', source: { matter: 'back', generated: 'bibliography' } });
    // Built as a tree, not as Markdown parsed again: no node claims a line of the bibliography file.
    expect(JSON.stringify(last.mdast)).not.toContain('"position"');
    expect(last.mdast.children.map((node) => node.type)).toEqual(['heading', 'leafDirective']);
    const entries = entriesOf(book);
    expect(entries.map((e) => e.properties.id)).toEqual(['ref-dupont-1990', 'ref-mendikulova-2018', 'ref-ivanov-1975']);
    const langs = (entry: Element) => {
      const found: string[] = [];
      visit(entry, 'element', (node: Element) => {
        if (typeof node.properties.lang === 'string') found.push(`${node.properties.lang}:${toString(node)}`);
      });
      return found;
    };
    expect(langs(entries[0])).toEqual([]);
    // The Latin-script name is the book's transliteration; the Cyrillic title is Russian.
    expect(langs(entries[1])).toEqual(['ru:Казахи во Второй мировой войне', 'ru:Дайк-Пресс']);
    expect(langs(entries[2])).toEqual(['ru:Иванов, Иван', 'ru:Всем смертям назло', 'ru:Москва', 'ru:Наука']);
    // citation-unused-entry knows the work that is not in the bibliography.
    expect(checkBook(book).filter((d) => d.ruleId === 'citation-unused-entry').map((d) => d.message.split(' ')[1])).toEqual(['`smith-2001`', '`jamais-cite`']);
  });

  it('goes where ::bibliography asks for it, and then no chapter is generated', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(['a.md', 'b.md']),
      'bibliography.json': works,
      'a.md': '# A\n\nTexte [@smith-2001].\n',
      'b.md': '# Sources\n\n## Ouvrages cités\n\n::bibliography\n',
    });
    const book = await compileBook({ manuscript: dir });
    expect(book.chapters.map((c) => c.id)).toEqual(['a', 'b']);
    const section = book.chapters[1].hast.children.find((n): n is Element => n.type === 'element' && n.tagName === 'section');
    expect(section?.properties).toMatchObject({ role: 'doc-bibliography' });
    expect(toString(section!).replace(/\s/g, ' ')).toBe('Smith, Anna. « Soviet Prisoners of War ». Journal of Modern History, 2001, 201‑30.');
  });

  it('leaves out works cited only in :::todo blocks of a release build', async () => {
    const files = {
      'bibliography.json': works,
      'a.md': '# A\n\nTexte [@smith-2001].\n\n:::todo\nVoir aussi [@dupont-1990].\n:::\n',
    };
    const release = await compileBook({ manuscript: await manuscript({ ...files, 'book.yaml': bookYaml(['a.md'], 'status: release\n') }) });
    expect(entriesOf(release).map((e) => e.properties.id)).toEqual(['ref-smith-2001']);
    const draft = await compileBook({ manuscript: await manuscript({ ...files, 'book.yaml': bookYaml(['a.md']) }) });
    expect(entriesOf(draft).map((e) => e.properties.id)).toEqual(['ref-dupont-1990', 'ref-smith-2001']);
  });

  it('takes --bibliography, --csl and --locale for a folder without book.yaml, and an in-text style', async () => {
    const dir = await manuscript({ 'refs/works.json': works, 'texte.md': '# Texte\n\nSelon @dupont-1990 [p. 3], rien [@smith-2001, p. 4].\n' });
    const book = await compileBook({ manuscript: dir, bibliography: [path.join(dir, 'refs/works.json')], csl: 'chicago-author-date', locale: 'en-US' });
    expect(bodyText(book.chapters[0].hast)[0]).toBe('Selon Dupont (1990, 3), rien (Smith 2001, 4).');
    expect(notesOf(book.chapters[0].hast)).toEqual([]);

    const { stdout } = await run('npx', ['tsx', 'scripts/cli.ts', 'check', dir, '--bibliography', path.join(dir, 'refs/works.json'), '--csl', 'chicago-author-date', '--locale', 'en-US', '--reporter', 'json']);
    const diagnostics = JSON.parse(stdout) as Array<{ ruleId: string; file: string; line: number }>;
    // The uncited works, each at the line of its object in the file.
    const lines = JSON.stringify(works, null, 2).split('\n');
    const lineOf = (id: string) => lines.findIndex((line) => line.includes(`"id": "${id}"`));
    expect(diagnostics.filter((d) => d.ruleId.startsWith('citation')).map((d) => [d.ruleId, path.basename(d.file), d.line])).toEqual(
      ['ivanov-1975', 'mendikulova-2018', 'jamais-cite'].map((id) => ['citation-unused-entry', 'works.json', lineOf(id)]),
    );
  });
});

describe('the shipped manuscript', () => {
  it('cites only works of its bibliography and lists every one of them at the end', async () => {
    const book = await compileBook({ manuscript: 'manuscript' });
    const diagnostics = checkBook(book);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bibliography = JSON.parse(await readFile('manuscript/bibliography.json', 'utf8')) as Array<{ id: string }>;
    expect(entriesOf(book).map((e) => String(e.properties.id).slice(4)).sort()).toEqual(bibliography.map((e) => e.id).sort());
    // At the end: after every chapter of the manuscript; only what the build makes itself (the
    // indexes, the list of illustrations: scripts/apparatus, scripts/crossref) may follow it.
    const bibliographyAt = book.chapters.findIndex((c) => c.source.generated === 'bibliography');
    expect(bibliographyAt).toBeGreaterThan(-1);
    expect(book.chapters.slice(bibliographyAt + 1).every((c) => c.source.generated !== undefined)).toBe(true);

    // Checking alone needs no rendered citation: the same report without the engine.
    const checkedOnly = await compileBook({ manuscript: 'manuscript', renderCitations: false });
    const strip = (list: typeof diagnostics) => list.map(({ file, line, column, ruleId, message }) => ({ file, line, column, ruleId, message }));
    expect(strip(checkBook(checkedOnly))).toEqual(strip(diagnostics));
  });
});
