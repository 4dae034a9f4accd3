/**
 * A PDF's incremental update (scripts/output/pdf/incremental.ts): the objects that changed after
 * the file, which qpdf, poppler and pdf-lib then read as the newest; new objects numbered past the
 * object streams pdf-lib wrote into the file without counting them.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFArray, PDFDocument, PDFName, cmyk } from 'pdf-lib';
import { appendUpdate, crossReferenceSize, lastCrossReference } from '../scripts/output/pdf/incremental.ts';
import { loadPdf, pdfBytes } from '../scripts/output/pdf/pdf-lib.ts';

const run = promisify(execFile);

async function threePages(): Promise<{ doc: PDFDocument; base: Uint8Array }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  for (let i = 0; i < 3; i++) doc.addPage([200, 300]).drawRectangle({ x: 10 + 20 * i, y: 10, width: 50, height: 50, color: cmyk(0, 0, 0, 1) });
  return { doc, base: await pdfBytes(doc, { objectStreams: true }) };
}

describe('an incremental update', () => {
  it('gives a page its new boxes and a new content stream, after the file left as it is', async () => {
    const { doc, base } = await threePages();
    const size = crossReferenceSize(base);
    // pdf-lib numbered its object streams past the context's objects without counting them.
    expect(size).toBeGreaterThan(doc.context.largestObjectNumber + 1);
    doc.context.largestObjectNumber = Math.max(doc.context.largestObjectNumber, size - 1);
    const [, second, third] = doc.getPages();
    second.setTrimBox(5, 5, 190, 290);
    const mark = doc.context.register(doc.context.flateStream('q 1 1 1 1 K 0 0 m 20 20 l S Q\n'));
    expect(mark.objectNumber).toBeGreaterThanOrEqual(size);
    const contents = third.node.get(PDFName.of('Contents'));
    third.node.set(PDFName.of('Contents'), doc.context.obj([...(contents instanceof PDFArray ? contents.asArray() : [contents!]), mark]));
    const updated = appendUpdate(base, doc.context, [second.ref, third.ref, mark]);
    expect(Buffer.from(updated.subarray(0, base.length)).equals(Buffer.from(base))).toBe(true);
    expect(lastCrossReference(updated)).toBeGreaterThan(base.length);

    const work = await mkdtemp(path.join(os.tmpdir(), 'incremental-'));
    try {
      const file = path.join(work, 'updated.pdf');
      await writeFile(file, updated);
      await run('qpdf', ['--check', file]);
      expect((await run('pdfinfo', ['-box', '-f', '2', '-l', '2', file])).stdout).toMatch(/Page +2 TrimBox: +5\.00 +5\.00 +195\.00 +295\.00/);
      const reread = await loadPdf(updated);
      expect(reread.getPageCount()).toBe(3);
      expect(reread.getPage(1).getTrimBox()).toEqual({ x: 5, y: 5, width: 190, height: 290 });
      const thirdContents = reread.getPage(2).node.lookup(PDFName.of('Contents'), PDFArray);
      expect(thirdContents.size()).toBe((contents instanceof PDFArray ? contents.size() : 1) + 1);
      // The first page is the file's own.
      expect(reread.getPage(0).getTrimBox()).toEqual({ x: 0, y: 0, width: 200, height: 300 });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
