/**
 * pandoc's citation metadata (docs/citations.md, "pandoc's citation metadata"): nocite, inline
 * references, suppress-bibliography, link-citations, reference-section-title,
 * notes-after-punctuation, the `.reset-citation-positions` heading class, and the bibliography in
 * sections (`bibliography-sections`). Each test compiles a small manuscript of neutral test data
 * in-process; one builds its HTML draft (missing images inside notes).
 */
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolders } from './support/temp.ts';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import type { Element, Root } from 'hast';
import { compileBook } from '../scripts/compile.ts';
import { checkBook } from '../scripts/check/index.ts';
import { build } from '../scripts/build.ts';
import type { Book } from '../scripts/model/index.ts';

const works = [
  { id: 'livre-a', type: 'book', author: [{ family: 'Exemple', given: 'Anne' }], title: 'Livre de test A', publisher: 'Éditeur de test', 'publisher-place': 'Ville', issued: { 'date-parts': [[2001]] } },
  { id: 'livre-b', type: 'book', author: [{ family: 'Modèle', given: 'Bruno' }], title: 'Livre de test B', publisher: 'Éditeur de test', issued: { 'date-parts': [[2002]] } },
  { id: 'archive-c', type: 'manuscript', title: 'Document de test C', archive: 'Archives de test', archive_location: '1 T 1', issued: { 'date-parts': [[1944]] } },
  { id: 'motcle-d', type: 'book', author: [{ family: 'Essai', given: 'Claire' }], title: 'Livre de test D', publisher: 'Éditeur de test', issued: { 'date-parts': [[2004]] }, keyword: 'témoignage, source' },
];

const folder = temporaryFolders('book-citation-metadata-');

async function manuscript(files: Record<string, string | object>): Promise<string> {
  const dir = await folder();
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

const bookYaml = (extra = '', chapters = ['a.md']) => `title: Essai\nlanguage: fr\nbibliography: bibliography.json\n${extra}contents:\n  chapters: [${chapters.join(', ')}]\n`;

const hasClass = (node: Element, name: string) => Array.isArray(node.properties.className) && node.properties.className.includes(name);

function notesOf(tree: Root): string[] {
  const notes: string[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'aside' && hasClass(node, 'footnote')) notes.push(toString(node).replace(/^\d+\s*/, '').replace(/\s+/g, ' ').trim());
  });
  return notes;
}

const entryIds = (book: Book) => {
  const ids: string[] = [];
  for (const chapter of book.chapters) {
    visit(chapter.hast, 'element', (node: Element) => {
      if (hasClass(node, 'csl-entry')) ids.push(String(node.properties.id));
    });
  }
  return ids;
};

