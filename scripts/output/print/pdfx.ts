/**
 * PDF/X from a finished PDF. First the colours go on the press's inks (press-colours.ts: black as
 * K alone, the others through the press profile). Then, when nothing in the pages is outside what
 * PDF/X takes as it is (pdfx-writer.ts `pdfxObstacles`, which the book's design keeps to), pdf-lib
 * writes the file: links, structure and outlines out, the output intent (ISO 15930: `/OutputIntents`
 * with `/S /GTS_PDFX`) and `GTS_PDFXVersion` in, PDF 1.3. Otherwise — or with
 * `BOOK_PDFX_WRITER=ghostscript` — Debian's Ghostscript writes it (pdfwrite, `-dPDFX`), as every
 * build did before: it keeps the TrimBox and BleedBox, embeds the fonts already embedded, carries no
 * annotation over (PDF/X allows none in the trim), and flattens transparency. PDF/X-1a:2001 is the
 * same file with its version and conformance keys: DeviceCMYK colour only, PDF 1.3, no
 * transparency, which is what X-1a asks beyond X-3 (docs/pdf.md says how both are checked).
 *
 * Ghostscript's pdfwrite runs on one core (about 80 ms a page of a book), and holds memory for
 * every page it has converted until it ends: a long book is converted in page ranges of at most 120
 * pages, one Ghostscript per core at a time, each reading the whole file and writing its pages
 * (`-dFirstPage`/`-dLastPage`), and qpdf puts the ranges' pages after the first range's, whose
 * document keeps its PDF/X keys, output intent and dates. The PDF/X carries no bookmarks (an outline
 * cut by the ranges would point outside them; the press needs none): book.pdf has them.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BuildError } from '../../errors.ts';
import type { PdfxVersion } from '../../config/print-schema.ts';
import { fogra39, type PressProfile } from './icc-profile.ts';
import type { PDFDocument } from 'pdf-lib';
import { pdfBytes } from '../pdf/pdf-lib.ts';
import { makePdfx, pdfxObstacles } from './pdfx-writer.ts';
import { pressDocument } from './press-colours.ts';

const run = promisify(execFile);

export const pdfxNames: Record<Exclude<PdfxVersion, 'none'>, string> = { 'x-1a': 'PDF/X-1a:2001', 'x-3': 'PDF/X-3:2002' };

/** A PostScript string literal: ( ) and \ escaped, anything outside printable ASCII in octal. */
function psString(text: string): string {
  return `(${[...Buffer.from(text, 'latin1')].map((byte) => (byte === 0x28 || byte === 0x29 || byte === 0x5c ? `\\${String.fromCharCode(byte)}` : byte < 0x20 || byte > 0x7e ? `\\${byte.toString(8).padStart(3, '0')}` : String.fromCharCode(byte))).join('')})`;
}

/** The pdfmarks of the PDF/X keys and the output intent (after Ghostscript's lib/PDFX_def.ps). */
export function pdfxDefinitions(version: Exclude<PdfxVersion, 'none'>, profile: PressProfile): string {
  const name = pdfxNames[version];
  const conformance = version === 'x-1a' ? ` /GTS_PDFXConformance ${psString(name)}` : '';
  return `%!PS
% PDF/X keys and output intent, written by book (scripts/output/print/pdfx.ts).
[ /GTS_PDFXVersion ${psString(name)}${conformance} /Trapped /False /DOCINFO pdfmark
[ /_objdef {icc_PDFX} /type /stream /OBJ pdfmark
[ {icc_PDFX} << /N 4 >> /PUT pdfmark
[ {icc_PDFX} ${psString(profile.file)} (r) file /PUT pdfmark
[ /_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark
[ {OutputIntent_PDFX} <<
  /Type /OutputIntent
  /S /GTS_PDFX
  /OutputConditionIdentifier ${psString(fogra39.identifier)}
  /RegistryName ${psString(fogra39.registry)}
  /OutputCondition ${psString(fogra39.condition)}
  /Info ${psString(profile.description)}
  /DestOutputProfile {icc_PDFX}
>> /PUT pdfmark
[ {Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark
`;
}

