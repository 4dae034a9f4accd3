/**
 * The PDF/X written by pdf-lib, without Ghostscript, when the pages hold nothing but what PDF/X-1a
 * (and so X-3) allows as they are. After the press colours (press-colours.ts), a book's pages are
 * already what Ghostscript would write: colours in DeviceCMYK (or DeviceGray), images in CMYK or
 * grey without soft masks, every font embedded. What Ghostscript's pdfwrite still did was to take
 * out what PDF 1.3 and PDF/X do not have — the links, the tagged structure, the bookmarks, the
 * PDF 1.4 keys of the graphics states — and to add the PDF/X keys and the output intent; it did so
 * by redrawing every glyph, about 80 ms a page (docs/pdf.md).
 *
 * So the document is first read against an allowlist (`pdfxObstacles`, read-only): content
 * operators, colour spaces, graphics states, fonts, images and forms, page keys. Anything outside
 * it — a colour space or shading left, transparency, a Type 3 or unembedded font, an inline image,
 * an optional-content group — is an obstacle, and the PDF/X is then written by Ghostscript as
 * before (pdfx.ts). Otherwise `makePdfx` takes out what PDF/X does not allow (annotations, the
 * structure tree, outlines, names, the default-valued transparency keys), adds the output intent and
 * the PDF/X keys, drops every object nothing reaches, and writes PDF 1.3 with a cross-reference
 * table (no object streams) and a file ID made from the input.
 */
import { createHash } from 'node:crypto';
import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFFlateStream, PDFHexString, PDFName, PDFNumber, PDFObject, PDFRawStream, PDFRef, PDFStream, PDFString } from 'pdf-lib';
import { streamBytes } from './black-to-k.ts';
import { fogra39 } from './icc-profile.ts';

const name = (value: string) => PDFName.of(value);

/** Content operators PDF/X-1a allows as they are (PDF 1.3; colour as DeviceCMYK `k`/`K` or DeviceGray `g`/`G`). */
const allowedOperators = new Set([
  'w', 'J', 'j', 'M', 'd', 'ri', 'i', 'gs', 'q', 'Q', 'cm',
  'm', 'l', 'c', 'v', 'y', 'h', 're', 'S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'n', 'W', 'W*',
  'BT', 'ET', 'Tc', 'Tw', 'Tz', 'TL', 'Tf', 'Tr', 'Ts', 'Td', 'TD', 'Tm', 'T*', 'Tj', 'TJ', "'", '"',
  'k', 'K', 'g', 'G', 'Do', 'MP', 'DP', 'BMC', 'BDC', 'EMC',
  // Operands, not operators, read by the same scan.
  'true', 'false', 'null',
]);

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDelimiter = (c: number) => c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;

/**
 * The operators of a content stream, in a set: strings, hex strings, names, numbers and comments
 * skipped (an operator's letters inside a string are not an operator). Stops at an inline image
 * (`BI`), whose binary data is not tokens: `BI` is then in the set, and is an obstacle.
 */
export function contentOperators(bytes: Uint8Array): Set<string> {
  const operators = new Set<string>();
  const seen = new Set<number>();
  const length = bytes.length;
  let i = 0;
  while (i < length) {
    const c = bytes[i];
    if (isSpace(c)) {
      i++;
    } else if (c === 0x25) {
      while (i < length && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    } else if (c === 0x28) {
      let depth = 1;
      i++;
      while (i < length && depth > 0) {
        const d = bytes[i++];
        if (d === 0x5c) i++;
        else if (d === 0x28) depth++;
        else if (d === 0x29) depth--;
      }
    } else if (c === 0x3c) {
      if (bytes[i + 1] === 0x3c) i += 2;
      else {
        i++;
        while (i < length && bytes[i] !== 0x3e) i++;
        i++;
      }
    } else if (c === 0x2f) {
      i++;
      while (i < length && !isSpace(bytes[i]) && !isDelimiter(bytes[i])) i++;
    } else if (isDelimiter(c)) {
      i++;
    } else {
      const start = i;
      // Up to three bytes of a token as one number: no string is made for the operators seen before.
      let key = 0;
      while (i < length && !isSpace(bytes[i]) && !isDelimiter(bytes[i])) {
        if (i - start < 3) key |= bytes[i] << (8 * (i - start));
        i++;
      }
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) continue;
      if (i - start > 3) key = -1;
      if (key !== -1 && seen.has(key)) continue;
      if (key !== -1) seen.add(key);
      const operator = String.fromCharCode(...bytes.subarray(start, i));
      operators.add(operator);
      if (operator === 'BI') break;
    }
  }
  return operators;
}

