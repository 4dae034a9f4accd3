/**
 * The PDF/X written by pdf-lib (scripts/output/print/pdfx-writer.ts), unit by unit: the content
 * scan against strings that look like operators (property test), the allowlist against what
 * PDF/X-1a does not take as it is, what the writer takes out and adds, and Ghostscript taking
 * over when something is in the way. The books' PDF/X files against Ghostscript's: print.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { cmyk, PDFDocument, PDFName, PDFString, StandardFonts, rgb } from 'pdf-lib';
import { contentOperators, makePdfx, pdfxObstacles } from '../scripts/output/print/pdfx-writer.ts';
import { writePdfx } from '../scripts/output/print/pdfx.ts';
import { pressProfile } from '../scripts/output/print/icc-profile.ts';

const run = promisify(execFile);

/** A page of a book's trim with bleed, drawn in CMYK only: nothing PDF/X would refuse. */
async function plainPage(draw?: (doc: PDFDocument) => Promise<void> | void): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([200, 300]);
  page.setBleedBox(0, 0, 200, 300);
  page.setTrimBox(9, 9, 182, 282);
  page.drawRectangle({ x: 20, y: 20, width: 100, height: 50, color: cmyk(0.1, 0.6, 0.2, 0) });
  page.drawLine({ start: { x: 20, y: 100 }, end: { x: 150, y: 100 }, thickness: 1, color: cmyk(0, 0, 0, 1) });
  await draw?.(doc);
  return doc;
}

const reload = async (doc: PDFDocument) => PDFDocument.load(await doc.save({ useObjectStreams: false }), { updateMetadata: false });

