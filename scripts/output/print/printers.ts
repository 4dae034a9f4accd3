/**
 * Printer presets (`print.printer` in book.yaml) and paper stocks (`print.paper`). Each number comes
 * from the printer's published file specifications as docs/pdf.md cites them ("Printer presets");
 * where the doc marks a number as unsure, it is a cautious default to check against the printer's
 * current guide, not a figure taken from it.
 */
import type { PdfxVersion, PrinterName } from '../../config/print-schema.ts';

export interface PrinterPreset {
  /** The printer's name as the specification sheet shows it. */
  name: string;
  /** Bleed on each outer edge, in mm. */
  bleedMm: number;
  /** The file version the printer asks for. */
  pdfx: PdfxVersion;
  /** Total area coverage limit (C + M + Y + K), in %. */
  inkLimit: number;
  /** Default paper (a key of `papers`). */
  paper: string;
  /**
   * The printer's safety zone: how far from the trim every text and picture must stay, in mm —
   * page margins, running heads and folios included. `inside` (the spine edge) may grow with the
   * page count (KDP): the row with the largest `fromPages` not above the book's count applies.
   */
  minMarginMm: { inside: number | Array<{ fromPages: number; mm: number }>; outside: number; top: number; bottom: number };
  /** EAN-13 magnification (1 = the nominal 37.29 × 25.93 mm symbol of ISO/IEC 15420). */
  barcodeScale: number;
  /** Smallest text size, in pt. */
  minTextPt: number;
  /** Thinnest line, in pt. */
  minLinePt: number;
  /** Spine text only when the spine is at least this wide (mm) and the book this long (pages). */
  spineText: { minMm: number; minPages: number };
}

export const printers: Record<PrinterName, PrinterPreset> = {
  // A French offset printer: FOGRA39 (ISO 12647-2 coated), 300 % as in ECI's "ISO Coated v2 300 %".
  generic: {
    name: 'Generic offset printer (FOGRA39)',
    bleedMm: 3,
    pdfx: 'x-3',
    inkLimit: 300,
    paper: 'offset-80',
    minMarginMm: { inside: 10, outside: 5, top: 5, bottom: 5 },
    barcodeScale: 1,
    minTextPt: 6,
    minLinePt: 0.25,
    spineText: { minMm: 6, minPages: 0 },
  },
  // IngramSpark File Creation Guide: 0.125 in bleed, PDF/X-1a:2001, 240 % total ink.
  ingramspark: {
    name: 'IngramSpark',
    bleedMm: 3.175,
    pdfx: 'x-1a',
    inkLimit: 240,
    paper: 'offset-80',
    minMarginMm: { inside: 12.7, outside: 12.7, top: 12.7, bottom: 12.7 },
    barcodeScale: 1,
    minTextPt: 7,
    minLinePt: 0.25,
    spineText: { minMm: 6, minPages: 48 },
  },
  // KDP paperback: 0.125 in bleed, plain PDF (fonts embedded, transparency flattened), spine text
  // from 80 pages, white paper 0.002252 in per page.
  kdp: {
    name: 'Amazon KDP (paperback)',
    bleedMm: 3.175,
    pdfx: 'none',
    inkLimit: 240,
    paper: 'kdp-white',
    // KDP's "Paperback Manuscript Formatting": outside, top and bottom 0.375 in with bleed; inside
    // 0.375 in up to 150 pages, 0.5 in to 300, 0.625 in to 500, 0.75 in to 700, 0.875 in beyond.
    minMarginMm: {
      inside: [
        { fromPages: 0, mm: 9.525 },
        { fromPages: 151, mm: 12.7 },
        { fromPages: 301, mm: 15.875 },
        { fromPages: 501, mm: 19.05 },
        { fromPages: 701, mm: 22.225 },
      ],
      outside: 9.525,
      top: 9.525,
      bottom: 9.525,
    },
    barcodeScale: 1,
    minTextPt: 7,
    minLinePt: 0.25,
    spineText: { minMm: 6, minPages: 80 },
  },
  // Books on Demand (Norderstedt; BoD France): 5 mm bleed.
  bod: {
    name: 'Books on Demand (BoD)',
    bleedMm: 5,
    pdfx: 'x-3',
    inkLimit: 300,
    paper: 'offset-80',
    minMarginMm: { inside: 15, outside: 10, top: 10, bottom: 10 },
    barcodeScale: 1,
    minTextPt: 6,
    minLinePt: 0.25,
    spineText: { minMm: 6, minPages: 0 },
  },
};

export interface Paper {
  description: string;
  /** Thickness of one leaf (two pages), in mm. */
  leafMm: number;
}

/**
 * Named stocks. Offset papers: grammage × a book offset's usual bulk of 1.25 cm³/g (typical; the
 * printer's caliper wins: give it as `print.paper: 0.104mm` or in pages per inch, `444ppi`). KDP's
 * figures are its published per-page thicknesses (0.002252 in white, 0.0025 in cream).
 */
export const papers: Record<string, Paper> = {
  'offset-70': { description: '70 g/m² uncoated offset', leafMm: 0.0875 },
  'offset-80': { description: '80 g/m² uncoated offset', leafMm: 0.1 },
  'offset-90': { description: '90 g/m² uncoated offset', leafMm: 0.1125 },
  'kdp-white': { description: 'KDP white paper (0.002252 in per page)', leafMm: 2 * 0.002252 * 25.4 },
  'kdp-cream': { description: 'KDP cream paper (0.0025 in per page)', leafMm: 2 * 0.0025 * 25.4 },
};