const numberOf = (value: PDFObject | undefined) => (value instanceof PDFNumber ? value.asNumber() : undefined);

/** Graphics-state keys PDF/X takes as they are, and the PDF 1.4 keys it takes at their defaults (then removed). */
const plainStateKeys = new Set(['Type', 'LW', 'LC', 'LJ', 'ML', 'D', 'RI', 'FL', 'SA', 'OP', 'op', 'OPM']);
const defaultStateKeys: Record<string, (value: PDFObject) => boolean> = {
  ca: (value) => numberOf(value) === 1,
  CA: (value) => numberOf(value) === 1,
  BM: (value) => value === name('Normal') || value === name('Compatible'),
  SMask: (value) => value === name('None'),
  AIS: (value) => value === PDFBool.False,
};

const allowedFilters = new Set(['FlateDecode', 'DCTDecode', 'ASCIIHexDecode', 'ASCII85Decode', 'RunLengthDecode', 'CCITTFaxDecode']);
const pageKeys = new Set(['Type', 'Parent', 'Resources', 'MediaBox', 'CropBox', 'BleedBox', 'TrimBox', 'ArtBox', 'Contents', 'Rotate']);
const formKeys = new Set(['Type', 'Subtype', 'FormType', 'BBox', 'Matrix', 'Resources', 'Filter', 'DecodeParms', 'Length']);
/** Keys of forms and images that change nothing printed, dropped; with `Group`, once checked (`checkGroup`). */
const droppedFormKeys = ['StructParent', 'StructParents', 'Metadata', 'PieceInfo', 'LastModified'];

/**
 * What keeps the document from being a PDF/X as it is (an empty list: nothing). Read-only.
 * At most a few reasons, each saying where: they are logged when Ghostscript takes over.
 */