describe('the content scan', () => {
  it('finds the operators and only them, whatever the strings, names and comments hold', () => {
    const operator = fc.constantFrom('q', 'Q', 'cm', 're', 'f', 'k', 'K', 'BT', 'ET', 'Tf', 'Td', 'Tj', 'TJ', 'rg', 'RG', 'sh', 'cs', 'scn', 'BDC', 'EMC', "'", 'T*', 'f*');
    // Operands that hold operator-like text: strings with nested and escaped parentheses, hex, names, numbers, arrays, dictionaries.
    const text = fc.string({ unit: fc.constantFrom('r', 'g', ' ', '0', '1', 'B', 'I', 'k', '\n', '%', '/', '<', '>', '[', ']') });
    const literal = text.map((t) => `(${t.replace(/[()\\]/g, (c) => `\\${c}`)} (nested rg) \\) sh)`);
    const operand = fc.oneof(
      literal,
      fc.uint8Array({ maxLength: 8 }).map((bytes) => `<${Buffer.from(bytes).toString('hex')}>`),
      fc.constantFrom('/rg', '/BI', '/Cs1', '/P <</MCID 3>>', '[(a rg) -250 (b)]', '0.5', '-12', '.25', '+3'),
      text.map((t) => `%${t.replace(/[\r\n]/g, '')}\n`),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(operand, { maxLength: 3 }), operator), { maxLength: 20 }), (items) => {
        const content = items.map(([operands, op]) => [...operands, op].join(' ')).join('\n');
        expect([...contentOperators(Buffer.from(content, 'latin1'))].sort()).toEqual([...new Set(items.map(([, op]) => op))].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('stops at an inline image, whose data are not tokens', () => {
    expect([...contentOperators(Buffer.from('q BI /W 1 /H 1 /CS /RGB /BPC 8 ID \x00\xff rg EI Q', 'latin1'))]).toEqual(['q', 'BI']);
  });
});

describe('what keeps a document from being a PDF/X as it is', () => {
  it('finds nothing in a page drawn in CMYK with its TrimBox and BleedBox', async () => {
    expect(pdfxObstacles(await reload(await plainPage()))).toEqual([]);
  });

  it('names an RGB colour, transparency, an unembedded font, an RGB or masked image, a missing TrimBox, a group blended in RGB', async () => {
    const png = await readFile(path.join(import.meta.dirname, 'fixtures', 'print', 'nette.png'));
    const cases: Array<[string, (doc: PDFDocument) => Promise<void> | void, RegExp]> = [
      ['rgb', (doc) => doc.getPage(0).drawRectangle({ x: 1, y: 1, width: 5, height: 5, color: rgb(1, 0, 0) }), /page 1: operator rg/],
      ['opacity', (doc) => doc.getPage(0).drawRectangle({ x: 1, y: 1, width: 5, height: 5, color: cmyk(0, 1, 0, 0), opacity: 0.5 }), /graphics state .* sets \/ca/],
      ['font', async (doc) => doc.getPage(0).drawText('Albi', { x: 20, y: 200, size: 12, font: await doc.embedFont(StandardFonts.Helvetica), color: cmyk(0, 0, 0, 1) }), /font \S+: a Type 1 font not embedded/],
      ['image', async (doc) => doc.getPage(0).drawImage(await doc.embedPng(png), { x: 10, y: 10, width: 50, height: 50 }), /an image in \/DeviceRGB|an image with \/SMask/],
      ['trim', (doc) => doc.getPage(0).node.delete(PDFName.of('TrimBox')), /page 1: no TrimBox/],
      ['group', (doc) => doc.getPage(0).node.set(PDFName.of('Group'), doc.context.obj({ Type: 'Group', S: 'Transparency', CS: 'DeviceRGB' })), /page 1: a group blended in \/DeviceRGB/],
    ];
    for (const [label, draw, expected] of cases) {
      const obstacles = pdfxObstacles(await reload(await plainPage(draw)));
      expect(obstacles.join('; '), label).toMatch(expected);
    }
    // An opaque transparency group in the press's colours is no obstacle: it is dropped.
    expect(pdfxObstacles(await reload(await plainPage((doc) => doc.getPage(0).node.set(PDFName.of('Group'), doc.context.obj({ Type: 'Group', S: 'Transparency', I: true })))))).toEqual([]);
  });
});

describe('the PDF/X pdf-lib writes', () => {
  it('takes out links, structure, outlines and the PDF 1.4 keys, adds the keys and the intent, and keeps only what the pages reach, in PDF 1.3', async () => {
    const doc = await reload(await plainPage((doc) => {
      const { context } = doc;
      const page = doc.getPage(0);
      page.node.set(PDFName.of('Annots'), context.obj([context.register(context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [20, 20, 120, 70], A: { S: 'URI', URI: PDFString.of('https://example.org/') } }))]));
      page.node.set(PDFName.of('StructParents'), context.obj(0));
      page.node.set(PDFName.of('Tabs'), PDFName.of('S'));
      doc.catalog.set(PDFName.of('StructTreeRoot'), context.register(context.obj({ Type: 'StructTreeRoot', K: [] })));
      doc.catalog.set(PDFName.of('MarkInfo'), context.obj({ Marked: true }));
      doc.catalog.set(PDFName.of('Lang'), PDFString.of('fr-FR'));
      doc.setTitle('Livre d’essai');
      // Nothing reaches it: it must not be written.
      context.register(context.obj({ Orphan: PDFString.of('not-reached-by-anything') }));
    }));
    expect(pdfxObstacles(doc)).toEqual([]);
    const profile = await readFile((await pressProfile(240)).file);
    const date = new Date(Date.UTC(2026, 0, 2));
    const bytes = await makePdfx(doc, { version: 'PDF/X-1a:2001', profile, profileDescription: 'test profile', date, seed: Buffer.from('book') });
    const text = Buffer.from(bytes).toString('latin1');
    expect(text.slice(0, 8)).toBe('%PDF-1.3');
    expect(text).not.toMatch(/ObjStm|\/XRef|not-reached-by-anything|\/Annots|example\.org|StructTreeRoot|MarkInfo|\/Lang|\/Tabs|StructParents/);
    const work = await mkdtemp(path.join(os.tmpdir(), 'pdfx-writer-'));
    try {
      const file = path.join(work, 'x.pdf');
      await writeFile(file, bytes);
      await run('qpdf', ['--check', file]);
      const info = (await run('pdfinfo', [file])).stdout;
      expect(info).toMatch(/Title: +Livre d’essai/);
      const reread = await PDFDocument.load(bytes, { updateMetadata: false });
      const infoDict = reread.context.lookup(reread.context.trailerInfo.Info) as unknown as { get(name: PDFName): unknown };
      expect(String(infoDict.get(PDFName.of('GTS_PDFXVersion')))).toBe('(PDF/X-1a:2001)');
      expect(String(infoDict.get(PDFName.of('GTS_PDFXConformance')))).toBe('(PDF/X-1a:2001)');
      expect(String(infoDict.get(PDFName.of('Trapped')))).toBe('/False');
      expect(reread.catalog.keys().map(String).sort()).toEqual(['/OutputIntents', '/Pages', '/Type']);
      expect(String(reread.context.trailerInfo.ID)).toMatch(/^\[ <[0-9a-f]{32}> <[0-9a-f]{32}> \]$/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('hands a document with transparency to Ghostscript, which flattens it, and says why; and any document when BOOK_PDFX_WRITER says so', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'pdfx-writer-'));
    try {
      const doc = await plainPage((doc) => doc.getPage(0).drawRectangle({ x: 30, y: 30, width: 40, height: 40, color: cmyk(0, 0.8, 0.8, 0), opacity: 0.5 }));
      const input = path.join(work, 'in.pdf');
      await writeFile(input, await doc.save());
      const output = path.join(work, 'out.pdf');
      const result = await writePdfx(input, output, { version: 'x-3', profile: await pressProfile(240), date: new Date(Date.UTC(2026, 0, 2)), workDir: work });
      expect(result.writer).toBe('ghostscript');
      expect(result.obstacles.join(' ')).toMatch(/sets \/ca/);
      expect((await run('pdfinfo', [output])).stdout).toMatch(/Producer: +GPL Ghostscript/);
      expect((await readFile(output)).subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
      // A page with nothing in the way goes to Ghostscript too when the environment asks for it.
      const plain = path.join(work, 'plain.pdf');
      await writeFile(plain, await (await plainPage()).save());
      const options = { version: 'x-3' as const, profile: await pressProfile(240), date: new Date(Date.UTC(2026, 0, 2)), workDir: work };
      expect((await writePdfx(plain, output, options)).writer).toBe('pdf-lib');
      process.env.BOOK_PDFX_WRITER = 'ghostscript';
      try {
        expect((await writePdfx(plain, output, options)).writer).toBe('ghostscript');
      } finally {
        delete process.env.BOOK_PDFX_WRITER;
      }
      expect((await run('pdfinfo', [output])).stdout).toMatch(/Producer: +GPL Ghostscript/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
