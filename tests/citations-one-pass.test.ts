/**
 * Citations in one pass (scripts/citations/batch.ts): each chapter's positions computed once and
 * its clusters formatted with makeCitationCluster give exactly what one processCitationCluster per
 * cluster gives — every note, every position (first, ibid., ibid. with a locator, subsequent), the
 * author in the text, the restart after `.reset-citation-positions` and with each chapter, and the
 * disambiguation, registry-wide: a year suffix (`1990a`), a given name added (`C. Trial`), names
 * added before « et al. », a date added to two works of one author with one title. The fixture
 * (tests/fixtures/citations-one-pass/) is neutral sample data. In-process, small.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { temporaryFolders } from './support/temp.ts';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import CSL from 'citeproc';
import type { Element } from 'hast';
import type { Root } from 'mdast';
import { VFile } from 'vfile';
import { loadManuscript } from '../scripts/manuscript/load-manuscript.ts';
import { readManuscriptFile } from '../scripts/manuscript/read-text.ts';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { loadCitations } from '../scripts/citations/index.ts';
import { compileBook } from '../scripts/compile.ts';

const fixture = path.resolve('tests/fixtures/citations-one-pass');
const folder = temporaryFolders('book-one-pass-');

/** The fixture with a book.yaml naming `csl` (and `locale`), in a temporary folder. */
async function book(csl: string, locale = 'fr-FR', metadata = ''): Promise<string> {
  const dir = await folder();
  await cp(fixture, dir, { recursive: true });
  await cp(path.resolve('tests/fixtures/citations-locator-style/ordinal-locator.csl'), path.join(dir, 'ordinal-locator.csl'));
  const yaml = `title: Essai\nlanguage: ${locale.slice(0, 2)}\nbibliography: bibliography.json\ncsl: ${csl}\nlocale: ${locale}\ncontents:\n  chapters: [chapitre-1.md, chapitre-2.md]\n${metadata}`;
  await writeFile(path.join(dir, 'book.yaml'), yaml);
  return dir;
}

/** Counts the engine's calls of one method (the real method runs). */
function countCalls(name: 'processCitationCluster' | 'makeCitationCluster'): { count: () => number; restore: () => void } {
  const proto = CSL.Engine.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = proto[name];
  let calls = 0;
  proto[name] = function (this: unknown, ...args: unknown[]) {
    calls += 1;
    return original.apply(this, args);
  };
  return { count: () => calls, restore: () => (proto[name] = original) };
}

/** The fixture's manuscript and its chapter files, read as the build reads them. */
async function readBook(dir: string) {
  const manuscript = await loadManuscript({ manuscript: dir });
  const files = [];
  for (const source of manuscript.sources) {
    const read = await readManuscriptFile(source.path, 'This chapter');
    if (!read.ok) throw new Error(`cannot read ${source.path}`);
    files.push(read.file);
  }
  return { manuscript, files };
}

/** The chapters after the citation stage, its bibliography chapter, and the engine's processCitationCluster and makeCitationCluster calls. */
async function citationStage(dir: string, onePass: boolean): Promise<{ trees: Root[]; bibliography: unknown; calls: number; formatted: number }> {
  const { manuscript, files } = await readBook(dir);
  const trees = files.map((file) => parseMarkdown(file));
  const counter = countCalls('processCitationCluster');
  const formatted = countCalls('makeCitationCluster');
  try {
    const stage = await loadCitations(manuscript.citations, trees, { bookLang: manuscript.meta.language, skipTodos: false, files, onePass });
    trees.forEach((tree, i) => stage.renderChapter(tree, `chapitre-${i + 1}`));
    const generated = stage.bibliographyChapter(['chapitre-1', 'chapitre-2']);
    if (generated) stage.renderChapter(generated.tree, generated.id);
    return { trees, bibliography: generated?.tree, calls: counter.count(), formatted: formatted.count() };
  } finally {
    counter.restore();
    formatted.restore();
  }
}

/** The text of each note of a compiled chapter, without its number. */
function notesOf(tree: import('hast').Root): string[] {
  const notes: string[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'aside' && Array.isArray(node.properties.className) && node.properties.className.includes('footnote')) {
      notes.push(toString(node).replace(/^\d+\s*/, '').replace(/\s+/g, ' ').trim());
    }
  });
  return notes;
}