export function pdfxObstacles(doc: PDFDocument, /** Content streams already read, as text (latin1), by reference. */ texts?: Map<PDFRef, string>): string[] {
  const obstacles = new Set<string>();
  const { context } = doc;
  const seen = new Set<PDFObject>();
  const lookupDict = (value: PDFObject | undefined) => {
    const object = value instanceof PDFRef ? context.lookup(value) : value;
    return object instanceof PDFDict ? object : undefined;
  };
  const checkContent = (value: PDFObject | undefined, where: string) => {
    const refs = value instanceof PDFArray ? value.asArray() : value ? [value] : [];
    for (const ref of refs) {
      const text = ref instanceof PDFRef ? texts?.get(ref) : undefined;
      const stream = ref instanceof PDFRef ? context.lookup(ref) : ref;
      if (text === undefined && !(stream instanceof PDFStream)) {
        obstacles.add(`${where}: content that is not a stream`);
        continue;
      }
      // A stream pdf-lib made (the `q` / `Q` around a page it drew on) holds its operators unencoded.
      const bytes = text !== undefined ? Buffer.from(text, 'latin1') : stream instanceof PDFFlateStream ? stream.getUnencodedContents() : stream instanceof PDFRawStream ? streamBytes(stream) : undefined;
      if (!bytes) {
        obstacles.add(`${where}: content compressed otherwise than by Flate`);
        continue;
      }
      for (const operator of contentOperators(bytes)) if (!allowedOperators.has(operator)) obstacles.add(`${where}: operator ${operator}`);
    }
  };
  const checkFont = (font: PDFDict, where: string) => {
    const subtype = font.get(name('Subtype'));
    const descriptorOf = (dict: PDFDict) => lookupDict(dict.get(name('FontDescriptor')));
    const embedded = (descriptor: PDFDict | undefined, file: 'FontFile' | 'FontFile2' | 'FontFile3', subtypes?: string[]) => {
      const stream = descriptor ? context.lookup(descriptor.get(name(file))) : undefined;
      if (!(stream instanceof PDFStream)) return false;
      if (!subtypes) return true;
      const sub = stream.dict.get(name('Subtype'));
      return subtypes.some((s) => sub === name(s));
    };
    if (subtype === name('Type0')) {
      const descendants = context.lookup(font.get(name('DescendantFonts')));
      const cid = descendants instanceof PDFArray ? lookupDict(descendants.get(0)) : undefined;
      const cidType = cid?.get(name('Subtype'));
      const ok = cid && ((cidType === name('CIDFontType2') && embedded(descriptorOf(cid), 'FontFile2')) || (cidType === name('CIDFontType0') && embedded(descriptorOf(cid), 'FontFile3', ['CIDFontType0C'])));
      if (!ok) obstacles.add(`${where}: a composite font not embedded as TrueType or CFF`);
    } else if (subtype === name('TrueType')) {
      if (!embedded(descriptorOf(font), 'FontFile2')) obstacles.add(`${where}: a TrueType font not embedded`);
    } else if (subtype === name('Type1') || subtype === name('MMType1')) {
      if (!embedded(descriptorOf(font), 'FontFile') && !embedded(descriptorOf(font), 'FontFile3', ['Type1C'])) obstacles.add(`${where}: a Type 1 font not embedded`);
    } else {
      obstacles.add(`${where}: a font of type ${String(subtype)}`);
    }
  };
  const checkImage = (image: PDFDict, where: string) => {
    const space = image.get(name('ColorSpace'));
    const mask = image.get(name('ImageMask')) === PDFBool.True;
    if (!mask && space !== name('DeviceCMYK') && space !== name('DeviceGray')) obstacles.add(`${where}: an image in ${space === undefined ? 'no colour space' : String(space)}`);
    const bits = numberOf(image.get(name('BitsPerComponent')));
    if (bits !== undefined && ![1, 2, 4, 8].includes(bits)) obstacles.add(`${where}: an image of ${bits} bits a component`);
    for (const key of ['SMask', 'Mask', 'Alternates', 'OPI', 'OC']) if (image.has(name(key))) obstacles.add(`${where}: an image with /${key}`);
    if (numberOf(image.get(name('SMaskInData')))) obstacles.add(`${where}: an image with transparency in its data`);
    const filter = image.get(name('Filter'));
    for (const each of filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : []) {
      if (!(each instanceof PDFName) || !allowedFilters.has(each.decodeText())) obstacles.add(`${where}: an image compressed by ${String(each)}`);
    }
  };
  // A transparency group whose content is all opaque (every graphics state and image is checked
  // to be) composites as its content drawn directly: dropped, unless it names a blending colour
  // space other than the press's, which would convert the colours inside it.
  const checkGroup = (value: PDFObject | undefined, where: string) => {
    const group = lookupDict(value);
    const space = group?.get(name('CS'));
    if (!group || group.get(name('S')) !== name('Transparency') || (space !== undefined && space !== name('DeviceCMYK'))) obstacles.add(`${where}: a group blended in ${String(space ?? 'an unknown way')}`);
  };
  const checkResources = (resources: PDFDict | undefined, where: string) => {
    if (!resources || seen.has(resources)) return;
    seen.add(resources);
    for (const key of ['ColorSpace', 'Pattern', 'Shading']) {
      const dict = lookupDict(resources.get(name(key)));
      if (dict && dict.keys().length > 0) obstacles.add(`${where}: /${key} resources`);
    }
    for (const [key, value] of lookupDict(resources.get(name('ExtGState')))?.entries() ?? []) {
      const state = lookupDict(value);
      for (const [entry, setting] of state?.entries() ?? []) {
        const text = entry.decodeText();
        if (plainStateKeys.has(text)) continue;
        const isDefault = defaultStateKeys[text];
        if (!isDefault?.(context.lookup(setting) ?? setting)) obstacles.add(`${where}: graphics state ${key.decodeText()} sets /${text}`);
      }
    }
    for (const [key, value] of lookupDict(resources.get(name('Font')))?.entries() ?? []) {
      const font = lookupDict(value);
      if (font && !seen.has(font)) {
        seen.add(font);
        checkFont(font, `${where}, font ${key.decodeText()}`);
      }
    }
    for (const [key, value] of lookupDict(resources.get(name('XObject')))?.entries() ?? []) {
      const object = value instanceof PDFRef ? context.lookup(value) : value;
      if (!(object instanceof PDFStream) || seen.has(object)) continue;
      seen.add(object);
      const label = `${where}, XObject ${key.decodeText()}`;
      const subtype = object.dict.get(name('Subtype'));
      if (subtype === name('Image')) checkImage(object.dict, label);
      else if (subtype === name('Form')) {
        for (const entry of object.dict.keys()) {
          const text = entry.decodeText();
          if (text === 'Group') checkGroup(object.dict.get(entry), label);
          else if (!formKeys.has(text) && !droppedFormKeys.includes(text)) obstacles.add(`${label}: a form with /${text}`);
        }
        checkContent(value, label);
        checkResources(lookupDict(object.dict.get(name('Resources'))), label);
      } else obstacles.add(`${label}: an XObject of type ${String(subtype)}`);
    }
  };
  if (context.trailerInfo.Encrypt) obstacles.add('the file is encrypted');
  doc.getPages().forEach((page, index) => {
    const where = `page ${index + 1}`;
    const node = page.node;
    if (!(node.get(name('TrimBox')) instanceof PDFArray)) obstacles.add(`${where}: no TrimBox`);
    for (const key of ['UserUnit', 'SeparationInfo']) if (node.has(name(key))) obstacles.add(`${where}: /${key}`);
    if (node.has(name('Group'))) checkGroup(node.get(name('Group')), where);
    const [media, bleed, trim] = [page.getMediaBox(), page.getBleedBox(), page.getTrimBox()];
    const within = (inner: typeof media, outer: typeof media) => inner.x >= outer.x - 0.01 && inner.y >= outer.y - 0.01 && inner.x + inner.width <= outer.x + outer.width + 0.01 && inner.y + inner.height <= outer.y + outer.height + 0.01;
    if (!within(bleed, media) || !within(trim, bleed)) obstacles.add(`${where}: TrimBox, BleedBox and MediaBox not nested`);
    checkContent(node.get(name('Contents')), where);
    checkResources(node.Resources(), where);
  });
  return [...obstacles].slice(0, 5);
}

