/**
 * `book preview` of a copy of a small fixture book (tests/fixtures/proof-book/: invented sample
 * text) through a browser: a chapter is loaded, its file changed, and the change appears
 * in the open page without a reload; a save that breaks the chapter shows its error while the last
 * good version stays; nothing outside the preview folder is served (raw `/../` requests); Ctrl-C
 * stops the command cleanly.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { VFile } from 'vfile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../scripts/browser.ts';
import { startPreview, type PreviewServer } from '../scripts/preview/index.ts';
import { failureMessages } from '../scripts/preview/site.ts';
import { catalogue } from '../scripts/check/catalogue.ts';
import { report } from '../scripts/check/messages.ts';
import { BuildError } from '../scripts/errors.ts';

const repo = path.resolve(import.meta.dirname, '..');
const fixture = path.join(import.meta.dirname, 'fixtures', 'proof-book');
/** A clean chapter that has a chapter before it (its title shows in that one's links). */
const chapterFile = '02-la-riviere-d-exemple.md';

let tmp: string;
let manuscript: string;
let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'book-preview-'));
  manuscript = path.join(tmp, 'manuscript');
  await cp(fixture, manuscript, { recursive: true });
  server = await startPreview({ manuscript, out: path.join(tmp, 'out'), port: 0 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** A raw HTTP/1.1 request, the path sent exactly as given (no client normalises it). */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error(`No answer to GET ${target}`)));
  });
}

async function openChapter(): Promise<{ page: Page; name: string; file: string }> {
  const chapter = server.site.book.chapters.find((c) => c.source.path.endsWith(chapterFile))!;
  const name = `${chapter.id}.html`;
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(new URL(name, server.url).href);
  await page.waitForFunction(() => document.documentElement.dataset.previewConnected === 'true', undefined, { timeout: 15_000 });
  // A mark that a reload would wipe out: the update must happen in this very document.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  return { page, name, file: chapter.source.path };
}

