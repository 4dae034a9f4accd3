/**
 * The print document cut into parts that Chromium lays out at the same time (render.ts,
 * `renderParts`; "Parallel layout" in docs/pdf.md). Every division of the book — the front matter
 * with the contents, each part page, each chapter, the index of names — opens on a right-hand page
 * (print.css, `break-before: right`), so the book can be cut before any of them: a part laid out
 * alone from a right-hand page has the pages the whole book would have there. Consecutive divisions
 * are grouped up to a size, so that each part is worth a browser context.
 *
 * A part that refers to a page before its own references (the index of names, « voir p. 36 » back
 * to an earlier figure) needs its folios while it is laid out, as the whole book had them: it is
 * marked `needsStart`, and laid out once the parts before it are. References forward (the contents)
 * are filled in after the layout, in boxes of fixed width, as before. Pure: a tree in, trees out.
 */
import type { Element, ElementContent, Root } from 'hast';
import { visit } from '../../tree/visit.ts';

export interface DocumentPart {
  tree: Root;
  needsStart: boolean;
  /** The targets its page references name (only ids some element of the book is the target of). */
  refs: string[];
  /** Characters of text: its size, roughly. */
  size: number;
  /**
   * The target its first division opens with (the division's own element, a page target): on the
   * part's first page, hence at the folio where the part begins, known before the part is laid out.
   */
  lead?: string;
}

export interface SplitDocument {
  parts: DocumentPart[];
  /** The targets of links (page references and the contents' links), whose places the parts give. */
  wanted: string[];
}

/**
 * A part is made of whole divisions, as many as fit in this many characters of text (about 50
 * pages: the pages a renderer holds at once, about 230 MB laid out)… A part costs about 0.5 s of a
 * core before its first page (a browser context, Paged.js reading the print design, the fonts): a
 * book is cut into as few parts as keep every core busy, one per core up to this size. Measured on
 * the 300k-word book (docs/pdf.md, "Parallel layout"): parts of 600,000, 300,000 and 150,000
 * characters took the same time (95–96 s for the whole PDF build), the build's peak memory 1.79,
 * 1.64 and 1.48 GB; 120,000 (session 10, one run each against 150,000): 1.27 against 1.32 GB at
 * 300k words, 1.05 against 1.14 GB at 100k, no slower (111 against 119 s, 38.9 against 38.7 s).
 */
const PART_CHARS_MAX = 120_000;
/** …and, on a short book, no part under this (a browser context costs its start). */
const PART_CHARS_MIN = 60_000;
/**
 * In a book cut into one part per core, a part of at most this share of the part size (the
 * bibliography left over after the last chapters) joins the part before it, if neither waits for
 * the parts before them and the two stay within the part size and this share: a part costs about
 * 0.4 s of a core before its first page (docs/pdf.md, "Parallel layout").
 */
const SMALL_PART_SHARE = 0.25;

const classesOf = (node: Element): string[] => (Array.isArray(node.properties.className) ? node.properties.className.map(String) : []);
/** The top-level elements before which the book may be cut: each opens on a right-hand page. */
const opensDivision = (node: Element) => classesOf(node).some((name) => name === 'chapter' || name === 'part' || name === 'index-of-names');