describe('citations in one pass', () => {
  for (const [csl, locale] of [
    ['chicago-fullnote-bibliography', 'fr-FR'],
    ['chicago-fullnote-bibliography', 'en-US'],
    ['chicago-author-date', 'fr-FR'],
  ]) {
    it(`${csl} (${locale}): every chapter and the bibliography exactly as with one processCitationCluster per cluster`, async () => {
      const dir = await book(csl, locale);
      const reference = await citationStage(dir, false);
      const onePass = await citationStage(dir, true);
      expect(reference.calls).toBeGreaterThan(30);
      expect(onePass.calls).toBe(0);
      expect(JSON.stringify(onePass.trees)).toBe(JSON.stringify(reference.trees));
      expect(JSON.stringify(onePass.bibliography)).toBe(JSON.stringify(reference.bibliography));
    });
  }

  // A cluster of one work with a page number is rendered once per work, position and state with a
  // sentinel number, the page put in its place (batch.ts, `templated`): random chapters of such
  // citations — pages that differ and recur, in the text and in notes, ibid. and not — give what
  // one processCitationCluster per cluster gives, in note, author-date and numeric styles, and in
  // a style that prints the locator as an ordinal (« 2nd »), where no template may be used.
  const works = ['sample-a', 'sample-b', 'example-2001', 'example-2003', 'trial-carl', 'trial-dora', 'probe-mock', 'probe-other', 'lone'];
  const cite = fc.record({
    work: fc.constantFrom(...works),
    locator: fc.oneof(fc.constant(''), fc.constant(', p. 3'), fc.constant(', p. 1'), fc.integer({ min: 1, max: 40 }).map((n) => `, p. ${n}`), fc.integer({ min: 1, max: 2000 }).map((n) => `, chap. ${n}`), fc.constant(', p. 34-35')),
    inNote: fc.boolean(),
  });
  const chapter = fc.array(cite, { minLength: 20, maxLength: 45 }).map((cites) => {
    const notes: string[] = [];
    const text = cites.map(({ work, locator, inNote }) => {
      if (!inNote) return `Texte [@${work}${locator}].`;
      notes.push(`[^${notes.length + 1}]: Voir [@${work}${locator}].`);
      return `Note.[^${notes.length}]`;
    });
    return `# Chapitre\n\n${text.join(' ')}\n\n${notes.join('\n\n')}\n`;
  });
  for (const [csl, locale, metadata = ''] of [
    ['chicago-fullnote-bibliography', 'fr-FR'],
    ['chicago-fullnote-bibliography', 'fr-FR', 'link-citations: true\n'],
    ['chicago-note-bibliography', 'en-US'],
    ['iso690-note-fr', 'fr-FR'],
    ['oscola', 'en-GB'],
    ['apa', 'en-US'],
    ['ieee', 'en-US'],
    ['ordinal-locator.csl', 'en-US'],
  ]) {
    it(`${csl} (${locale}${metadata ? `, ${metadata.trim()}` : ''}): page numbers put into one rendering per work and position, exactly as formatting each cluster`, async () => {
      const dir = await book(csl, locale, metadata);
      let clusters = 0;
      let formatted = 0;
      await fc.assert(
        fc.asyncProperty(chapter, chapter, async (one, two) => {
          await writeFile(path.join(dir, 'chapitre-1.md'), one);
          await writeFile(path.join(dir, 'chapitre-2.md'), two);
          const reference = await citationStage(dir, false);
          const onePass = await citationStage(dir, true);
          expect(JSON.stringify(onePass.trees)).toBe(JSON.stringify(reference.trees));
          clusters += reference.calls;
          formatted += onePass.formatted;
        }),
        { numRuns: 3, seed: 20261201, endOnFailure: true },
      );
      // Each work of a citation linked to its entry (`sys.wrapCitationEntry`).
      if (metadata) expect(JSON.stringify((await citationStage(dir, true)).trees)).toContain('"className":["citation-link"]');
      if (csl === 'ordinal-locator.csl') {
        // The ordinals are printed (« p. 3rd », « p. 1st »), each its own.
        await writeFile(path.join(dir, 'chapitre-1.md'), '# Un\n\n[@lone, p. 3]. [@lone, p. 1]. [@lone, p. 12].\n');
        const text = JSON.stringify((await citationStage(dir, true)).trees);
        for (const ordinal of ['p. 3rd', 'p. 1st', 'p. 12th']) expect(text).toContain(ordinal);
      } else if (csl.includes('note')) {
        // Fewer renderings than clusters: the templates were used.
        expect(formatted).toBeLessThan(clusters * 0.8);
      }
    });
  }

  it('keeps the disambiguation registry-wide: year suffixes, given names, names before et al.', async () => {
    const built = await compileBook({ manuscript: await book('chicago-author-date') });
    const text = built.chapters.map((chapter) => toString(chapter.hast)).join('\n');
    expect(text).toContain('Sample 1990a');
    expect(text).toContain('1990b');
    expect(text).toMatch(/C\.\s+Trial/);
    expect(text).toMatch(/D\.\s+Trial/);
    // Two works whose first author and year agree: the names that tell them apart are printed.
    expect(text).toMatch(/Probe, Check, Mock/);
    expect(text).toMatch(/Probe, Check, Other/);
  });

  it('in the note style: ibid., short forms and the first reference restart with each chapter; one title of one author told apart by its date', async () => {
    const built = await compileBook({ manuscript: await book('chicago-fullnote-bibliography') });
    const [first, second] = built.chapters.filter((chapter) => chapter.id.startsWith('chapitre')).map((chapter) => notesOf(chapter.hast));
    expect(first[0]).toMatch(/^Ann Sample, First sample book .*1990.*3\.$/);
    expect(first[1]).toBe('Ibid.');
    expect(first[2]).toMatch(/^Ibid\., 4\.$/);
    // The same short form for two reports: each keeps its date (the style's `disambiguate="true"`).
    expect(first[6]).toBe('Example, « Test report », 2001, 2.');
    expect(first[12]).toBe('Example, « Test report », 2003.');
    // Two works of four authors, the first two alike: the third name tells them apart.
    expect(first[9]).toMatch(/^Eve Probe, Finn Check, Gail Mock, et al\./);
    expect(first[11]).toContain('(Probe, Check, Mock, et al., « Joint study », 5)');
    // After the heading of class reset-citation-positions, and in chapter 2, each work in full again.
    expect(first[18]).toBe('Ann Sample, First sample book (Testville : Test Press, 1990), 4.');
    expect(second[0]).toBe('Bob Example, « Test report » (Test Office, 2003), 1.');
    expect(second[2]).toBe('Example, « Test report », 2003, 1.');
    expect(second[4]).toBe('Ibid.');
  });
});

