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
import { deflateSync, inflateSync } from 'node:zlib';
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFArray, PDFStream } from 'pdf-lib';

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

function rewrite(doc: PDFDocument, ref: PDFRef, more?: (content: string) => string): number {
  const stream = doc.context.lookup(ref);
  if (!(stream instanceof PDFRawStream)) return 0;
  const filter = stream.dict.get(PDFName.of('Filter'));
  const flate = filter === PDFName.of('FlateDecode') || (filter instanceof PDFArray && filter.size() === 1 && filter.get(0) === PDFName.of('FlateDecode'));
  if (filter !== undefined && !flate) return 0;
  const bytes = flate ? inflateSync(stream.contents) : Buffer.from(stream.contents);
  const black = blackToKContent(bytes.toString('latin1'));
  const content = more ? more(black.content) : black.content;
  const count = black.count + (content === black.content ? 0 : 1);
  if (count === 0) return 0;
  const compressed = deflateSync(Buffer.from(content, 'latin1'));
  const dict = stream.dict.clone(doc.context);
  dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
  dict.delete(PDFName.of('DecodeParms'));
  dict.set(PDFName.of('Length'), PDFNumber.of(compressed.length));
  doc.context.assign(ref, PDFRawStream.of(dict, compressed));
  return count;
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

/**
 * Rewrite the content streams of every page (and of their forms): black as K alone, then `more`
 * (the other colours, press-colours.ts). Returns how many streams changed.
 */
export function rewriteContents(doc: PDFDocument, more?: (content: string) => string): number {
  const seen = new Set<string>();
  let count = 0;
  for (const page of doc.getPages()) for (const ref of contentRefs(doc, page.node, seen)) count += rewrite(doc, ref, more) > 0 ? 1 : 0;
  return count;
}
