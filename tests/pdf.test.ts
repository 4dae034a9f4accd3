/**
 * The print edition of the shipped manuscript, read back with poppler as a printer or a reader would
 * see it: pdfinfo (sizes, boxes, metadata), pdffonts (embedding), pdftotext (what is on each page).
 * The book is built once for the whole run, with the other editions (tests/setup/manuscript.ts).
 */
import { describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Element, Root, ElementContent } from 'hast';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFString, PDFHexString } from 'pdf-lib';

const run = promisify(execFile);
/** The shipped manuscript, built once for the run (tests/setup/manuscript.ts). */
const built = inject('manuscriptBuild');
const out = built.out;
type Chapter = (typeof built.chapters)[number];
const file = (name: string) => path.join(out, name);

/** Text of each page of a PDF (pdftotext -layout, one call per page). */
const pageTexts = new Map<string, string[]>();
async function pagesOf(name: string): Promise<string[]> {
  if (!pageTexts.has(name)) {
    const { stdout } = await run('pdfinfo', [file(name)]);
    const count = Number(/Pages:\s+(\d+)/.exec(stdout)![1]);
    const texts: string[] = [];
    for (let i = 1; i <= count; i++) texts.push((await run('pdftotext', ['-layout', '-f', String(i), '-l', String(i), file(name), '-'])).stdout);
    pageTexts.set(name, texts);
  }
  return pageTexts.get(name)!;
}

/**
 * Text compared without what layout adds: spaces of any width, soft hyphens, word joiners, the
 * hyphen of a word divided at a line end, case.
 */
const normal = (text: string) =>
  text
    .replace(/\u00ad-?\s*/g, '')
    .replace(/(\p{L})-\n\s*(\p{L})/gu, '$1$2')
    .replace(/[\s\u2060\u00a0\u202f\u2009]+/g, '')
    .toLowerCase();

const pt = (mm: number) => (mm * 72) / 25.4;

interface Boxes {
  [box: string]: number[];
}
/** The boxes of every page: `pdfinfo -box -f 1 -l N`. */
async function boxesOf(name: string): Promise<Boxes[]> {
  const { stdout } = await run('pdfinfo', ['-box', '-f', '1', '-l', '100000', file(name)]);
  const pages: Boxes[] = [];
  for (const match of stdout.matchAll(/^Page\s+(\d+)\s+(MediaBox|CropBox|BleedBox|TrimBox|ArtBox):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)/gm)) {
    const index = Number(match[1]) - 1;
    pages[index] ??= {};
    pages[index][match[2]] = match.slice(3, 7).map(Number);
  }
  return pages;
}

function expectBox(actual: number[], expected: number[]) {
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 0));
}

function hastText(node: ElementContent | Root): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return node.children.map((child) => hastText(child as ElementContent)).join('');
  return '';
}

interface NoteCall {
  chapter: Chapter;
  number: string;
  /** What stands right before the call, and the call, as the page prints it. */
  context: string;
  /** The start of the note as the foot of the page prints it. */
  noteStart: string;
}

/** Every first note call of the book, with the text before it and the start of its note. */
function noteCalls(chapters: Chapter[]): NoteCall[] {
  const calls: NoteCall[] = [];
  for (const chapter of chapters) {
    const notes = new Map<string, string>();
    const walkNotes = (node: Root | Element) => {
      for (const child of node.children) {
        if (child.type !== 'element') continue;
        if (child.tagName === 'aside' && typeof child.properties.id === 'string') notes.set(child.properties.id, hastText(child));
        else walkNotes(child);
      }
    };
    walkNotes(chapter.hast);
    const seen = new Set<string>();
    // Walk each block in reading order, keeping the text met so far in the block.
    const walkBlocks = (node: Root | Element, before: { text: string }) => {
      for (const child of node.children) {
        if (child.type === 'text') before.text += child.value;
        if (child.type !== 'element') continue;
        if (child.tagName === 'section' && (child.properties.className as string[] | undefined)?.includes('footnotes')) continue;
        if (child.tagName === 'a' && (child.properties.className as string[] | undefined)?.includes('noteref')) {
          const id = String(child.properties.href).slice(1);
          const number = hastText(child);
          if (!seen.has(id) && notes.has(id)) {
            seen.add(id);
            calls.push({
              chapter,
              number,
              context: normal(before.text).slice(-24) + number,
              noteStart: `${number}.${normal(notes.get(id)!.replace(/^\s*\d+\s*/, '')).slice(0, 24)}`,
            });
          }
          before.text += number;
          continue;
        }
        const isBlock = /^(p|li|h\d|figcaption|td|th|dd|dt)$/.test(child.tagName);
        walkBlocks(child, isBlock ? { text: '' } : before);
      }
    };
    walkBlocks(chapter.hast, { text: '' });
  }
  return calls;
}

