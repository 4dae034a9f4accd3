/**
 * `book proof` on a copy of a small fixture book (tests/fixtures/proof-book/: invented sample text)
 * in a git repository made here, its chapter with corrections (CriticMarkup), a broken note call,
 * bad front matter and an editorial marker left uncommitted: the proof HTML must carry the proof
 * line (status, date, commit, uncommitted changes) and the watermark on every page, paragraph
 * numbers in the margin, each check message at its place, editorial markers, and corrections told
 * apart by colour and by a cue that survives black and white. Opened in Chromium. The proof PDF (the
 * print edition's rendering with the proof stylesheet) is read with poppler.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { Root } from 'hast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../scripts/browser.ts';
import { buildProof, type ProofResult } from '../scripts/proof/index.ts';
import { markProof } from '../scripts/proof/marks.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'proof-book');
/** The chapter with corrections, a note call with no definition, bad front matter and a `:::todo`. */
const chapter = '03-le-carnet-du-relieur.md';
/** A clean chapter of several paragraphs. */
const plain = '01-le-jardin-d-essai.md';
const date = new Date('2025-11-23T12:00:00Z');

let tmp: string;
let result: ProofResult;
let browser: Browser;
let commit: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'book-proof-'));
  const manuscript = path.join(tmp, 'manuscript');
  await cp(fixture, manuscript, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', ...args], { cwd: tmp, encoding: 'utf8' });
  git('init', '-q');
  // Everything but the chapter under correction is committed: its corrections are uncommitted changes.
  git('add', '--', '.', `:!manuscript/${chapter}`);
  git('commit', '-q', '-m', 'manuscript');
  commit = git('rev-parse', '--short', 'HEAD').trim();

  result = await buildProof({ manuscript, out: path.join(tmp, 'build'), date });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function open(name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(pathToFileURL(path.join(result.dir, name)).href);
  await page.evaluate(() => document.fonts.ready);
  return page;
}

/** The proof of the chapter read from `file` (a file name of the fixture). */
function proofOf(file: string): ProofResult['chapters'][number] {
  const index = result.book.chapters.findIndex((c) => path.basename(c.source.path) === file);
  expect(index, file).toBeGreaterThan(-1);
  return result.chapters[index];
}

describe('proof HTML edition', () => {
  it('carries status, date and source version, and the watermark, on every page', async () => {
    const pages = (await readdir(result.dir)).filter((name) => name.endsWith('.html'));
    expect(pages.length).toBe(result.book.chapters.length + 1);
    const line = `Épreuve · version de travail · 23 novembre 2025 · source ${commit}, modifications non validées`;
    for (const name of pages) {
      const html = await readFile(path.join(result.dir, name), 'utf8');
      expect(html.split(line).length - 1, name).toBe(2); // top and foot
      expect(html, name).toContain('<div class="proof-watermark" aria-hidden="true">ÉPREUVE</div>');
    }
    const page = await open('index.html');
    const watermark = page.locator('.proof-watermark');
    expect(await watermark.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
    // Light: a few percent of black.
    const alpha = await watermark.evaluate((el) => Number(/rgba\(0, 0, 0, ([\d.]+)\)/.exec(getComputedStyle(el).color)?.[1] ?? 1));
    expect(alpha).toBeLessThan(0.1);
    await page.close();
  });

  it('numbers the paragraphs of each chapter in the margin', async () => {
    const numbered = proofOf(plain);
    const page = await open(numbered.page);
    const numbers = await page.locator('[data-proof-para]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-proof-para')));
    expect(numbers).toEqual(numbers.map((_, i) => String(i + 1)));
    expect(numbers.length).toBe(numbered.paragraphs);
    const third = page.locator('[data-proof-para="3"]');
    expect(await third.evaluate((el) => getComputedStyle(el, '::before').content)).toMatch(/^"§\u00a03"$/);
    // In the margin: left of the text.
    const label = await third.evaluate((el) => {
      const text = el.getBoundingClientRect();
      const before = getComputedStyle(el, '::before');
      return { left: text.left, offset: parseFloat(before.left) };
    });
    expect(label.offset).toBeLessThan(0);
    await page.close();
  });

  it('shows each check message at its place, beside the text', async () => {
    const marked = proofOf(chapter);
    const flag = marked.placed.find((m) => m.ruleId === 'footnote-undefined');
    expect(flag).toBeDefined();
    const page = await open(marked.page);
    const paragraph = page.locator(`p:has([id="${flag!.id}"])`);
    expect(await paragraph.textContent()).toContain('réparait aussi les bicyclettes');
    expect(await page.locator(`[id="${flag!.id}"] .proof-message`).textContent()).toMatch(/\[\^absente\].*\[footnote-undefined, l\. \d+\]/);
    const text = await page.locator('main').boundingBox();
    const message = await page.locator(`[id="${flag!.id}"] .proof-message`).boundingBox();
    expect(message!.x).toBeGreaterThan(text!.x + text!.width);
    // The front matter has no rendered place: its message is listed at the top of the chapter.
    expect(marked.unplaced.map((m) => m.ruleId)).toEqual(['front-matter-invalid']);
    expect(await page.locator('.proof-unplaced').textContent()).toContain(`manuscript/${chapter}:1:1`);
    // Editorial markers are shown, and flagged.
    await expect.poll(() => page.locator('aside.todo').isVisible()).toBe(true);
    expect(marked.placed.some((m) => m.ruleId === 'todo-marker')).toBe(true);
    await page.close();
  });

  it('shows corrections with colour and a cue that survives black and white', async () => {
    const page = await open(proofOf(chapter).page);
    const style = (selector: string) =>
      page.locator(selector).first().evaluate((el) => {
        const s = getComputedStyle(el);
        return { line: s.textDecorationLine, color: s.color, outline: s.outlineStyle, float: s.cssFloat };
      });
    const inserted = await style('ins.critic-insertion');
    expect(inserted.line).toBe('underline');
    expect(inserted.color).not.toBe('rgb(29, 29, 27)');
    const deleted = await style('del.critic-deletion');
    expect(deleted.line).toBe('line-through');
    expect(deleted.color).not.toBe(inserted.color);
    expect((await style('.critic-substitution .critic-old')).line).toBe('line-through');
    expect((await style('.critic-substitution .critic-new')).line).toBe('underline');
    expect((await style('mark.critic-highlight')).outline).toBe('dotted');
    expect((await style('.critic-comment')).float).toBe('right');
    expect(await page.locator('.critic-comment').textContent()).toBe('Mathématiques ou physique\u202f?');
    // A change bar beside each block holding a correction.
    const bar = await page.locator('p.proof-changed').first().evaluate((el) => getComputedStyle(el, '::after').borderLeftWidth);
    expect(bar).toBe('3px');
    expect(await page.locator('p.proof-changed').count()).toBe(2);
    await page.close();
  });

  it('lists the messages of the whole book on the index', async () => {
    const page = await open('index.html');
    const summary = page.locator('.proof-summary');
    expect(await summary.locator('.proof-chapter-counts a').count()).toBeGreaterThan(0);
    await page.close();
  });
});

