/**
 * The EPUB edition of the shipped manuscript: valid (EPUBCheck), accessible (Ace by DAISY), right
 * about itself (package metadata), and reproducible (two builds, same bytes). The book is built
 * twice, once per output folder, in beforeAll.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { fromXml } from 'xast-util-from-xml';
import type { Element, Root } from 'xast';
import { build, type BuildResult } from '../scripts/build.ts';
import { bookIdentifier } from '../scripts/output/epub/identifier.ts';
import { ace, epubcheck } from './support/epub-checkers.ts';

const run = promisify(execFile);
let out: string;
let result: BuildResult;
let epub: Buffer;
let second: Buffer;
let zip: JSZip;

const text = async (name: string) => {
  const entry = zip.file(name);
  if (!entry) throw new Error(`${name} is not in the EPUB`);
  return entry.async('string');
};

function elements(tree: Root | Element, name: string): Element[] {
  const found: Element[] = [];
  const walk = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if (child.name === name) found.push(child);
      walk(child);
    }
  };
  walk(tree);
  return found;
}
const textOf = (node: Element): string => node.children.map((child) => (child.type === 'text' ? child.value : child.type === 'element' ? textOf(child) : '')).join('');

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'epub-test-'));
  result = await build({ manuscript: 'manuscript', out: path.join(out, 'first'), formats: ['epub'], draft: true });
  epub = await readFile(path.join(out, 'first', 'book.epub'));
  await build({ manuscript: 'manuscript', out: path.join(out, 'second'), formats: ['epub'], draft: true });
  second = await readFile(path.join(out, 'second', 'book.epub'));
  zip = await JSZip.loadAsync(epub);
});

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('EPUB edition of the manuscript', () => {
  it('passes EPUBCheck with no error and no warning', async () => {
    const messages = await epubcheck(path.join(out, 'first', 'book.epub'));
    expect(messages.map((m) => `${m.severity} ${m.ID} ${m.message} ${m.locations.map((l) => `${l.path}:${l.line}`).join(' ')}`)).toEqual([]);
  });

  it('passes Ace by DAISY with no violation', async () => {
    // The EPUB `bash scripts/setup.sh` ships (every format: with the PDF's page list), built once
    // for the run (tests/setup/manuscript.ts); epub-page-list.test.ts checks it too, and the one
    // Ace run serves both (tests/support/epub-checkers.ts). The EPUB-only build above is a subset
    // of it (no page list), which EPUBCheck validates.
    const report = await ace(path.join(inject('manuscriptBuild').out, 'book.epub'));
    expect(report.violations).toEqual([]);
    expect(report.outcome).toBe('pass');
  });

  it('is byte-identical when built twice', () => {
    expect(second.equals(epub)).toBe(true);
  });

  it('starts with the mimetype, stored (OCF 3.3 §4.2.2)', () => {
    expect(epub.toString('latin1', 30, 38)).toBe('mimetype');
    expect(epub.readUInt16LE(8)).toBe(0); // compression method: stored
    expect(epub.toString('latin1', 38, 58)).toBe('application/epub+zip');
  });

  it('declares the book, not epub-gen-memory defaults, in its package metadata', async () => {
    const opf = fromXml(await text('OEBPS/content.opf'));
    const pkg = elements(opf, 'package')[0];
    expect(pkg.attributes['xml:lang']).toBe('fr');
    const metadata = elements(pkg, 'metadata')[0];
    const dc = (name: string) => elements(metadata, name).map(textOf);
    const meta = (property: string) => elements(metadata, 'meta').filter((m) => m.attributes.property === property);
    const refines = (id: string, property: string) => meta(property).filter((m) => m.attributes.refines === `#${id}`).map(textOf);

    expect(dc('dc:language')).toEqual(['fr']);
    expect(dc('dc:title')).toEqual(['La participation des Kazakhs à la Seconde Guerre mondiale en Europe de l’Ouest', 'Témoignages et documents']);
    const creators = elements(metadata, 'dc:creator');
    expect(creators.map(textOf)).toEqual(['Gulnara Mendikulova']);
    expect(refines(String(creators[0].attributes.id), 'role')).toEqual(['edt']);
    expect(dc('dc:publisher')).toEqual([]); // book.yaml names none: not « anonymous »
    expect(dc('dc:description')).toEqual([]);
    expect(dc('dc:date')).toEqual(['2026']);

    const identifier = elements(metadata, 'dc:identifier');
    expect(identifier).toHaveLength(1);
    expect(identifier[0].attributes.id).toBe(pkg.attributes['unique-identifier']);
    expect(textOf(identifier[0])).toBe(bookIdentifier(result.book.meta).value);
    expect(textOf(identifier[0])).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ncxMeta = elements(fromXml(await text('OEBPS/toc.ncx')), 'meta').filter((m) => m.attributes.name === 'dtb:uid');
    expect(ncxMeta.map((m) => m.attributes.content)).toEqual([textOf(identifier[0])]);

    const { stdout } = await run('git', ['log', '-1', '--format=%cI', '--', '.'], { cwd: result.book.root });
    const committed = new Date(stdout.trim());
    expect(meta('dcterms:modified').map(textOf)).toEqual([`${committed.toISOString().slice(0, 19)}Z`]);

    // EPUB Accessibility 1.1.
    // The manuscript's maps are visual content; their text alternatives keep `textual` sufficient.
    expect(meta('schema:accessMode').map(textOf)).toEqual(['textual', 'visual']);
    expect(meta('schema:accessModeSufficient').map(textOf)).toEqual(['textual']);
    expect(meta('schema:accessibilityFeature').map(textOf)).toEqual(expect.arrayContaining(['structuralNavigation', 'tableOfContents', 'readingOrder']));
    expect(meta('schema:accessibilityHazard').map(textOf)).toEqual(['none']);
    expect(meta('schema:accessibilitySummary').map(textOf)[0]).toMatch(/EPUB Accessibility 1\.1/);
    expect(meta('dcterms:conformsTo').map(textOf)).toEqual(['EPUB Accessibility 1.1 - WCAG 2.1 Level AA']);
    // No PDF in this run: no page list, and the metadata does not claim one.
    expect(meta('schema:accessibilityFeature').map(textOf)).not.toEqual(expect.arrayContaining(['pageBreakMarkers']));
    expect(meta('schema:accessibilityFeature').map(textOf)).not.toEqual(expect.arrayContaining(['printPageNumbers']));
    expect(dc('dc:source')).toEqual([]);
    expect(await text('OEBPS/toc.xhtml')).not.toContain('page-list');
  });

  it('has a cover image of at least 1600 × 2560 pixels, declared as such', async () => {
    const opf = fromXml(await text('OEBPS/content.opf'));
    const covers = elements(opf, 'item').filter((item) => item.attributes.properties === 'cover-image');
    expect(covers).toHaveLength(1);
    expect(covers[0].attributes['media-type']).toBe('image/png');
    const png = Buffer.from(await zip.file(`OEBPS/${covers[0].attributes.href}`)!.async('uint8array'));
    expect(png.toString('latin1', 1, 4)).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1600);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(2560);
    const coverImages = elements(fromXml(await text('OEBPS/cover.xhtml')), 'img');
    expect(coverImages).toHaveLength(1);
    expect(coverImages[0].attributes).toMatchObject({ src: 'cover.png', role: 'doc-cover' });
    expect(coverImages[0].attributes.alt).toMatch(/^Couverture : La participation des Kazakhs[^"]+Gulnara Mendikulova$/);
    // First in the reading order.
    const spine = elements(opf, 'itemref').map((ref) => ref.attributes.idref);
    const first = elements(opf, 'item').find((item) => item.attributes.id === spine[0]);
    expect(first?.attributes.href).toBe('cover.xhtml');
  });

  it('has a navigation document with the table of contents and landmarks', async () => {
    const nav = fromXml(await text('OEBPS/toc.xhtml'));
    const navs = elements(nav, 'nav');
    expect(navs.filter((n) => n.attributes['epub:type'] === 'toc' && n.attributes.role === 'doc-toc')).toHaveLength(1);
    const landmarks = navs.filter((n) => n.attributes['epub:type'] === 'landmarks');
    expect(landmarks).toHaveLength(1);
    const titles = elements(nav, 'a').map(textOf);
    for (const chapter of result.book.chapters) expect(titles).toContain(chapter.title);
    // The body begins with the first part's page.
    expect(elements(landmarks[0], 'a').filter((a) => a.attributes['epub:type'] === 'bodymatter').map((a) => a.attributes.href)).toEqual(['partie-1.xhtml']);
  });

  it('marks note calls and notes for reading apps, with a link back', async () => {
    const classes = (node: Element) => String(node.attributes.class ?? '').split(/\s+/);
    let calls = 0;
    for (const { id } of result.book.chapters) {
      const chapter = fromXml(await text(`OEBPS/${id}.xhtml`));
      const byId = new Map(elements(chapter, 'aside').map((aside) => [aside.attributes.id, aside]));
      for (const call of elements(chapter, 'a').filter((a) => classes(a).includes('noteref'))) {
        const number = textOf(call);
        expect(number).toMatch(/^\d+$/);
        expect(call.attributes).toEqual({
          class: 'noteref',
          id: `${id}-fnref-${number}`,
          href: `#${id}-fn-${number}`,
          role: 'doc-noteref',
          'aria-label': `Note ${number}`,
          'epub:type': 'noteref',
        });
        const note = byId.get(`${id}-fn-${number}`);
        expect(note?.attributes, `${id} note ${number}`).toEqual({ id: `${id}-fn-${number}`, class: 'footnote', role: 'doc-footnote', 'epub:type': 'footnote' });
        // The note opens with a paragraph whose first element is the number, linked back to the call.
        const first = note!.children.find((child) => child.type === 'element');
        expect(first?.name).toBe('p');
        expect((first as Element).attributes).toEqual({});
        const back = (first as Element).children.find((child) => child.type === 'element') as Element | undefined;
        expect(back?.name).toBe('a');
        expect(back?.attributes).toMatchObject({ class: 'note-number', href: `#${call.attributes.id}`, role: 'doc-backlink' });
        calls++;
      }
    }
    expect(calls).toBeGreaterThan(0);
  });

  it('keeps the language of foreign passages', async () => {
    const languages = new Set<string>();
    for (const { id } of result.book.chapters) {
      for (const span of elements(fromXml(await text(`OEBPS/${id}.xhtml`)), 'span').filter((span) => span.attributes.lang !== undefined)) {
        // XHTML: `xml:lang` beside `lang`, the same.
        expect(span.attributes['xml:lang']).toBe(span.attributes.lang);
        languages.add(String(span.attributes.lang));
      }
    }
    expect([...languages]).toContain('ru');
  });

  it('embeds the fonts its style sheet uses', async () => {
    const css = await text('OEBPS/style.css');
    const urls = [...css.matchAll(/url\('([^']+)'\)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) expect(zip.file(`OEBPS/${url}`), url).not.toBeNull();
    expect(urls).toEqual(expect.arrayContaining(['fonts/eb-garamond-cyrillic-ext-400-normal.woff']));
  });
});
