/**
 * Print production, part of the `pdf` format: from the finished `book.pdf`, the files a printer
 * receives — `book-pdfx.pdf` (PDF/X, CMYK, output intent), `book-cover.pdf` (back, spine, front)
 * and its PDF/X, `print-specs.json` and `print-specs.txt` — and the preflight that runs before
 * them. Written into the PDF writer's staging folder: a failed build leaves build/ untouched.
 * See docs/pdf.md, "Print production".
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Book } from '../../model/index.ts';
import { report } from '../../check/messages.ts';
import type { BookFonts } from '../fonts.ts';
import { writeCover } from './cover.ts';
import { embeddingRefused, fsTypeOf } from './font-licence.ts';
import { pressProfile, type PressProfile } from './icc-profile.ts';
import { writePdfx, type ReadPdf } from './pdfx.ts';
import { coverGeometry, type PrintSettings } from './settings.ts';
import { printSpecs, printSpecsText, type PrintSpecs } from './specs.ts';

export { printSettings, type PrintSettings } from './settings.ts';

export const PRINT_FILES = {
  pdfx: 'book-pdfx.pdf',
  cover: 'book-cover.pdf',
  coverPdfx: 'book-cover-pdfx.pdf',
  specs: 'print-specs.json',
  specsText: 'print-specs.txt',
} as const;

/** `print-font-embedding`: every face the PDF may embed, by its OS/2 fsType. */
export async function checkFontLicences(file: VFile, fonts: BookFonts): Promise<void> {
  const seen = new Set<string>();
  for (const face of fonts.faces) {
    if (seen.has(face.file)) continue;
    seen.add(face.file);
    const fsType = fsTypeOf(await readFile(face.file));
    const refused = fsType === undefined ? undefined : embeddingRefused(fsType);
    if (refused) report(file, 'print-font-embedding', `Font ${path.basename(face.file)} (${face.family} ${face.weight} ${face.style}) cannot go to the printer: ${refused} (OS/2 fsType ${fsType}); use a font whose licence allows embedding`);
  }
}

export interface PrintProduction {
  files: string[];
  specs: PrintSpecs;
  /** Milliseconds: the press profile (from the cache, or built), the interior's PDF/X, the cover and its PDF/X. */
  timings: { profileMs: number; pdfxMs: number; coverMs: number };
  /** Who wrote the interior's PDF/X, and what made it Ghostscript (pdfx.ts). */
  pdfx?: { writer: 'pdf-lib' | 'ghostscript'; obstacles: string[] };
}

export interface CoverFiles {
  files: string[];
  ms: number;
}

/**
 * `book-cover.pdf` and its PDF/X, for a book of `pages` pages (the spine's width). Started as soon as
 * the layout has counted the pages: Chromium prints the cover while the interior is joined and
 * post-processed, before the interior's PDF/X (`writePrintProduction` waits for it).
 */
export async function writeCoverFiles(book: Book, dir: string, options: { settings: PrintSettings; pages: number; date: Date; workDir: string }): Promise<CoverFiles> {
  const { settings, date, workDir } = options;
  const started = performance.now();
  const pdfx = settings.pdfx === 'none' ? undefined : settings.pdfx;
  const cover = path.join(dir, PRINT_FILES.cover);
  await writeCover(book, { settings, geometry: coverGeometry(settings, options.pages), workDir: path.join(workDir, 'cover'), output: cover, date });
  if (pdfx) await writePdfx(cover, path.join(dir, PRINT_FILES.coverPdfx), { version: pdfx, profile: await pressProfile(settings.inkLimit), date, workDir });
  return { files: pdfx ? [PRINT_FILES.cover, PRINT_FILES.coverPdfx] : [PRINT_FILES.cover], ms: Math.round(performance.now() - started) };
}

export async function writePrintProduction(
  book: Book,
  dir: string,
  options: { settings: PrintSettings; pages: number; blankPagesAdded: number; date: Date; workDir: string; /** book.pdf, read already (post-processing hands it over). */ interior: ReadPdf; /** The cover's files, being written (`writeCoverFiles`, for the same pages). */ cover: Promise<CoverFiles>; /** Ghostscript processes at most for the interior, if Ghostscript writes it. */ jobs?: number },
): Promise<PrintProduction> {
  const { settings, date, workDir } = options;
  const geometry = coverGeometry(settings, options.pages);
  const pdfx = settings.pdfx === 'none' ? undefined : settings.pdfx;
  const started = performance.now();
  const profile: PressProfile | undefined = pdfx ? await pressProfile(settings.inkLimit) : undefined;
  const profileMs = Math.round(performance.now() - started);
  const files: string[] = [];
  // The interior's PDF/X beside the cover, whose Chromium may still be printing.
  const [interior, cover] = await Promise.all([
    pdfx && profile ? writePdfx(options.interior, path.join(dir, PRINT_FILES.pdfx), { version: pdfx, profile, date, workDir, jobs: options.jobs }) : undefined,
    options.cover,
  ]);
  if (pdfx) files.push(PRINT_FILES.pdfx);
  files.push(...cover.files);
  const specs = printSpecs(book, settings, geometry, {
    profile,
    blankPagesAdded: options.blankPagesAdded,
    files: pdfx ? { interior: PRINT_FILES.pdfx, cover: PRINT_FILES.coverPdfx } : { interior: 'book.pdf', cover: PRINT_FILES.cover },
  });
  await writeFile(path.join(dir, PRINT_FILES.specs), `${JSON.stringify(specs, null, 2)}\n`);
  await writeFile(path.join(dir, PRINT_FILES.specsText), printSpecsText(specs));
  files.push(PRINT_FILES.specs, PRINT_FILES.specsText);
  return {
    files,
    specs,
    timings: { profileMs, pdfxMs: interior?.ms ?? 0, coverMs: cover.ms },
    pdfx: interior ? { writer: interior.writer, obstacles: interior.obstacles } : undefined,
  };
}
