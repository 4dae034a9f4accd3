/**
 * The browser step of the PDF on books other than the manuscript: a synthetic book with many notes
 * (some long enough to run over to the next page), a time limit that is reached, a request that
 * cannot be served. What goes wrong must come back as a clear error or a build message, with the
 * browser closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compileBook } from '../scripts/compile.ts';
import { BuildError } from '../scripts/errors.ts';
import { writePdfEdition } from '../scripts/output/pdf/index.ts';
import { writeSyntheticManuscript } from './pdf-synthetic.ts';
import { defaultSeed, generateManuscript, writeManuscript } from '../scripts/bench/manuscript.ts';

const run = promisify(execFile);
let dir: string;

/** Chromium processes started by this test process and still alive. */
async function ourBrowsers(): Promise<string[]> {
  const { stdout } = await run('ps', ['-e', '-o', 'pid=,ppid=,comm=']);
  const rows = stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
  const mine = new Set([String(process.pid)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) if (mine.has(ppid) && !mine.has(pid)) mine.add(pid), (grew = true);
  }
  return rows.filter(([pid, , comm]) => mine.has(pid) && /chrom/.test(comm)).map(([pid]) => pid);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pdf-render-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the print edition of other books', () => {
  it('lays out a book of 15,000 words with 90 notes without losing, doubling or misplacing any', async () => {
    const manuscript = path.join(dir, 'synthetic');
    await writeSyntheticManuscript(manuscript, { words: 15_000, chapters: 3, seed: 7 });
    const book = await compileBook({ manuscript });
    const pdf = await writePdfEdition(book, path.join(dir, 'synthetic-out'));
    expect(pdf.pages).toBeGreaterThan(40);
    expect(pdf.notes).toBeGreaterThan(60);
    expect(pdf.render.problems.filter((p) => p.kind.startsWith('footnote'))).toEqual([]);
    expect(pdf.render.browser).toEqual({ errors: [], failedRequests: [] });
    // Folios: roman up to the first part, then arabic from 1.
    const labels = pdf.printPages.map((page) => page.label);
    const one = labels.indexOf('1');
    expect(labels.slice(0, one).every((label) => /^[ivxlc]+$/.test(label))).toBe(true);
    expect(labels.slice(one)).toEqual(labels.slice(one).map((_, i) => String(i + 1)));
    const { stdout } = await run('pdfinfo', [path.join(dir, 'synthetic-out', 'book.pdf')]);
    expect(Number(/Pages:\s+(\d+)/.exec(stdout)![1])).toBe(pdf.pages);
  });

  it('lays out every note of the benchmark\'s 300k-word book once, on the page of its call', async () => {
    // The book on which Paged.js 0.4.3 printed two notes twice, at the foot of the page of their
    // call and of the next one (see layoutNode in scripts/output/pdf/browser/render.ts): 1,000 pages.
    // The checks are the layout's, the same a full build reports: nothing is printed (layoutOnly),
    // which halves the time (the 15,000-word book above is printed and its PDF read).
    const { manuscript } = await writeManuscript(generateManuscript({ words: 300_000, seed: defaultSeed }), path.join(dir, 'bench-300k'));
    const book = await compileBook({ manuscript });
    const pdf = await writePdfEdition(book, path.join(dir, 'bench-300k-out'), { layoutOnly: true });
    expect(pdf.files).toEqual([]);
    expect(pdf.pages).toBeGreaterThan(900);
    expect(pdf.render.problems.filter((p) => p.kind.startsWith('footnote'))).toEqual([]);
    expect(pdf.render.browser).toEqual({ errors: [], failedRequests: [] });
  }, 300_000);

  it('stops at the time limit with a clear error, and closes the browser', async () => {
    const manuscript = path.join(dir, 'slow');
    await writeSyntheticManuscript(manuscript, { words: 5_000, chapters: 1, seed: 3 });
    const book = await compileBook({ manuscript });
    const error = await writePdfEdition(book, path.join(dir, 'slow-out'), { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as Error).message).toMatch(/did not finish within the PDF's time limit of 0\.2 s.*--pdf-timeout/);
    expect(await ourBrowsers()).toEqual([]);
  });

  it('reports a request the print document makes for a missing file, and still writes the PDF', async () => {
    const manuscript = path.join(dir, 'missing-image');
    await mkdir(manuscript, { recursive: true });
    await writeFile(path.join(manuscript, 'chapitre.md'), '# Un chapitre\n\nUne carte manque.\n\n![La carte du Tarn](images/carte-absente.png)\n');
    const book = await compileBook({ manuscript });
    const pdf = await writePdfEdition(book, path.join(dir, 'missing-out'));
    expect(pdf.render.browser.failedRequests).toEqual(['/images/carte-absente.png (no such file in the print folder)']);
    const messages = [...book.files, ...pdf.messages].flatMap((file) => file.messages.map((m) => `${m.ruleId}: ${m.reason}`));
    expect(messages).toContain('pdf-request-failed: The print document asked for /images/carte-absente.png (no such file in the print folder); it was refused');
    expect(pdf.files).toEqual(['book.pdf', 'book-crop.pdf', 'book-screen.pdf']);
    expect(await ourBrowsers()).toEqual([]);
  });
});
