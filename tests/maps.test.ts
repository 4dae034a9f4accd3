/**
 * `::map` (scripts/maps/): the drawing itself (deterministic, rounded, framed, labelled, small,
 * never anything fetched), the directive as the reader and the checks see it, and the figure in the
 * HTML and EPUB editions of a small fixture book (tests/fixtures/maps/: three real towns with
 * rounded coordinates, one place without any), EPUBCheck once; one PDF of it (a few pages), to
 * see that a map prints as vectors.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VFile } from 'vfile';
import { toHtml } from 'hast-util-to-html';
import type { Element } from 'hast';
import { drawMap, width, type MapPlace } from '../scripts/maps/draw.ts';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { chapterToHast } from '../scripts/render/chapter-hast.ts';
import { build, compileAndCheck } from '../scripts/build.ts';
import { diagnosticsOf } from '../scripts/check/messages.ts';
import { labelsFor } from '../scripts/i18n/index.ts';
import { readZip } from '../scripts/output/epub/zip.ts';
import { epubcheck } from './support/epub-checkers.ts';

const run = promisify(execFile);
const fixture = path.join(import.meta.dirname, 'fixtures', 'maps');
const labels = labelsFor('fr').map;
// Rounded coordinates of real towns (WGS 84), as in the fixture's lieux.yaml.
const albi: MapPlace = { name: 'Albi', lat: 43.93, lon: 2.15 };
const carmaux: MapPlace = { name: 'Carmaux', lat: 44.05, lon: 2.16 };
const toulouse: MapPlace = { name: 'Toulouse', lat: 43.6, lon: 1.44 };

/** Every number written in the drawing's attributes. */
const numbersOf = (svg: string) => [...svg.matchAll(/ (?:d|x|y|cx|cy|width|height|viewBox)="([^"]*)"/g)].flatMap((m) => m[1].match(/-?\d*\.?\d+/g) ?? []);

