/**
 * Print page numbers in the EPUB: with a page map such as the PDF writer returns (`printPages`,
 * which `build()` hands to the EPUB writer), the EPUB carries a page list and page-break markers before the same blocks,
 * still passes EPUBCheck and Ace (which checks that the page list and the markers agree), and says
 * so in its accessibility metadata. The page map here is made up from the block ids of a small book
 * (tests/fixtures/page-list: front matter, parts, back matter, lists, quotations, a table, notes);
 * the real one, of the shipped manuscript, is tested with a real build when the PDF edition is
 * registered.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { fromXml } from 'xast-util-from-xml';
import type { Element as XmlElement, Root as XmlRoot } from 'xast';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import { compileBook } from '../scripts/compile.ts';
import { formats } from '../scripts/output/index.ts';
import type { Book, PrintPage } from '../scripts/model/index.ts';
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
  book = await compileBook({ manuscript: path.join(import.meta.dirname, 'fixtures', 'page-list') });
  pages = madeUpPages(book);
  file = path.join(dir, 'book.epub');
  await writeEpub(book, file, path.join(dir, 'work'), { printPages: pages });
  zip = await JSZip.loadAsync(await readFile(file));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const text = (name: string) => zip.file(`OEBPS/${name}`)!.async('string');

/** The EPUB's XHTML and package documents, parsed: tests query elements, not attribute order. */
const parsed = new Map<string, Promise<XmlRoot>>();
const xml = (name: string) => {
  if (!parsed.has(name)) parsed.set(name, text(name).then((source) => fromXml(source)));
  return parsed.get(name)!;
};
/** Every element under `tree`, in document order, with its parent. */
function elementsOf(tree: XmlRoot | XmlElement): Array<{ node: XmlElement; parent: XmlRoot | XmlElement }> {
  const found: Array<{ node: XmlElement; parent: XmlRoot | XmlElement }> = [];
  const walk = (parent: XmlRoot | XmlElement) => {
    for (const node of parent.children) {
      if (node.type !== 'element') continue;
      found.push({ node, parent });
      walk(node);
    }
  };
  walk(tree);
  return found;
}
const xmlText = (node: XmlElement): string => node.children.map((child) => (child.type === 'text' ? child.value : child.type === 'element' ? xmlText(child) : '')).join('');
/** The element with this id, and its parent. */
const byId = async (name: string, id: string) => elementsOf(await xml(name)).find(({ node }) => node.attributes.id === id);
/** The nodes after `node` among its siblings. */
const after = (parent: XmlRoot | XmlElement, node: XmlElement) => parent.children.slice(parent.children.indexOf(node) + 1);