describe('pandoc’s citation metadata', () => {
  it('lists the works nocite names, and every work for @*, without a citation-unused-entry message', async () => {
    const some = await compileBook({ manuscript: await manuscript({ 'book.yaml': bookYaml("nocite: '@archive-c'\n"), 'bibliography.json': works, 'a.md': '# A\n\nTexte [@livre-a].\n' }) });
    expect(entryIds(some)).toEqual(['ref-archive-c', 'ref-livre-a']);
    expect(checkBook(some).filter((d) => d.ruleId === 'citation-unused-entry').map((d) => d.message.split('`')[1])).toEqual(['livre-b', 'motcle-d']);

    // In a chapter's front matter too, as in a pandoc document.
    const all = await compileBook({ manuscript: await manuscript({ 'book.yaml': bookYaml(), 'bibliography.json': works, 'a.md': "---\nnocite: '@*'\n---\n# A\n\nTexte [@livre-a].\n" }) });
    expect(entryIds(all)).toEqual(['ref-archive-c', 'ref-motcle-d', 'ref-livre-a', 'ref-livre-b']);
    expect(checkBook(all).filter((d) => d.ruleId === 'citation-unused-entry')).toEqual([]);

    // A key that is not in the bibliography: citation-unknown-key at the place of `nocite`.
    const unknown = await compileBook({ manuscript: await manuscript({ 'book.yaml': bookYaml("nocite: '@livre-a @inconnu'\n"), 'bibliography.json': works, 'a.md': '# A\n' }) });
    expect(checkBook(unknown).filter((d) => d.ruleId === 'citation-unknown-key').map((d) => [path.basename(d.file), d.line, d.message.split(' in ')[0]])).toEqual([['book.yaml', 4, 'Key `@inconnu`']]);
  });

  it('reads inline references from book.yaml and from front matter, and reports a bad one at its place', async () => {
    const dir = await manuscript({
      'book.yaml': `title: Essai\nlanguage: fr\nreferences:\n  - id: en-ligne\n    type: book\n    author: [{ family: Exemple, given: Anne }]\n    title: Livre donné dans book.yaml\n    publisher: Éditeur de test\n    issued: 2003\n  - type: book\ncontents:\n  chapters: [a.md]\n`,
      'a.md': '---\nreferences:\n  - id: en-tete\n    type: book\n    title: Livre donné en tête\n    publisher: Éditeur de test\n    issued: 2005-03\n---\n# A\n\nTexte [@en-ligne] et [@en-tete].\n',
    });
    const book = await compileBook({ manuscript: dir });
    expect(notesOf(book.chapters[0].hast)).toEqual(['Anne Exemple, Livre donné dans book.yaml (Éditeur de test, 2003).', 'Livre donné en tête (Éditeur de test, 2005).']);
    const messages = checkBook(book).filter((d) => d.ruleId === 'bibliography-invalid' || d.ruleId === 'citation-unknown-key');
    expect(messages.map((d) => [d.ruleId, path.basename(d.file), d.line])).toEqual([['bibliography-invalid', 'book.yaml', 10]]);
  });

  it('suppress-bibliography prints no bibliography; reference-section-title names the generated one', async () => {
    const suppressed = await compileBook({ manuscript: await manuscript({ 'book.yaml': bookYaml('suppress-bibliography: true\n'), 'bibliography.json': works, 'a.md': '# A\n\nTexte [@livre-a].\n' }) });
    expect(suppressed.chapters.map((c) => c.id)).toEqual(['a']);
    expect(notesOf(suppressed.chapters[0].hast)).toHaveLength(1);
    const titled = await compileBook({ manuscript: await manuscript({ 'book.yaml': bookYaml('reference-section-title: Ouvrages cités\n'), 'bibliography.json': works, 'a.md': '# A\n\nTexte [@livre-a].\n' }) });
    expect(titled.chapters.map((c) => [c.id, c.title])).toEqual([['a', 'A'], ['ouvrages-cites', 'Ouvrages cités']]);
  });

  it('link-citations links each work of a note to its entry in the bibliography chapter', async () => {
    const dir = await manuscript({ 'book.yaml': bookYaml('link-citations: true\n'), 'bibliography.json': works, 'a.md': '# A\n\nTexte [@livre-a, p. 3; @livre-b].\n' });
    const book = await compileBook({ manuscript: dir });
    const links: Array<[string, string]> = [];
    visit(book.chapters[0].hast, 'element', (node: Element) => {
      if (node.tagName === 'a' && hasClass(node, 'citation-link')) links.push([String(node.properties.href), toString(node).replace(/\s+/g, ' ')]);
    });
    // As pandoc: one link per work, the layout's final period outside the links.
    expect(links).toEqual([['#ref-livre-a', 'Anne Exemple, Livre de test A (Ville : Éditeur de test, 2001), 3'], ['#ref-livre-b', 'Bruno Modèle, Livre de test B (Éditeur de test, 2002)']]);
    expect(notesOf(book.chapters[0].hast)[0]).toMatch(/2002\)\.$/);

    const out = await folder();
    await build({ manuscript: dir, out, formats: ['html'], draft: true });
    const page = await readFile(path.join(out, 'html', 'a.html'), 'utf8');
    expect(page).toContain('href="bibliographie.html#ref-livre-a"');
  });

  it('notes-after-punctuation overrides the language; an English chapter puts the call after it', async () => {
    const files = { 'bibliography.json': works, 'a.md': '# A\n\nTexte [@livre-a].\n', 'b.md': '---\nlang: en\n---\n# B\n\nText [@livre-b], more.\n' };
    const french = await compileBook({ manuscript: await manuscript({ ...files, 'book.yaml': bookYaml('', ['a.md', 'b.md']) }) });
    const paragraph = (book: Book, i: number) => {
      let text = '';
      visit(book.chapters[i].hast, 'element', (node: Element) => {
        if (node.tagName === 'p' && !text) text = toString(node);
      });
      return text;
    };
    expect([paragraph(french, 0), paragraph(french, 1)]).toEqual(['Texte1.', 'Text,1 more.']);
    const forced = await compileBook({ manuscript: await manuscript({ ...files, 'book.yaml': bookYaml('notes-after-punctuation: true\n', ['a.md', 'b.md']) }) });
    expect(paragraph(forced, 0)).toBe('Texte.1');
  });

  it('restarts ibid. and short forms after a heading of class reset-citation-positions', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(),
      'bibliography.json': works,
      'a.md': '# A\n\nUn [@livre-a]. Deux [@livre-a].\n\n## Suite {.reset-citation-positions}\n\nTrois [@livre-a]. Quatre [@livre-a].\n',
    });
    const notes = notesOf((await compileBook({ manuscript: dir })).chapters[0].hast);
    expect(notes).toEqual([notes[0], 'Ibid.', notes[0], 'Ibid.']);
    expect(notes[0]).toMatch(/^Anne Exemple, Livre de test A \(/);
  });

  it('splits the bibliography into sections by a field, in the generated chapter or where ::bibliography{section} asks', async () => {
    const sections = 'bibliography-sections:\n  - { title: Sources, field: type, values: [manuscript] }\n  - { title: Témoignages, field: keyword, values: [témoignage] }\n  - { title: Travaux }\n';
    const text = '# A\n\nTexte [@livre-a; @livre-b; @archive-c; @motcle-d].\n';
    const generated = await compileBook({ manuscript: await manuscript({ 'book.yaml': bookYaml(sections), 'bibliography.json': works, 'a.md': text }) });
    const chapter = generated.chapters[1];
    expect(chapter.sections.map((s) => s.title)).toEqual(['Sources', 'Témoignages', 'Travaux']);
    expect(entryIds(generated)).toEqual(['ref-archive-c', 'ref-motcle-d', 'ref-livre-a', 'ref-livre-b']);

    const placed = await compileBook({
      manuscript: await manuscript({ 'book.yaml': bookYaml(sections, ['a.md', 'b.md']), 'bibliography.json': works, 'a.md': text, 'b.md': '# Bibliographie\n\n## Archives\n\n::bibliography{section="Sources"}\n' }),
    });
    expect(placed.chapters.map((c) => c.id)).toEqual(['a', 'b']);
    expect(entryIds(placed)).toEqual(['ref-archive-c']);
    expect(checkBook(placed).filter((d) => d.ruleId === 'attribute-unsafe')).toEqual([]);
  });

  it('refuses a wrong value in front matter with its place, and a section with a field but no values in book.yaml', async () => {
    const dir = await manuscript({ 'book.yaml': bookYaml(), 'bibliography.json': works, 'a.md': '---\nlink-citations: oui\n---\n# A\n\nTexte [@livre-a].\n' });
    const book = await compileBook({ manuscript: dir });
    expect(checkBook(book).filter((d) => d.ruleId === 'front-matter-invalid').map((d) => [d.line, d.message.split(':')[0]])).toEqual([[1, 'Invalid value in the front matter']]);
    const error = await compileBook({ manuscript: await manuscript({ 'book.yaml': bookYaml('bibliography-sections:\n  - { title: Sources, field: type }\n'), 'bibliography.json': works, 'a.md': '# A\n' }) }).catch((e: unknown) => e);
    expect(String((error as { files?: Array<{ messages: Array<{ reason: string }> }> }).files?.[0].messages[0].reason)).toMatch(/bibliography-sections/);
  });
});

describe('a draft with a missing image inside a note', () => {
  it('builds its HTML edition, the image replaced by its text alternative', async () => {
    const dir = await manuscript({
      'book.yaml': bookYaml(),
      'bibliography.json': works,
      'a.md': '# A\n\nTexte[^n] et ^[en ligne ![figure en ligne](absente-2.png) [@livre-a]] et [@livre-b].\n\n[^n]: Une note avec ![une image absente](absente.png) [@livre-a].\n\n    ![seule](absente-3.png)\n',
    });
    const out = await folder();
    const result = await build({ manuscript: dir, out, formats: ['html'], draft: true });
    expect(result.outputs.map((o) => o.format)).toEqual(['html']);
    const page = await readFile(path.join(out, 'html', 'a.html'), 'utf8');
    expect(page).not.toMatch(/absente(-[23])?\.png/);
    expect(page).toContain('une image absente');
  });
});
