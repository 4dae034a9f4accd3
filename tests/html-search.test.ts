/**
 * Search in the HTML edition (scripts/output/html/search/): the words as the build and the browser
 * both read them, then a small French book built and searched in Debian's Chromium from its files
 * (file://), with and without accents, each result leading to the paragraph that holds the word.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../scripts/build.ts';
import { launchBrowser, watchPage } from '../scripts/browser.ts';
import { englishStem, fold, frenchStem, stemmerFor, tokenize } from '../scripts/output/html/search/text.ts';
import { outputFiles, unsafeIn } from './support/unsafe.ts';

describe('words as the search reads them', () => {
  const terms = (text: string, lang = 'fr') => tokenize(text, stemmerFor(lang)).map((token) => token.term);

  it('folds case, accents and ligatures', () => {
    expect(fold('Armée')).toBe('armee');
    expect(fold('ŒUVRE')).toBe('oeuvre');
    expect(fold('Бектаёв')).toBe('бектаев');
  });

  it('gives French singular and plural, masculine and feminine, one term', () => {
    for (const group of [['armée', 'Armées', 'armee'], ['soldat', 'soldats'], ['cheval', 'chevaux'], ['déporté', 'déportés', 'déporter', 'déportée'], ['italien', 'italienne', 'italiennes']]) {
      expect(new Set(group.map((word) => frenchStem(fold(word)))).size, group.join(' ')).toBe(1);
    }
    // Short words stay whole: `mer` is not `me`, `les` is not `le`.
    expect(frenchStem('mer')).toBe('mer');
    expect(frenchStem('les')).toBe('les');
  });

  it('stems English plurals only, and leaves a language without stemmer folded', () => {
    expect(['cities', 'city'].map(englishStem)).toEqual(['city', 'city']);
    expect(['boxes', 'glass', 'campus'].map(englishStem)).toEqual(['boxe', 'glass', 'campus']);
    expect(terms('Шахталар', 'kk')).toEqual(['шахталар']);
  });

  it('cuts at apostrophes and hyphens, drops elided letters, keeps places in the text', () => {
    const text = 'L’armée d’hiver, porte-parole 1944.';
    const tokens = tokenize(text, stemmerFor('fr'));
    expect(tokens.map((token) => token.term)).toEqual(['arme', 'hive', 'port', 'parol', '1944']);
    expect(tokens.map((token) => text.slice(token.start, token.end))).toEqual(['armée', 'hiver', 'porte', 'parole', '1944']);
  });
});

describe('a small French book, searched in Chromium from its files', () => {
  let dir: string;
  let html: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'html-search-'));
    const ms = path.join(dir, 'ms');
    await mkdir(ms);
    // Neutral sample text, test data only.
    await writeFile(path.join(ms, 'book.yaml'), 'title: Livre d’essai\nlanguage: fr\ncontents:\n  chapters: [un.md, deux.md]\n');
    await writeFile(path.join(ms, 'un.md'), '# Premier chapitre\n\nLe chat dort sur la fenêtre.\n\nLa pluie tombe sur le jardin.\n');
    await writeFile(
      path.join(ms, 'deux.md'),
      '# Second chapitre\n\nUn paragraphe sans rapport.\n\n## Une section {#section-deux}\n\nLes chevaux traversent la rivière près des hôpitaux[^1].\n\n[^1]: Une note sur les écuries.\n',
    );
    await build({ manuscript: ms, out: path.join(dir, 'out'), formats: ['html'] });
    html = path.join(dir, 'out', 'html');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Type `query` in the box of `page`; the results' links and texts. */
  async function search(page: Page, query: string): Promise<Array<{ href: string; text: string }>> {
    await page.fill('#book-search-input', '');
    await page.waitForFunction(() => document.querySelector('[data-search-status]')?.textContent === '');
    await page.fill('#book-search-input', query);
    await page.waitForFunction(() => document.querySelector('[data-search-status]')?.textContent !== '');
    return page.$$eval('.book-search-results a', (links) => links.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent ?? '' })));
  }

  it('finds a word typed with or without accents, singular or plural, and leads to its paragraph (Enter: the first)', async () => {
    const page = await browser.newPage();
    const problems = watchPage(page);
    await page.goto(pathToFileURL(path.join(html, 'un.html')).href);
    expect(await page.isVisible('#book-search-input')).toBe(true);

    for (const query of ['hôpital', 'hopitaux', 'HOPITAL']) {
      const results = await search(page, query);
      expect(results.map((r) => r.href), query).toHaveLength(1);
      expect(results[0].href).toMatch(/^deux\.html#search-\d+$/);
      expect(results[0].text).toContain('hôpitaux');
    }
    // A word being typed matches the words it begins; two words must both be in the passage.
    expect((await search(page, 'fenê')).map((r) => r.href)).toEqual([expect.stringMatching(/^un\.html#/)]);
    expect(await search(page, 'chat pluie')).toEqual([]);
    expect(await page.textContent('[data-search-status]')).toBe('Aucun passage ne contient ces mots.');
    // Notes are passages too; a note call does not stick to the word before it (`hôpitaux1`).
    expect((await search(page, 'écurie')).map((r) => r.text)).toEqual([expect.stringContaining('écuries')]);
    expect((await search(page, 'hôpitaux ')).map((r) => r.text)).toEqual([expect.stringMatching(/hôpitaux\.$/)]);

    const [result] = await search(page, 'cheval');
    await page.press('#book-search-input', 'Enter');
    await page.waitForURL(/deux\.html#/);
    const id = decodeURIComponent(new URL(page.url()).hash.slice(1));
    expect(new URL(page.url()).pathname.endsWith('/deux.html')).toBe(true);
    expect(result.href).toBe(`deux.html#${id}`);
    expect(await page.textContent(`[id="${id}"]`)).toContain('chevaux');
    expect(problems).toEqual({ errors: [], failedRequests: [] });
    await page.close();
  });

  it('keeps the ids the author gave, and gives ids no other element of the page has', async () => {
    const page = await readFile(path.join(html, 'deux.html'), 'utf8');
    expect(page).toContain('id="section-deux"');
    const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    const data = await readFile(path.join(html, 'assets', 'search', 'index.js'), 'utf8');
    expect(data).toContain('"section-deux","Une section"');
  });

  it('carries no script but its own, on every page', async () => {
    const files = await outputFiles(path.join(dir, 'out'));
    expect(unsafeIn(files)).toEqual([]);
    const scripts = [...files].filter(([name]) => name.endsWith('.html')).map(([name, bytes]) => [name, bytes.toString('utf8').match(/<script[^>]*>/g)]);
    expect(scripts).toEqual([
      ['html/deux.html', ['<script src="assets/search/search.js" defer>']],
      ['html/index.html', ['<script src="assets/search/search.js" defer>']],
      ['html/un.html', ['<script src="assets/search/search.js" defer>']],
    ]);
    // The check itself: another script, or ours changed, is refused.
    const tampered = new Map(files);
    tampered.set('html/assets/search/search.js', Buffer.from('alert(1)'));
    tampered.set('html/assets/x.js', Buffer.from(''));
    tampered.set('html/un.html', Buffer.from('<script src="assets/search/search.js" defer>alert(1)</script><script src="assets/x.js"></script>'));
    tampered.set('html/assets/search/index.js', Buffer.from('window.bookSearchData = alert(1);\n'));
    expect(unsafeIn(tampered).sort()).toEqual([
      'html/assets/search/index.js: search data that is not JSON',
      'html/assets/search/search.js: not the search script the build makes',
      'html/assets/x.js: a script file',
      'html/un.html: <script>',
      'html/un.html: <script>',
    ]);
  });
});