function targetId(node: Element): string | undefined {
  const id = node.properties.id ?? node.properties.dataId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

interface Unit {
  nodes: ElementContent[];
  refs: Set<string>;
  backward: boolean;
  size: number;
}

/** Cut the print document (print-document.ts) into parts for `jobs` renderers. */
export function splitPrintDocument(document: Root, jobs: number): SplitDocument {
  let body: Element | undefined;
  visit(document, 'element', (node: Element) => {
    if (node.tagName === 'body') body = node;
  });
  if (!body) throw new Error('The print document has no body');

  // Divisions, the front matter (half-title to contents) as one.
  const units: Unit[] = [];
  for (const node of body.children) {
    const starts = node.type === 'element' && opensDivision(node);
    if (units.length === 0 || starts) units.push({ nodes: [], refs: new Set(), backward: false, size: 0 });
    units[units.length - 1].nodes.push(node);
  }

  // Targets in book order: a reference to one already met is a reference back.
  const targets = new Set<string>();
  const tocLinks = new Set<string>();
  for (const unit of units) {
    for (const node of unit.nodes) {
      visit(node, (child) => {
        if (child.type === 'text') {
          unit.size += child.value.length;
          return;
        }
        if (child.type !== 'element') return;
        const element = child as Element;
        if (element.properties.dataPageTarget !== undefined) {
          const id = targetId(element);
          if (id) targets.add(id);
        }
        const ref = element.properties.dataPageRef;
        if (typeof ref === 'string') {
          unit.refs.add(ref);
          if (targets.has(ref)) unit.backward = true;
        }
        if (element.tagName === 'a' && typeof element.properties.href === 'string' && element.properties.href.startsWith('#') && classesOf(element).length === 0) {
          const toc = element.properties.href.slice(1);
          try {
            tocLinks.add(decodeURIComponent(toc));
          } catch {
            tocLinks.add(toc);
          }
        }
      });
    }
  }

  const total = units.reduce((sum, unit) => sum + unit.size, 0);
  const most = Number(process.env.BOOK_PDF_PART_CHARS) || Math.min(PART_CHARS_MAX, Math.max(PART_CHARS_MIN, Math.ceil(total / Math.max(1, jobs))));
  // A book cut into about one part per core: its parts wait little for each other.
  const onePerCore = total <= Math.max(1, jobs) * PART_CHARS_MAX;
  const groups: Unit[][] = [];
  let size = 0;
  let waits = false;
  units.forEach((unit, i) => {
    const last = groups[groups.length - 1];
    // The front matter alone in a long book (its contents wait for the whole book: its part holds
    // its renderer until the end); in a book of one part per core, the divisions after it join it
    // (a part fewer, 0.4 s of a core). A division that refers back (it waits for the parts before
    // it) never joins a part that does not. A book shorter than one part's minimum is one part: a
    // second would cost more than it lays out.
    const alone = total > most ? i === 0 || (i === 1 && !onePerCore) || (unit.backward && !waits) : i === 0;
    if (!last || alone || size + unit.size > most) {
      waits = unit.backward;
      groups.push([unit]);
      size = unit.size;
    } else {
      last.push(unit);
      size += unit.size;
      waits ||= unit.backward;
    }
  });

  const sizeOf = (group: Unit[]) => group.reduce((sum, unit) => sum + unit.size, 0);
  const waitsOf = (group: Unit[]) => group.some((unit) => unit.backward);
  if (onePerCore) {
    // From the last. The first part (the front matter's: printed once the contents' folios are
    // known) takes nothing more.
    for (let k = groups.length - 1; k >= 2; k--) {
      const [before, group] = [groups[k - 1], groups[k]];
      if (waitsOf(before) || waitsOf(group) || sizeOf(group) > most * SMALL_PART_SHARE || sizeOf(before) + sizeOf(group) > most * (1 + SMALL_PART_SHARE)) continue;
      groups.splice(k - 1, 2, [...before, ...group]);
    }
  }

  const parts = groups.map((group): DocumentPart => {
    const nodes = group.flatMap((unit) => unit.nodes);
    const first = nodes.find((node): node is Element => node.type === 'element');
    // The left-hand running head (CSS string-set, print.css) is set by the half-title in the
    // whole book; each part sets it on its first division.
    const children = first && first.properties.dataBookTitle === undefined ? nodes.map((node) => (node === first ? { ...first, properties: { ...first.properties, dataBookTitle: bookTitleOf(body!) } } : node)) : nodes;
    const lead = first && first.properties.dataPageTarget !== undefined ? targetId(first) : undefined;
    return {
      tree: withBody(document, { ...body!, children }),
      needsStart: waitsOf(group),
      refs: [...new Set(group.flatMap((unit) => [...unit.refs]))].filter((id) => targets.has(id)),
      size: sizeOf(group),
      ...(lead ? { lead } : {}),
    };
  });
  const wanted = new Set<string>();
  for (const part of parts) for (const id of part.refs) wanted.add(id);
  for (const id of tocLinks) if (targets.has(id)) wanted.add(id);
  return { parts, wanted: [...wanted] };
}

/** The book's title as the half-title gives it to the running heads. */
function bookTitleOf(body: Element): string {
  for (const node of body.children) {
    if (node.type === 'element' && typeof node.properties.dataBookTitle === 'string') return node.properties.dataBookTitle;
  }
  return '';
}

/** The document with another body (the head shared, not copied). */
function withBody(document: Root, body: Element): Root {
  const swap = (node: Root | Element): Root | Element => ({
    ...node,
    children: node.children.map((child) => {
      if (child.type !== 'element') return child;
      if (child.tagName === 'body') return body;
      return child.tagName === 'html' ? (swap(child) as Element) : child;
    }),
  }) as Root | Element;
  return swap(document) as Root;
}
