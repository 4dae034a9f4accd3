/**
 * Print production read as a printer's preflight reads it: the PDF/X's keys and output intent
 * (pdf-lib, qpdf), the colours on the press plates (Ghostscript's inkcov and pamcmyk32 devices),
 * the cover's width against the page count and the paper (pdfinfo), the barcode decoded (zbarimg
 * at 300 dpi), the images' resolution as printed (the preflight's messages). One small PDF build
 * of a fixture book (tests/fixtures/print: test data, a valid test ISBN), and the shared build of
 * the manuscript (tests/setup/manuscript.ts).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { PDFDict, PDFDocument, PDFName, PDFRawStream, PDFArray, PDFString, PDFHexString } from 'pdf-lib';
import { build, type BuildResult } from '../scripts/build.ts';
import { diagnosticsOf } from '../scripts/check/messages.ts';
import { defaultBookFonts } from '../scripts/manuscript/fonts.ts';
import { isbnBarcode, isbn13 } from '../scripts/output/print/barcode.ts';
import { blackToKContent } from '../scripts/output/print/black-to-k.ts';
import { embeddingRefused, fsTypeOf } from '../scripts/output/print/font-licence.ts';
import { pageRanges, pdfxDefinitions, writePdfx } from '../scripts/output/print/pdfx.ts';
import { pressColours } from '../scripts/output/print/press-colours.ts';
import { pressProfile } from '../scripts/output/print/icc-profile.ts';
import { configMarginProblems, insideMinimum, marginsCss } from '../scripts/output/print/margins.ts';
import { compileBook } from '../scripts/compile.ts';
import { coverGeometry, paperOf, printSettings, type PrintSettings } from '../scripts/output/print/settings.ts';
import { writeCover } from '../scripts/output/print/cover.ts';
import { printers } from '../scripts/output/print/printers.ts';
import type { PrintSpecs } from '../scripts/output/print/specs.ts';

const run = promisify(execFile);
const fixture = path.join(import.meta.dirname, 'fixtures', 'print');
const bin = path.join(import.meta.dirname, '..', 'bin', 'book.js');

/** `book …` as a user runs it: the real bin/book.js in a child process. */
async function book(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

/** Every file under `dir` (relative path → SHA-256 of its bytes). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = createHash('sha256').update(await readFile(full)).digest('hex');
  }
  return files;
}

/** `pdfimages -list`: page, type, width, height, colour, encoding of each image. */
async function imagesOf(file: string) {
  const { stdout } = await run('pdfimages', ['-list', file]);
  return stdout.split('\n').slice(2).filter(Boolean).map((line) => {
    const cells = line.trim().split(/\s+/);
    return { page: Number(cells[0]), type: cells[2], width: Number(cells[3]), height: Number(cells[4]), color: cells[5], enc: cells[8] };
  });
}

/** Boxes of page 1 (pdfinfo -box), in points. */
async function boxesOf(file: string): Promise<Record<string, number[]>> {
  const { stdout } = await run('pdfinfo', ['-box', file]);
  const boxes: Record<string, number[]> = {};
  for (const match of stdout.matchAll(/^(\w+Box):\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)/gm)) boxes[match[1]] = match.slice(2, 6).map(Number);
  return boxes;
}

/** Every page's boxes (pdfinfo -box), as pdfinfo prints them. */
async function boxesOfEvery(file: string, pages: number): Promise<string> {
  return (await run('pdfinfo', ['-box', '-f', '1', '-l', String(pages), file])).stdout.split('\n').filter((line) => /^Page/.test(line)).join('\n');
}

async function pageCount(file: string): Promise<number> {
  return Number(/Pages:\s+(\d+)/.exec((await run('pdfinfo', [file])).stdout)![1]);
}

/** Ghostscript's inkcov: for each page, the share of the page each of C, M, Y, K covers. */
async function inkCoverage(file: string, first: number, last = first): Promise<number[][]> {
  const { stdout } = await run('gs', ['-q', '-dSAFER', '-o', '-', '-sDEVICE=inkcov', `-dFirstPage=${first}`, `-dLastPage=${last}`, file]);
  return stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).slice(0, 4).map(Number));
}