export interface PdfxOptions {
  version: Exclude<PdfxVersion, 'none'>;
  /** Ghostscript processes at most (default 1). */
  jobs?: number;
  /** Pages per process at least (default 40): below, a process's start costs more than it saves. */
  minPagesPerJob?: number;
  /** Pages per process at most (default 120): what bounds Ghostscript's memory (`pageRanges`). */
  maxPagesPerJob?: number;
  profile: PressProfile;
  /** The book's date: Ghostscript writes it as CreationDate and ModDate (SOURCE_DATE_EPOCH). */
  date: Date;
  /** A folder for the definitions file. */
  workDir: string;
  /**
   * Who writes the file: `auto` (default) pdf-lib when the pages hold nothing PDF/X would not take
   * as it is (pdfx-writer.ts), Ghostscript otherwise; `ghostscript` always Ghostscript. Default:
   * `BOOK_PDFX_WRITER` from the environment (`ghostscript`, for a printer that wants Ghostscript's
   * file), else `auto`.
   */
  writer?: 'auto' | 'ghostscript';
}

/**
 * The page ranges (from 1, inclusive) of `pages` pages: for at most `jobs` processes at once, of
 * `least` pages or more, and of at most `most` pages each (more ranges than processes then, run
 * `jobs` at a time, as many for each). Ghostscript's pdfwrite holds about 1.1 MB for each page it has converted to CMYK
 * until it ends (Ghostscript 10.0, measured on the benchmark's pages: 165 MB after 100 pages, 401 MB
 * after 300), so a range's length bounds its memory whatever the book's.
 */
export function pageRanges(pages: number, jobs: number, least: number, most = Infinity): Array<[number, number]> {
  const parallel = Math.max(1, Math.min(jobs, Math.floor(pages / Math.max(1, least))));
  // A multiple of the processes at once, so that none is left converting the last range alone.
  const count = parallel * Math.max(1, Math.ceil(pages / Math.max(1, most) / parallel));
  const ranges: Array<[number, number]> = [];
  for (let k = 0, first = 1; k < count; k++) {
    const last = Math.round(((k + 1) * pages) / count);
    ranges.push([first, last]);
    first = last + 1;
  }
  return ranges;
}

/** Run `tasks` at most `jobs` at a time, in order; the first failure is thrown once all have stopped. */
async function inTurn(tasks: Array<() => Promise<void>>, jobs: number): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < tasks.length) {
      await tasks[next++]().catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}

export interface PdfxResult {
  ms: number;
  /** Who wrote it: pdf-lib (pdfx-writer.ts) or Ghostscript. */
  writer: 'pdf-lib' | 'ghostscript';
  /** What made Ghostscript write it (pdfx-writer.ts `pdfxObstacles`); empty when pdf-lib did. */
  obstacles: string[];
  /** The Ghostscript processes that wrote it (one per page range; 0 when pdf-lib did). */
  processes: number;
}

/** A PDF read already: its document (changed by the conversion) and the bytes it was read from. */
export interface ReadPdf {
  doc: PDFDocument;
  bytes: Uint8Array;
}

