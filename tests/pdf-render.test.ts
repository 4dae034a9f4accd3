/**
 * The browser step of the PDF on books other than the manuscript: a synthetic book with many notes
 * (some long enough to run over to the next page), a time limit that is reached, a request that
 * cannot be served. What goes wrong must come back as a clear error or a build message, with the
 * browser closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compileBook } from '../scripts/compile.ts';
import { BuildError } from '../scripts/errors.ts';
import { writePdfEdition } from '../scripts/output/pdf/index.ts';
import { writeSyntheticManuscript } from './pdf-synthetic.ts';
import { withEnv } from './support/cli.ts';
import { withBrowser, withSharedBrowser } from '../scripts/browser.ts';
import { defaultSeed, generateManuscript, writeManuscript } from '../scripts/bench/manuscript.ts';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString, type PDFObject } from 'pdf-lib';

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

  it('names the table header cells in book order across parts, each data cell pointing at a header of its own table, the same PDF with the front matter laid out once or twice, the parts read as they print or by the join', async () => {
    // Chromium names a header cell after its DOM node's number: another number in the next build,
    // and the same numbers again in every part of the book (join.ts renames them).
    const manuscript = path.join(dir, 'tables');
    await mkdir(manuscript, { recursive: true });
    const table = (n: number) => `| Lieu ${n} | Date ${n} |\n|---|---|\n| Albi | 1944 |\n| Castres | 1945 |\n`;
    await writeFile(path.join(manuscript, 'book.yaml'), 'title: Tableaux d’essai\nlanguage: fr\ncontents:\n  chapters: [un.md, deux.md, trois.md]\n');
    for (const [i, name] of ['un', 'deux', 'trois'].entries()) {
      await writeFile(path.join(manuscript, `${name}.md`), `# Chapitre ${i + 1}\n\nUn tableau d’exemple.\n\n${table(2 * i + 1)}\nUn autre.\n\n${table(2 * i + 2)}`);
    }
    const book = await compileBook({ manuscript });
    /** A part per chapter, `jobs` renderers; `collect`: each renderer collects its garbage once its part is laid out, as in a long book. */
    const layOut = (jobs: number, out: string, collect: boolean) =>
      withEnv({ BOOK_PDF_PART_CHARS: '1', BOOK_PDF_JOBS: String(jobs), BOOK_PDF_COLLECT_CHARS: collect ? '1' : undefined }, () => writePdfEdition(book, path.join(dir, out)));
    // One renderer for four parts (more than two rounds): the front matter, laid out first, waits
    // for parts not begun, and is laid out again when its contents' folios are known (render.ts,
    // RELAYOUT_PAGES_MAX). Two renderers: at most two rounds, it is kept open. The first collects
    // each part's garbage (COLLECT_FROM_CHARS) and leaves its printed parts to the join, the
    // second, a short book, does not: pdf-lib reads each part as it is printed. The same PDF.
    const pdf = await layOut(1, 'tables-out', true);
    expect(pdf.render.parts.filter((part) => part.pages > 0).length).toBeGreaterThanOrEqual(3);
    expect(pdf.render.timeline.map((part) => part.relaidOut === true)).toEqual(pdf.render.timeline.map((_, k) => k === 0));
    expect(pdf.render.timeline.map((part) => part.collected === true)).toEqual(pdf.render.timeline.map(() => true));
    const kept = await layOut(2, 'tables-kept', false);
    expect(kept.render.timeline).toHaveLength(pdf.render.timeline.length);
    expect(kept.render.timeline.map((part) => part.relaidOut === true)).toEqual(kept.render.timeline.map(() => false));
    expect(kept.render.timeline.map((part) => part.collected === true)).toEqual(kept.render.timeline.map(() => false));
    expect(await readFile(path.join(dir, 'tables-kept', 'book.pdf'))).toEqual(await readFile(path.join(dir, 'tables-out', 'book.pdf')));
    // The short book's parts read by pdf-lib as they were printed, before the join; the long book's by the join alone.
    expect([pdf.partsReadAhead, kept.partsReadAhead]).toEqual([0, kept.render.parts.length]);

    const doc = await PDFDocument.load(await readFile(path.join(dir, 'tables-out', 'book.pdf')), { updateMetadata: false });
    const str = (value: PDFObject | undefined) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined);
    const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
    // Every element, in document order, with its parent.
    const elements: Array<{ ref: PDFRef; element: PDFDict; table?: PDFRef }> = [];
    const walk = (kid: PDFObject | undefined, table?: PDFRef) => {
      if (!(kid instanceof PDFRef)) return;
      const element = doc.context.lookupMaybe(kid, PDFDict);
      if (!element || element.get(PDFName.of('S')) === undefined) return;
      const here = element.get(PDFName.of('S')) === PDFName.of('Table') ? kid : table;
      elements.push({ ref: kid, element, table: here });
      const kids = element.get(PDFName.of('K'));
      for (const child of kids instanceof PDFArray ? kids.asArray() : [kids]) walk(child, here);
    };
    walk(root.get(PDFName.of('K')));
    const headers = elements.filter(({ element }) => element.get(PDFName.of('S')) === PDFName.of('TH'));
    expect(headers).toHaveLength(12);
    expect(headers.map(({ element }) => str(element.lookup(PDFName.of('ID'))))).toEqual(headers.map((_, i) => `id-${i + 1}`));
    const idTree = root.lookup(PDFName.of('IDTree'), PDFDict).lookup(PDFName.of('Names'), PDFArray).asArray();
    const named = new Map<string, PDFObject>();
    for (let i = 0; i + 1 < idTree.length; i += 2) named.set(str(doc.context.lookup(idTree[i]))!, idTree[i + 1]);
    expect([...named.keys()].sort()).toEqual(headers.map((_, i) => `id-${i + 1}`).sort());
    const cells = elements.filter(({ element }) => element.get(PDFName.of('S')) === PDFName.of('TD'));
    expect(cells).toHaveLength(24);
    for (const { element, table } of cells) {
      const attributes = element.lookup(PDFName.of('A'));
      const lists = (attributes instanceof PDFArray ? attributes.asArray() : [attributes]).map((a) => doc.context.lookup(a)).filter((a): a is PDFDict => a instanceof PDFDict);
      const names = lists.flatMap((a) => a.lookupMaybe(PDFName.of('Headers'), PDFArray)?.asArray() ?? []).map((name) => str(doc.context.lookup(name))!);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        const header = headers.find(({ ref }) => ref === named.get(name));
        expect(header?.table, name).toBe(table);
      }
    }
  });

  it('stops at the time limit with a clear error, and closes the browser', async () => {
    const manuscript = path.join(dir, 'slow');
    await writeSyntheticManuscript(manuscript, { words: 5_000, chapters: 1, seed: 3 });
    const book = await compileBook({ manuscript });
    const error = await writePdfEdition(book, path.join(dir, 'slow-out'), { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as Error).message).toMatch(/did not finish within the PDF's time limit of 0\.2 s.*--pdf-timeout/);
    expect(await ourBrowsers()).toEqual([]);
  });

  it('stops the parts under way at the time limit in a browser that lives on (a build\'s)', async () => {
    const manuscript = path.join(dir, 'slow-shared');
    await writeSyntheticManuscript(manuscript, { words: 5_000, chapters: 1, seed: 3 });
    const book = await compileBook({ manuscript });
    await withSharedBrowser(async () => {
      const browser = await withBrowser(async (b) => b);
      const error = await writePdfEdition(book, path.join(dir, 'slow-shared-out'), { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BuildError);
      // The browser is still there for the build's other editions, and no page of the layout is left running in it.
      expect(browser.isConnected()).toBe(true);
      expect(browser.contexts()).toEqual([]);
    });
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
