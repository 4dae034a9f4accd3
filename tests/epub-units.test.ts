/**
 * The EPUB writer's parts on their own: identifiers, page-break placement, font coverage, and
 * what a small manuscript with an image and a foreign passage becomes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VFile } from 'vfile';
import { h } from 'hastscript';
import type { Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import JSZip from 'jszip';
import { build } from '../scripts/build.ts';
import { BuildError } from '../scripts/errors.ts';
import { bookIdentifier, uuidV5 } from '../scripts/output/epub/identifier.ts';
import { insertPageBreaks } from '../scripts/output/epub/page-breaks.ts';
import { characterSubstitutes, fontsForText } from '../scripts/output/epub/fonts.ts';
import { defaultLayoutFeatures } from '../scripts/output/font-subset.ts';
import { substituteCharacters } from '../scripts/output/epub/content.ts';
import { nameImages } from '../scripts/output/epub/images.ts';
import { writeReproducibleZip } from '../scripts/output/epub/zip.ts';
import { epubcheck } from './support/epub-checkers.ts';

describe('identifier', () => {
  it('computes RFC 9562 version 5 UUIDs', () => {
    // The example of RFC 9562 appendix A.4.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('uses the ISBN when there is one, else a UUID stable for the same title and editors', () => {
    const base = { title: 'Un livre', editors: ['A. Autrice'], authors: [], identifiers: {} };
    expect(bookIdentifier({ ...base, identifiers: { isbn: '978-2-07-036822-8' } })).toEqual({ value: 'urn:isbn:9782070368228', onixType: '15' });
    expect(bookIdentifier({ ...base, identifiers: { isbn: '2-07-036822-X' } }).onixType).toBe('02');
    expect(bookIdentifier({ ...base, identifiers: { uuid: '1B4E28BA-2FA1-11D2-883F-0016D3CCA427' } }).value).toBe('urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427');
    expect(bookIdentifier(base).value).toBe(bookIdentifier({ ...base }).value);
    expect(bookIdentifier(base).value).not.toBe(bookIdentifier({ ...base, title: 'Un autre livre' }).value);
  });
});

describe('page-break markers', () => {
  const chapter = (): Root => ({
    type: 'root',
    children: [
      h('h1', { dataBlock: 'c-b1' }, 'Titre'),
      h('p', { dataBlock: 'c-b2' }, 'Un'),
      h('ol', [h('li', { dataBlock: 'c-b3' }, 'item'), h('li', { dataBlock: 'c-b4' }, 'item')]),
      h('p', { dataBlock: 'c-b5' }, 'Deux'),
    ],
  });
  const html = (tree: Root) => toHtml(tree).replace(/ data-block="[^"]+"/g, '');

  it('goes before the block, or inside a list item, in print order', () => {
    const tree = chapter();
    const list = insertPageBreaks([{ key: 'c', href: 'c.xhtml', tree }], [
      { label: '1', chapterId: 'c', blockId: 'c-b1' },
      { label: '2', chapterId: 'c', blockId: 'c-b4' },
      { label: '3', chapterId: 'c', blockId: 'c-b4' },
    ]);
    expect(list).toEqual([
      { label: '1', href: 'c.xhtml#page-1' },
      { label: '2', href: 'c.xhtml#page-2' },
      { label: '3', href: 'c.xhtml#page-3' },
    ]);
    expect(html(tree)).toBe(
      '<span epub:type="pagebreak" role="doc-pagebreak" id="page-1" aria-label="1"></span><h1>Titre</h1><p>Un</p><ol><li>item</li><li><span epub:type="pagebreak" role="doc-pagebreak" id="page-2" aria-label="2"></span><span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"></span>item</li></ol><p>Deux</p>',
    );
  });

  it('gives pages without a block to the next one, and keeps the print order', () => {
    const first = chapter();
    const second: Root = { type: 'root', children: [h('h1', { dataBlock: 'd-b1' }, 'Autre')] };
    const list = insertPageBreaks(
      [
        { key: 'c', href: 'c.xhtml', tree: first },
        { key: 'd', href: 'd.xhtml', tree: second },
      ],
      [
        { label: 'i', chapterId: 'half-title', blockId: '' },
        { label: '1', chapterId: 'c', blockId: 'c-b2' },
        { label: '2', chapterId: 'd', blockId: 'd-b1' },
        // Earlier in the reading order than page 2: it waits for a page after it.
        { label: '3', chapterId: 'c', blockId: 'c-b5' },
        { label: '4', chapterId: 'colophon', blockId: '' },
      ],
    );
    expect(list.map((entry) => entry.href)).toEqual(['c.xhtml#page-i', 'c.xhtml#page-1', 'd.xhtml#page-2', 'd.xhtml#page-3', 'd.xhtml#page-4']);
    expect(html(first)).toContain('<h1>Titre</h1><span epub:type="pagebreak" role="doc-pagebreak" id="page-i" aria-label="i"></span><span epub:type="pagebreak" role="doc-pagebreak" id="page-1" aria-label="1"></span><p>Un</p>');
    expect(html(second)).toBe('<span epub:type="pagebreak" role="doc-pagebreak" id="page-2" aria-label="2"></span><h1>Autre</h1><span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"></span><span epub:type="pagebreak" role="doc-pagebreak" id="page-4" aria-label="4"></span>');
  });
});

describe('image names', () => {
  it('names each file once, in reading order, on the trees', () => {
    const first: Root = { type: 'root', children: [h('p', [h('img', { src: 'file:///m/images/carte.png', alt: 'a' }), h('img', { src: 'file:///m/images/photo%20%C3%A9.JPG', alt: 'b' })])] };
    const second: Root = { type: 'root', children: [h('img', { src: 'file:///m/images/carte.png', alt: 'c' }), h('img', { src: 'file:///m/images/scan.tiff', alt: 'd' })] };
    const images = nameImages([first, second]);
    expect(images).toEqual([
      { id: 'image-1', extension: 'png', mediaType: 'image/png', file: '/m/images/carte.png' },
      { id: 'image-2', extension: 'jpeg', mediaType: 'image/jpeg', file: '/m/images/photo é.JPG' },
      { id: 'image-3', extension: 'tif', mediaType: 'image/tiff', file: '/m/images/scan.tiff' },
    ]);
    expect(toHtml(first)).toBe('<p><img src="images/image-1.png" alt="a"><img src="images/image-2.jpeg" alt="b"></p>');
    expect(toHtml(second)).toBe('<img src="images/image-1.png" alt="c"><img src="images/image-3.tif" alt="d">');
  });
});

describe('font coverage', () => {
  it('fails with the character, its code point and where it is', async () => {
    const file = new VFile({ path: 'chapitre.md', value: 'Il neige ☃.' });
    const position = { start: { line: 3, column: 9, offset: 40 }, end: { line: 3, column: 10, offset: 41 } };
    const characters = new Map([
      [0x49, { file, position, where: 'chapitre.md:3:1' }],
      [0x2603, { file, position, where: 'chapitre.md:3:9' }],
    ]);
    const error = await fontsForText({ meta: {} }, characters, defaultLayoutFeatures).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).message).toContain('U+2603 « ☃ » first in chapitre.md:3:9');
    expect(file.messages.map((m) => [m.line, m.column, m.fatal, m.ruleId])).toEqual([[3, 9, true, 'epub-font-coverage']]);
  });

  it('embeds only the subsets the text uses', async () => {
    const { fonts, css } = await fontsForText({ meta: {} }, new Map([[0x41, { where: 'x' }]]), defaultLayoutFeatures);
    expect(fonts.map((font) => font.filename).sort()).toEqual([
      'eb-garamond-latin-400-italic.woff',
      'eb-garamond-latin-400-normal.woff',
      'eb-garamond-latin-600-italic.woff',
      'eb-garamond-latin-600-normal.woff',
    ]);
    expect(css).toContain("src: url('fonts/eb-garamond-latin-400-normal.woff') format('woff');");
  });

  it('writes the narrow no-break space EB Garamond lacks with characters it has', async () => {
    const substitutes = await characterSubstitutes({ meta: {} });
    expect(substitutes.get('\u202f')).toBe('\u2009\u2060');
    const tree: Root = { type: 'root', children: [h('p', 'Quoi\u202f? «\u202fOui\u202f»')] };
    substituteCharacters(tree, substitutes);
    expect(toHtml(tree)).toBe('<p>Quoi\u2009\u2060? «\u2009\u2060Oui\u2009\u2060»</p>');
  });
});

describe('a small manuscript with an image and a Kazakh passage', () => {
  let dir: string;
  // A 1 × 1 PNG.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'epub-small-'));
    await mkdir(path.join(dir, 'ms'));
    await writeFile(path.join(dir, 'ms', 'photo.png'), png);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses an image without a text alternative, even in a draft, saying where', async () => {
    await writeFile(path.join(dir, 'ms', 'un.md'), '# Un\n\nTexte.\n\n![](photo.png)\n');
    // A draft goes past the checks' errors: the EPUB writer still refuses.
    const error = await build({ manuscript: path.join(dir, 'ms'), out: path.join(dir, 'out-bad'), formats: ['epub'], draft: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const messages = (error as BuildError).files.flatMap((file) =>
      file.messages.filter((m) => m.ruleId === 'epub-image').map((m) => `${path.basename(file.path)}:${m.line}:${m.column} ${m.reason}`),
    );
    expect(messages).toEqual([expect.stringMatching(/^un\.md:5:1 Image `photo\.png` has no text alternative/)]);
  });

  it('embeds the image under a stable name, with its alt text, keeps table alignment, and passes EPUBCheck', async () => {
    await writeFile(
      path.join(dir, 'ms', 'un.md'),
      '# Un\n\nLe nom [Қадем Жұманиязов]{lang=kk} est kazakh.\n\n![Photographie de la stèle](photo.png)\n\n| Lieu | Année |\n|:-----|------:|\n| Albi | 1944 |\n',
    );
    await build({ manuscript: path.join(dir, 'ms'), out: path.join(dir, 'out'), formats: ['epub'] });
    const file = path.join(dir, 'out', 'book.epub');
    const zip = await JSZip.loadAsync(await readFile(file));
    const chapter = await zip.file('OEBPS/un.xhtml')!.async('string');
    expect(chapter).toContain('<img src="images/image-1.png" alt="Photographie de la st&#xE8;le"/>');
    expect(chapter).toContain('<span lang="kk" xml:lang="kk">');
    // GFM alignment survives as a class (epub-gen-memory drops `align`).
    expect(chapter).toContain('<td class="align-right">1944</td>');
    expect(zip.file('OEBPS/images/image-1.png')).not.toBeNull();
    const opf = await zip.file('OEBPS/content.opf')!.async('string');
    expect(opf).toContain('href="images/image-1.png" media-type="image/png"');
    expect(opf).toContain('<meta property="schema:accessMode">visual</meta>');
    expect(opf).toContain('<meta property="schema:accessibilityFeature">alternativeText</meta>');
    expect((await epubcheck(file)).map((m) => `${m.severity} ${m.ID} ${m.message}`)).toEqual([]);
  });
});

describe('cover cache', () => {
  const cacheDir = path.join(import.meta.dirname, '..', 'node_modules', '.cache', 'book', 'covers');
  let dir: string;
  let before: Set<string>;
  /** The covers this test added to the cache (other test files, running alongside, may add theirs). */
  const ours = new Set<string>();
  const covers = async () => new Set((await readdir(cacheDir).catch(() => [] as string[])).filter((name) => name.endsWith('.png')));
  /** The covers added to the cache since the test began whose bytes are `png`. */
  const addedAs = async (png: Buffer) => {
    const found: string[] = [];
    for (const name of await covers()) if (!before.has(name) && (await readFile(path.join(cacheDir, name))).equals(png)) found.push(name);
    for (const name of found) ours.add(name);
    return found;
  };
  const coverOf = async (out: string) => (await JSZip.loadAsync(await readFile(path.join(out, 'book.epub')))).file('OEBPS/cover.png')!.async('nodebuffer');
  const book = async (title: string, out: string) => {
    await writeFile(path.join(dir, 'ms', 'book.yaml'), `title: ${title}\nlanguage: fr\neditors: [Gulnara Mendikulova]\ncontents:\n  chapters: [un.md]\n`);
    await build({ manuscript: path.join(dir, 'ms'), out: path.join(dir, out), formats: ['epub'] });
    return coverOf(path.join(dir, out));
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'epub-cover-'));
    await mkdir(path.join(dir, 'ms'));
    await writeFile(path.join(dir, 'ms', 'un.md'), '# Un\n\nTexte.\n');
    before = await covers();
  });
  afterAll(async () => {
    // Leave the cache as it was: these covers' titles are made up for the test.
    for (const name of ours) await rm(path.join(cacheDir, name), { force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders a cover once per title and reuses it; a new title renders anew', async () => {
    const unique = `${process.pid}-${Date.now()}`;
    const first = await book(`Essai de couverture ${unique}`, 'a');
    // One file added to the cache, holding the cover the EPUB has.
    const added = await addedAs(first);
    expect(added).toHaveLength(1);

    expect(await book(`Essai de couverture ${unique}`, 'b')).toEqual(first);
    expect(await addedAs(first)).toEqual(added);

    const other = await book(`Autre couverture ${unique}`, 'c');
    expect(other).not.toEqual(first);
    expect(await addedAs(other)).toHaveLength(1);
    expect(await addedAs(first)).toEqual(added);
  });
});