describe('the style and locale read once per process', () => {
  /** The citation stage of a fixture book, and how many citeproc-js engines it made. */
  async function stageOf(dir: string, render: boolean, chapters?: string[]) {
    const { manuscript, files } = await readBook(dir);
    const trees = chapters ? chapters.map((text) => parseMarkdown(new VFile({ path: path.join(dir, 'x.md'), value: text }))) : files.map((file) => parseMarkdown(file));
    // Every engine sets its output format (citeproc-js in its constructor, then engine.ts).
    const proto = CSL.Engine.prototype as unknown as { setOutputFormat: (...args: unknown[]) => unknown };
    const original = proto.setOutputFormat;
    const made = new Set<unknown>();
    proto.setOutputFormat = function (this: unknown, ...args: unknown[]) {
      made.add(this);
      return original.apply(this, args);
    };
    try {
      const stage = await loadCitations(manuscript.citations, trees, { bookLang: manuscript.meta.language, skipTodos: false, files, render });
      if (render) trees.forEach((tree, i) => stage.renderChapter(tree, `chapitre-${i + 1}`));
      return { stage, trees, engines: made.size };
    } finally {
      proto.setOutputFormat = original;
    }
  }

  /**
   * The fixture with its own copy of a shipped locale, told apart by a comment: other tests of this
   * worker may have read the shipped one already.
   */
  async function bookWithNewLocale(tag: string): Promise<string> {
    const dir = await book('chicago-fullnote-bibliography', tag);
    const text = await readFile(path.resolve('templates/csl', `locales-${tag}.xml`), 'utf8');
    await writeFile(path.join(dir, `locales-${tag}.xml`), text.replace('?>', `?>\n<!-- ${randomUUID()} -->`));
    const yaml = await readFile(path.join(dir, 'book.yaml'), 'utf8');
    await writeFile(path.join(dir, 'book.yaml'), yaml.replace(`locale: ${tag}`, `locale: locales-${tag}.xml`));
    return dir;
  }

  it('makes no engine for the checks, nor for a book that cites nothing, once the style and locale were read; their terms follow the locale', async () => {
    const french = await bookWithNewLocale('fr-FR');
    const english = await bookWithNewLocale('en-US');
    expect((await readFile(path.join(french, 'book.yaml'), 'utf8'))).toContain('locale: locales-fr-FR.xml');
    const first = await stageOf(french, false);
    expect(first.engines).toBe(1);
    const again = await stageOf(french, false);
    expect(again.engines).toBe(0);
    expect([...again.stage.locatorTerms]).toEqual([...first.stage.locatorTerms]);
    expect(first.stage.locatorTerms.get('p.')).toBe('page');
    // Another locale is read for itself.
    const other = await stageOf(english, false);
    expect(other.engines).toBe(1);
    expect(other.stage.locatorTerms.get('chap.')).toBe('chapter');
    expect([...other.stage.locatorTerms]).not.toEqual([...first.stage.locatorTerms]);
    // Citing something makes an engine; citing nothing (an unknown work) does not, and prints what pandoc prints.
    expect((await stageOf(french, true)).engines).toBe(1);
    const none = await stageOf(french, true, ['Un texte [@inconnu, p. 3].\n']);
    expect(none.engines).toBe(0);
    expect(JSON.stringify(none.trees[0])).toContain('inconnu?');
  });
});