/** Every page rendered on CMYK plates (pamcmyk32) by one Ghostscript run: each page's file, in order. */
async function everyPlate(file: string, dpi: number): Promise<Buffer[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'plates-'));
  try {
    await run('gs', ['-q', '-dSAFER', '-o', path.join(work, 'page-%04d.pam'), '-sDEVICE=pamcmyk32', `-r${dpi}`, file]);
    return await Promise.all((await readdir(work)).sort().map((name) => readFile(path.join(work, name))));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The page rendered on CMYK plates (pamcmyk32): width, height and the C, M, Y, K bytes of each pixel. */
async function plates(file: string, dpi: number, page?: number): Promise<{ width: number; height: number; pixels: Buffer }> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'plates-'));
  try {
    const pam = path.join(work, 'page.pam');
    await run('gs', ['-q', '-dSAFER', '-o', pam, '-sDEVICE=pamcmyk32', `-r${dpi}`, ...(page ? [`-dFirstPage=${page}`, `-dLastPage=${page}`] : []), file]);
    const data = await readFile(pam);
    const end = data.indexOf('ENDHDR\n') + 7;
    const header = data.subarray(0, end).toString('latin1');
    return { width: Number(/WIDTH (\d+)/.exec(header)![1]), height: Number(/HEIGHT (\d+)/.exec(header)![1]), pixels: data.subarray(end) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The PDF/X keys as a preflight reads them: Info's GTS_ keys and the catalog's output intents. */
async function pdfxKeys(file: string) {
  const doc = await PDFDocument.load(await readFile(file), { updateMetadata: false });
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  const text = (value: unknown) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : String(value));
  const intents = doc.catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
  const intent = intents.lookup(0, PDFDict);
  const profile = intent.lookup(PDFName.of('DestOutputProfile'));
  const profileBytes = profile instanceof PDFRawStream ? Buffer.from(profile.contents) : Buffer.alloc(0);
  return {
    version: text(info.lookup(PDFName.of('GTS_PDFXVersion'))),
    conformance: info.has(PDFName.of('GTS_PDFXConformance')) ? text(info.lookup(PDFName.of('GTS_PDFXConformance'))) : undefined,
    intents: intents.size(),
    subtype: String(intent.get(PDFName.of('S'))),
    condition: text(intent.lookup(PDFName.of('OutputConditionIdentifier'))),
    registry: text(intent.lookup(PDFName.of('RegistryName'))),
    profileN: String((profile as PDFRawStream).dict.get(PDFName.of('N'))),
    profileFiltered: (profile as PDFRawStream).dict.has(PDFName.of('Filter')),
    profileBytes,
    annotations: doc.getPages().filter((page) => page.node.has(PDFName.of('Annots'))).length,
  };
}

describe('print production, unit by unit', () => {
  const settings = (leafMm: number): PrintSettings => ({
    printer: 'generic',
    preset: printers.generic,
    trim: { width: 156, height: 234 },
    bleed: 3,
    pdfx: 'x-3',
    inkLimit: 300,
    paper: { name: 'test', description: 'test', leafMm },
    spineDirection: 'bottom-to-top',
    minTextPt: 6,
    minLinePt: 0.25,
  });

  it('makes the spine pages ÷ 2 leaves × the caliper, and the cover back + spine + front + bleed', () => {
    expect(coverGeometry(settings(0.1), 240)).toEqual({ pages: 240, spine: 12, width: 2 * 156 + 12 + 6, height: 240, spineText: true });
    // Too narrow for text: under the preset's 6 mm.
    expect(coverGeometry(settings(0.1), 60)).toMatchObject({ spine: 3, width: 321, spineText: false });
    expect(paperOf('offset-80')?.leafMm).toBe(0.1);
    expect(paperOf('0.104mm')?.leafMm).toBe(0.104);
    // KDP's white paper, 0.002252 in a page: 444 pages an inch.
    expect(paperOf('444ppi')!.leafMm).toBeCloseTo(2 * 0.0572, 3);
    expect(paperOf('papier-inconnu')).toBeUndefined();
  });

  it('turns an ISBN-10 into its ISBN-13 and draws the EAN-13 at its nominal size', () => {
    expect(isbn13('2-07-036822-X')).toBe('9782070368228');
    expect(isbn13('978-2-07-036822-8')).toBe('9782070368228');
    const barcode = isbnBarcode('978-2-07-036822-8');
    // bwip-js draws one unit a module: 0.33 mm at 100 %; bars 22.85 mm high (ISO/IEC 15420).
    const bars = /M[\d.]+ ([\d.]+)L[\d.]+ ([\d.]+)/.exec(barcode.svg)!;
    expect((Number(bars[1]) - Number(bars[2])) * 0.33).toBeCloseTo(22.85 + 5 * 0.33, 0);
    expect(barcode.widthMm).toBeGreaterThan(31.35);
    expect(barcode.widthMm).toBeLessThan(38);
    expect(isbnBarcode('978-2-07-036822-8', 0.8).widthMm).toBeCloseTo(barcode.widthMm * 0.8, 5);
  });

  it('rewrites black, and only black, as K alone', () => {
    const { content, count } = blackToKContent('q 0 0 0 rg 0 0 0 RG 10 0 0 rg 0.5 0.5 0.5 rg 0 g BT /F1 12 Tf <0010> Tj ET 0.0 0.0 0.0 rg');
    expect(content).toBe('q 0 0 0 1 k 0 0 0 1 K 10 0 0 rg 0.5 0.5 0.5 rg 0 0 0 1 k BT /F1 12 Tf <0010> Tj ET 0 0 0 1 k');
    expect(count).toBe(4);
  });

  it('reads a font\'s embedding permissions (OS/2 fsType), from the book\'s WOFF2 faces and from a bare sfnt', async () => {
    for (const face of defaultBookFonts().faces.slice(0, 3)) expect(fsTypeOf(await readFile(face.file))).toBe(0);
    // A minimal sfnt: one table record, OS/2, whose fsType (offset 8) says "restricted licence".
    const font = Buffer.alloc(12 + 16 + 16);
    font.writeUInt32BE(0x00010000, 0);
    font.writeUInt16BE(1, 4);
    font.write('OS/2', 12, 'latin1');
    font.writeUInt32BE(28, 12 + 8);
    font.writeUInt32BE(16, 12 + 12);
    font.writeUInt16BE(0x0002, 28 + 8);
    expect(fsTypeOf(font)).toBe(2);
    expect(embeddingRefused(2)).toMatch(/forbids embedding/);
    expect(embeddingRefused(0x0004)).toBeUndefined();
    expect(embeddingRefused(0x0100)).toMatch(/subset/);
  });

  it('writes the output intent\'s strings as PostScript literals', () => {
    const definitions = pdfxDefinitions('x-1a', { file: '/tmp/a (b)\\c.icc', description: 'FOGRA39, ink limit 240 %', inkLimit: 240 });
    expect(definitions).toContain('/GTS_PDFXVersion (PDF/X-1a:2001) /GTS_PDFXConformance (PDF/X-1a:2001)');
    expect(definitions).toContain('(/tmp/a \\(b\\)\\\\c.icc) (r) file');
    expect(definitions).toContain('/OutputConditionIdentifier (FOGRA39)');
  });
});

describe('the safety zone and the press conversion of images, unit by unit', () => {
  it('checks book.yaml\'s margins against the printer, KDP\'s inside margin by page count, and writes them as CSS', async () => {
    expect(insideMinimum(printers.kdp, 100)).toBeCloseTo(9.525, 3);
    expect(insideMinimum(printers.kdp, 151)).toBeCloseTo(12.7, 3);
    expect(insideMinimum(printers.kdp, 828)).toBeCloseTo(22.225, 3);
    expect(insideMinimum(printers.generic, 400)).toBe(10);
    const book = await compileBook({ manuscript: path.join(import.meta.dirname, 'fixtures', 'check', 'print-margin-too-small') });
    expect(configMarginProblems(book).map((p) => p.side)).toEqual(['inside']);
    expect(marginsCss(book)).toContain('@page :right {\n  margin-left: 8mm;\n  margin-right: 12mm;\n}');
    expect(marginsCss(book)).toContain('@page :left {\n  margin-left: 12mm;\n  margin-right: 8mm;\n}');
  });

  it('puts a greyscale JPEG on K alone, a colour JPEG on CMYK within the ink limit, and a transparent PNG over white (pdf-lib images, no browser)', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'press-images-'));
    try {
      // Test images drawn by Ghostscript: a colour field with a black bar, and two discs on nothing.
      await writeFile(path.join(work, 'field.ps'), '<< /PageSize [60 30] >> setpagedevice 0 1 59 { /x exch def x 59 div 0.9 0.9 sethsbcolor x 0 1 30 rectfill } for 0 0 0 setrgbcolor 0 0 60 4 rectfill showpage');
      await writeFile(path.join(work, 'discs.ps'), '<< /PageSize [60 30] >> setpagedevice 0.8 0.2 0.1 setrgbcolor 15 15 12 0 360 arc fill showpage');
      for (const [device, name] of [['jpeg', 'colour.jpg'], ['jpeggray', 'grey.jpg']]) await run('gs', ['-q', '-dSAFER', '-o', path.join(work, name), `-sDEVICE=${device}`, '-r72', path.join(work, 'field.ps')]);
      await run('gs', ['-q', '-dSAFER', '-o', path.join(work, 'discs.png'), '-sDEVICE=pngalpha', '-r72', path.join(work, 'discs.ps')]);
      const doc = await PDFDocument.create();
      const page = doc.addPage([200, 200]);
      page.drawImage(await doc.embedJpg(await readFile(path.join(work, 'colour.jpg'))), { x: 0, y: 0, width: 60, height: 30 });
      page.drawImage(await doc.embedJpg(await readFile(path.join(work, 'grey.jpg'))), { x: 0, y: 50, width: 60, height: 30 });
      page.drawImage(await doc.embedPng(await readFile(path.join(work, 'discs.png'))), { x: 0, y: 100, width: 60, height: 30 });
      const profile = await pressProfile(240);
      const { pdf, images } = await pressColours(await doc.save(), profile.file, work);
      expect(images).toEqual({ colour: 2, grey: 1, composited: 1 });
      const converted = await PDFDocument.load(pdf);
      // The images the page draws, in the order drawn (the PNG's soft mask, left unused, is not one).
      const xobjects = converted.getPages()[0].node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
      const samples = xobjects
        .keys()
        .map((key) => xobjects.lookup(key) as PDFRawStream)
        .map((image) => {
          expect([String(image.dict.get(PDFName.of('ColorSpace'))), String(image.dict.get(PDFName.of('Filter'))), image.dict.has(PDFName.of('SMask'))]).toEqual(['/DeviceCMYK', '/FlateDecode', false]);
          return inflateSync(image.contents);
        });
      expect(samples).toHaveLength(3);
      const [colour, grey, discs] = samples;
      const most = (bytes: Buffer, channels: number[]) => Math.max(...Array.from({ length: bytes.length / 4 }, (_, p) => channels.reduce((sum, c) => sum + bytes[p * 4 + c], 0)));
      // The grey JPEG: C = M = Y = 0, its black bar at full K.
      expect(most(grey, [0, 1, 2])).toBe(0);
      expect(most(grey, [3])).toBe(255);
      // The colour JPEG: all four inks, never more than 240 % together.
      expect(Math.min(most(colour, [0]), most(colour, [1]), most(colour, [2]))).toBeGreaterThan(100);
      expect((most(colour, [0, 1, 2, 3]) / 255) * 100).toBeLessThanOrEqual(240 + 1);
      // The PNG's transparent corner is paper: no ink; its disc is red.
      expect([...discs.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
      expect(most(discs, [1])).toBeGreaterThan(150);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('the printed cover, kept in the cache', () => {
  it('prints the cover once for a page, its styles, fonts and barcode, and again when the spine changes', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'print-cover-cache-'));
    const previous = process.env.BOOK_CACHE_DIR;
    process.env.BOOK_CACHE_DIR = path.join(work, 'cache');
    try {
      const book = await compileBook({ manuscript: fixture });
      const settings = printSettings(book, { width: 156, height: 234 });
      const date = new Date(Date.UTC(2026, 0, 2));
      const cover = async (pages: number, name: string) => {
        await writeCover(book, { settings, geometry: coverGeometry(settings, pages), workDir: path.join(work, name), output: path.join(work, `${name}.pdf`), date });
        return readFile(path.join(work, `${name}.pdf`));
      };
      const printed = async () => (await readdir(path.join(work, 'cache', 'print-covers'))).filter((entry) => entry.endsWith('.pdf')).sort();
      const first = await cover(120, 'first');
      const entries = await printed();
      expect(entries).toHaveLength(1);
      // From the cache: the same bytes, Chromium not started (its work file absent).
      expect((await cover(120, 'again')).equals(first)).toBe(true);
      expect(existsSync(path.join(work, 'again', 'cover-chromium.pdf'))).toBe(false);
      expect(await printed()).toEqual(entries);
      // A thicker book has a wider spine: printed anew, wider.
      const thicker = await cover(300, 'thicker');
      expect(existsSync(path.join(work, 'thicker', 'cover-chromium.pdf'))).toBe(true);
      expect(await printed()).toHaveLength(2);
      const width = async (bytes: Buffer) => (await PDFDocument.load(bytes)).getPage(0).getTrimBox().width;
      expect(await width(thicker)).toBeGreaterThan(await width(first));
    } finally {
      if (previous === undefined) delete process.env.BOOK_CACHE_DIR;
      else process.env.BOOK_CACHE_DIR = previous;
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('the fixture book, built once (PDF/X-1a, 240 %, ISBN, back cover, four images, one a JPEG)', () => {
  let out: string;
  let result: BuildResult;
  let specs: PrintSpecs;
  const file = (name: string) => path.join(out, name);

  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'print-fixture-'));
    // A draft: the image under 150 ppi is an error, which stops a release build before any file.
    result = await build({ manuscript: fixture, out, formats: ['pdf'], draft: true });
    specs = JSON.parse(await readFile(file('print-specs.json'), 'utf8')) as PrintSpecs;
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  const pdfxDate = new Date(Date.UTC(2026, 0, 2));
  const references = new Map<string, Promise<string>>();
  /** The fixture's `source` (book.pdf, book-cover.pdf) as a PDF/X by Ghostscript (one process), made once for the tests that compare with it. */
  const ghostscriptPdfx = (source = 'book.pdf') => {
    if (!references.has(source)) {
      references.set(source, (async () => {
        const work = await mkdtemp(path.join(os.tmpdir(), 'pdfx-gs-'));
        const whole = path.join(work, 'whole.pdf');
        const done = await writePdfx(file(source), whole, { version: 'x-1a', profile: await pressProfile(240), date: pdfxDate, workDir: work, writer: 'ghostscript' });
        expect(done).toMatchObject({ writer: 'ghostscript', processes: 1 });
        return whole;
      })());
    }
    return references.get(source)!;
  };
  afterAll(async () => {
    for (const reference of references.values()) await rm(path.dirname(await reference), { recursive: true, force: true });
  });

  it('writes the printer\'s files as outputs of the pdf format, recorded in the manifest', async () => {
    const names = result.outputs.map((output) => path.basename(output.path));
    expect(names).toEqual(['book.pdf', 'book-crop.pdf', 'book-screen.pdf', 'book-pdfx.pdf', 'book-cover.pdf', 'book-cover-pdfx.pdf', 'print-specs.json', 'print-specs.txt']);
    const manifest = JSON.parse(await readFile(file('book-manifest.json'), 'utf8')) as { outputs: Record<string, unknown> };
    expect(Object.keys(manifest.outputs).sort()).toEqual([...names].sort());
  });

  it('reports the images under 300 ppi as printed, and under 150 as an error, at their line', () => {
    const printMessages = diagnosticsOf(result.book.files).filter((d) => /^print-(image|page)/.test(d.ruleId));
    expect(printMessages.map((d) => [path.basename(d.file), d.line, d.ruleId, d.severity]).sort()).toEqual([
      ['book.pdf', 1, 'print-page-count-odd', 'info'], // the writer's own file: line 1
      ['chapitre.md', 9, 'print-image-resolution-low', 'warning'],
      ['chapitre.md', 11, 'print-image-resolution-too-low', 'error'],
    ].sort());
    // 1000 px over the text block's 119 mm (4.69 in): 213 ppi; 300 px at its own size: 96 ppi.
    expect(printMessages.find((d) => d.ruleId === 'print-image-resolution-low')!.message).toMatch(/moyenne\.png` prints at 21\d ppi/);
    expect(printMessages.find((d) => d.ruleId === 'print-image-resolution-too-low')!.message).toMatch(/petite\.png` prints at 96 ppi/);
  });

  it('reports a running head inside the printer\'s safety zone at book.yaml\'s margins line, and says that the draft is not for the press', async () => {
    const messages = diagnosticsOf(result.book.files);
    const margins = messages.filter((d) => d.ruleId === 'print-margin-too-small');
    const line = (await readFile(path.join(fixture, 'book.yaml'), 'utf8')).split('\n').findIndex((text) => /^\s+top: 12mm/.test(text)) + 1;
    expect(margins.map((d) => [path.basename(d.file), d.line, d.severity])).toEqual([['book.yaml', line, 'error']]);
    expect(margins[0].message).toMatch(/^The running head stands 3\.\d mm from the top edge of the trim, inside the printer's minimum of 5\.0 mm/);
    const draft = messages.filter((d) => d.ruleId === 'print-draft-not-for-press');
    expect(draft.map((d) => d.severity)).toEqual(['info']);
    expect(draft[0].message).toMatch(/^Draft: the printer's files were written although the preflight found 2 errors \(print-margin-too-small, print-image-resolution-too-low\); do not send them to the printer/);
  });

  it('converts every raster image through the press profile: the JPEG photograph on the four inks within the limit, none left in RGB, JPEG or transparent', async () => {
    const source = await imagesOf(file('book.pdf'));
    // Chromium writes the JPEG as it is (DCT), the PNGs as RGB.
    const jpeg = source.find((image) => image.enc === 'jpeg');
    expect(jpeg).toBeDefined();
    for (const name of ['book-pdfx.pdf', 'book-cover-pdfx.pdf']) {
      const images = await imagesOf(file(name));
      expect(images.filter((image) => image.color !== 'cmyk' || image.enc !== 'image' || image.type !== 'image'), name).toEqual([]);
    }
    // The same images at their own size: no page flattened into one image by Ghostscript.
    const pdfx = await imagesOf(file('book-pdfx.pdf'));
    expect(pdfx.map(({ page, width, height }) => [page, width, height])).toEqual(source.filter((image) => image.type === 'image').map(({ page, width, height }) => [page, width, height]));
    const [[c, m, y, k]] = await inkCoverage(file('book-pdfx.pdf'), jpeg!.page);
    expect(Math.min(c, m, y, k)).toBeGreaterThan(0.001);
    const { pixels } = await plates(file('book-pdfx.pdf'), 72, jpeg!.page);
    let most = 0;
    for (let i = 0; i < pixels.length; i += 4) most = Math.max(most, pixels[i] + pixels[i + 1] + pixels[i + 2] + pixels[i + 3]);
    expect((most / 255) * 100).toBeLessThanOrEqual(specs.inkLimit + 2);
  });

  it('refuses a release build with a preflight error at its file and line, and leaves the previous build byte-identical', async () => {
    const before = await snapshot(out);
    expect(Object.keys(before)).toContain('book-pdfx.pdf');
    // The fixture as it is (an image at 96 ppi, a running head in the safety zone), without --draft: laid out, refused.
    const refused = await book(['build', '--format', 'pdf', '--manuscript', fixture, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/chapitre\.md\n(.*\n)*\s*11:1\S*\s+error\s+Image `petite\.png` prints at 96 ppi.*print-image-resolution-too-low/);
    expect(refused.stderr).toMatch(/book\.yaml\n(.*\n)*\s*\d+:\d+\S*\s+error\s+The running head stands .*print-margin-too-small/);
    expect(refused.stderr).toMatch(/The printer's preflight found 2 errors .*correct them, or build a draft with --draft/);
    expect(await snapshot(out)).toEqual(before);
    // An ISBN with a wrong check digit: refused when book.yaml is read, at its line.
    const copy = await mkdtemp(path.join(os.tmpdir(), 'print-isbn-'));
    try {
      await cp(fixture, copy, { recursive: true });
      const yaml = (await readFile(path.join(copy, 'book.yaml'), 'utf8')).replace('978-2-07-036822-8', '978-2-07-036822-9');
      await writeFile(path.join(copy, 'book.yaml'), yaml);
      const line = yaml.split('\n').findIndex((text) => text.includes('036822-9')) + 1;
      const isbn = await book(['build', '--format', 'pdf', '--manuscript', copy, '--out', out]);
      expect(isbn.code).toBe(1);
      expect(isbn.stderr).toMatch(new RegExp(`book\\.yaml\\n\\s*${line}:\\d+\\S*\\s+error\\s+Invalid ISBN .*isbn-check-digit`));
      expect(await snapshot(out)).toEqual(before);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('reports text under the printer\'s minimum size and lines under its minimum width (set stricter in the fixture)', () => {
    const messages = diagnosticsOf(result.book.files);
    // print.css's rules are 0.4 pt (0.6 pt for some): under the fixture's 0.5 pt, over the printers' 0.25 pt.
    const thin = messages.filter((d) => d.ruleId === 'print-line-too-thin');
    expect(thin.length).toBeGreaterThan(0);
    expect(thin.every((d) => /draws a line 0\.40 pt thick/.test(d.message))).toBe(true);
    // The text is 11 pt; the folios and running heads are smaller than the fixture's 10 pt.
    const small = messages.filter((d) => d.ruleId === 'print-text-too-small');
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((d) => /set at \d(\.\d)? pt on page/.test(d.message))).toBe(true);
    expect(small.some((d) => /Paragraphe d.essai/.test(d.message))).toBe(false);
  });

  it('adds a blank page to an odd count, and the PDF/X has the same pages, boxes and no links', async () => {
    expect(specs.pages % 2).toBe(0);
    expect(specs.blankPagesAdded).toBe(1);
    expect(await pageCount(file('book.pdf'))).toBe(specs.pages);
    expect(await pageCount(file('book-pdfx.pdf'))).toBe(specs.pages);
    const [print, pdfx] = [await boxesOf(file('book.pdf')), await boxesOf(file('book-pdfx.pdf'))];
    for (const box of ['MediaBox', 'BleedBox', 'TrimBox']) for (let i = 0; i < 4; i++) expect(pdfx[box][i]).toBeCloseTo(print[box][i], 1);
    expect((await pdfxKeys(file('book-pdfx.pdf'))).annotations).toBe(0);
  });

  it('converts a long book in page ranges, one Ghostscript each, into the PDF/X one Ghostscript writes', async () => {
    expect(pageRanges(354, 2, 40)).toEqual([[1, 177], [178, 354]]);
    expect(pageRanges(88, 4, 40)).toEqual([[1, 44], [45, 88]]);
    expect(pageRanges(79, 2, 40)).toEqual([[1, 79]]);
    // At most 120 pages a range (Ghostscript's memory grows with each page), as many for each process.
    expect(pageRanges(354, 2, 40, 120)).toEqual([[1, 89], [90, 177], [178, 266], [267, 354]]);
    expect(pageRanges(354, 1, 40, 120)).toEqual([[1, 118], [119, 236], [237, 354]]);
    const long = pageRanges(1010, 2, 40, 120);
    expect(long).toHaveLength(10);
    expect(long.every(([first, last], k) => last - first < 120 && first === (k === 0 ? 1 : long[k - 1][1] + 1))).toBe(true);
    expect(long.at(-1)![1]).toBe(1010);
    // The fixture's PDF/X written by one Ghostscript (too short for ranges), against four ranges of it.
    const pages = await pageCount(file('book-pdfx.pdf'));
    const whole = await ghostscriptPdfx();
    const profile = await pressProfile(240);
    const work = await mkdtemp(path.join(os.tmpdir(), 'pdfx-ranges-'));
    try {
      const ranged = path.join(work, 'ranged.pdf');
      // Four ranges, two Ghostscripts at a time.
      const options = { version: 'x-1a' as const, profile, date: pdfxDate, workDir: work, jobs: 2, minPagesPerJob: 2, maxPagesPerJob: Math.ceil(pages / 4), writer: 'ghostscript' as const };
      expect(pageRanges(pages, 2, 2, options.maxPagesPerJob)).toHaveLength(4);
      expect(await writePdfx(file('book.pdf'), ranged, options)).toMatchObject({ writer: 'ghostscript', processes: 4 });
      const again = path.join(work, 'again.pdf');
      await writePdfx(file('book.pdf'), again, options);
      expect(createHash('sha256').update(await readFile(again)).digest('hex')).toBe(createHash('sha256').update(await readFile(ranged)).digest('hex'));
      expect(await pageCount(ranged)).toBe(pages);
      const wholeKeys = await pdfxKeys(whole);
      const joined = await pdfxKeys(ranged);
      expect({ ...joined, profileBytes: joined.profileBytes.length }).toEqual({ ...wholeKeys, profileBytes: wholeKeys.profileBytes.length });
      const { stdout } = await run('qpdf', ['--qdf', '--object-streams=disable', ranged, '-'], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
      expect(stdout.slice(0, 8)).toBe('%PDF-1.3');
      expect(stdout).not.toMatch(/\/ICCBased|\/DeviceRGB|\/CalRGB|\/Lab\b|\/Outlines/);
      expect((await run('pdffonts', [ranged])).stdout.split('\n').slice(2).filter(Boolean).every((line) => / yes +yes +yes +\d+/.test(line))).toBe(true);
      // Every page the same: boxes, text, and the plates pixel for pixel.
      expect(await boxesOfEvery(ranged, pages)).toBe(await boxesOfEvery(whole, pages));
      const text = async (name: string) => (await run('pdftotext', ['-layout', name, '-'])).stdout;
      expect(await text(ranged)).toBe(await text(whole));
      const [rangedPlates, wholePlates] = await Promise.all([everyPlate(ranged, 36), everyPlate(whole, 36)]);
      expect(rangedPlates).toHaveLength(pages);
      rangedPlates.forEach((plate, i) => expect(plate.equals(wholePlates[i]), `page ${i + 1}`).toBe(true));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('writes the PDF/X with pdf-lib, without Ghostscript, and it prints as Ghostscript\'s: the same boxes, images and plates but glyph edges', async () => {
    for (const [source, name] of [['book.pdf', 'book-pdfx.pdf'], ['book-cover.pdf', 'book-cover-pdfx.pdf']]) {
      const ours = file(name);
      const pages = await pageCount(ours);
      const reference = await ghostscriptPdfx(source);
      // Not written by Ghostscript (whose pdfwrite names itself as Producer).
      expect((await run('pdfinfo', [ours])).stdout).not.toMatch(/Ghostscript/);
      // A PDF 1.3 file as qpdf reads it: no warning, a cross-reference table (no object or xref streams).
      await run('qpdf', ['--check', ours]);
      const raw = (await readFile(ours)).toString('latin1');
      expect(raw.slice(0, 8)).toBe('%PDF-1.3');
      expect(raw).toMatch(/\nxref\n0 \d+\n/);
      expect(raw).toMatch(/\/ID \[ ?<[0-9a-f]{32}> ?<[0-9a-f]{32}> ?\]/i);
      const { stdout } = await run('qpdf', ['--qdf', '--object-streams=disable', ours, '-'], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
      expect(stdout).not.toMatch(/\/ObjStm|\/XRef\b|\/StructTreeRoot|\/MarkInfo|\/Outlines|\/Annots|\/Lang|\/StructParents|\/ca |\/CA |\/BM |\/SMask|\/Group|\/Interpolate/);
      // The same keys as Ghostscript's file, and the same pages.
      const [oursKeys, theirs] = [await pdfxKeys(ours), await pdfxKeys(reference)];
      expect({ ...oursKeys, profileBytes: undefined, profileFiltered: undefined }).toEqual({ ...theirs, profileBytes: undefined, profileFiltered: undefined });
      // The boxes, measured from the MediaBox's corner (Ghostscript moves a page's origin to 0 0).
      const boxes = async (pdf: string) => [...(await boxesOfEvery(pdf, pages)).matchAll(/^Page +(\d+) (MediaBox|BleedBox|TrimBox): +([\d.-]+) +([\d.-]+) +([\d.-]+) +([\d.-]+)/gm)]
        .map((match) => ({ page: match[1], box: match[2], at: match.slice(3).map(Number) }));
      const [oursBoxes, theirBoxes] = [await boxes(ours), await boxes(reference)];
      expect(oursBoxes.map(({ page, box }) => `${page} ${box}`)).toEqual(theirBoxes.map(({ page, box }) => `${page} ${box}`));
      expect(oursBoxes).toHaveLength(pages * 3);
      const relative = (list: typeof oursBoxes) => list.map(({ at }, i) => {
        const media = list[i - (i % 3)].at;
        return [at[0] - media[0], at[1] - media[1], at[2] - media[0], at[3] - media[1]];
      });
      relative(oursBoxes).flat().forEach((value, i) => expect(value).toBeCloseTo(relative(theirBoxes).flat()[i], 1));
      // The cover's barcode is drawn in a transparency group (opaque inside): Ghostscript flattens
      // the whole cover, text included, into one 720 ppi image; pdf-lib's file keeps it drawn.
      const flattened = source === 'book-cover.pdf';
      const theirImages = (await imagesOf(reference)).map(({ enc: _, ...image }) => image);
      if (flattened) expect(theirImages).toMatchObject([{ page: 1, color: 'cmyk' }]);
      expect((await imagesOf(ours)).map(({ enc: _, ...image }) => image)).toEqual(flattened ? [] : theirImages);
      // On the plates: C, M and Y byte for byte (colours and images), K but where Ghostscript's
      // redrawn glyphs fall a pixel apart (it rounds their positions); the flattened cover's edges
      // are its image's.
      const [mine, its] = await Promise.all([everyPlate(ours, 36), everyPlate(reference, 36)]);
      expect(mine).toHaveLength(pages);
      mine.forEach((plate, page) => {
        const start = plate.indexOf('ENDHDR\n') + 7;
        expect(plate.subarray(0, start).equals(its[page].subarray(0, start))).toBe(true);
        const pixels = (plate.length - start) / 4;
        let cmy = 0;
        let k = 0;
        for (let i = start; i < plate.length; i++) if (plate[i] !== its[page][i]) (i - start) % 4 === 3 ? k++ : cmy++;
        if (flattened) expect(cmy / 3 / pixels, `${name}: share of C, M, Y pixels that differ`).toBeLessThan(0.02);
        else expect(cmy, `${name} page ${page + 1}: C, M, Y bytes that differ`).toBe(0);
        expect(k / pixels, `${name} page ${page + 1}: share of K pixels that differ`).toBeLessThan(flattened ? 0.02 : 0.01);
      });
    }
    // The same book gives the same bytes.
    const work = await mkdtemp(path.join(os.tmpdir(), 'pdfx-lib-'));
    try {
      const options = { version: 'x-1a' as const, profile: await pressProfile(240), date: pdfxDate, workDir: work };
      const [first, second] = [path.join(work, 'a.pdf'), path.join(work, 'b.pdf')];
      expect(await writePdfx(file('book.pdf'), first, options)).toMatchObject({ writer: 'pdf-lib', obstacles: [], processes: 0 });
      await writePdfx(file('book.pdf'), second, options);
      expect((await readFile(first)).equals(await readFile(second))).toBe(true);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('is a PDF/X-1a:2001 with a FOGRA39 output intent that embeds a CMYK profile', async () => {
    for (const name of ['book-pdfx.pdf', 'book-cover-pdfx.pdf']) {
      const keys = await pdfxKeys(file(name));
      expect(keys).toMatchObject({ version: 'PDF/X-1a:2001', conformance: 'PDF/X-1a:2001', intents: 1, subtype: '/GTS_PDFX', condition: 'FOGRA39', registry: 'http://www.color.org', profileN: '4' });
      // An ICC output profile (ICC.1 §7.2: 'acsp' at 36, colour space 'CMYK' at 16, class 'prtr' at 12), stored compressed or not.
      const profile = keys.profileFiltered ? (await import('node:zlib')).inflateSync(keys.profileBytes) : keys.profileBytes;
      expect([profile.subarray(36, 40), profile.subarray(16, 20), profile.subarray(12, 16)].map(String)).toEqual(['acsp', 'CMYK', 'prtr']);
    }
    // PDF/X-1a: no colour but DeviceCMYK (and DeviceGray) in the pages, PDF 1.3, fonts embedded.
    const { stdout } = await run('qpdf', ['--qdf', '--object-streams=disable', file('book-pdfx.pdf'), '-'], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).not.toMatch(/\/ICCBased|\/DeviceRGB|\/CalRGB|\/Lab\b/);
    expect(stdout.slice(0, 8)).toBe('%PDF-1.3');
    const fonts = (await run('pdffonts', [file('book-pdfx.pdf')])).stdout.split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((line) => / yes +yes +yes +\d+/.test(line))).toBe(true);
  });

  it('prints the text in black alone: C = M = Y = 0 on a text page (inkcov)', async () => {
    const { stdout } = await run('pdftotext', ['-f', '9', '-l', '9', file('book-pdfx.pdf'), '-']);
    expect(stdout).toMatch(/Paragraphe d.essai/);
    const [[c, m, y, k]] = await inkCoverage(file('book-pdfx.pdf'), 9);
    expect([c, m, y]).toEqual([0, 0, 0]);
    expect(k).toBeGreaterThan(0.01);
    // The same page of the RGB book.pdf, rendered on CMYK plates without a profile, is four-colour black.
    const [[rgbC]] = await inkCoverage(file('book.pdf'), 9);
    expect(rgbC).toBeGreaterThan(0);
  });

  it('converts colours through the profile within the ink limit, and keeps the barcode in K alone', async () => {
    const { width, height, pixels } = await plates(file('book-cover-pdfx.pdf'), 72);
    let most = 0;
    let colour = 0;
    // The barcode's box is the only paper-white area of the cover: its bounds, then what is inside.
    let box = { left: width, right: 0, top: height, bottom: 0 };
    for (let i = 0; i < pixels.length; i += 4) {
      const total = pixels[i] + pixels[i + 1] + pixels[i + 2] + pixels[i + 3];
      most = Math.max(most, total);
      if (pixels[i] + pixels[i + 1] + pixels[i + 2] > 0) colour++;
      if (total === 0) {
        const x = (i / 4) % width;
        const y = Math.floor(i / 4 / width);
        box = { left: Math.min(box.left, x), right: Math.max(box.right, x), top: Math.min(box.top, y), bottom: Math.max(box.bottom, y) };
      }
    }
    expect(colour).toBeGreaterThan(pixels.length / 8); // the dark ground is a colour, not black
    expect((most / 255) * 100).toBeLessThanOrEqual(specs.inkLimit + 2);
    expect(box.right - box.left).toBeGreaterThan(80); // about 40 mm: 113 px at 72 dpi
    let barsInK = 0;
    let cmyInBox = 0;
    for (let y = box.top; y <= box.bottom; y++) {
      for (let x = box.left; x <= box.right; x++) {
        const i = (y * width + x) * 4;
        if (pixels[i] + pixels[i + 1] + pixels[i + 2] > 0) cmyInBox++;
        if (pixels[i + 3] > 200) barsInK++;
      }
    }
    expect(cmyInBox, 'pixels with C, M or Y in the barcode').toBe(0);
    expect(barsInK).toBeGreaterThan(500);
  });

  it('makes the cover 2 × trim + spine + 2 × bleed wide, the spine from the page count and the paper', async () => {
    // 10 pages on a 1.5 mm leaf (test data: a spine wide enough for text): 5 leaves, 7.5 mm.
    expect(specs.paper.leaf).toBe(1.5);
    expect(specs.spine.width).toBeCloseTo((specs.pages / 2) * specs.paper.leaf, 2);
    expect(specs.cover.width).toBeCloseTo(2 * specs.trim.width + specs.spine.width + 2 * specs.bleed, 2);
    expect(specs.cover.height).toBeCloseTo(specs.trim.height + 2 * specs.bleed, 2);
    expect(specs).toMatchObject({ isbn: '9782070368228', pdfx: 'PDF/X-1a:2001', inkLimit: 240, bleed: 3, spine: { text: true, direction: 'bottom-to-top' } });
    const mm = (points: number) => (points * 25.4) / 72;
    for (const name of ['book-cover.pdf', 'book-cover-pdfx.pdf']) {
      expect(await pageCount(file(name))).toBe(1);
      const boxes = await boxesOf(file(name));
      expect(mm(boxes.MediaBox[2] - boxes.MediaBox[0])).toBeCloseTo(specs.cover.width, 1);
      expect(mm(boxes.MediaBox[3] - boxes.MediaBox[1])).toBeCloseTo(specs.cover.height, 1);
      expect(mm(boxes.TrimBox[2] - boxes.TrimBox[0])).toBeCloseTo(2 * specs.trim.width + specs.spine.width, 1);
      expect(mm(boxes.TrimBox[0] - boxes.MediaBox[0])).toBeCloseTo(specs.bleed, 1);
    }
    const text = await readFile(file('print-specs.txt'), 'utf8');
    expect(text).toMatch(/Spine width\s+7\.5 mm, text bottom to top/);
    expect(text).toMatch(/Cover \(flat, with bleed\)\s+325\.5 × 240 mm/);
  });

  it('prints the back-cover text, the spine text and a barcode that decodes at 300 dpi', async () => {
    const { stdout } = await run('pdftotext', [file('book-cover.pdf'), '-']);
    expect(stdout).toMatch(/quatrième de couverture/);
    expect(stdout).toMatch(/Un second paragraphe d.essai/);
    expect(stdout).toMatch(/Livre d.essai pour l.imprimeur/);
    const work = await mkdtemp(path.join(os.tmpdir(), 'barcode-'));
    try {
      // The lower half of the back cover, where the barcode stands, at 300 dpi.
      const px = (mm: number) => Math.round((mm / 25.4) * 300);
      const crop = ['-x', '0', '-y', String(px(specs.cover.height / 2)), '-W', String(px(specs.bleed + specs.trim.width)), '-H', String(px(specs.cover.height / 2))];
      await run('pdftoppm', ['-r', '300', '-gray', '-png', ...crop, file('book-cover.pdf'), path.join(work, 'cover')]);
      const decoded = await run('zbarimg', ['-q', '--raw', path.join(work, 'cover-1.png')]);
      expect(decoded.stdout.trim()).toBe('9782070368228');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('the manuscript\'s printer files (shared build)', () => {
  const built = inject('manuscriptBuild');
  const file = (name: string) => path.join(built.out, name);

  it('has a PDF/X-3 of the same pages with a FOGRA39 intent, and specifications that match it', async () => {
    const specs = JSON.parse(await readFile(file('print-specs.json'), 'utf8')) as PrintSpecs;
    const pages = await pageCount(file('book.pdf'));
    expect(await pageCount(file('book-pdfx.pdf'))).toBe(pages);
    expect(specs).toMatchObject({ pages, isbn: null, pdfx: 'PDF/X-3:2002', printer: { id: 'generic' }, paper: { name: 'offset-80' } });
    expect(pages % 2).toBe(0);
    expect(built.printPages.length).toBe(pages);
    expect(specs.spine.width).toBeCloseTo((pages / 2) * 0.1, 2);
    expect(await pdfxKeys(file('book-pdfx.pdf'))).toMatchObject({ version: 'PDF/X-3:2002', condition: 'FOGRA39', subtype: '/GTS_PDFX' });
    // Written by pdf-lib (pdfx-writer.ts): nothing in the book's pages needs Ghostscript.
    for (const name of ['book-pdfx.pdf', 'book-cover-pdfx.pdf']) expect((await run('pdfinfo', [file(name)])).stdout).toMatch(/Producer: +book \(/);
    // A chapter's first text page: black alone.
    const page = built.printPages.findIndex((p) => p.chapterId === built.chapters[2].id) + 2;
    const [[c, m, y, k]] = await inkCoverage(file('book-pdfx.pdf'), page);
    expect([c, m, y]).toEqual([0, 0, 0]);
    expect(k).toBeGreaterThan(0.01);
    // The manuscript has no raster image (its maps are vector drawings): none in the PDF/X either —
    // no page flattened by Ghostscript into one image (the maps' 85 % white box did, before print.css made it opaque).
    expect(await imagesOf(file('book-pdfx.pdf'))).toEqual([]);
    // No preflight message but the blank page (no image, no text under 6 pt, no line under 0.25 pt).
    expect(built.pdfMessages.filter((m) => /ppi|printer's minimum|cannot go to the printer/.test(m))).toEqual([]);
    expect(built.pdfMessages.filter((m) => /an odd number: 1 blank page added at the end/.test(m))).toHaveLength(pages === specs.pages && specs.blankPagesAdded ? 1 : 0);
  });
});
