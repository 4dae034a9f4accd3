/**
 * The printer's safety zone (`print-margin-too-small`): the minimum distance from the trim that
 * the chosen printer asks of every text and picture (printers.ts, `minMarginMm`), and the page
 * margins of the book — the print design's (templates/print/print.css) or book.yaml's
 * `print.margins`. Checked twice:
 *   - `book check` and every build, when book.yaml sets `print.margins`: each side against the
 *     printer's minimum, at its line in book.yaml (a check rule, scripts/check/rules/print.ts);
 *   - on the laid-out pages, by the PDF writer's preflight (pdf/browser/render.ts, marginProblems): the page area,
 *     the running heads and folios, and every block that stands outside the page area — before a
 *     file is written; an error stops a release build.
 */
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Book } from '../../model/index.ts';
import { parseYamlWithPlaces, type Place } from '../../config/load-config.ts';
import { printers, type PrinterPreset } from './printers.ts';
import { lengthMm } from './settings.ts';

/** Minimum distances (for the page handler, pdf/browser/render.ts) from the trim, in mm; `inside` by the book's page count (KDP's table). */
export interface MarginLimits {
  top: number;
  bottom: number;
  outside: number;
  inside: Array<{ fromPages: number; mm: number }>;
}

export type MarginSide = 'top' | 'bottom' | 'inside' | 'outside';
export const marginSides: MarginSide[] = ['top', 'bottom', 'inside', 'outside'];

/** The preset's minimums as the page handler reads them (inside as a table by page count). */
export function marginLimits(preset: PrinterPreset): MarginLimits {
  const { inside, outside, top, bottom } = preset.minMarginMm;
  return { top, bottom, outside, inside: typeof inside === 'number' ? [{ fromPages: 0, mm: inside }] : inside };
}

/** The inside minimum for a book of `pages` pages (or the smallest, when the count is not known yet). */
export function insideMinimum(preset: PrinterPreset, pages = 0): number {
  const rows = marginLimits(preset).inside.filter((row) => row.fromPages <= pages);
  return (rows.length ? rows : marginLimits(preset).inside).reduce((a, b) => (b.fromPages > a.fromPages ? b : a)).mm;
}

/** book.yaml's `print.margins`, in mm, side by side (undefined: the print design's). */
export function configMargins(book: Book): Partial<Record<MarginSide, number>> {
  const margins = book.meta.config.print.margins ?? {};
  const result: Partial<Record<MarginSide, number>> = {};
  for (const side of marginSides) if (margins[side] !== undefined) result[side] = lengthMm(margins[side]!);
  return result;
}

/**
 * A stylesheet, after the print design's, with book.yaml's margins (empty when it sets none):
 * inside is the left margin of a right-hand page and the right margin of a left-hand one.
 */
export function marginsCss(book: Book): string {
  const margins = configMargins(book);
  const mm = (value: number) => `${Math.round(value * 1000) / 1000}mm`;
  const rules: string[] = [];
  const all = [margins.top === undefined ? '' : `  margin-top: ${mm(margins.top)};`, margins.bottom === undefined ? '' : `  margin-bottom: ${mm(margins.bottom)};`].filter(Boolean);
  if (all.length) rules.push(`@page {\n${all.join('\n')}\n}`);
  const side = (left: number | undefined, right: number | undefined) => [left === undefined ? '' : `  margin-left: ${mm(left)};`, right === undefined ? '' : `  margin-right: ${mm(right)};`].filter(Boolean);
  const right = side(margins.inside, margins.outside);
  const left = side(margins.outside, margins.inside);
  if (right.length) rules.push(`@page :right {\n${right.join('\n')}\n}`, `@page :left {\n${left.join('\n')}\n}`);
  return rules.length ? `/* From book.yaml (print.margins): scripts/output/print/margins.ts. */\n${rules.join('\n')}\n` : '';
}

export function configFileOf(book: Book): VFile | undefined {
  return book.files.find((file) => path.basename(file.path) === 'book.yaml');
}

/** The place in book.yaml of `print.margins.<side>` (or of `print.margins`, `print.printer`, `print`), when book.yaml has one. */
export function marginPlace(book: Book, side?: string): { file: VFile; place: Place } | undefined {
  const file = configFileOf(book);
  if (!file) return undefined;
  const { document, placeOfPath } = parseYamlWithPlaces(String(file.value));
  for (const yamlPath of [['print', 'margins', side ?? ''], ['print', 'margins'], ['print', 'printer'], ['print']]) {
    if (document.hasIn(yamlPath)) return { file, place: placeOfPath(yamlPath) };
  }
  return { file, place: { line: 1, column: 1 } };
}

/** book.yaml's margins under the chosen printer's minimum, each with its message. */
export function configMarginProblems(book: Book): Array<{ side: MarginSide; message: string }> {
  const print = book.meta.config.print;
  const preset = printers[print.printer];
  const margins = configMargins(book);
  const problems: Array<{ side: MarginSide; message: string }> = [];
  for (const side of marginSides) {
    const value = margins[side];
    if (value === undefined) continue;
    const minimum = side === 'inside' ? insideMinimum(preset) : preset.minMarginMm[side];
    if (value < minimum - 0.005) {
      problems.push({ side, message: `The ${side} margin \`${print.margins![side]}\` (print.margins.${side} in book.yaml) is under the minimum of ${preset.name}, ${Math.round(minimum * 100) / 100} mm from the trim (docs/pdf.md): widen it to at least ${Math.ceil(minimum * 10) / 10}mm` });
    }
  }
  return problems;
}
