/**
 * The printed parts of the book (render.ts, `renderParts`) joined into one PDF with pdf-lib, in
 * book order, with a blank page wherever the whole book would have had one between them (a part
 * ending on a right-hand page: the next opens on the right). Each part is read, copied and let go
 * in turn. The post-processing (postprocess.ts) then writes boxes, outline, links and metadata.
 *
 * The tag tree survives the join: each part's structure (Chromium's tagged PDF) is copied with its
 * pages by one object copier, so that its elements point at the copied pages; the parts' `Document`
 * elements become `Part` elements of one `Document`; the parent tree's keys (each page's
 * `StructParents`, each annotation's `StructParent`) are shifted past the previous parts' keys. The
 * element ids (table header cells, which data cells name in their /Headers) are given again in book
 * order, `id-1`, `id-2`…: Chromium names them after its DOM nodes' numbers, which change from one build
 * to the next (two builds of the same book would differ) and start again in every part (two parts
 * would share names); one ID tree maps the new names.
 */
import { readFile } from 'node:fs/promises';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFObjectCopier, PDFPage, PDFPageLeaf, PDFRef, PDFString, PDFHexString, type PDFObject } from 'pdf-lib';
import { loadPdf } from './pdf-lib.ts';

/** The pairs of a number tree or a name tree (ISO 32000-1 §7.9.6, §7.9.7), leaves in order. */
function treePairs(node: PDFDict | undefined, key: 'Nums' | 'Names'): Array<[PDFObject, PDFObject]> {
  if (!node) return [];
  const pairs: Array<[PDFObject, PDFObject]> = [];
  const leaves = node.lookupMaybe(PDFName.of(key), PDFArray);
  if (leaves) for (let i = 0; i + 1 < leaves.size(); i += 2) pairs.push([leaves.lookup(i)!, leaves.get(i + 1)!]);
  const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
  if (kids) for (let i = 0; i < kids.size(); i++) pairs.push(...treePairs(kids.lookup(i, PDFDict), key));
  return pairs;
}

/** The structure elements under `tops`, in document order (depth first through /K), each with its reference. */
function structElements(context: PDFDocument['context'], tops: PDFObject[]): Array<{ ref: PDFRef; element: PDFDict }> {
  const found: Array<{ ref: PDFRef; element: PDFDict }> = [];
  const seen = new Set<PDFRef>();
  const visit = (kid: PDFObject | undefined) => {
    if (!(kid instanceof PDFRef) || seen.has(kid)) return;
    seen.add(kid);
    const element = context.lookupMaybe(kid, PDFDict);
    if (!element || element.get(PDFName.of('Type')) === PDFName.of('MCR') || element.get(PDFName.of('Type')) === PDFName.of('OBJR')) return;
    found.push({ ref: kid, element });
    const kids = element.get(PDFName.of('K'));
    if (kids instanceof PDFArray) for (const child of kids.asArray()) visit(child);
    else visit(kids);
  };
  for (const top of tops) visit(top);
  return found;
}

/** The /Headers of a table cell's attributes (one dictionary or an array of them, ISO 32000-1 §14.8.5.7). */
function headerLists(element: PDFDict): PDFArray[] {
  const attributes = element.lookup(PDFName.of('A'));
  const dicts = attributes instanceof PDFArray ? attributes.asArray().map((a) => element.context.lookup(a)) : [attributes];
  return dicts.flatMap((dict) => {
    const headers = dict instanceof PDFDict ? dict.lookupMaybe(PDFName.of('Headers'), PDFArray) : undefined;
    return headers ? [headers] : [];
  });
}

const text = (value: PDFObject) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : String(value));

/**
 * `blanks`: where a blank page goes between parts (book page indexes); `laidBlanks`: the blank pages
 * the layout itself made inside the parts. A blank between parts is a copy of the first of those
 * already joined (it carries what the design prints on a blank page: nothing in the print edition,
 * the proof line in a proof), else an empty page of the same size.
 */
