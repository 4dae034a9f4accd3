/**
 * The print settings of a book: the printer preset (scripts/output/print/printers.ts) with what
 * `print:` in book.yaml changes, the trim from `trim:`, and the sizes that follow from the page
 * count (spine, cover). Pure: book.yaml's values in, numbers in millimetres out.
 */
import path from 'node:path';
import type { Book } from '../../model/index.ts';
import { BuildError } from '../../errors.ts';
import { report } from '../../check/messages.ts';
import type { PdfxVersion, PrinterName, SpineDirection } from '../../config/print-schema.ts';
import { papers, printers, type PrinterPreset } from './printers.ts';

export interface PrintSettings {
  printer: PrinterName;
  preset: PrinterPreset;
  trim: { width: number; height: number };
  bleed: number;
  pdfx: PdfxVersion;
  inkLimit: number;
  paper: { name: string; description: string; leafMm: number };
  spineDirection: SpineDirection;
  minTextPt: number;
  minLinePt: number;
}

const units: Record<string, number> = { mm: 1, cm: 10, in: 25.4, pt: 25.4 / 72 };

/** A length (`3mm`, `0.125in`, `0.25pt`) in millimetres; undefined when it is none. */
export function lengthMm(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$/.exec(value);
  return match ? Number(match[1]) * units[match[2]] : undefined;
}

const toPt = (mm: number) => (mm * 72) / 25.4;

function configError(book: Book, message: string): BuildError {
  const config = book.files.find((file) => path.basename(file.path) === 'book.yaml');
  if (config) report(config, 'config-invalid', message);
  return new BuildError(message, config ? [config] : []);
}

/** The paper of `print.paper`: a named stock, the caliper of one leaf (`0.1mm`) or pages per inch (`444ppi`). */
export function paperOf(value: string): PrintSettings['paper'] | undefined {
  const text = value.trim();
  const named = papers[text];
  if (named) return { name: text, ...named };
  const caliper = /^(\d+(?:\.\d+)?)\s*mm$/.exec(text);
  if (caliper && Number(caliper[1]) > 0 && Number(caliper[1]) < 2) return { name: text, description: `${caliper[1]} mm a leaf`, leafMm: Number(caliper[1]) };
  const ppi = /^(\d+(?:\.\d+)?)\s*ppi$/.exec(text);
  if (ppi && Number(ppi[1]) >= 100 && Number(ppi[1]) <= 2000) return { name: text, description: `${ppi[1]} pages per inch`, leafMm: (2 * 25.4) / Number(ppi[1]) };
  return undefined;
}

export function printSettings(book: Book, trim: { width: number; height: number }): PrintSettings {
  const print = book.meta.config.print;
  const preset = printers[print.printer];
  const paperName = print.paper ?? preset.paper;
  const paper = paperOf(paperName);
  if (!paper) {
    throw configError(
      book,
      `Unknown paper \`${paperName}\` in book.yaml (\`print.paper\`): give one of ${Object.keys(papers).map((name) => `\`${name}\``).join(', ')}, the caliper of a leaf such as \`0.1mm\`, or pages per inch such as \`444ppi\``,
    );
  }
  const bleed = print.bleed === undefined ? preset.bleedMm : lengthMm(print.bleed)!;
  if (bleed < 0 || bleed > 20) throw configError(book, `Bleed \`${print.bleed}\` in book.yaml (\`print.bleed\`) is out of range: give between 0 and 20 mm (printers ask 3 to 5 mm)`);
  return {
    printer: print.printer,
    preset,
    trim,
    bleed,
    pdfx: print.pdfx ?? preset.pdfx,
    inkLimit: print['ink-limit'] ?? preset.inkLimit,
    paper,
    spineDirection: print['spine-direction'] ?? 'bottom-to-top',
    minTextPt: print['min-text-size'] === undefined ? preset.minTextPt : toPt(lengthMm(print['min-text-size'])!),
    minLinePt: print['min-line-width'] === undefined ? preset.minLinePt : toPt(lengthMm(print['min-line-width'])!),
  };
}

export interface CoverGeometry {
  pages: number;
  spine: number;
  width: number;
  height: number;
  /** Spine text is printed (the spine is wide enough and the book long enough). */
  spineText: boolean;
}

/** Millimetres rounded to a hundredth, as the specification sheet gives them. */
export const round2 = (mm: number) => Math.round(mm * 100) / 100;

/** Spine = pages ÷ 2 leaves × the caliper of a leaf; cover = back + spine + front + bleed on the outer edges. */
export function coverGeometry(settings: PrintSettings, pages: number): CoverGeometry {
  const spine = round2((pages / 2) * settings.paper.leafMm);
  const { trim, bleed, preset } = settings;
  return {
    pages,
    spine,
    width: round2(2 * trim.width + spine + 2 * bleed),
    height: round2(trim.height + 2 * bleed),
    spineText: spine >= preset.spineText.minMm && pages >= preset.spineText.minPages,
  };
}
