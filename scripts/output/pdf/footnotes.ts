/**
 * Notes for the page: the shared rendering puts a chapter's notes in `section.footnotes` at its
 * end (right for the web and the EPUB); print wants each note at the foot of the page where it is
 * called. Paged.js floats an element to the page foot when it stands in the text at the place of
 * its call (CSS GCPM `float: footnote`), so each note moves next to its first call, as a
 * `span.fn` (a paragraph cannot hold blocks: the note's paragraphs become `span.fn-p`, shown as
 * blocks in the note area). Numbers stay those of `numberNotes`, per chapter: the author's call
 * keeps its number, and Paged.js's own call (which would count through the whole book) is hidden.
 * Pure: works on the tree it is given.
 */
import type { Root, Element, ElementContent, RootContent } from 'hast';
import { visit, SKIP } from '../../tree/visit.ts';

function classes(node: Element): string[] {
  const value = node.properties.className;
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? (value as string).split(/\s+/) : [];
}

/** Blocks become spans with their tag as a class, so that a note can sit inside a paragraph. */
function inlineBlocks(nodes: ElementContent[]): ElementContent[] {
  return nodes.map((node) => {
    if (node.type !== 'element') return node;
    const children = inlineBlocks(node.children);
    if (['p', 'ul', 'ol', 'li', 'blockquote', 'div', 'pre', 'figure', 'table', 'dl', 'dt', 'dd', 'hr'].includes(node.tagName)) {
      return {
        ...node,
        tagName: 'span',
        properties: { ...node.properties, className: [...classes(node), node.tagName === 'p' ? 'fn-p' : `fn-block fn-${node.tagName}`] },
        children,
      };
    }
    return { ...node, children };
  });
}

const isCall = (node: RootContent | ElementContent): node is Element => node.type === 'element' && node.tagName === 'a' && classes(node).includes('noteref');
const isNote = (node: RootContent | ElementContent): boolean => node.type === 'element' && classes(node).includes('fn');

/**
 * Two calls side by side (a note, then a citation note) would read as one number: 5 and 6 as
 * « 56 ». A superior comma goes between them, as French practice has it.
 */
function separateAdjacentCalls(tree: Root): void {
  visit(tree, 'element', (node: Element) => {
    const children = node.children;
    let previousCall = false;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (isNote(child)) continue;
      if (isCall(child)) {
        if (previousCall) {
          children.splice(i, 0, { type: 'element', tagName: 'span', properties: { className: ['noteref-separator'] }, children: [{ type: 'text', value: ',' }] });
          i += 1;
        }
        previousCall = true;
      } else previousCall = child.type === 'text' && child.value === '' ? previousCall : false;
    }
  });
}

export interface PlacedNotes {
  /** Note ids placed at their call. */
  placed: string[];
  /** Note ids no call refers to (the checks report them; kept at the chapter end). */
  unplaced: string[];
}

/** Move every note of `tree` next to its first call. */
export function notesAtCalls(tree: Root): PlacedNotes {
  const notes = new Map<string, Element>();
  let notesSection: Element | undefined;
  for (const node of tree.children) {
    if (node.type === 'element' && node.tagName === 'section' && classes(node).includes('footnotes')) {
      notesSection = node;
      for (const aside of node.children) {
        if (aside.type === 'element' && aside.tagName === 'aside' && typeof aside.properties.id === 'string') notes.set(aside.properties.id, aside);
      }
    }
  }
  if (!notesSection) return { placed: [], unplaced: [] };
  tree.children = tree.children.filter((node) => node !== notesSection);

  const placed: string[] = [];
  visit(tree, 'element', (node: Element, index, parent) => {
    if (node.tagName !== 'a' || !classes(node).includes('noteref') || parent === undefined || index === undefined) return undefined;
    const href = String(node.properties.href ?? '');
    const id = href.startsWith('#') ? href.slice(1) : '';
    const aside = notes.get(id);
    if (!aside) return SKIP;
    notes.delete(id);
    placed.push(id);
    const note: Element = {
      type: 'element',
      tagName: 'span',
      properties: { ...aside.properties, className: ['fn'], dataNoteNumber: String(node.children.map((c) => ('value' in c ? c.value : '')).join('')) },
      children: inlineBlocks(aside.children),
    };
    // The call stays; the note follows it at once, so that the call is the note's
    // previous sibling (Paged.js measures from there where the note must go).
    (parent.children as Array<ElementContent | RootContent>).splice(index + 1, 0, note);
    return [SKIP, index + 2];
  });
  separateAdjacentCalls(tree);
  const unplaced = [...notes.keys()];
  if (unplaced.length) {
    notesSection.children = notesSection.children.filter((child) => child.type !== 'element' || child.tagName !== 'aside' || notes.has(String(child.properties.id)));
    tree.children.push(notesSection);
  }
  return { placed, unplaced };
}
