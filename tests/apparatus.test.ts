/**
 * The scholarly apparatus (scripts/apparatus/) on a small book of test data
 * (tests/fixtures/apparatus/: invented text, places, persons and terms): the registries' words
 * marked in the chapters, the glossary, the index of places, the biographical notes and the list
 * of abbreviations made as chapters in every edition, and the back matter in the order of
 * `contents.back`. HTML and print document in process; one EPUB, checked by EPUBCheck.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { toHtml } from 'hast-util-to-html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBook } from '../scripts/compile.ts';
import { build } from '../scripts/build.ts';
import { checkBook } from '../scripts/check/index.ts';
import type { Book } from '../scripts/model/index.ts';
import { writeHtmlEdition } from '../scripts/output/html/index.ts';
import { buildPrintDocument } from '../scripts/output/pdf/print-document.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { epubcheck } from './support/epub-checkers.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'apparatus');
let tmp: string;
let book: Book;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'apparatus-'));
  book = await compileBook({ manuscript: fixture });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A copy of the fixture with other files (book.yaml, a registry…). */
async function variant(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(fixture, dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
  return dir;
}

const htmlOf = (b: Book, id: string) => toHtml(b.chapters.find((c) => c.id === id)!.hast);

describe('the chapters the registries make', () => {
  it('puts the abbreviations in the front matter and the rest in the default order of the back matter', () => {
    expect(book.chapters.map((c) => [c.id, c.source.matter, c.source.generated])).toEqual([
      ['abreviations', 'front', 'abbreviations'],
      ['01-premier', 'body', undefined],
      ['02-second', 'body', undefined],
      ['glossaire', 'back', 'glossary'],
      ['notices-biographiques', 'back', 'biographies'],
      ['bibliographie', 'back', 'bibliography'],
      ['index-des-lieux', 'back', 'places-index'],
    ]);
    // The index of names (print only) before the index of places; the illustrations last.
    expect(book.backSlots).toEqual({ 'names-index': 6, illustrations: 7 });
    expect(book.chapters.map((c) => c.title)).toContain('Glossaire');
    expect(book.files.flatMap((f) => f.messages)).toEqual([]);
  });

  it('marks places, persons with a note, a term at its first use in each chapter, and abbreviations', () => {
    const first = htmlOf(book, '01-premier');
    expect(first).toContain('<span class="place-occurrence" id="place-valbrune-1">Valbrune</span>');
    expect(first).toContain('<span class="place-occurrence" id="place-valbrune-2">Valbrune</span>');
    expect(first).toContain('<span class="person-occurrence" id="person-martin-alix-1">Alix Martin</span>');
    expect(first).toContain('<a class="glossary-term" href="glossaire.yaml#gl-brumaille" role="doc-glossref">brumaille</a>');
    // Once per chapter: the second « brumaille » of the chapter is plain text.
    expect(first.match(/gl-brumaille/g)).toHaveLength(1);
    expect(first).toContain('la brumaille\ny était');
    expect(first).toContain('<abbr title="Société des essais">SDE</abbr>');
    // Persons without a note are not marked (the print index of names marks them itself).
    expect(htmlOf(book, '02-second')).not.toContain('durand');
    // A form (`brumailles`) links as the term does, in the next chapter again.
    expect(htmlOf(book, '02-second')).toContain('<a class="glossary-term" href="glossaire.yaml#gl-brumaille" role="doc-glossref">brumailles</a>');
  });

  it('renders definitions and notes like the chapters: typography, notes, citations', () => {
    const glossary = htmlOf(book, 'glossaire');
    expect(glossary).toMatch(/^<h1 id="glossaire">Glossaire<\/h1>\n<section class="glossary" role="doc-glossary"><dl><dt class="glossary-entry-term" id="gl-brumaille">brumaille<\/dt><dd class="glossary-definition"><p>Brouillard d’essai qui monte <em>le soir<\/em> des vallées<a class="noteref"/);
    expect(glossary).toContain('<dt class="glossary-entry-term" id="gl-talweg" lang="de">Talweg</dt><dd class="glossary-definition"><p>Ligne d’essai de la <abbr title="Société des essais">SDE</abbr>\u00a0: le fond d’une vallée.</p></dd>');
    expect(glossary).toContain('Une note de la définition.');
    expect(glossary).toContain('<span class="citation" data-cites="essai-2020">');
    const bios = htmlOf(book, 'notices-biographiques');
    expect(bios).toContain('<div class="biography" id="bio-martin-alix"><p class="biography-name"><strong>Martin, Alix</strong></p><p>Personne d’essai née à Valbrune, <em>voyageuse</em>');
    expect(bios).toContain('<p class="biography-mentions">Mentions\u00a0: <a class="index-locator" href="01-premier.md#person-martin-alix-1" data-targets="person-martin-alix-1">Premier chapitre</a>, <a class="index-locator" href="02-second.md#person-martin-alix-2" data-targets="person-martin-alix-2">Second chapitre</a></p>');
    expect(htmlOf(book, 'abreviations')).toContain('<dl class="abbreviations"><dt><abbr title="Société des essais">SDE</abbr></dt><dd>Société des essais</dd></dl>');
  });

  it('indexes the places met in the text, in alphabetical order, with their other forms', () => {
    const index = htmlOf(book, 'index-des-lieux');
    const headings = [...index.matchAll(/<span class="index-heading">([^<]+)<\/span>/g)].map((m) => m[1]);
    expect(headings).toEqual(['la Plaine grise', 'Port-Ombre', 'Valbrune']);
    // « La Plaine grise » opening a sentence is the place too.
    expect(htmlOf(book, '02-second')).toContain('<span class="place-occurrence" id="place-plaine-grise-2">La Plaine grise</span>');
    expect(index).toContain('href="02-second.md#place-plaine-grise-2" data-targets="place-plaine-grise-2">Second chapitre</a>');
    expect(index).toContain('<span class="index-heading">Valbrune</span> <span class="index-forms">(<span lang="ru">Вальбрюн</span>)</span><span class="index-pages"><a class="index-locator" href="01-premier.md#place-valbrune-1" data-targets="place-valbrune-1 place-valbrune-2">Premier chapitre</a></span>');
  });

  it('reports a problem of a definition at its line in the glossary', async () => {
    const glossary = (await readFile(path.join(fixture, 'glossaire.yaml'), 'utf8')).replace('[@essai-2020, p. 3]', '[@inconnu-1999]');
    const broken = await compileBook({ manuscript: await variant('citation-inconnue', { 'glossaire.yaml': glossary }) });
    const diagnostics = checkBook(broken).filter((d) => d.ruleId === 'citation-unknown-key');
    expect(diagnostics.map((d) => [path.basename(d.file), d.line])).toEqual([['glossaire.yaml', 4]]);
  });

  it('takes the registries for untrusted text: their Markdown through the sanitizer, their data as text', async () => {
    const hostile = await compileBook({
      manuscript: await variant('hostile', {
        'glossaire.yaml': [
          '- term: "<img src=x onerror=alert(1)>"',
          '  definition: "Voir <script>alert(1)</script> et [ceci](javascript:alert(1))."',
          '- abbr: SDE',
          '  expansion: \'" onmouseover="alert(1)\'',
          '',
        ].join('\n'),
      }),
    });
    const glossary = htmlOf(hostile, 'glossaire');
    expect(glossary).toContain('<dt class="glossary-entry-term" id="gl-img-src-x-onerror-alert-1">&#x3C;img src=x onerror=alert(1)></dt>');
    expect(glossary).not.toMatch(/<script|<img|javascript:|<[a-z][^>]*\son\w+=/);
    expect(htmlOf(hostile, '01-premier')).toContain('<abbr title="&#x22; onmouseover=&#x22;alert(1)">SDE</abbr>');
    const messages = hostile.files.flatMap((f) => f.messages.map((m) => [path.basename(f.path), m.line, m.ruleId]));
    expect(messages).toEqual(expect.arrayContaining([['glossaire.yaml', 2, 'html-raw'], ['glossaire.yaml', 2, 'link-unsafe']]));
  });

  it('never takes an id the author gave', async () => {
    const chapter = (await readFile(path.join(fixture, '02-second.md'), 'utf8')) + '\n[Texte]{#place-valbrune-1} et [texte]{#gl-brumaille}.\n';
    const book2 = await compileBook({ manuscript: await variant('ids', { '02-second.md': chapter }) });
    const all = book2.chapters.map((c) => toHtml(c.hast)).join('\n');
    const ids = [...all.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(all).toContain('<span class="place-occurrence" id="place-valbrune-1-2">Valbrune</span>');
    expect(all).toContain('href="glossaire.yaml#gl-brumaille-2"');
    expect(all).toContain('<dt class="glossary-entry-term" id="gl-brumaille-2">');

    // A chapter of the author's named like a generated one keeps its name; the generated one yields, silently.
    const yaml = (await readFile(path.join(fixture, 'book.yaml'), 'utf8')).replace('chapters: [01-premier.md, 02-second.md]', 'chapters: [01-premier.md, glossaire.md]');
    const named = await compileBook({ manuscript: await variant('page-names', { 'book.yaml': yaml, 'glossaire.md': '# Mon glossaire\n' }) });
    expect(named.chapters.map((c) => c.id)).toEqual(['abreviations', '01-premier', 'glossaire', 'glossaire-2', 'notices-biographiques', 'bibliographie', 'index-des-lieux']);
    expect(checkBook(named).filter((d) => d.ruleId === 'chapter-id-duplicate')).toEqual([]);
  });

  it('follows contents.back, and refuses a name it does not know', async () => {
    const yaml = (await readFile(path.join(fixture, 'book.yaml'), 'utf8')).replace('  chapters: [01-premier.md, 02-second.md]', '  chapters: [01-premier.md, 02-second.md]\n  back: [places-index, names-index, glossary]');
    const ordered = await compileBook({ manuscript: await variant('ordre', { 'book.yaml': yaml }) });
    expect(ordered.chapters.filter((c) => c.source.matter === 'back').map((c) => c.id)).toEqual(['index-des-lieux', 'glossaire', 'notices-biographiques', 'bibliographie']);
    expect(ordered.backSlots?.['names-index']).toBe(4);
    // The print edition's index of names goes where it is named, in the document and in its contents.
    const { tree } = buildPrintDocument(ordered, { persons: ordered.names?.persons, stylesheets: [], script: 'render.js' });
    const printed = toHtml(tree);
    const order = ['chapter-index-des-lieux', 'index-of-names', 'chapter-glossaire'].map((id) => printed.indexOf(`<section class="${id === 'index-of-names' ? 'index-of-names' : 'chapter matter-back'}" id="${id}"`));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    const toc = printed.slice(printed.indexOf('<nav class="toc"'), printed.indexOf('</nav>'));
    expect([...toc.matchAll(/<span class="toc-text">([^<]+)<\/span>/g)].map((m) => m[1]).slice(-5)).toEqual(['Index des lieux', 'Index des noms', 'Glossaire', 'Notices biographiques', 'Bibliographie']);

    const wrong = yaml.replace('back: [places-index,', 'back: [index-des-lieux,');
    await expect(compileBook({ manuscript: await variant('nom-inconnu', { 'book.yaml': wrong }) })).rejects.toMatchObject({
      files: [expect.objectContaining({ messages: [expect.objectContaining({ ruleId: 'config-invalid', line: 11, reason: expect.stringContaining('one of glossary, places-index, names-index, illustrations, biographies, bibliography') })] })],
    });
  });

  it('makes nothing for a book without these registries', async () => {
    const plain = await compileBook({ manuscript: await variant('sans-appareil', { 'book.yaml': 'title: Sans appareil\nnames: personnes.yaml\ncontents:\n  chapters: [01-premier.md]\n', 'personnes.yaml': '- id: a\n  name: Alix Martin\n' }) });
    expect(plain.chapters.map((c) => c.id)).toEqual(['01-premier']);
    // A places registry whose places the text never names: no empty index.
    const unnamed = await compileBook({ manuscript: await variant('lieux-absents', { 'book.yaml': 'title: Lieux absents\nplaces: lieux.yaml\ncontents:\n  chapters: [02-second.md]\n', 'lieux.yaml': '- id: ailleurs\n  name: Ailleurs\n' }) });
    expect(unnamed.chapters.map((c) => c.id)).toEqual(['02-second']);
    expect(htmlOf(plain, '01-premier')).toBe('<h1 id="01-premier">Premier chapitre</h1>\n<p>Alix Martin quitta Valbrune pour Port-Ombre, dans la brumaille.</p>\n<p>Elle revint à Valbrune avec la SDE, puis traversa la Plaine grise et son talweg\u202f; la brumaille\ny était épaisse et le Talweg profond.</p>');
  });
});

describe('in the editions', () => {
  it('HTML: links to the glossary, from the index and the notes to the pages where each is named', async () => {
    const dir = path.join(tmp, 'html');
    const { pages } = await writeHtmlEdition(book, dir);
    expect(pages).toEqual(['index.html', 'abreviations.html', '01-premier.html', '02-second.html', 'glossaire.html', 'notices-biographiques.html', 'bibliographie.html', 'index-des-lieux.html']);
    const read = (name: string) => readFile(path.join(dir, name), 'utf8');
    expect(await read('01-premier.html')).toContain('<a class="glossary-term" href="glossaire.html#gl-brumaille" role="doc-glossref">brumaille</a>');
    expect(await read('index-des-lieux.html')).toContain('<a class="index-locator" href="02-second.html#place-port-ombre-2" data-targets="place-port-ombre-2">Second chapitre</a>');
    expect(await read('notices-biographiques.html')).toContain('href="01-premier.html#person-martin-alix-1"');
    // Every link inside the book reaches an id of the page it names.
    for (const page of pages) {
      for (const [, target, id] of (await read(page)).matchAll(/href="([\w-]+\.html)#([^"]+)"/g)) expect(await read(target), `${page} → ${target}#${id}`).toContain(`id="${id}"`);
    }
    const toc = await read('index.html');
    expect(toc.indexOf('abreviations.html')).toBeLessThan(toc.indexOf('01-premier.html'));
  });

  it('print: page numbers for every occurrence, the occurrences as page targets', () => {
    const { tree } = buildPrintDocument(book, { persons: book.names?.persons, stylesheets: [], script: 'render.js' });
    const printed = toHtml(tree);
    expect(printed).toContain('<span class="index-pages"><a class="page-ref" data-page-ref="place-valbrune-1" href="#place-valbrune-1"></a><a class="page-ref" data-page-ref="place-valbrune-2" href="#place-valbrune-2"></a></span>');
    expect(printed).toMatch(/<p class="biography-mentions"[^>]*>Mentions\u00a0: <a class="page-ref" data-page-ref="person-martin-alix-1" href="#person-martin-alix-1"><\/a><a class="page-ref" data-page-ref="person-martin-alix-2" href="#person-martin-alix-2"><\/a><\/p>/);
    // The heading of a person's own note is not an occurrence for the index of names.
    expect(printed).toContain('<strong>Martin, Alix</strong>');
    expect(printed).toContain('<span class="place-occurrence" id="place-valbrune-1" data-page-target="">');
    expect(printed).toContain('<a class="glossary-term" href="#gl-brumaille" role="doc-glossref">');
    expect(printed).not.toContain('index-locator');
  });

  // The EPUB (with EPUBCheck) and the PDF are the slow ones: made side by side.
  it.concurrent('EPUB: glossary semantics, links between its files, and EPUBCheck has nothing to say', async () => {
    const out = path.join(tmp, 'epub');
    await build({ manuscript: fixture, formats: ['epub'], out });
    const file = path.join(out, 'book.epub');
    const zip = await JSZip.loadAsync(await readFile(file));
    const text = async (pattern: RegExp) => zip.file(Object.keys(zip.files).find((name) => pattern.test(name))!)!.async('string');
    const glossary = await text(/glossaire\.xhtml$/);
    expect(glossary).toContain('<section class="glossary" role="doc-glossary" epub:type="glossary">');
    expect(glossary).toMatch(/<dt class="glossary-entry-term" id="gl-brumaille" epub:type="glossterm"[^>]*>brumaille<\/dt><dd class="glossary-definition" epub:type="glossdef">/);
    expect(await text(/01-premier\.xhtml$/)).toContain('<a class="glossary-term" href="glossaire.xhtml#gl-brumaille" role="doc-glossref" epub:type="glossref">brumaille</a>');
    expect(await text(/index-des-lieux\.xhtml$/)).toContain('href="01-premier.xhtml#place-valbrune-1"');
    const nav = await text(/toc\.xhtml$/);
    expect(nav).toContain('<a epub:type="glossary" href="glossaire.xhtml">Glossaire</a>');
    expect(nav).toContain('<a epub:type="index" href="index-des-lieux.xhtml">Index des lieux</a>');
    expect(await epubcheck(file)).toEqual([]);
  }, 120_000);

  it.concurrent('PDF (the one PDF of this file, 13 pages): the page numbers, one per page, in the index of places and the notes', async () => {
    const out = path.join(tmp, 'pdf');
    await build({ manuscript: fixture, formats: ['pdf'], out });
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', path.join(out, 'book.pdf'), '-']);
    const lines = stdout.split('\n').map((line) => line.trim()).filter(Boolean);
    // Valbrune is named twice on page 1: one number. Alix Martin is named on pages 1 and 3.
    expect(lines).toEqual(expect.arrayContaining(['Port-Ombre, 1, 3', 'Martin, Alix, 1, 3']));
    expect(lines.filter((line) => /^Mentions\s:\s1, 3$/u.test(line))).toHaveLength(1);
    expect(stdout).toMatch(/Valbrune \(Вальбрюн\), 1\n|Valbrune \(Вальбрюн\), 1\s*$/m);
    expect(lines.filter((line) => /^(Glossaire|Notices biographiques|Bibliographie|Index des noms|Index des lieux)\s+\d+$/.test(line))).toHaveLength(5);
  }, 180_000);
});
