/**
 * Print page numbers in the EPUB: with a page map such as the PDF writer leaves in
 * `book.printPages`, the EPUB carries a page list and page-break markers before the same blocks,
 * still passes EPUBCheck and Ace (which checks that the page list and the markers agree), and says
 * so in its accessibility metadata. The page map here is made up from the real block ids; the real
 * one is tested with a real build when the PDF edition is registered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import { compileBook } from '../scripts/compile.ts';
import { build } from '../scripts/build.ts';
import { formats } from '../scripts/output/index.ts';
import type { Book, PrintPage } from '../scripts/model.ts';
import { chapterCopy } from '../scripts/output/epub/content.ts';
import { writeEpub } from '../scripts/output/epub/index.ts';
import { ace, epubcheck } from './support/epub-checkers.ts';

let dir: string;
let book: Book;
let pages: PrintPage[];
let zip: JSZip;
let file: string;

/** A page map: two pages the EPUB has no block for, a part page, then a page every 7 blocks. */
function madeUpPages(book: Book): PrintPage[] {
  const result: PrintPage[] = [
    { label: 'i', chapterId: 'half-title', blockId: '' },
    { label: 'ii', chapterId: 'title-page', blockId: '' },
  ];
  let folio = 1;
  let partShown = -1;
  for (const chapter of book.chapters) {
    const part = chapter.source.part;
    if (part !== undefined && part !== partShown) {
      result.push({ label: String(folio++), chapterId: book.meta.parts[part].id, blockId: '' });
      partShown = part;
    }
    const blocks: string[] = [];
    visit(chapterCopy(chapter), 'element', (node: Element) => {
      if (typeof node.properties.dataBlock === 'string') blocks.push(node.properties.dataBlock);
    });
    blocks.forEach((block, i) => {
      if (i % 7 === 0) result.push({ label: String(folio++), chapterId: chapter.id, blockId: block });
    });
  }
  return result;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'epub-pages-'));
  book = await compileBook({ manuscript: 'manuscript', showTodos: true });
  pages = madeUpPages(book);
  book.printPages = pages;
  file = path.join(dir, 'book.epub');
  await writeEpub(book, file, path.join(dir, 'work'));
  zip = await JSZip.loadAsync(await readFile(file));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const text = (name: string) => zip.file(`OEBPS/${name}`)!.async('string');

describe('EPUB page list from the print page map', () => {
  it('lists every page in print order, each pointing at its marker', async () => {
    const nav = await text('toc.xhtml');
    const pageList = /<nav epub:type="page-list" role="doc-pagelist"[^>]*hidden=""[^>]*>([\s\S]*?)<\/nav>/.exec(nav);
    expect(pageList).not.toBeNull();
    const entries = [...pageList![1].matchAll(/<a href="([^"#]+)#([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ file: m[1], id: m[2], label: m[3] }));
    expect(entries.map((entry) => entry.label)).toEqual(pages.map((page) => page.label));
    for (const entry of entries) {
      const document = await text(entry.file);
      expect(document, `${entry.file}#${entry.id}`).toMatch(new RegExp(`<span epub:type="pagebreak" role="doc-pagebreak" id="${entry.id}" aria-label="${entry.label}"/>`));
    }
  });

  it('puts each marker before the block where its page begins', async () => {
    const page = pages.find((p) => p.chapterId === '04-le-regiment-de-partisans' && p.blockId !== '04-le-regiment-de-partisans-b1')!;
    const chapter = await text('04-le-regiment-de-partisans.xhtml');
    const marker = chapter.indexOf(`id="page-${page.label}"`);
    expect(marker).toBeGreaterThan(0);
    // The next element after the marker opens the block.
    expect(chapter.slice(marker).replace(/^[^>]*>\s*/, '')).toMatch(/^<(p|h\d|li|figure|table|aside|blockquote|pre|hr|dl)[\s>]/);
    // A chapter's first page opens before its title.
    const first = pages.find((p) => p.blockId === '04-le-regiment-de-partisans-b1')!;
    expect(chapter).toMatch(new RegExp(`id="page-${first.label}" aria-label="${first.label}"/><h1`));
  });

  it('gives the pages the EPUB has no block for to the next page that has one', async () => {
    const opening = await text('avant-propos.xhtml');
    const order = ['page-i', 'page-ii', 'page-1'].map((id) => opening.indexOf(`id="${id}"`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('says so in its accessibility metadata', async () => {
    const opf = await text('content.opf');
    for (const feature of ['pageBreakMarkers', 'printPageNumbers', 'pageNavigation']) {
      expect(opf).toContain(`<meta property="schema:accessibilityFeature">${feature}</meta>`);
    }
    // The page source (EPUB 3.2 `source-of pagination`; see package-document.ts for a11y:pageBreakSource).
    expect(opf).toMatch(/<dc:source id="print-source">[^<]+<\/dc:source>\s*<meta refines="#print-source" property="source-of">pagination<\/meta>/);
  });

  it('passes EPUBCheck and Ace by DAISY', async () => {
    expect((await epubcheck(file)).map((m) => `${m.severity} ${m.ID} ${m.message}`)).toEqual([]);
    expect((await ace(file)).violations).toEqual([]);
  });
});

// The real page map: only once the PDF edition is registered in the same build.
describe.runIf('pdf' in formats)('EPUB page list from a real PDF build', () => {
  it('matches the PDF page map', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'epub-pdf-'));
    try {
      const result = await build({ manuscript: 'manuscript', out, formats: ['pdf' as never, 'epub'], draft: true });
      const printPages = result.book.printPages ?? [];
      expect(printPages.length).toBeGreaterThan(0);
      const epub = await JSZip.loadAsync(await readFile(path.join(out, 'book.epub')));
      const nav = await epub.file('OEBPS/toc.xhtml')!.async('string');
      const labels = [...(/<nav epub:type="page-list"[\s\S]*?<\/nav>/.exec(nav)?.[0] ?? '').matchAll(/">([^<]+)<\/a>/g)].map((m) => m[1]);
      expect(labels).toEqual(printPages.map((page) => page.label));
      expect((await epubcheck(path.join(out, 'book.epub'))).map((m) => `${m.severity} ${m.ID} ${m.message}`)).toEqual([]);
      expect((await ace(path.join(out, 'book.epub'))).violations).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
