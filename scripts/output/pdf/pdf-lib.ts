/**
 * pdf-lib as the build uses it: a PDF read or written in one go. pdf-lib yields to the event loop
 * (`setTimeout`) every 100 objects it parses and every 50 it writes, for a browser's page that must
 * stay responsive; in a build each pause is a millisecond or two of nothing (the 20k-word book's
 * book.pdf, 8,800 objects: read in 99 ms instead of 206, written without object streams in 32 ms
 * instead of 423). The same bytes either way. The metadata are the build's to set (`updateMetadata`
 * off: pdf-lib would stamp its own producer and the clock).
 */
import { PDFDocument, ParseSpeeds } from 'pdf-lib';

/** Read a PDF without pauses, its metadata left as they are. */
export function loadPdf(bytes: Uint8Array | ArrayBuffer): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
}

/** Write a PDF without pauses; `objectStreams`: its objects packed in compressed streams (PDF 1.5). */
export function pdfBytes(doc: PDFDocument, { objectStreams }: { objectStreams: boolean }): Promise<Uint8Array> {
  return doc.save({ useObjectStreams: objectStreams, objectsPerTick: Infinity });
}