describe('EPUB page list from the print page map', () => {
  it('lists every page in print order, each pointing at its marker', async () => {
    const nav = elementsOf(await xml('toc.xhtml')).find(({ node }) => node.name === 'nav' && node.attributes['epub:type'] === 'page-list')?.node;
    expect(nav).toBeDefined();
    expect(nav!.attributes).toMatchObject({ role: 'doc-pagelist', hidden: '' });
    const links = elementsOf(nav!).filter(({ node }) => node.name === 'a').map(({ node }) => node);
    for (const link of links) expect(Object.keys(link.attributes)).toEqual(['href']);
    const entries = links.map((link) => {
      const [file, id] = String(link.attributes.href).split('#');
      return { file, id, label: xmlText(link) };
    });
    expect(entries.map((entry) => entry.label)).toEqual(pages.map((page) => page.label));
    for (const entry of entries) {
      const marker = await byId(entry.file, entry.id);
      expect(marker?.node.name, `${entry.file}#${entry.id}`).toBe('span');
      expect(marker!.node.attributes, `${entry.file}#${entry.id}`).toEqual({ 'epub:type': 'pagebreak', role: 'doc-pagebreak', id: entry.id, 'aria-label': entry.label });
      expect(marker!.node.children).toEqual([]);
    }
  });

  it('puts each marker before the block where its page begins, or first inside a list item', async () => {
    // Every page that begins after a chapter's first block.
    const inside = pages.filter((p) => p.blockId !== '' && !p.blockId.endsWith('-b1'));
    const seen = { before: 0, inItem: 0 };
    for (const page of inside) {
      const marker = await byId(`${page.chapterId}.xhtml`, `page-${page.label}`);
      expect(marker, page.label).toBeDefined();
      const parent = marker!.parent;
      if (parent.type === 'element' && parent.name === 'li') {
        // A list holds only items (page-breaks.ts, restrictedParents): the marker opens the item.
        expect(parent.children.find((node) => node.type !== 'text' || node.value.trim() !== ''), page.label).toBe(marker!.node);
        seen.inItem++;
        continue;
      }
      // The next element after the marker opens the block.
      const next = after(parent, marker!.node).find((node) => node.type !== 'text' || node.value.trim() !== '');
      expect(next?.type, page.label).toBe('element');
      expect((next as XmlElement).name, page.label).toMatch(/^(p|h\d|li|figure|table|aside|blockquote|pre|hr|dl)$/);
      seen.before++;
    }
    // The fixture has both kinds.
    expect(seen.before).toBeGreaterThan(0);
    expect(seen.inItem).toBeGreaterThan(0);
    // A chapter's first page opens right before its title.
    const { id } = book.chapters.find((c) => c.source.part !== undefined)!;
    const first = pages.find((p) => p.blockId === `${id}-b1`)!;
    const opening = await byId(`${id}.xhtml`, `page-${first.label}`);
    expect(opening?.node.attributes['aria-label']).toBe(first.label);
    const title = after(opening!.parent, opening!.node)[0];
    expect(title?.type === 'element' && title.name).toBe('h1');
  });

  it('gives the pages the EPUB has no block for to the next page that has one', async () => {
    // The book's first chapter, where page 1 begins.
    const opening = elementsOf(await xml(`${book.chapters[0].id}.xhtml`)).map(({ node }) => node.attributes.id);
    const order = ['page-i', 'page-ii', 'page-1'].map((id) => opening.indexOf(id));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('says so in its accessibility metadata', async () => {
    const metadata = elementsOf(await xml('content.opf')).filter(({ parent }) => parent.type === 'element' && parent.name === 'metadata');
    const features = metadata.filter(({ node }) => node.name === 'meta' && node.attributes.property === 'schema:accessibilityFeature').map(({ node }) => xmlText(node));
    for (const feature of ['pageBreakMarkers', 'printPageNumbers', 'pageNavigation']) expect(features).toContain(feature);
    // The page source (EPUB 3.2 `source-of pagination`; see package-document.ts for a11y:pageBreakSource).
    const at = metadata.findIndex(({ node }) => node.name === 'dc:source' && node.attributes.id === 'print-source');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(xmlText(metadata[at].node)).toMatch(/^[^<]+$/);
    expect(metadata[at + 1]?.node.name).toBe('meta');
    expect(metadata[at + 1].node.attributes).toEqual({ refines: '#print-source', property: 'source-of' });
    expect(xmlText(metadata[at + 1].node)).toBe('pagination');
  });

  it('passes EPUBCheck and Ace by DAISY', async () => {
    expect((await epubcheck(file)).map((m) => `${m.severity} ${m.ID} ${m.message}`)).toEqual([]);
    expect((await ace(file)).violations).toEqual([]);
  });
});

// The real page map, from the shipped manuscript built once for the run, PDF and EPUB together
// (tests/setup/manuscript.ts).
describe.runIf('pdf' in formats)('EPUB page list from a real PDF build', () => {
  it('matches the PDF page map', async () => {
    const built = inject('manuscriptBuild');
    const printPages = built.printPages;
    expect(printPages.length).toBeGreaterThan(0);
    const epub = await JSZip.loadAsync(await readFile(path.join(built.out, 'book.epub')));
    const nav = await epub.file('OEBPS/toc.xhtml')!.async('string');
    const labels = [...(/<nav epub:type="page-list"[\s\S]*?<\/nav>/.exec(nav)?.[0] ?? '').matchAll(/">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(labels).toEqual(printPages.map((page) => page.label));
    expect((await epubcheck(path.join(built.out, 'book.epub'))).map((m) => `${m.severity} ${m.ID} ${m.message}`)).toEqual([]);
    expect((await ace(path.join(built.out, 'book.epub'))).violations).toEqual([]);
  });
});