/** Convert `input` (a file, or a PDF read already) to a PDF/X at `output`. */
export async function writePdfx(input: string | ReadPdf, output: string, options: PdfxOptions): Promise<PdfxResult> {
  const work = await mkdtemp(path.join(options.workDir, 'pdfx-'));
  const started = performance.now();
  try {
    const source = typeof input === 'string' ? await readFile(input) : input.bytes;
    const coloured = await pressDocument(typeof input === 'string' ? source : input.doc, options.profile.file, work);
    const writer = options.writer ?? (process.env.BOOK_PDFX_WRITER === 'ghostscript' ? 'ghostscript' : 'auto');
    const obstacles = writer === 'ghostscript' ? ['Ghostscript asked for'] : pdfxObstacles(coloured.doc, coloured.contents);
    if (obstacles.length === 0) {
      const profile = await readFile(options.profile.file);
      await writeFile(output, await makePdfx(coloured.doc, { version: pdfxNames[options.version], profile, profileDescription: options.profile.description, date: options.date, seed: source }));
      return { ms: Math.round(performance.now() - started), writer: 'pdf-lib', obstacles, processes: 0 };
    }
    // Ghostscript from here: its definitions file (PDF/X keys, output intent) and the coloured PDF.
    // Ghostscript names the file (its /ID) after the paths it is given: relative names in the work
    // folder, the same in every build, keep two builds of the same book byte-identical.
    await writeFile(path.join(work, 'pdfx-def.ps'), pdfxDefinitions(options.version, options.profile), 'latin1');
    const press = path.join(work, 'black-as-k.pdf');
    await writeFile(press, await pdfBytes(coloured.doc, { objectStreams: false }));
    const ranges = pageRanges(coloured.pages, options.jobs ?? 1, options.minPagesPerJob ?? 40, options.maxPagesPerJob ?? 120);
    const args = (range: [number, number], file: string) => [
      '-q', '-dNOPAUSE', '-dBATCH', '-dSAFER',
      `--permit-file-read=${path.dirname(options.profile.file)}/`,
      '-sDEVICE=pdfwrite',
      '-dPDFX=true',
      '-dPreserveAnnots=false',
      '-dNO_PDFMARK_OUTLINES',
      '-sColorConversionStrategy=CMYK',
      '-sProcessColorModel=DeviceCMYK',
      `-sOutputICCProfile=${options.profile.file}`,
      '-dRenderIntent=1',
      // The images are already on the press's inks (press-images.ts): kept lossless, at their resolution.
      '-dAutoFilterColorImages=false', '-sColorImageFilter=FlateEncode', '-dDownsampleColorImages=false',
      '-dAutoFilterGrayImages=false', '-sGrayImageFilter=FlateEncode', '-dDownsampleGrayImages=false',
      ...(ranges.length > 1 ? [`-dFirstPage=${range[0]}`, `-dLastPage=${range[1]}`] : []),
      `-sOutputFile=${file}`,
      'pdfx-def.ps',
      'black-as-k.pdf',
    ];
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(Math.floor(options.date.getTime() / 1000)) };
    const files = ranges.length > 1 ? ranges.map((_, k) => `pdfx-${k + 1}.pdf`) : ['pdfx.pdf'];
    await inTurn(ranges.map((range, k) => () => ghostscript(args(range, files[k]), work, env, options.version)), options.jobs ?? 1);
    if (files.length > 1) {
      // The first range's document (its catalog with the output intent, its information with the
      // PDF/X keys and dates), with every range's pages in order; the file's ID made from its content.
      await run('qpdf', ['--deterministic-id', files[0], '--pages', ...files, '--', 'pdfx.pdf'], { cwd: work }).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
        if (error.code === 'ENOENT') throw new BuildError('qpdf is not installed: a long book\'s PDF/X is joined with it. Run `bash scripts/setup.sh` (Debian package `qpdf`).');
        // Exit code 3: warnings only, the file is written.
        if ((error as { code?: unknown }).code !== 3) throw new BuildError(`qpdf could not join the PDF/X's page ranges: ${(error.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`);
      });
    }
    await copyFile(path.join(work, 'pdfx.pdf'), output);
    return { ms: Math.round(performance.now() - started), writer: 'ghostscript', obstacles, processes: ranges.length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One Ghostscript run in `cwd`; a run that could not keep to PDF/X is an error. */
async function ghostscript(args: string[], cwd: string, env: NodeJS.ProcessEnv, version: Exclude<PdfxVersion, 'none'>): Promise<void> {
  const { stdout, stderr } = await run('gs', args, { cwd, env, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }).catch((error: NodeJS.ErrnoException & { stderr?: string; stdout?: string }) => {
    if (error.code === 'ENOENT') throw new BuildError('Ghostscript is not installed: the PDF/X needs `gs`. Run `bash scripts/setup.sh` (Debian package `ghostscript`), or set `print.pdfx: none` in book.yaml.');
    throw new BuildError(`Ghostscript could not write the PDF/X: ${`${error.stderr ?? ''}${error.stdout ?? ''}`.trim().split('\n').slice(-3).join(' ')}`);
  });
  // Ghostscript says so, and writes a plain PDF, when something forbids PDF/X.
  const said = `${stdout}${stderr}`;
  if (/reverting to normal PDF output|not permitted in PDF\/X/i.test(said)) {
    throw new BuildError(`Ghostscript could not write a ${pdfxNames[version]}: ${said.trim().split('\n').join(' ')}`);
  }
}