describe('book preview', () => {
  it('shows a saved change in the open page without reloading it', async () => {
    const { page, file } = await openChapter();
    const original = await readFile(file, 'utf8');
    expect(await page.locator('main').textContent()).not.toContain('Paragraphe écrit pendant la relecture');
    await writeFile(file, `${original}\nParagraphe écrit pendant la relecture.\n`);
    await page.waitForFunction(() => document.querySelector('main')?.textContent?.includes('Paragraphe écrit pendant la relecture'), undefined, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // A correction shows as in proofs: struck through.
    await writeFile(file, `${original}\nUn mot {--supprimé--} ici.\n`);
    const deletion = page.locator('del.critic-deletion');
    await expect.poll(() => deletion.count(), { timeout: 20_000 }).toBe(1);
    expect(await deletion.evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe('line-through');
    expect(await deletion.evaluate((el) => getComputedStyle(el).color)).not.toBe(await page.locator('main p').first().evaluate((el) => getComputedStyle(el).color));
    await writeFile(file, original);
    // Back to the original: the correction gone too (the paragraph went with the previous save), so
    // that the next test opens the page once this rebuild is written.
    await page.waitForFunction(
      () => !document.querySelector('main')?.textContent?.includes('Paragraphe écrit pendant la relecture') && document.querySelector('del.critic-deletion') === null,
      undefined,
      { timeout: 20_000 },
    );
    await page.close();
  });

  it('keeps the last good version and shows the error of a save that breaks the chapter', async () => {
    const { page, file } = await openChapter();
    const original = await readFile(file, 'utf8');
    const lines = original.split('\n').length;
    await writeFile(file, `${original}\nUne phrase qui appelle une note absente[^absente].\n`);
    const panel = page.locator('#book-preview-errors');
    await expect.poll(() => panel.count(), { timeout: 20_000 }).toBe(1);
    const text = await panel.textContent();
    expect(text).toContain(`${chapterFile}:${lines + 1}:`);
    expect(text).toContain('footnote-undefined');
    // The page still shows the last good version.
    expect(await page.locator('main').textContent()).not.toContain('une note absente');
    // Mended: the error goes, the page follows.
    await writeFile(file, `${original}\nUne phrase corrigée.\n`);
    await page.waitForFunction(() => document.querySelector('main')?.textContent?.includes('Une phrase corrigée'), undefined, { timeout: 20_000 });
    expect(await panel.count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await writeFile(file, original);
    await page.close();
  });

  it("rewrites the neighbours and the index when a chapter's title changes", async () => {
    const { page, file } = await openChapter();
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace(/^# .*$/m, '# Un titre changé pendant la relecture'));
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Un titre changé pendant la relecture', undefined, { timeout: 20_000 });
    const index = await (await fetch(new URL('index.html', server.url))).text();
    expect(index).toContain('Un titre changé pendant la relecture');
    const position = server.site.book.chapters.findIndex((c) => c.source.path === file);
    const previous = server.site.book.chapters[position - 1];
    const before = await (await fetch(new URL(`${previous.id}.html`, server.url))).text();
    expect(before).toContain('Un titre changé pendant la relecture');
    await writeFile(file, original);
    await page.waitForFunction(() => document.querySelector('h1')?.textContent !== 'Un titre changé pendant la relecture', undefined, { timeout: 20_000 });
    await page.close();
  });

  it('serves nothing outside its folder, and only on 127.0.0.1', async () => {
    expect(await rawGet(server.port, '/index.html')).toMatch(/^HTTP\/1\.1 200/);
    for (const target of ['/../package.json', '/../../../../etc/passwd', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/assets/../index.html']) {
      const answer = await rawGet(server.port, target);
      expect(answer, target).toMatch(/^HTTP\/1\.1 403/);
      expect(answer).not.toContain('"name"');
    }
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts', 'cli.ts'), 'preview', '--port', '0', '--manuscript', manuscript, '--out', path.join(tmp, 'out-cli')], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`book preview did not start:\n${output}`)), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => reject(new Error(`book preview exited (${code}):\n${output}`)));
    });
    expect((await fetch(url)).status).toBe(200);
    const exited = new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('book preview did not stop on SIGINT')), 20_000);
      child.removeAllListeners('exit');
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe('why a rebuild failed (failureMessages)', () => {
  const root = path.join(os.tmpdir(), 'livre');
  const chapter = path.join(root, chapterFile);

  it("gives the manuscript's own messages when a BuildError carries them, as errors", () => {
    const file = new VFile({ path: chapter });
    report(file, 'footnote-undefined', 'Note absente', { line: 3, column: 5 });
    report(file, 'footnote-call-after-punctuation', 'Appel après le point', { line: 4, column: 2 });
    const messages = failureMessages(new BuildError('The chapter cannot be built.', [file]), chapter, root);
    expect(messages.map((m) => [m.file, m.line, m.ruleId, m.severity])).toEqual([
      [chapterFile, 3, 'footnote-undefined', 'error'],
      [chapterFile, 4, 'footnote-call-after-punctuation', 'error'],
    ]);
  });

  it('gives one preview-failed message, from the catalogue, when nothing of the manuscript says why', () => {
    const draftOnly = new VFile({ path: chapter });
    report(draftOnly, 'todo-marker', 'À faire', { line: 2, column: 1 });
    const cases: Array<[unknown, string, string]> = [
      [new TypeError("Cannot read properties of undefined (reading 'children')"), chapter, "Cannot read properties of undefined (reading 'children')"],
      [new BuildError('The layout stopped.'), chapter, 'The layout stopped'],
      [new BuildError('Only draft states.', [draftOnly]), chapter, 'Only draft states'],
      ['a thrown string', path.join(root, 'book.yaml'), 'a thrown string'],
    ];
    for (const [error, file, reason] of cases) {
      const messages = failureMessages(error, file, root);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        file: path.basename(file),
        line: 1,
        column: 1,
        ruleId: 'preview-failed',
        severity: catalogue['preview-failed'].severity,
        url: 'docs/check-rules.md#preview-failed',
      });
      expect(messages[0].message).toContain(`could not rebuild this ${file.endsWith('book.yaml') ? 'book' : 'chapter'}: ${reason}.`);
      expect(messages[0].message).toContain('keeps its last good version');
    }
  });
});
