/**
 * The HTML edition of the shipped manuscript, opened in Debian's Chromium as a reader would:
 * table of contents, chapters, note links both ways, French spacing, languages, fonts, phone
 * layout, no request outside the folder, and no axe-core violation on any page.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../scripts/browser.ts';

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
/** The shipped manuscript, built once for the run (tests/setup/manuscript.ts). */
const html = path.join(inject('manuscriptBuild').out, 'html');

let browser: Browser;
let pages: string[];

beforeAll(async () => {
  pages = (await readdir(html)).filter((name) => name.endsWith('.html')).sort();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function open(name: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await load(page, name);
  return { page, requests };
}

/** Load the edition's page `name` into `page`, fonts included. */
async function load(page: Page, name: string): Promise<void> {
  await page.goto(pathToFileURL(path.join(html, name)).href);
  await page.evaluate(() => document.fonts.ready);
}

/** What the per-page tests read, measured in one visit of each page (one load instead of four). */
interface PageFacts {
  /** The page's French text (not code, citations, or passages in another language). */
  frenchText: string;
  /** Cyrillic text whose nearest language is French. */
  untaggedCyrillic: string[];
  /** axe-core's violations at the desktop size. */
  axeViolations: string[];
  /** Horizontal overflow at a phone's size (360 × 740), in CSS pixels. */
  phoneOverflow: number;
}

/**
 * Every page visited once, one after another in one tab (each page loaded into the tab the
 * previous one used, instead of a tab and a renderer of its own), on the first test that asks.
 */
let everyPage: Promise<Map<string, PageFacts>> | undefined;
async function facts(name: string): Promise<PageFacts> {
  everyPage ??= (async () => {
    const page = await browser.newPage();
    const found = new Map<string, PageFacts>();
    for (const each of pages) found.set(each, await visit(page, each));
    await page.close();
    return found;
  })();
  return (await everyPage).get(name)!;
}

/** The facts of page `name`, loaded into `page` at the desktop size. */
async function visit(page: Page, name: string): Promise<PageFacts> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await load(page, name);
  const frenchText = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement?.closest('[lang]:not([lang="fr"]), code, pre, .citation')) parts.push(node.textContent ?? '');
    }
    return parts.join('');
  });
  const untaggedCyrillic = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (/\p{Script=Cyrillic}/u.test(node.textContent ?? '') && node.parentElement?.closest('[lang]')?.getAttribute('lang')?.startsWith('fr')) {
        found.push(node.textContent!.trim().slice(0, 60));
      }
    }
    return found;
  });
  await page.addScriptTag({ content: axeSource });
  const axeViolations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  // The same page at a phone's width: the layout follows the viewport (the axe script adds nothing visible).
  await page.setViewportSize({ width: 360, height: 740 });
  const phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  return { frenchText, untaggedCyrillic, axeViolations, phoneOverflow };
}

describe('HTML edition of the manuscript', () => {
  it('has an index with the title page and a table of contents linking every chapter', async () => {
    const { page } = await open('index.html');
    expect(await page.locator('h1.book-title').textContent()).toMatch(/La participation des Kazakhs/);
    const tocLinks = await page.locator('nav[role="doc-toc"] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    const chapterPages = pages.filter((name) => name !== 'index.html');
    expect(chapterPages.length).toBeGreaterThanOrEqual(2);
    expect([...tocLinks].sort()).toEqual(chapterPages);
    await page.close();
  });

  it('links chapters with previous and next', async () => {
    const { page } = await open('index.html');
    const first = await page.locator('nav[role="doc-toc"] a').first().getAttribute('href');
    await page.goto(pathToFileURL(path.join(html, first!)).href);
    const next = page.locator('nav.pager a[rel="next"]');
    await next.click();
    await expect.poll(() => page.locator('nav.pager a[rel="prev"]').getAttribute('href')).toBe(first);
    await page.close();
  });

  it('has footnote links that work both ways', async () => {
    const withNotes = [];
    for (const name of pages) {
      if ((await readFile(path.join(html, name), 'utf8')).includes('doc-noteref')) withNotes.push(name);
    }
    expect(withNotes.length).toBeGreaterThanOrEqual(2);
    const { page } = await open(withNotes[0], { width: 800, height: 600 });
    const call = page.locator('a[role="doc-noteref"]').first();
    const callId = await call.getAttribute('id');
    const target = (await call.getAttribute('href'))!.slice(1);
    await call.click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#${target}`);
    const note = page.locator(`[id="${target}"]`);
    expect(await note.getAttribute('role')).toBe('doc-footnote');
    await expect.poll(() => note.isVisible()).toBe(true);
    // In view after the jump (to within the sub-pixel rounding of the scroll position).
    expect(await note.evaluate((el) => el.getBoundingClientRect().top > -2 && el.getBoundingClientRect().top < innerHeight)).toBe(true);
    await note.locator('a[role="doc-backlink"]').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#${callId}`);
    await page.close();
  });

  it('numbers notes per chapter, from 1', async () => {
    for (const name of pages.filter((n) => n !== 'index.html')) {
      const text = await readFile(path.join(html, name), 'utf8');
      const numbers = [...text.matchAll(/role="doc-footnote"[^>]*>.*?role="doc-backlink"[^>]*>(\d+)</g)].map((m) => Number(m[1]));
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }
  });

  it('sets French spacing: narrow no-break spaces before ? ! ; and inside « », no-break space before :', async () => {
    let sawGuillemets = false;
    for (const name of pages) {
      const { frenchText: text } = await facts(name);
      expect(text).not.toMatch(/ [?!;:»]/);
      expect(text).not.toMatch(/« /);
      expect(text).not.toMatch(/[\p{L}\d)][?!;»]/u);
      if (/«\u202f[^»]+\u202f»/.test(text)) sawGuillemets = true;
    }
    expect(sawGuillemets).toBe(true);
  });

  it('marks every Cyrillic passage with its language', async () => {
    for (const name of pages) expect((await facts(name)).untaggedCyrillic, name).toEqual([]);
  });

  it('loads nothing from outside its folder and uses the book font for Kazakh letters', async () => {
    const { page, requests } = await open('index.html');
    await page.goto(pathToFileURL(path.join(html, 'noms-et-translitteration.html')).href);
    await page.evaluate(() => document.fonts.ready);
    const root = pathToFileURL(html).href;
    expect(requests.length).toBeGreaterThan(2);
    for (const url of requests) expect(url.startsWith(root), url).toBe(true);
    const fontsLoaded = await page.evaluate(async () => {
      await document.fonts.load('16px "EB Garamond"', 'әғқңөұүһі');
      return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.unicodeRange);
    });
    expect(fontsLoaded.some((range) => /U\+460-52F/i.test(range))).toBe(true);
    // Every subset the edition ships is a font Chromium accepts (its OpenType sanitizer rejects a
    // malformed WOFF file: the face's status is then `error`).
    const faces = await page.evaluate(async () => {
      await Promise.allSettled([...document.fonts].map((face) => face.load()));
      return [...document.fonts].map((face) => `${face.family} ${face.style} ${face.weight} ${face.unicodeRange}: ${face.status}`);
    });
    expect(faces.length).toBeGreaterThan(4);
    for (const face of faces) expect(face).toMatch(/: loaded$/);
    await page.close();
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    for (const name of pages) expect((await facts(name)).phoneOverflow, name).toBeLessThanOrEqual(0);
  });

  it('has no axe-core violation on any page', async () => {
    for (const name of pages) expect((await facts(name)).axeViolations, name).toEqual([]);
  });
});