export async function joinParts(
  parts: Array<{ pdf?: string; start: number }>,
  blanks: number[],
  laidBlanks: ReadonlySet<number> = new Set(),
  /** Part k's PDF read already (pdf/index.ts reads each part as it is printed, but in a long book), else undefined. */
  readAlready: (k: number) => Promise<PDFDocument> | undefined = () => undefined,
): Promise<PDFDocument> {
  const book = await PDFDocument.create({ updateMetadata: false });
  let blankTemplate: PDFPage | undefined;
  const context = book.context;
  const pending = [...blanks];
  const rootRef = context.nextRef();
  const documentRef = context.nextRef();
  const documentKids: PDFObject[] = [];
  const parentTree: PDFObject[] = [];
  const ids = new Map<string, PDFRef>();
  let roleMap: PDFObject | undefined;
  let keyOffset = 0;
  let tagged = true;
  let creator: string | undefined;
  for (const [k, part] of parts.entries()) {
    if (part.pdf === undefined) throw new Error('A part of the book was not printed');
    const doc = await (readAlready(k) ?? readFile(part.pdf).then(loadPdf));
    creator ??= doc.getCreator();
    const copier = PDFObjectCopier.for(doc.context, context);
    const traversed = (copier as unknown as { traversedObjects: Map<PDFObject, PDFObject> }).traversedObjects;
    const srcRoot = doc.catalog.get(PDFName.of('StructTreeRoot'));
    // The part's structure hangs from the book's Document element, not from a copy of its root.
    if (srcRoot instanceof PDFRef) traversed.set(srcRoot, documentRef);
    else tagged = false;
    const pages = doc.getPages().map((page) => {
      const ref = copier.copy(page.ref) as PDFRef;
      return PDFPage.of(context.lookup(ref) as PDFPageLeaf, ref, book);
    });
    while (pending.length > 0 && pending[0] === book.getPageCount()) {
      pending.shift();
      if (blankTemplate) {
        // A copy of the page object (its content and resources shared), outside the tag tree.
        const leaf = blankTemplate.node.clone(context);
        leaf.delete(PDFName.of('StructParents'));
        leaf.delete(PDFName.of('Annots'));
        book.addPage(PDFPage.of(leaf, context.register(leaf), book));
      } else {
        const media = pages[0].getMediaBox();
        book.addPage([media.width, media.height]).setMediaBox(media.x, media.y, media.width, media.height);
      }
    }
    if (book.getPageCount() !== part.start) throw new Error(`The part that begins on page ${part.start + 1} comes after ${book.getPageCount()} pages`);
    for (const page of pages) {
      if (!blankTemplate && laidBlanks.has(book.getPageCount())) blankTemplate = page;
      book.addPage(page);
    }
    if (!(srcRoot instanceof PDFRef)) continue;

    const root = doc.context.lookup(srcRoot, PDFDict);
    // Its elements, the part's Document becoming a Part of the book's.
    const kids = root.get(PDFName.of('K'));
    const tops = kids instanceof PDFArray ? kids.asArray() : kids ? [kids] : [];
    const copiedTops: PDFObject[] = [];
    for (const top of tops) {
      const copied = copier.copy(top);
      copiedTops.push(copied);
      documentKids.push(copied);
      const element = copied instanceof PDFRef ? context.lookupMaybe(copied, PDFDict) : undefined;
      if (element?.get(PDFName.of('S')) === PDFName.of('Document')) element.set(PDFName.of('S'), PDFName.of('Part'));
    }
    // Element ids in book order, and the cells that name them (see the header).
    const elements = structElements(context, copiedTops);
    const renamed = new Map<string, string>();
    for (const { ref, element } of elements) {
      const id = element.lookup(PDFName.of('ID'));
      if (!(id instanceof PDFString || id instanceof PDFHexString)) continue;
      const name = `id-${ids.size + 1}`;
      renamed.set(id.decodeText(), name);
      element.set(PDFName.of('ID'), PDFString.of(name));
      ids.set(name, ref);
    }
    for (const { element } of elements) {
      for (const headers of headerLists(element)) {
        for (let i = 0; i < headers.size(); i++) {
          const name = renamed.get(text(headers.lookup(i)!));
          if (name) headers.set(i, PDFString.of(name));
        }
      }
    }
    // The parent tree, its keys after the previous parts'.
    let next = 0;
    for (const [key, value] of treePairs(root.lookupMaybe(PDFName.of('ParentTree'), PDFDict), 'Nums')) {
      const number = (key as PDFNumber).asNumber();
      parentTree.push(PDFNumber.of(number + keyOffset), copier.copy(value));
      next = Math.max(next, number + 1);
    }
    const nextKey = root.lookupMaybe(PDFName.of('ParentTreeNextKey'), PDFNumber)?.asNumber() ?? 0;
    for (const page of pages) {
      const parents = page.node.lookupMaybe(PDFName.of('StructParents'), PDFNumber);
      if (parents) page.node.set(PDFName.of('StructParents'), PDFNumber.of(parents.asNumber() + keyOffset));
      const annotations = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
      for (let i = 0; i < (annotations?.size() ?? 0); i++) {
        const annotation = annotations!.lookupMaybe(i, PDFDict);
        const parent = annotation?.lookupMaybe(PDFName.of('StructParent'), PDFNumber);
        if (parent) annotation!.set(PDFName.of('StructParent'), PDFNumber.of(parent.asNumber() + keyOffset));
      }
    }
    keyOffset += Math.max(next, nextKey);
    const roles = root.get(PDFName.of('RoleMap'));
    if (roles && !roleMap) roleMap = copier.copy(roles);
  }

  if (tagged && documentKids.length > 0) {
    context.assign(documentRef, context.obj({ Type: 'StructElem', S: 'Document', P: rootRef, K: documentKids }));
    const root = context.obj({
      Type: 'StructTreeRoot',
      K: documentRef,
      ParentTree: context.obj({ Nums: parentTree }),
      ParentTreeNextKey: keyOffset,
    }) as PDFDict;
    if (ids.size > 0) {
      // A name tree's keys in byte order (ISO 32000-1 §7.9.6).
      const names = [...ids.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      root.set(PDFName.of('IDTree'), context.obj({ Names: names.flatMap((name) => [PDFString.of(name), ids.get(name)!]) }));
    }
    if (roleMap) root.set(PDFName.of('RoleMap'), roleMap);
    context.assign(rootRef, root);
    book.catalog.set(PDFName.of('StructTreeRoot'), rootRef);
    book.catalog.set(PDFName.of('MarkInfo'), context.obj({ Marked: true }));
  }
  if (creator) book.setCreator(creator);
  return book;
}
