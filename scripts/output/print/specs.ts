/**
 * `print-specs.json` and `print-specs.txt`: what a printer's order form asks, from the settings and
 * the finished files. Lengths in millimetres (numbers in the JSON). The text version is the same
 * data, one line each, in English like the tool's other reports (it is for the printer, not a page
 * of the book).
 */
import type { Book } from '../../model/index.ts';
import { isbn13 } from './barcode.ts';
import type { PressProfile } from './icc-profile.ts';
import { fogra39 } from './icc-profile.ts';
import { pdfxNames } from './pdfx.ts';
import { round2, type CoverGeometry, type PrintSettings } from './settings.ts';

export interface PrintSpecs {
  title: string;
  isbn: string | null;
  printer: { id: string; name: string };
  trim: { width: number; height: number };
  bleed: number;
  pages: number;
  /** Blank pages added at the end for an even count. */
  blankPagesAdded: number;
  paper: { name: string; description: string; leaf: number };
  spine: { width: number; text: boolean; direction: string };
  cover: { width: number; height: number };
  profile: { condition: string; registry: string; description: string } | null;
  pdfx: string | null;
  inkLimit: number;
  files: { interior: string; cover: string };
}

export function printSpecs(
  book: Book,
  settings: PrintSettings,
  geometry: CoverGeometry,
  options: { profile?: PressProfile; blankPagesAdded: number; files: { interior: string; cover: string } },
): PrintSpecs {
  const isbn = book.meta.identifiers.isbn;
  return {
    title: book.meta.title,
    isbn: isbn ? isbn13(isbn) : null,
    printer: { id: settings.printer, name: settings.preset.name },
    trim: { width: round2(settings.trim.width), height: round2(settings.trim.height) },
    bleed: round2(settings.bleed),
    pages: geometry.pages,
    blankPagesAdded: options.blankPagesAdded,
    paper: { name: settings.paper.name, description: settings.paper.description, leaf: round2(settings.paper.leafMm * 1000) / 1000 },
    spine: { width: geometry.spine, text: geometry.spineText, direction: settings.spineDirection },
    cover: { width: geometry.width, height: geometry.height },
    profile: options.profile ? { condition: fogra39.identifier, registry: fogra39.registry, description: options.profile.description } : null,
    pdfx: settings.pdfx === 'none' ? null : pdfxNames[settings.pdfx],
    inkLimit: settings.inkLimit,
    files: options.files,
  };
}

const num = (value: number) => String(value).replace(/\.0+$/, '');

export function printSpecsText(specs: PrintSpecs): string {
  const lines: Array<[string, string]> = [
    ['Title', specs.title],
    ['ISBN', specs.isbn ?? 'none yet'],
    ['Printer', `${specs.printer.name} (print.printer: ${specs.printer.id})`],
    ['Trim size', `${num(specs.trim.width)} × ${num(specs.trim.height)} mm`],
    ['Bleed', `${num(specs.bleed)} mm on each outer edge`],
    ['Pages', `${specs.pages}${specs.blankPagesAdded ? ` (${specs.blankPagesAdded} blank added at the end)` : ''}`],
    ['Paper', `${specs.paper.description} (${specs.paper.name}), ${num(specs.paper.leaf)} mm a leaf`],
    ['Spine width', `${num(specs.spine.width)} mm${specs.spine.text ? `, text ${specs.spine.direction.replaceAll('-', ' ')}` : ', no text (too narrow)'}`],
    ['Cover (flat, with bleed)', `${num(specs.cover.width)} × ${num(specs.cover.height)} mm`],
    ['Colour', specs.profile ? `CMYK, output intent ${specs.profile.condition} (${specs.profile.description})` : 'RGB, plain PDF (the printer converts)'],
    ['Total ink limit', `${specs.inkLimit} %`],
    ['File format', specs.pdfx ?? 'PDF (fonts embedded)'],
    ['Interior file', specs.files.interior],
    ['Cover file', specs.files.cover],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  return `Print specifications\n\n${lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}
