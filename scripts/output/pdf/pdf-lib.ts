/**
 * pdf-lib as the build uses it: a PDF read or written in one go. pdf-lib yields to the event loop
 * (`setTimeout`) every 100 objects it parses and every 50 it writes, for a browser's page that must
 * stay responsive; in a build each pause is a millisecond or two of nothing (the 20k-word book's
 * book.pdf, 8,800 objects: read in 99 ms instead of 206, written without object streams in 32 ms
 * instead of 423). The same bytes either way. The metadata are the build's to set (`updateMetadata`
 * off: pdf-lib would stamp its own producer and the clock).
 */
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';

/**
 * pdf-lib compresses the streams it makes (object streams, `flateStream`) with pako's `deflate`, in
 * JavaScript on the main thread: 250 ms of the 20k-word book's PDF build, most of it writing
 * book.pdf, book-screen.pdf and book-crop.pdf. Node's zlib does the same (RFC 1950) natively, 3 to
 * 5 times faster: pako's `deflate` is pointed at it for pdf-lib's calls, which pass no options (a call
 * with options keeps pako's own). Other bytes, the same PDF once inflated
 * (tests/pdf-lib-zlib.test.ts).
 */
const pako = createRequire(import.meta.url)('pako') as { deflate: (data: Uint8Array, options?: unknown) => Uint8Array; zlibDeflate?: true };
if (!pako.zlibDeflate) {
  const own = pako.deflate;
  pako.deflate = (data, options) => (options === undefined ? deflateSync(data) : own(data, options));
  pako.zlibDeflate = true;
}

/** Read a PDF without pauses, its metadata left as they are. */
export function loadPdf(bytes: Uint8Array | ArrayBuffer): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
}

/** Write a PDF without pauses; `objectStreams`: its objects packed in compressed streams (PDF 1.5). */
export function pdfBytes(doc: PDFDocument, { objectStreams }: { objectStreams: boolean }): Promise<Uint8Array> {
  return doc.save({ useObjectStreams: objectStreams, objectsPerTick: Infinity });
}