describe('proof PDF', () => {
  const pdftotext = (...args: string[]) => execFileSync('pdftotext', [...args, path.join(result.dir, 'book-proof.pdf'), '-'], { encoding: 'utf8' });
  // The print edition hyphenates with soft hyphens (U+00AD): words are whole again without them.
  const flat = (text: string) => text.replace(/\u00ad/g, '').replace(/\s+/g, ' ');

  it('is A4, with the proof line on every page', () => {
    expect(existsSync(path.join(result.dir, 'book-proof.pdf'))).toBe(true);
    const info = execFileSync('pdfinfo', [path.join(result.dir, 'book-proof.pdf')], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)/);
    const pages = pdftotext().split('\f').filter((page) => page.trim() !== '');
    // The fixture gives about 11 pages: half title, title, colophon and contents with the blank
    // pages between them (6), the first chapter on two pages (a chapter opening and a page with a
    // running head), a blank, the second and the third chapter on one page each. The bound leaves
    // the print stylesheet free to move a page break.
    expect(pages.length).toBeGreaterThanOrEqual(10);
    expect(pages.length).toBe(result.pdf!.pages);
    const line = `Épreuve · version de travail · 23 novembre 2025 · source ${commit}, modifications non validées`;
    for (const [i, page] of pages.entries()) expect(flat(page), `page ${i + 1}`).toContain(line);
  });

  it('puts paragraph numbers in the left margin and messages in the wide right margin', () => {
    const pages = pdftotext().split('\f');
    const index = pages.findIndex((page) => flat(page).includes('bicyclettes[^absente]'));
    expect(index).toBeGreaterThan(-1);
    const n = String(index + 1);
    // A4 in points: the text block starts 27 mm (76.5 pt) from the left and is 119 mm (337 pt) wide.
    const left = flat(pdftotext('-f', n, '-l', n, '-x', '0', '-y', '0', '-W', '70', '-H', '842'));
    expect(left).toMatch(/§\s?4/);
    const right = flat(pdftotext('-f', n, '-l', n, '-x', '425', '-y', '0', '-W', '170', '-H', '842'));
    expect(right).toContain('footnote-undefined');
    expect(right).toContain('Mathématiques ou physique');
  });
});

describe('markProof', () => {
  const position = (line: number, start: number, end: number) => ({ start: { line, column: start }, end: { line, column: end } });

  it('puts a message on the smallest block around its place (an inline note inside a paragraph line)', () => {
    const tree: Root = {
      type: 'root',
      children: [
        { type: 'element', tagName: 'p', properties: {}, position: position(3, 1, 80), children: [{ type: 'text', value: 'Texte', position: position(3, 1, 80) }] },
        {
          type: 'element',
          tagName: 'section',
          properties: { className: ['footnotes'] },
          children: [
            {
              type: 'element',
              tagName: 'aside',
              properties: { className: ['footnote'] },
              children: [{ type: 'element', tagName: 'p', properties: {}, position: position(3, 40, 60), children: [{ type: 'text', value: 'Note' }] }],
            },
          ],
        },
      ],
    };
    const message = (column: number) => ({ line: 3, column, ruleId: 'x', severity: 'warning' as const, message: `at ${column}` });
    const { tree: marked, placed, unplaced, paragraphs } = markProof(tree, [message(10), message(45), { ...message(1), line: 9 }], { chapterId: 'c', lineLabel: 'l.' });
    expect(paragraphs).toBe(1); // the note's paragraph is not counted
    expect(placed.map((m) => m.message)).toEqual(['at 10', 'at 45']);
    expect(unplaced.map((m) => m.line)).toEqual([9]);
    const body = marked.children[0] as { children: Array<{ properties?: { id?: string } }> };
    expect(body.children[0].properties?.id).toBe('c-msg-1');
    expect(JSON.stringify(marked.children[1])).toContain('c-msg-2');
    // The original tree is left alone.
    expect(JSON.stringify(tree)).not.toContain('msg');
  });
});