describe('drawMap', () => {
  const drawing = drawMap([albi, carmaux, toulouse], { labels, lang: 'fr', title: 'Trois villes' });
  const svg = toHtml(drawing);

  it('gives the same bytes each time, coordinates in tenths of a unit', () => {
    expect(toHtml(drawMap([albi, carmaux, toulouse], { labels, lang: 'fr', title: 'Trois villes' }))).toBe(svg);
    const numbers = numbersOf(svg);
    expect(numbers.length).toBeGreaterThan(50);
    for (const n of numbers) expect(n, n).toMatch(/^-?\d*(\.\d)?$/);
  });

  it('is an image with a text alternative naming the places, and their coordinates in its description', () => {
    expect(drawing.properties.role).toBe('img');
    expect(drawing.properties.ariaLabel).toBe('Carte «\u202fTrois villes\u202f»\u00a0: Albi, Carmaux et Toulouse');
    const [title, desc] = drawing.children as Element[];
    expect(title.tagName).toBe('title');
    expect(desc.tagName).toBe('desc');
    expect(toHtml(desc)).toContain('Albi, 43,93°\u00a0N, 2,15°\u00a0E');
    expect(toHtml(desc)).toContain('Toulouse, 43,60°\u00a0N, 1,44°\u00a0E');
    expect(toHtml(desc)).toMatch(/Échelle\u00a0: \d+\u00a0km/);
  });

  it('draws coast and borders, each place a dot with its name inside the frame, a scale bar, in greys only', () => {
    const path = (name: string) => new RegExp(`class="${name}" d="M[^"]{40,}"`);
    // The frame holds the Mediterranean coast and the Pyrenees (Spain, Andorra) around the three towns.
    expect(svg).toMatch(path('map-coast'));
    expect(svg).toMatch(path('map-borders'));
    expect(svg).toMatch(path('map-land'));
    expect(svg.match(/<circle /g)).toHaveLength(3);
    const [, viewHeight] = /viewBox="0 0 500 (\d+)"/.exec(svg)!;
    for (const [, x, y, name] of svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"(?: text-anchor="\w+")?>([^<]+)<\/text>/g)) {
      expect(Number(x), name).toBeGreaterThan(0);
      expect(Number(x), name).toBeLessThan(width);
      expect(Number(y), name).toBeLessThan(Number(viewHeight));
    }
    expect(svg).toMatch(/>100\u00a0km<\/text>/);
    for (const colour of svg.match(/#[\da-f]{3,6}\b/gi) ?? []) {
      const hex = colour.length === 4 ? colour.slice(1).replace(/./g, '$&$&') : colour.slice(1);
      expect(hex.slice(0, 2) === hex.slice(2, 4) && hex.slice(2, 4) === hex.slice(4, 6), colour).toBe(true);
    }
  });

  it('names no resource: no link, no image, no style, no script, no id', () => {
    expect(svg).not.toMatch(/href|<image|<use|<style|<script|style=|url\(| id=|http/i);
  });

  it('keeps a name inside the frame when its place is at the edge', () => {
    // The long name of the place furthest east must go to the left of its dot.
    const far = drawMap([toulouse, { name: 'Un nom de lieu assez long', lat: 43.9, lon: 3.9 }], { labels, lang: 'fr' });
    const texts = (far.children as Element[]).filter((child) => child.tagName === 'g' && String(child.properties.className) === 'map-labels');
    const east = (texts[1].children as Element[])[1];
    expect(east.properties.textAnchor).toBe('end');
  });

  it('draws a continent on the 1:50m base map, small enough', () => {
    // Rounded coordinates of Almaty and Moscow: a map across Eurasia, conic conformal.
    const wide = toHtml(drawMap([{ name: 'Almaty', lat: 43.24, lon: 76.89 }, { name: 'Moscou', lat: 55.76, lon: 37.62 }, albi], { labels, lang: 'fr' }));
    expect(wide.length).toBeLessThan(100_000);
    expect(svg.length).toBeLessThan(10_000);
    expect(wide).toMatch(/>1\u202f000\u00a0km<|>\d+\u00a0km</);
  });
});

describe('::map in the manuscript', () => {
  it('takes its id after it, as `{#fig:id}`, at its own line', () => {
    const file = new VFile({ path: 'x.md', value: '# T\n\n::map{places="albi carmaux" title="Le Carmausin"}{#fig:carmausin}\n' });
    const [, map] = parseMarkdown(file).children;
    expect(map).toMatchObject({ type: 'leafDirective', name: 'map', attributes: { places: 'albi carmaux', title: 'Le Carmausin', id: 'fig:carmausin' } });
    expect(map.position?.start).toMatchObject({ line: 3, column: 1 });
    // Anything else after the braces leaves the line a paragraph.
    expect(parseMarkdown(new VFile({ value: '::map{places="albi"}{#a .b}\n' })).children[0].type).toBe('paragraph');
  });

  it('reports an unknown place and a place without coordinates at the directive’s line', async () => {
    const { book } = await compileAndCheck({ manuscript: path.join(import.meta.dirname, 'fixtures', 'check', 'map-place-unknown') });
    const unknown = diagnosticsOf(book.files).filter((d) => d.ruleId === 'map-place-unknown');
    expect(unknown.map((d) => [d.line, d.severity])).toEqual([[5, 'error'], [7, 'error']]);
    expect(unknown[0].message).toContain('`rodez`');
    const { book: other } = await compileAndCheck({ manuscript: path.join(import.meta.dirname, 'fixtures', 'check', 'map-place-no-coordinates') });
    const missing = diagnosticsOf(other.files).filter((d) => d.ruleId === 'map-place-no-coordinates');
    expect(missing.map((d) => d.line)).toEqual([5]);
  });
});

describe('::map and untrusted text', () => {
  it('writes a title with markup in it as text, in the caption and in the drawing', () => {
    const file = new VFile({ path: 'x.md', value: '::map{places="albi" title="<script>alert(1)</script><svg onload=x>"}\n' });
    const hast = chapterToHast(parseMarkdown(file), { chapterId: 'x', bookLang: 'fr', file, places: [{ id: 'albi', ...albi }] });
    const tags: string[] = [];
    const walk = (node: { type: string; tagName?: string; properties?: Record<string, unknown>; children?: unknown[] }) => {
      if (node.type === 'element') tags.push(node.tagName!, ...Object.keys(node.properties ?? {}));
      for (const child of (node.children ?? []) as Array<typeof node>) walk(child);
    };
    walk(hast);
    expect(tags.filter((tag) => tag === 'svg')).toHaveLength(1);
    expect(tags.filter((tag) => /^(script|on)/i.test(tag))).toEqual([]);
    const html = toHtml(hast);
    expect(html).toContain('<figcaption>&#x3C;script>alert(1)&#x3C;/script>&#x3C;svg onload=x></figcaption>');
    // In the drawing, text and a quoted attribute value: `Carte « <script>… » : Albi`.
    expect(html).toContain('<title>Carte «\u202f&#x3C;script>alert(1)&#x3C;/script>&#x3C;svg onload=x>\u202f»\u00a0: Albi</title>');
  });

  it('says so when the book names no places registry', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maps-no-registry-'));
    try {
      await writeFile(path.join(dir, 'chapitre.md'), '# Essai\n\n::map{places="albi"}\n');
      const { book } = await compileAndCheck({ manuscript: dir });
      const messages = diagnosticsOf(book.files).filter((d) => d.ruleId === 'map-place-unknown');
      expect(messages.map((d) => [d.line, d.message])).toEqual([[3, expect.stringContaining('add `places: places.yaml`')]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('maps in the HTML and EPUB editions', () => {
  let dir: string;
  let html: string;
  let xhtml: string;
  let opf: string;
  let epubFile: string;
  const fetchSpy = vi.spyOn(globalThis, 'fetch');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'maps-'));
    await build({ manuscript: fixture, out: dir, formats: ['html', 'epub'] });
    html = await readFile(path.join(dir, 'html', 'cartes.html'), 'utf8');
    epubFile = path.join(dir, 'book.epub');
    const files = new Map(await readZip(await readFile(epubFile)));
    const text = (name: string) => Buffer.from(files.get(name)!).toString('utf8');
    xhtml = text('OEBPS/cartes.xhtml');
    opf = text('OEBPS/content.opf');
  }, 60_000);
  afterAll(async () => {
    // The files of a worker share its globals (vitest.config.ts, isolate: false).
    fetchSpy.mockRestore();
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches nothing while building', () => {
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('makes each map a numbered-figure candidate: figure.figure.map with its id, the drawing, then the caption', () => {
    expect(html).toMatch(/<figure class="figure map" id="fig:trois-villes"[^>]*><svg class="map-drawing"[^]*?<\/svg><figcaption[^>]*><span class="figure-label">Figure 1<\/span>\. Trois villes d’essai<\/figcaption><\/figure>/);
    // A label is the caption, Markdown and all; the id given inside the braces works too.
    expect(html).toMatch(/<figure class="figure map" id="carte-albi"[^>]*><svg[^]*?<\/svg><figcaption[^>]*><span class="figure-label">Figure \d<\/span>\. Légende <em>en Markdown<\/em> d’une carte d’un seul lieu<\/figcaption>/);
    expect(html).toContain('href="#fig:trois-villes"');
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('loads nothing from the network in the HTML edition', async () => {
    const pages = (await readdir(path.join(dir, 'html'))).filter((name) => name.endsWith('.html'));
    for (const page of pages) {
      const text = await readFile(path.join(dir, 'html', page), 'utf8');
      expect(text.match(/https?:\/\/[^\s"'<)]*/g) ?? [], page).toEqual([]);
    }
  });

  it('puts the SVG into the EPUB chapter, declared in the manifest, and EPUBCheck accepts it', async () => {
    expect(xhtml).toMatch(/<figure class="figure map" id="fig:trois-villes"[^>]*><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="map-drawing" viewBox="0 0 500 \d+"/);
    // Nothing but the SVG namespace names a web address.
    expect(xhtml.match(/https?:\/\/[^\s"'<)]*/g)?.filter((url) => !/^http:\/\/www\.w3\.org\/(1999\/xhtml|2000\/svg)$/.test(url) && url !== 'http://www.idpf.org/2007/ops')).toEqual([]);
    expect(opf).toMatch(/<item [^>]*href="cartes\.xhtml"[^>]*properties="svg"/);
    const errors = (await epubcheck(epubFile)).filter((m) => m.severity === 'ERROR' || m.severity === 'FATAL' || m.severity === 'WARNING');
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('maps in the print edition', () => {
  it('prints each map as vectors, its names as text', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maps-pdf-'));
    try {
      await build({ manuscript: fixture, out: dir, formats: ['pdf'] });
      const file = path.join(dir, 'book.pdf');
      // No raster image anywhere: the maps are paths and text.
      const images = (await run('pdfimages', ['-list', file])).stdout.trim().split('\n').slice(2);
      expect(images).toEqual([]);
      const text = (await run('pdftotext', ['-layout', file, '-'])).stdout;
      for (const name of ['Carmaux', 'Albi', 'Toulouse', '100 km', 'Trois villes d’essai']) expect(text).toContain(name);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
