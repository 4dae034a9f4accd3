/**
 * The `print:` section of book.yaml: what the printer needs beyond the trim size (docs/pdf.md,
 * "Print production"). Every key is optional: the printer preset (`printer`) gives the defaults,
 * and a key set here wins over the preset.
 */
import { z } from 'zod';

export const printerNames = ['generic', 'ingramspark', 'kdp', 'bod'] as const;
export type PrinterName = (typeof printerNames)[number];

/** PDF/X versions Debian's Ghostscript (10.0) writes, or `none` for a plain PDF (KDP). */
export const pdfxVersions = ['x-1a', 'x-3', 'none'] as const;
export type PdfxVersion = (typeof pdfxVersions)[number];

export const spineDirections = ['bottom-to-top', 'top-to-bottom'] as const;
export type SpineDirection = (typeof spineDirections)[number];

/** A length in mm or pt (`3mm`, `0.25pt`), read by scripts/output/print/settings.ts. */
const length = z.string().regex(/^\s*\d+(\.\d+)?\s*(mm|cm|in|pt)\s*$/, 'a length such as 3mm, 0.125in or 0.25pt');

export const printSchema = z
  .object({
    printer: z.enum(printerNames).default('generic'),
    pdfx: z.enum(pdfxVersions).optional(),
    /** A named stock (`offset-80`…), the caliper of one leaf (`0.1mm`), or pages per inch (`444ppi`). */
    paper: z
      .string()
      .regex(/^\s*([a-z][a-z0-9-]*|\d+(\.\d+)?\s*mm|\d+(\.\d+)?\s*ppi)\s*$/, 'a paper name such as offset-80, the caliper of a leaf such as 0.1mm, or pages per inch such as 444ppi')
      .optional(),
    'ink-limit': z.number().int().min(180, 'an ink limit between 180 and 400 (%)').max(400, 'an ink limit between 180 and 400 (%)').optional(),
    bleed: length.optional(),
    'spine-direction': z.enum(spineDirections).optional(),
    'min-text-size': length.optional(),
    'min-line-width': length.optional(),
    /** The page margins, instead of the print design's (templates/print/print.css): each side optional. */
    margins: z.object({ top: length.optional(), bottom: length.optional(), inside: length.optional(), outside: length.optional() }).strict().optional(),
  })
  .strict()
  .default({});

export type PrintConfig = z.output<typeof printSchema>;
