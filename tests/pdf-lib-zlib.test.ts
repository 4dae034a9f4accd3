/**
 * pdf-lib's compression through Node's zlib (scripts/output/pdf/pdf-lib.ts): the streams it makes
 * inflate to what was given, a call with options still goes to pako, and a PDF written with object
 * streams reads back whole.
 */
import { describe, expect, it } from 'vitest';
import { deflateSync, inflateRawSync, inflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { PDFDocument, cmyk } from 'pdf-lib';
import { loadPdf, pdfBytes } from '../scripts/output/pdf/pdf-lib.ts';

const pako = createRequire(import.meta.url)('pako') as { deflate: (data: Uint8Array, options?: unknown) => Uint8Array; zlibDeflate?: true };

describe('pdf-lib compressing through zlib', () => {
  it('makes its Flate streams with zlib, which inflate to their content', async () => {
    // The pako pdf-lib requires is the one pointed at zlib.
    expect(createRequire(require.resolve('pdf-lib'))('pako')).toBe(pako);
    expect(pako.zlibDeflate).toBe(true);
    const doc = await PDFDocument.create();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const stream = doc.context.flateStream(bytes);
        expect(Buffer.from(stream.contents).equals(deflateSync(bytes))).toBe(true);
        expect(inflateSync(stream.contents).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('leaves a call with options to pako', () => {
    expect(inflateRawSync(pako.deflate(Buffer.from('Albi, Carcassonne'), { raw: true })).toString()).toBe('Albi, Carcassonne');
  });

  it('writes a PDF with object streams that reads back whole', async () => {
    const doc = await PDFDocument.create({ updateMetadata: false });
    for (let i = 0; i < 3; i++) doc.addPage([200, 300]).drawRectangle({ x: 10 * i, y: 10, width: 50, height: 50, color: cmyk(0, 0, 0, 1) });
    const bytes = await pdfBytes(doc, { objectStreams: true });
    expect(Buffer.from(bytes).toString('latin1')).toMatch(/\/ObjStm/);
    expect((await loadPdf(bytes)).getPageCount()).toBe(3);
  });
});
