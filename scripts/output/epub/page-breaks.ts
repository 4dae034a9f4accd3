/**
 * Print page numbers in the EPUB (EPUB 3.3 §D.4.1.3 `pagebreak`, `page-list`; DPUB-ARIA
 * `doc-pagebreak`): a marker before the block where each page of the PDF begins, so that a reader
 * of the ebook can cite « p. 47 ». The print edition records, for every page, the block (see
 * scripts/render/blocks.ts) at whose start or inside which the page begins; the EPUB numbers the
 * blocks of its own copy of each chapter with the same function and puts the marker before that
 * block. Pages the EPUB has no block for (the print edition's half-title, blank versos) take their
 * marker with the next page that has one, as the DAISY Knowledge Base advises for blank pages.
 * A pure transform: trees and pages in, markers inserted, page list out.
 */
import type { Root, Element, Parents } from 'hast';
import { h } from 'hastscript';
import { visitParents } from '../../tree/visit.ts';
import type { PrintPage } from '../../model/index.ts';

export interface PagedDocument {
  /** The chapter id for chapters; the page id for generated pages (part pages, title page). */
  key: string;
  /** The document's file name in the package. */
  href: string;
  /** Its content, with `data-block` numbers on a chapter's blocks. */
  tree: Root;
}

export interface PageListEntry {
  label: string;
  /** `file.xhtml#page-N` */
  href: string;
}

/** Elements whose children must be of given kinds: a marker goes inside their child, not beside it. */
const restrictedParents = new Set(['ol', 'ul', 'menu', 'dl', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'select', 'hgroup']);

export function pageBreakMarker(id: string, label: string): Element {
  return h('span', { 'epub:type': 'pagebreak', role: 'doc-pagebreak', id, ariaLabel: label });
}

/**
 * An XML-safe id from a folio: `47` → `page-47`, `xi` → `page-xi`; repeated folios, and folios whose
 * id an element of the book already has (a heading « Page 47 »), get a suffix.
 */
function pageIdFactory(used: Set<string>): (label: string) => string {
  return (label) => {
    const base = `page-${label.normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'x'}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
}

interface Anchor {
  document: number;
  /** Position in the document: 0 at its start, then the blocks in document order. */
  order: number;
  /** The block before which the markers go; undefined for the start (or, with `atEnd`, the end). */
  blockId?: string;
  atEnd?: boolean;
}

/**
 * Insert page-break markers into `documents` (in reading order) for `pages` (in print order), and
 * return the page list. Pages are never reordered: a page whose block cannot be found waits for the
 * next page that can be placed; pages after the last placed one go at the end of the last document.
 */
export function insertPageBreaks(documents: PagedDocument[], pages: PrintPage[]): PageListEntry[] {
  const blocks = new Map<string, { document: number; order: number }>();
  const ids = new Set<string>();
  documents.forEach((document, index) => {
    let order = 0;
    visitParents(document.tree, 'element', (node: Element) => {
      const block = node.properties.dataBlock;
      if (typeof block === 'string') blocks.set(`${document.key}\u0000${block}`, { document: index, order: ++order });
      if (typeof node.properties.id === 'string') ids.add(node.properties.id);
    });
  });
  const byKey = new Map(documents.map((document, index) => [document.key, index]));
  const anchorOf = (page: PrintPage): Anchor | undefined => {
    const block = blocks.get(`${page.chapterId}\u0000${page.blockId}`);
    if (block !== undefined) return { ...block, blockId: page.blockId };
    // A generated page (part title) is known by its key alone: the page begins with the document.
    const start = byKey.get(page.chapterId);
    return start === undefined ? undefined : { document: start, order: 0 };
  };

  const pageId = pageIdFactory(ids);
  const placements: Array<{ anchor: Anchor; markers: Element[] }> = [];
  const list: PageListEntry[] = [];
  let waiting: Array<{ label: string; id: string }> = [];
  let last = { document: -1, order: -1 };
  const place = (anchor: Anchor) => {
    placements.push({ anchor, markers: waiting.map(({ id, label }) => pageBreakMarker(id, label)) });
    for (const { id, label } of waiting) list.push({ label, href: `${documents[anchor.document].href}#${id}` });
    waiting = [];
  };
  for (const page of pages) {
    waiting.push({ label: page.label, id: pageId(page.label) });
    const anchor = anchorOf(page);
    // A block earlier in the reading order than a page already placed would reorder the list.
    if (anchor && (anchor.document > last.document || (anchor.document === last.document && anchor.order >= last.order))) {
      place(anchor);
      last = anchor;
    }
  }
  if (waiting.length > 0 && documents.length > 0) place({ document: documents.length - 1, order: Infinity, atEnd: true });

  const startCounts = new Map<number, number>();
  for (const { anchor, markers } of placements) {
    const tree = documents[anchor.document].tree;
    if (anchor.blockId === undefined) {
      if (anchor.atEnd) {
        tree.children.push(...markers);
      } else {
        // After the markers already put at the start, to keep the print order.
        const count = startCounts.get(anchor.document) ?? 0;
        tree.children.splice(count, 0, ...markers);
        startCounts.set(anchor.document, count + markers.length);
      }
      continue;
    }
    insertBefore(tree, anchor.blockId, markers);
  }
  return list;
}

/** Markers already put at the start of a block, to put the next ones after them. */
const openingMarkers = new WeakMap<Element, number>();

function insertBefore(tree: Root, blockId: string, markers: Element[]): void {
  let done = false;
  visitParents(tree, 'element', (node: Element, ancestors: Parents[]) => {
    if (done || node.properties.dataBlock !== blockId) return undefined;
    const parent = ancestors[ancestors.length - 1];
    if (parent.type === 'element' && restrictedParents.has(parent.tagName)) {
      // Inside a list item or a cell rather than between them (HTML content models).
      const count = openingMarkers.get(node) ?? 0;
      node.children.splice(count, 0, ...markers);
      openingMarkers.set(node, count + markers.length);
    } else {
      parent.children.splice(parent.children.indexOf(node), 0, ...markers);
    }
    done = true;
    return false;
  });
}