export interface MakePdfxOptions {
  /** `PDF/X-3:2002` or `PDF/X-1a:2001`. */
  version: string;
  /** The ICC press profile's bytes, and what the output intent says of it. */
  profile: Uint8Array;
  profileDescription: string;
  date: Date;
  /** Bytes the file ID is made from (the input PDF): the same book gives the same file. */
  seed: Uint8Array;
}

/**
 * `doc` made a PDF/X (call `pdfxObstacles` first: this assumes its answer was empty) and written:
 * PDF 1.3, a cross-reference table, the ID from `seed`.
 */
export async function makePdfx(doc: PDFDocument, options: MakePdfxOptions): Promise<Uint8Array> {
  const { context } = doc;
  const done = new Set<PDFObject>();
  const cleanState = (state: PDFDict) => {
    for (const key of Object.keys(defaultStateKeys)) state.delete(name(key));
  };
  const cleanResources = (resources: PDFDict | undefined) => {
    if (!resources || done.has(resources)) return;
    done.add(resources);
    for (const value of context.lookupMaybe(resources.get(name('ExtGState')), PDFDict)?.values() ?? []) {
      const state = context.lookup(value);
      if (state instanceof PDFDict) cleanState(state);
    }
    for (const value of context.lookupMaybe(resources.get(name('XObject')), PDFDict)?.values() ?? []) {
      const object = context.lookup(value);
      if (!(object instanceof PDFStream) || done.has(object)) continue;
      done.add(object);
      // Interpolation too: PDF/X leaves an image's rendering to the RIP.
      for (const key of [...droppedFormKeys, 'Group', 'Interpolate']) object.dict.delete(name(key));
      if (object.dict.get(name('Subtype')) === name('Form')) cleanResources(context.lookupMaybe(object.dict.get(name('Resources')), PDFDict));
    }
  };
  for (const page of doc.getPages()) {
    const node = page.node;
    for (const key of node.keys()) if (!pageKeys.has(key.decodeText())) node.delete(key);
    cleanResources(node.Resources());
  }
  // The page tree's own nodes: only what a page tree has in PDF 1.3.
  const pagesKeys = new Set(['Type', 'Kids', 'Count', 'Parent', 'Resources', 'MediaBox', 'CropBox', 'Rotate']);
  for (const [, object] of context.enumerateIndirectObjects()) {
    if (object instanceof PDFDict && object.get(name('Type')) === name('Pages')) for (const key of object.keys()) if (!pagesKeys.has(key.decodeText())) object.delete(key);
  }

  // The catalog: the pages and the output intent, nothing else (no outlines, structure, names, language).
  const catalog = doc.catalog;
  for (const key of catalog.keys()) if (key !== name('Type') && key !== name('Pages')) catalog.delete(key);
  const profile = context.flateStream(options.profile, { N: 4 });
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: PDFString.of(fogra39.identifier),
    RegistryName: PDFString.of(fogra39.registry),
    OutputCondition: PDFString.of(fogra39.condition),
    Info: PDFString.of(options.profileDescription),
    DestOutputProfile: context.register(profile),
  });
  catalog.set(name('OutputIntents'), context.obj([context.register(intent)]));

  // The document information: what book.pdf says of the book, and the PDF/X keys.
  const before = context.lookupMaybe(context.trailerInfo.Info, PDFDict);
  const info = context.obj({}) as PDFDict;
  for (const key of ['Title', 'Author', 'Subject', 'Keywords', 'Creator', 'Producer']) {
    const value = before?.get(name(key));
    if (value) info.set(name(key), value);
  }
  const date = PDFString.fromDate(options.date);
  info.set(name('CreationDate'), date);
  info.set(name('ModDate'), date);
  info.set(name('GTS_PDFXVersion'), PDFString.of(options.version));
  if (options.version === 'PDF/X-1a:2001') info.set(name('GTS_PDFXConformance'), PDFString.of(options.version));
  info.set(name('Trapped'), name('False'));
  context.trailerInfo.Info = context.register(info);
  const id = createHash('sha256').update(options.seed).update(options.version).update(options.profile).digest('hex').slice(0, 32);
  context.trailerInfo.ID = context.obj([PDFHexString.of(id), PDFHexString.of(id)]);

  dropUnreachable(doc);
  const bytes = await doc.save({ useObjectStreams: false, objectsPerTick: Infinity, addDefaultPage: false, updateFieldAppearances: false });
  // pdf-lib's writer heads every file `%PDF-1.7` (whatever its context's header says): the version
  // is its eighth byte, the same length either way, so no offset moves.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (!/^%PDF-1\.\d$/.test(head)) throw new Error(`pdf-lib wrote an unexpected header: ${head}`);
  bytes[7] = 0x33;
  return bytes;
}

/** Every indirect object that neither the catalog nor the information reaches, deleted. */
function dropUnreachable(doc: PDFDocument): void {
  const { context } = doc;
  const reached = new Set<string>();
  const stack: PDFObject[] = [context.trailerInfo.Root, context.trailerInfo.Info].filter((value): value is PDFObject => value !== undefined);
  while (stack.length > 0) {
    const object = stack.pop()!;
    if (object instanceof PDFRef) {
      const key = object.tag;
      if (reached.has(key)) continue;
      reached.add(key);
      const target = context.lookup(object);
      if (target) stack.push(target);
    } else if (object instanceof PDFDict) {
      for (const value of object.values()) stack.push(value);
    } else if (object instanceof PDFArray) {
      for (const value of object.asArray()) stack.push(value);
    } else if (object instanceof PDFStream) {
      stack.push(object.dict);
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) if (!reached.has(ref.tag)) context.delete(ref);
}