describe('the EPUB container (zip.ts)', () => {
  const files = new Map<string, Uint8Array | string>([
    ['OEBPS/texte.xhtml', '<p>La Résistance dans le Tarn, 1944 : texte répété. '.repeat(200)],
    ['mimetype', 'application/epub+zip'],
    ['OEBPS/content.opf', '<package/>'],
    ['META-INF/container.xml', '<container/>'],
    ['OEBPS/images/carte-été.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255])],
  ]);
  const date = new Date(Date.UTC(2024, 5, 7, 13, 45, 58));

  it('reads back as written, in package order, the mimetype first, stored, at offset 38', async () => {
    const bytes = await writeReproducibleZip(files, date);
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50);
    expect(bytes.readUInt16LE(8)).toBe(0); // stored
    expect(bytes.readUInt16LE(28)).toBe(0); // no extra field
    expect(bytes.subarray(30, 38).toString('latin1')).toBe('mimetype');
    expect(bytes.subarray(38, 58).toString('latin1')).toBe('application/epub+zip');
    const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
    const names = Object.keys(zip.files);
    expect(names).toEqual(['mimetype', 'META-INF/container.xml', 'OEBPS/content.opf', 'OEBPS/images/carte-été.png', 'OEBPS/texte.xhtml']);
    for (const [name, value] of files) {
      const read = await zip.file(name)!.async('uint8array');
      expect(Buffer.from(read).equals(typeof value === 'string' ? Buffer.from(value) : Buffer.from(value))).toBe(true);
    }
    // Deflated where it pays; dated with the given date (UTC fields, two-second steps).
    expect(bytes.length).toBeLessThan(String(files.get('OEBPS/texte.xhtml')).length / 4);
    expect(zip.file('OEBPS/texte.xhtml')!.date.toISOString()).toBe('2024-06-07T13:45:58.000Z');
    // The same files, the same bytes; their order in the map does not matter.
    expect((await writeReproducibleZip(new Map([...files].reverse()), date)).equals(bytes)).toBe(true);
  });

  // The whole container of a built book goes through EPUBCheck (tests/epub.test.ts).
  it('refuses a container without a mimetype', async () => {
    await expect(writeReproducibleZip(new Map([['a.txt', 'a']]), date)).rejects.toThrow(/mimetype/);
  });
});