describe('PDF edition of the manuscript', () => {
  it('writes the three files, with the same pages', async () => {
    // The printer's files of the same format are read by tests/print.test.ts.
    expect(built.outputs.filter((o) => o.format === 'pdf').map((o) => path.basename(o.path)).sort()).toEqual(['book-cover-pdfx.pdf', 'book-cover.pdf', 'book-crop.pdf', 'book-pdfx.pdf', 'book-screen.pdf', 'book.pdf', 'print-specs.json', 'print-specs.txt']);
    const counts = await Promise.all(['book.pdf', 'book-crop.pdf', 'book-screen.pdf'].map(async (name) => Number(/Pages:\s+(\d+)/.exec((await run('pdfinfo', [file(name)])).stdout)![1])));
    expect(counts[0]).toBeGreaterThan(20);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
  });

  it('book.pdf: 156 × 234 mm trimmed, 3 mm bleed, TrimBox and BleedBox on every page', async () => {
    const pages = await boxesOf('book.pdf');
    expect(pages.length).toBeGreaterThan(20);
    const bleed = pt(3);
    for (const boxes of pages) {
      expectBox(boxes.MediaBox, [0, 0, pt(156) + 2 * bleed, pt(234) + 2 * bleed]);
      expectBox(boxes.BleedBox, boxes.MediaBox);
      expectBox(boxes.TrimBox, [bleed, bleed, bleed + pt(156), bleed + pt(234)]);
    }
  });

  it('book-crop.pdf: the same trim and bleed on a larger sheet, with crop marks outside the bleed', async () => {
    const pages = await boxesOf('book-crop.pdf');
    const bleed = pt(3);
    for (const boxes of pages) {
      expectBox(boxes.TrimBox, [bleed, bleed, bleed + pt(156), bleed + pt(234)]);
      expectBox(boxes.BleedBox, [0, 0, pt(156) + 2 * bleed, pt(234) + 2 * bleed]);
      expect(boxes.MediaBox[0]).toBeLessThan(-pt(5));
      expect(boxes.MediaBox[2] - boxes.MediaBox[0]).toBeGreaterThan(pt(156 + 2 * 3 + 2 * 5));
    }
    // The marks are drawn: dark pixels in the corner of the sheet.
    const dpi = 100;
    const { stdout } = await run('pdftoppm', ['-r', String(dpi), '-f', '2', '-l', '2', '-gray', file('book-crop.pdf')], { encoding: 'buffer', maxBuffer: 1 << 26 });
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(stdout.subarray(0, 30).toString('latin1'))!;
    const width = Number(header[1]);
    const pixels = stdout.subarray(header[0].length);
    // The sheet's corner, up to 16 mm in: marks between 4 and 12 mm from the trim, which is 13 mm in.
    const corner = Math.round((dpi / 25.4) * 16);
    let dark = 0;
    for (let y = 0; y < corner; y++) for (let x = 0; x < corner; x++) if (pixels[y * width + x] < 200) dark++;
    expect(dark).toBeGreaterThan(20);
  });

  it('book-screen.pdf: every box the trim size, no bleed', async () => {
    for (const boxes of await boxesOf('book-screen.pdf')) {
      const media = boxes.MediaBox;
      expect(media[2] - media[0]).toBeCloseTo(pt(156), 0);
      expect(media[3] - media[1]).toBeCloseTo(pt(234), 0);
      expectBox(boxes.TrimBox, media);
      expectBox(boxes.BleedBox, media);
      expectBox(boxes.CropBox, media);
    }
  });

  it('writes book-screen.pdf and book-crop.pdf as book.pdf and an update of their pages, which qpdf reads without a warning', async () => {
    const print = await readFile(file('book.pdf'));
    for (const name of ['book-crop.pdf', 'book-screen.pdf']) {
      const bytes = await readFile(file(name));
      // book.pdf's bytes as they are, then the update (incremental.ts).
      expect(bytes.subarray(0, print.length).equals(print), name).toBe(true);
      expect(bytes.subarray(print.length).toString('latin1'), name).toMatch(/\/Type \/XRef[^]*\/Prev \d+[^]*startxref\n\d+\n%%EOF\n$/);
      await run('qpdf', ['--check', file(name)]);
    }
  });

  it('embeds every font, none of them Type 3, all of them EB Garamond', async () => {
    for (const name of ['book.pdf', 'book-crop.pdf', 'book-screen.pdf']) {
      const { stdout } = await run('pdffonts', [file(name)]);
      const rows = stdout.split('\n').slice(2).filter((line) => line.trim());
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row).not.toMatch(/Type 3/);
        // name, type…, encoding, emb, sub, uni, object, id: emb is the fourth column from the end.
        const columns = row.trim().split(/\s+/);
        expect(columns.at(-5), row).toBe('yes');
        expect(columns[0], row).toMatch(/EBGaramond/);
      }
    }
  });

  it('has title, author, language, bookmarks and tags', async () => {
    const { stdout } = await run('pdfinfo', [file('book.pdf')]);
    expect(stdout).toMatch(/Title:\s+La participation des Kazakhs/);
    expect(stdout).toMatch(/Author:\s+Gulnara Mendikulova/);
    expect(stdout).toMatch(/Tagged:\s+yes/);
    const pdf = await PDFDocument.load(await readFile(file('book.pdf')), { updateMetadata: false });
    const lang = pdf.catalog.lookup(PDFName.of('Lang'));
    expect(lang instanceof PDFString || lang instanceof PDFHexString ? lang.decodeText() : undefined).toBe('fr');
    const outlines = pdf.catalog.lookup(PDFName.of('Outlines'), PDFDict);
    const titles: string[] = [];
    const walk = (item: PDFDict | undefined) => {
      for (let node = item; node; node = node.lookupMaybe(PDFName.of('Next'), PDFDict)) {
        titles.push(node.lookup(PDFName.of('Title'), PDFHexString).decodeText());
        walk(node.lookupMaybe(PDFName.of('First'), PDFDict));
      }
    };
    walk(outlines.lookup(PDFName.of('First'), PDFDict));
    expect(outlines.lookup(PDFName.of('Count'), PDFNumber).asNumber()).toBe(titles.length);
    for (const chapter of built.chapters) expect(titles).toContain(chapter.title);
  });

  it('links each note call to its note and back, on the same page', async () => {
    const pdf = await PDFDocument.load(await readFile(file('book-screen.pdf')), { updateMetadata: false });
    const pages = pdf.getPages();
    const indexOf = new Map(pages.map((page, i) => [page.ref.toString(), i]));
    let samePage = 0;
    pages.forEach((page, i) => {
      const annotations = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
      for (let k = 0; k < (annotations?.size() ?? 0); k++) {
        const destination = annotations!.lookup(k, PDFDict).lookup(PDFName.of('Dest'));
        if (destination instanceof PDFArray && indexOf.get(destination.get(0).toString()) === i) samePage++;
      }
    });
    expect(samePage).toBeGreaterThanOrEqual(2 * noteCalls(built.chapters).length);
  });

  it('prints each chapter title on the page the table of contents gives', async () => {
    const pages = await pagesOf('book.pdf');
    const map = built.printPages;
    const tocPages = pages.filter((_, i) => map[i].chapterId === 'toc');
    expect(tocPages.length).toBeGreaterThan(0);
    expect(tocPages[0]).toMatch(/Table des matières/);
    // TOC lines end with the folio; a title on two lines ends on the second.
    const entries: Array<{ text: string; folio: string }> = [];
    let pending = '';
    for (const line of tocPages.join('\n').split('\n')) {
      const match = /^(.*?\S)\s{2,}([ivxlcdm]+|\d+)\s*$/.exec(line);
      if (match) {
        entries.push({ text: normal(`${pending} ${match[1]}`), folio: match[2] });
        pending = '';
      } else if (line.trim() && !/Table des matières/.test(line)) pending += ` ${line}`;
    }
    // The folio printed at the foot of each page; pages printing none take it from their neighbours.
    const printed = pages.map((text) => {
      const last = text.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? '';
      return /^([ivxlcdm]+|\d+)$/.test(last) ? last : undefined;
    });
    const pageOfFolio = (folio: string) => {
      const exact = printed.indexOf(folio);
      if (exact >= 0 || !/^\d+$/.test(folio)) return exact;
      // An arabic folio not printed (part page, blank page): count from the nearest printed one.
      let best = -1;
      printed.forEach((other, i) => {
        if (other && /^\d+$/.test(other) && (best < 0 || Math.abs(Number(other) - Number(folio)) < Math.abs(Number(printed[best]) - Number(folio)))) best = i;
      });
      return best < 0 ? -1 : best - (Number(printed[best]) - Number(folio));
    };
    expect(printed.filter(Boolean).length).toBeGreaterThan(pages.length / 2);
    for (const chapter of built.chapters) {
      // A part may bear its chapter's title: the chapter's own line is the one with the title alone.
      const entry = entries.find((e) => e.text === normal(chapter.title)) ?? entries.find((e) => e.text.endsWith(normal(chapter.title)));
      expect(entry, `TOC entry for ${chapter.title}`).toBeDefined();
      const page = pageOfFolio(entry!.folio);
      expect(page, `page ${entry!.folio}`).toBeGreaterThan(0);
      expect(normal(pages[page]), `« ${chapter.title} » on page ${entry!.folio}`).toContain(normal(chapter.title));
    }
  });

  it('prints each note at the foot of the page on which it is called', async () => {
    const texts = await pagesOf('book.pdf');
    const pages = texts.map(normal);
    const lines = texts.map((text) => text.split('\n').map(normal).join('\n'));
    const map = built.printPages;
    const calls = noteCalls(built.chapters);
    expect(calls.length).toBeGreaterThan(50);
    let checked = 0;
    for (const call of calls) {
      const range = map.map((page, i) => (page.chapterId === call.chapter.id ? i : -1)).filter((i) => i >= 0);
      const callPages = range.filter((i) => pages[i].includes(call.context));
      // A note starts a line with its number; its first words may wrap.
      const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const noteStart = new RegExp(`(?:^|\\n)${[...call.noteStart].map(escape).join('\\n?')}`);
      const notePages = range.filter((i) => noteStart.test(lines[i]));
      expect(notePages.length, `note ${call.number} of ${call.chapter.id} (${call.noteStart}) printed once`).toBe(1);
      // A call whose words run over a page break cannot be found by its context: rare, skipped.
      if (callPages.length === 0) continue;
      expect(callPages, `note ${call.number} of ${call.chapter.id}`).toContain(notePages[0]);
      checked++;
    }
    expect(checked).toBeGreaterThan(calls.length * 0.9);
  });

  it('divides words at line ends with hyphens in French paragraphs', async () => {
    const pages = await pagesOf('book.pdf');
    const source = built.chapters.map((chapter) => hastText(chapter.hast)).join(' ');
    const words = new Set(source.match(/[\p{L}’'-]+/gu));
    let divided = 0;
    for (const text of pages) {
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        const end = /(\p{L}+)\u00ad?-$/u.exec(line.trimEnd());
        const next = /^\s*(\p{L}+)/u.exec((lines[i + 1] ?? '').replace(/\u00ad/g, ''));
        if (end && next && words.has(`${end[1].replace(/\u00ad/g, '')}${next[1]}`)) divided++;
      });
    }
    expect(divided).toBeGreaterThan(20);
  });

  it('never leaves « at the end of a line nor » at the start of one', async () => {
    for (const text of await pagesOf('book.pdf')) {
      for (const line of text.split('\n')) {
        expect(line.replace(/[\s\u2060]+$/u, '')).not.toMatch(/«$/);
        expect(line.replace(/^[\s\u2060]+/u, '')).not.toMatch(/^»/);
      }
    }
  });

  it('reports no layout problem: notes, widows and orphans, headings at a page foot', () => {
    // The blank page added for an even count is a note for the printer (tests/print.test.ts), not a layout problem.
    expect(built.pdfMessages.filter((m) => !/an odd number: 1 blank page added at the end/.test(m))).toEqual([]);
  });

  it('fills the page map the EPUB reads, with the folios the pages print', async () => {
    const pages = await pagesOf('book.pdf');
    const map = built.printPages;
    expect(map).toHaveLength(pages.length);
    pages.forEach((text, i) => {
      const last = text.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? '';
      if (/^([ivxlcdm]+|\d+)$/.test(last)) expect(map[i].label).toBe(last);
    });
    expect(map.filter((page) => page.label === '1')).toHaveLength(1);
    const chapterIds = new Set(built.chapters.map((c) => c.id));
    const body = map.filter((page) => chapterIds.has(page.chapterId));
    expect(body.length).toBeGreaterThan(pages.length / 2);
    for (const page of body) expect(page.blockId).toMatch(new RegExp(`^${page.chapterId}-b\\d+$`));
  });
});
