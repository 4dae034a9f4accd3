/**
 * The printed parts of the book (render.ts, `renderParts`) joined into one PDF with pdf-lib, in
 * book order, with a blank page wherever the whole book would have had one between them (a part
 * ending on a right-hand page: the next opens on the right). Each part is read, copied and let go
 * in turn. The post-processing (postprocess.ts) then writes boxes, outline, links and metadata.
 */
import { readFile } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';

export async function joinParts(parts: Array<{ pdf?: string; start: number }>, blanks: number[]): Promise<PDFDocument> {
  const book = await PDFDocument.create({ updateMetadata: false });
  const pending = [...blanks];
  for (const part of parts) {
    if (part.pdf === undefined) throw new Error('A part of the book was not printed');
    const doc = await PDFDocument.load(await readFile(part.pdf), { updateMetadata: false });
    const copied = await book.copyPages(doc, doc.getPageIndices());
    while (pending.length > 0 && pending[0] === book.getPageCount()) {
      pending.shift();
      const media = copied[0].getMediaBox();
      book.addPage([media.width, media.height]).setMediaBox(media.x, media.y, media.width, media.height);
    }
    if (book.getPageCount() !== part.start) throw new Error(`The part that begins on page ${part.start + 1} comes after ${book.getPageCount()} pages`);
    for (const page of copied) book.addPage(page);
  }
  return book;
}
