/**
 * How the print document is cut into parts laid out at once (scripts/output/pdf/parts.ts,
 * "Parallel layout" in docs/pdf.md): whole divisions, a division that refers back never in a
 * part that does not, the front matter alone in a long book; in a book of one part per core, the
 * front matter with the first chapters, and a small part left over at the end (the bibliography)
 * joined to the part before it. Then a small book laid out a division per part: the folio of a
 * division that opens a part, given before that part is laid out (render.ts, `leadsNext`).
 */
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { splitPrintDocument } from '../scripts/output/pdf/parts.ts';
import { compileBook } from '../scripts/compile.ts';
import { writePdfEdition } from '../scripts/output/pdf/index.ts';
import { defaultSeed, generateManuscript, writeManuscript } from '../scripts/bench/manuscript.ts';
import { withEnv } from './support/cli.ts';
import { temporaryFolders } from './support/temp.ts';

const run = promisify(execFile);

/** A division of `chars` characters of text, itself a page target, with `extra` elements after its text. */
const division = (className: string, id: string, chars: number, extra: Element[] = []): Element =>
  h('section', { className: [className], id, dataPageTarget: '' }, [h('p', 'x'.repeat(chars)), ...extra]);

function book(sizes: number[], options: { bibliography?: number; index?: boolean } = {}): Root {
  const body = [
    h('section', { className: ['half-title'], dataBookTitle: 'Essai' }, 'Essai'),
    ...sizes.map((chars, i) => division('chapter', `ch${i + 1}`, chars)),
    ...(options.bibliography ? [division('chapter', 'bibliographie', options.bibliography)] : []),
    ...(options.index ? [division('index-of-names', 'index', 500, [h('span', { dataPageRef: 'ch1' }, '')])] : []),
  ];
  return { type: 'root', children: [h('html', [h('head'), h('body', body)])] };
}

const sizesOf = (document: Root, jobs = 2) => splitPrintDocument(document, jobs).parts.map((part) => [part.size, part.needsStart]);

describe('the print document in parts', () => {
  it('in a book of one part per core, puts the front matter with the first chapters and joins a small part left at the end to the part before it', () => {
    // 190,000 characters on two cores: parts of 95,000; the last chapters and the bibliography
    // would be 78,000 and 17,000.
    const document = book([30_000, 30_000, 31_000, 39_000, 39_000], { bibliography: 17_000, index: true });
    expect(sizesOf(document)).toEqual([
      [91_005, false],
      [95_000, false],
      [500, true],
    ]);
  });

  it('keeps it apart when it is larger than a quarter of a part, or the two would be too large', () => {
    expect(sizesOf(book([30_000, 30_000, 31_000, 39_000, 39_000], { bibliography: 30_000, index: true }))).toEqual([
      [91_005, false],
      [78_000, false],
      [30_000, false],
      [500, true],
    ]);
    // Parts of 65,250: the second chapter alone is larger, and with the bibliography more than a quarter over.
    expect(sizesOf(book([40_000, 75_000], { bibliography: 15_000, index: true }))).toEqual([
      [40_005, false],
      [75_000, false],
      [15_000, false],
      [500, true],
    ]);
  });

  it('names the target each part opens with, whose folio is where the part begins', () => {
    // The half-title opens the first part and is no target; the others open with a division's own element.
    const { parts } = splitPrintDocument(book([30_000, 30_000, 31_000, 39_000, 39_000], { bibliography: 17_000, index: true }), 2);
    expect(parts.map((part) => part.lead)).toEqual([undefined, 'ch4', 'index']);
  });

  it('never joins a part that waits for the parts before it', () => {
    // The index (500 characters, referring back) would fit in the part before it: it stays apart.
    const split = sizesOf(book([30_000, 30_000, 31_000, 39_000, 39_000], { bibliography: 17_000, index: true }));
    expect(split.at(-1)).toEqual([500, true]);
    expect(split.at(-2)).toEqual([95_000, false]);
  });

  it('leaves a long book’s parts as they were: the front matter alone, a small part at the end apart', () => {
    // 855,000 characters: parts of at most 120,000 (three chapters), the bibliography a part of its own.
    const chapters = Array.from({ length: 21 }, () => 40_000);
    const parts = sizesOf(book(chapters, { bibliography: 15_000, index: true }));
    expect(parts[0]).toEqual([5, false]);
    expect(parts[1]).toEqual([120_000, false]);
    expect(parts.at(-2)).toEqual([15_000, false]);
  });
});

const folder = temporaryFolders('pdf-parts-');

describe('the parts laid out', () => {
  it('gives the contents the folio of a division that opens a part not yet laid out (the index of names), the folio it is printed on', async () => {
    // Each division a part, two renderers: the index of names refers back (needsStart), so it is
    // laid out after every other part, and the contents take its folio from where its part begins
    // (render.ts, `leadsNext`) — after a blank page here, the bibliography ending on a right-hand page.
    const dir = await folder();
    const { manuscript } = await writeManuscript(generateManuscript({ words: 6_000, seed: defaultSeed }), path.join(dir, 'lead'));
    const book = await compileBook({ manuscript });
    const pdf = await withEnv({ BOOK_PDF_PART_CHARS: '1', BOOK_PDF_JOBS: '2' }, () => writePdfEdition(book, path.join(dir, 'lead-out')));
    const index = pdf.render.timeline.findIndex((part) => part.leadFolioEarly);
    expect(index).toBe(pdf.render.timeline.length - 1);
    const { pages } = pdf.render;
    const firstPage = (section: string) => pages.find((page) => page.section === section && !page.blank);
    const contents = pages.flatMap((page, i) => (page.section === 'toc' ? [i + 1] : []));
    const { stdout } = await run('pdftotext', ['-layout', '-f', String(contents[0]), '-l', String(contents.at(-1)), path.join(dir, 'lead-out', 'book.pdf'), '-']);
    const folioOf = (title: string) => new RegExp(`${title}\\s+(\\S+)\\s*$`, 'm').exec(stdout)?.[1];
    expect(pages.some((page, i) => page.blank && pages[i + 1]?.section === 'index-of-names')).toBe(true);
    expect(folioOf('Index des noms')).toBe(firstPage('index-of-names')?.label);
    expect(folioOf('Bibliographie')).toBe(firstPage('bibliographie')?.label);
  });
});
