/**
 * Black as K alone, before Ghostscript converts the colours. Chromium writes every black of the
 * page — text, rules, the barcode's bars — as DeviceRGB `0 0 0 rg` / `0 0 0 RG` (or DeviceGray
 * `0 g`). Converted through a press profile, RGB black becomes a four-colour black (about 300 %
 * ink), which a printer refuses for text: the colours of a thin letter never register exactly.
 * Rewritten here as DeviceCMYK `0 0 0 1 k` / `K`, it passes Ghostscript's conversion untouched
 * (pdfwrite leaves colours already in the target space as they are), and every other colour still
 * goes through the profile. Ghostscript's own `-dBlackText` / `-dBlackVector` would do it for
 * black, but pdfwrite applies them to every text and every vector whatever its colour (its
 * thresholds are not read): the cover's light title and dark ground came out black.
 *
 * A pure transform of the PDF's content streams (pages and form XObjects): operators only, at
 * token boundaries; strings and images are not touched (Chromium writes text as hex glyph ids).
 */
import { deflate, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFArray, PDFStream } from 'pdf-lib';

const deflateAsync = promisify(deflate);

const blackOperators: Array<[RegExp, string]> = [
  [/(^|\s)0(?:\.0+)? 0(?:\.0+)? 0(?:\.0+)? rg(?=\s|$)/g, '$10 0 0 1 k'],
  [/(^|\s)0(?:\.0+)? 0(?:\.0+)? 0(?:\.0+)? RG(?=\s|$)/g, '$10 0 0 1 K'],
  [/(^|\s)0(?:\.0+)? g(?=\s|$)/g, '$10 0 0 1 k'],
  [/(^|\s)0(?:\.0+)? G(?=\s|$)/g, '$10 0 0 1 K'],
];

/** The content with its black operators rewritten; `count` how many. */
export function blackToKContent(content: string): { content: string; count: number } {
  let count = 0;
  let result = content;
  for (const [pattern, replacement] of blackOperators) {
    result = result.replace(pattern, (...match: string[]) => {
      count++;
      return replacement.replace('$1', match[1]);
    });
  }
  return { content: result, count };
}

/**
 * A stream's decoded bytes, when it is Flate-compressed (without predictor) or not compressed;
 * otherwise undefined (left as it is, and refused by the PDF/X allowlist).
 */
export function streamBytes(stream: PDFRawStream): Uint8Array | undefined {
  const filter = stream.dict.get(PDFName.of('Filter'));
  if (filter === undefined) return stream.contents;
  const only = filter instanceof PDFArray && filter.size() === 1 ? filter.get(0) : filter;
  if (only !== PDFName.of('FlateDecode') || stream.dict.has(PDFName.of('DecodeParms'))) return undefined;
  return inflateSync(stream.contents);
}

/** A content stream's text (latin1), when `streamBytes` can read it. */
function decode(doc: PDFDocument, ref: PDFRef): string | undefined {
  const stream = doc.context.lookup(ref);
  const bytes = stream instanceof PDFRawStream ? streamBytes(stream) : undefined;
  return bytes === undefined ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The content streams of a page or form: its /Contents, and its form XObjects, recursively. */
export function contentRefs(doc: PDFDocument, node: PDFDict | PDFStream, seen: Set<string>): PDFRef[] {
  const refs: PDFRef[] = [];
  const dict = node instanceof PDFStream ? node.dict : node;
  const contents = dict.get(PDFName.of('Contents'));
  if (contents instanceof PDFRef) refs.push(contents);
  if (contents instanceof PDFArray) for (const item of contents.asArray()) if (item instanceof PDFRef) refs.push(item);
  const resources = dict.lookupMaybe(PDFName.of('Resources'), PDFDict);
  const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
  for (const value of xobjects?.values() ?? []) {
    if (!(value instanceof PDFRef) || seen.has(value.toString())) continue;
    seen.add(value.toString());
    const form = doc.context.lookup(value);
    if (form instanceof PDFStream && form.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) {
      refs.push(value);
      refs.push(...contentRefs(doc, form, seen));
    }
  }
  return refs;
}

/** The content streams of the document's pages and forms, each read once, to be rewritten as text and written back (`writeContents`). */
export interface DecodedContents {
  /** Each stream's text (latin1), by its reference, in page order. */
  texts: Map<PDFRef, string>;
  /** The streams whose text has changed since they were read. */
  changed: Set<PDFRef>;
}

/** Every page's content streams (and their forms'), read once, with black already as K alone. */
export function decodeContents(doc: PDFDocument): DecodedContents {
  const seen = new Set<string>();
  const texts = new Map<PDFRef, string>();
  const changed = new Set<PDFRef>();
  for (const page of doc.getPages()) {
    for (const ref of contentRefs(doc, page.node, seen)) {
      if (texts.has(ref)) continue;
      const text = decode(doc, ref);
      if (text === undefined) continue;
      const black = blackToKContent(text);
      texts.set(ref, black.content);
      if (black.count > 0) changed.add(ref);
    }
  }
  return { texts, changed };
}

/** Rewrite every text of `contents` with `more`, noting those it changes. */
export function rewriteTexts(contents: DecodedContents, more: (content: string) => string): void {
  for (const [ref, text] of contents.texts) {
    const rewritten = more(text);
    if (rewritten === text) continue;
    contents.texts.set(ref, rewritten);
    contents.changed.add(ref);
  }
}

/**
 * The changed texts written back into their streams, Flate-compressed on zlib's threads (all at
 * once: the main thread waits for the last). Returns how many.
 */
export async function writeContents(doc: PDFDocument, contents: DecodedContents): Promise<number> {
  const refs = [...contents.changed];
  const compressed = await Promise.all(refs.map((ref) => deflateAsync(Buffer.from(contents.texts.get(ref)!, 'latin1'))));
  refs.forEach((ref, i) => {
    const stream = doc.context.lookup(ref) as PDFRawStream;
    const dict = stream.dict.clone(doc.context);
    dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
    dict.delete(PDFName.of('DecodeParms'));
    dict.set(PDFName.of('Length'), PDFNumber.of(compressed[i].length));
    doc.context.assign(ref, PDFRawStream.of(dict, compressed[i]));
  });
  contents.changed.clear();
  return refs.length;
}
