/**
 * Figures, captioned tables and cross-references in pandoc-crossref's syntax (scripts/crossref/):
 * what the reader makes of them, the book's numbering and links on tests/fixtures/figures (two
 * chapters, in-process), the words of an English book, the print document's page references, and
 * one small PDF (a few pages) whose text must carry the pages.
 */
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import type { Root, Nodes } from 'mdast';
import type { Root as HastRoot } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { compileBook } from '../scripts/compile.ts';
import { compileAndCheck, build } from '../scripts/build.ts';
import { diagnosticsOf } from '../scripts/check/messages.ts';
import { buildPrintDocument } from '../scripts/output/pdf/print-document.ts';
import type { Book } from '../scripts/model/index.ts';
import { h } from 'hastscript';
import { resolveCrossrefs } from '../scripts/crossref/index.ts';
import { fr } from '../scripts/i18n/fr.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'figures');
const work = await mkdtemp(path.join(os.tmpdir(), 'crossref-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const parse = (value: string): Root => parseMarkdown(new VFile({ path: 'chapitre.md', value }));
const typesOf = (tree: Root): string[] => {
  const types: string[] = [];
  const walk = (node: Nodes) => {
    types.push(node.type);
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(tree);
  return types;
};
const html = (book: Book, index: number) => toHtml(book.chapters[index].hast);

describe('the reader', () => {
  it('hands fig:, sec:, tbl: and eq: keys to the cross-references, and works to the citations', () => {
    const tree = parse('Voir [@fig:a], @Sec:b, [-@tbl:c] et [voir @fig:a; @doe99, p. 3].\n');
    const paragraph = tree.children[0] as { children: Nodes[] };
    const crossrefs = paragraph.children.filter((node) => node.type === 'crossref');
    expect(crossrefs.map((node) => (node as { refs: Array<{ kind: string; capital: boolean; suppressLabel: boolean }> }).refs.map((r) => [r.kind, r.capital, r.suppressLabel]))).toEqual([
      [['fig', false, false]],
      [['sec', true, false]],
      [['tbl', false, true]],
      [['fig', false, false]],
    ]);
    const cites = paragraph.children.filter((node) => node.type === 'cite');
    expect(cites.map((node) => (node as { citations: Array<{ key: string }> }).citations.map((c) => c.key))).toEqual([['doe99']]);
  });

  it('makes a figure of an image alone with attributes, and nothing else', () => {
    expect(typesOf(parse('![Plan](p.png "Le plan"){#fig:p credit="Archives"}\n'))).toContain('figure');
    expect(typesOf(parse('![Plan](p.png "Le plan"){}\n'))).toContain('figure');
    expect(typesOf(parse('![Plan](p.png "Le plan")\n'))).not.toContain('figure');
    expect(typesOf(parse('Texte ![Plan](p.png){#fig:p}\n'))).not.toContain('figure');
    expect(typesOf(parse('![Plan](p.png){#fig:p} et du texte\n'))).not.toContain('figure');
  });

  it('reads a table caption before or after its table, and not elsewhere', () => {
    const table = '| a | b |\n|---|---|\n| 1 | 2 |\n';
    expect(typesOf(parse(`${table}\n: Légende {#tbl:t}\n`))).toContain('tableFigure');
    expect(typesOf(parse(`: Légende {#tbl:t}\n\n${table}`))).toContain('tableFigure');
    expect(typesOf(parse(`: Légende\n\nUn paragraphe.\n`))).not.toContain('tableFigure');
  });
});

describe('a book with figures, a table and cross-references', async () => {
  const { book, diagnostics } = await compileAndCheck({ manuscript: fixture }, { renderCitations: false });

  it('numbers the figures in book order and captions them with their credit', () => {
    expect(html(book, 0)).toContain('<figure class="figure" id="fig:carte"><img src="carte.png" alt="Carte du secteur avec trois villages"><figcaption><span class="figure-label">Figure 1</span>. <span class="figure-caption-text">Le secteur étudié</span><br><span class="figure-credit">Archives de test</span></figcaption></figure>');
    // Without an id, one is made, unique in the book: the list of illustrations links to it.
    expect(html(book, 0)).toContain('<figure class="figure" id="01-premier-figure-2">');
    expect(html(book, 0)).toContain('<span class="figure-label">Figure 2</span>');
    expect(html(book, 1)).toContain('<span class="figure-label">Figure 3</span>');
    expect(html(book, 0)).toContain('<figure class="table-figure" id="tbl:effectifs"><figcaption><span class="table-label">Tableau 1</span>. <span class="table-caption-text">Effectifs des unités</span></figcaption><table>');
  });

  it('writes each cross-reference as the book numbers it, linked in its chapter or another', () => {
    const first = html(book, 0);
    expect(first).toContain('<a class="crossref crossref-fig" href="#fig:carte">figure 1</a>');
    expect(first).toContain('<a class="crossref crossref-fig" href="02-second.md#fig:pont">figure 3</a>');
    expect(first).toContain('<a class="crossref crossref-sec" href="#sec:suite">La suite</a>');
    expect(first).toContain('<a class="crossref crossref-tbl" href="#tbl:effectifs">tableau 1</a>');
    expect(first).toContain('<a class="crossref crossref-fig crossref-number" href="#fig:carte">1</a>');
    expect(first).toContain('<a class="crossref crossref-fig crossref-capital" href="#fig:carte">Figure 1</a>');
    expect(html(book, 1)).toContain('<a class="crossref crossref-fig" href="01-premier.md#fig:carte">figure 1</a>');
  });

  it('reports an unknown label at the reference, and never as a citation', () => {
    const found = diagnostics.filter((d) => d.ruleId === 'crossref-unknown' || d.ruleId === 'citation-unknown-key');
    expect(found.map((d) => [path.basename(d.file), d.line, d.column, d.ruleId])).toEqual([
      ['02-second.md', 3, 48, 'crossref-unknown'],
      ['02-second.md', 3, 66, 'crossref-unknown'],
    ]);
    expect(html(book, 1)).toContain('<span class="crossref-unknown">fig:absente</span>');
  });

  it('adds the list of illustrations to the back matter, id `illustrations`, each entry linked, with its credit', () => {
    const list = book.chapters.find((chapter) => chapter.source.generated === 'illustrations')!;
    expect([list.id, list.title, list.source.matter, book.chapters.indexOf(list)]).toEqual(['illustrations', 'Table des illustrations', 'back', 2]);
    const text = toHtml(list.hast);
    expect(text).toContain('<li><a href="01-premier.md#fig:carte">Figure 1</a>. Le secteur étudié —\u00a0<span class="illustration-credit">Archives de test</span></li>');
    expect(text).toContain('<li><a href="02-second.md#fig:pont">Figure 3</a>. Le pont —\u00a0<span class="illustration-credit">Collection privée</span></li>');
  });

  it('prints the page after every link inside the book and marks each target', () => {
    const { tree } = buildPrintDocument(book, { stylesheets: [], script: 'render.js' });
    const out = toHtml(tree as HastRoot);
    expect(out).toContain('<a class="crossref crossref-fig" href="#fig:pont">figure 3</a><span class="crossref-page">, p.\u00a0<span class="page-ref" data-page-ref="fig:pont"></span></span>');
    expect(out).toContain('<a class="crossref crossref-sec" href="#sec:suite">La suite</a><span class="crossref-page"> (voir p.\u00a0<span class="page-ref" data-page-ref="sec:suite"></span>)</span>');
    expect(out).toContain('<a href="#sec:suite">la suite</a><span class="crossref-page"> (voir p.\u00a0');
    expect(out).toMatch(/<figure class="figure" id="fig:pont"[^>]* data-page-target="">/);
    expect(out).toMatch(/<h2 id="sec:suite"[^>]* data-page-target=""/);
    // Note calls and their back links keep their own apparatus; a reference inside a note gets its page.
    expect(out).toMatch(/class="noteref"/);
    expect(out).not.toMatch(/class="noteref"[^>]*>[^<]*<\/a><span class="crossref-page">/);
    expect(out).not.toMatch(/class="note-number"[^>]*>[^<]*<\/a><span class="crossref-page">/);
    expect(out).toMatch(/role="doc-backlink"[^>]*>1<\/a> La note, [^<]*<a class="crossref crossref-fig" href="#fig:pont">figure 3<\/a><span class="crossref-page">/);
  });
});

describe('a figure’s other attributes', () => {
  it('go through sanitizing like a span’s: a class kept, an event handler reported and left out', async () => {
    const dir = path.join(work, 'attributes');
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(fixture, 'carte.png'), path.join(dir, 'carte.png'));
    await writeFile(path.join(dir, 'a.md'), '# A\n\n![Plan](carte.png "Plan"){#fig:a .large onclick="alert(1)" credit="C"}\n');
    const { book, diagnostics } = await compileAndCheck({ manuscript: dir }, { renderCitations: false });
    expect(html(book, 0)).toContain('<figure class="figure large" id="fig:a"><img src="carte.png" alt="Plan">');
    expect(diagnostics.map((d) => [d.ruleId, d.line])).toEqual([['attribute-unsafe', 3]]);
  });
});

describe('figures made elsewhere (a map directive)', () => {
  it('numbers every figure.figure alike, and gives a label to one that has none', () => {
    const chapter = (id: string, hast: HastRoot) => ({ id, source: { path: `/b/${id}.md`, matter: 'body' }, hast, file: new VFile({ path: `/b/${id}.md` }) }) as unknown as Book['chapters'][number];
    const made: HastRoot = {
      type: 'root',
      children: [
        h('figure', { className: ['figure'], id: 'fig:carte' }, [h('svg'), h('figcaption', 'Carte des lieux')]),
        h('figure', { className: ['figure'] }, [h('svg')]),
      ],
    };
    const { figures } = resolveCrossrefs([chapter('a', made)], fr.figures);
    expect(toHtml(made)).toBe(
      '<figure class="figure" id="fig:carte"><svg></svg><figcaption><span class="figure-label">Figure 1</span>. Carte des lieux</figcaption></figure>' +
        '<figure class="figure" id="a-figure-2"><svg></svg><figcaption><span class="figure-label">Figure 2</span></figcaption></figure>',
    );
    expect(figures.map((f) => [f.id, f.number, toHtml({ type: 'root', children: f.caption })])).toEqual([['fig:carte', 1, 'Carte des lieux'], ['a-figure-2', 2, '']]);
    // Numbering again changes nothing.
    resolveCrossrefs([chapter('a', made)], fr.figures);
    expect(toHtml(made)).toContain('<span class="figure-label">Figure 1</span>. Carte des lieux</figcaption>');
  });
});

describe('a book in English', () => {
  it('takes its words from the book’s language', async () => {
    const dir = path.join(work, 'english');
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(fixture, 'carte.png'), path.join(dir, 'map.png'));
    await writeFile(path.join(dir, 'book.yaml'), 'title: Test\nlanguage: en\ncontents:\n  chapters: [one.md]\n');
    await writeFile(path.join(dir, 'one.md'), '# One\n\nSee [@fig:map] and [@tbl:t].\n\n![A map](map.png "The map"){#fig:map}\n\n| a |\n|---|\n| 1 |\n\n: Counts {#tbl:t}\n');
    const book = await compileBook({ manuscript: dir, renderCitations: false });
    const out = html(book, 0);
    expect(out).toContain('>figure 1</a>');
    expect(out).toContain('>table 1</a>');
    expect(out).toContain('<span class="table-label">Table 1</span>');
    expect(book.chapters[1].title).toBe('List of illustrations');
    const { tree } = buildPrintDocument(book, { stylesheets: [], script: 'render.js' });
    expect(toHtml(tree as HastRoot)).toContain('<span class="crossref-page">, p.\u00a0<span class="page-ref" data-page-ref="fig:map">');
  });
});

describe('the printed book', () => {
  it('prints the pages after the references and in the list of illustrations', async () => {
    const out = path.join(work, 'pdf');
    const result = await build({ manuscript: fixture, out, formats: ['pdf'], draft: true });
    expect(result.book.chapters.length).toBe(3);
    const text = execFileSync('pdftotext', ['-layout', path.join(out, 'book.pdf'), '-'], { encoding: 'utf8' }).replace(/[\u00ad\u2060]/g, '');
    expect(text).toMatch(/figure 1, p\.\s1/);
    expect(text).toMatch(/figure 3, p\.\s3/);
    expect(text).toMatch(/La suite \(voir\s+p\.\s1\)/);
    expect(text).toMatch(/Figure 3\. Le pont —\sCollection privée\s+3/);
  }, 60_000);
});

