/**
 * Stable block numbers shared by the editions: the print edition records which block opens each
 * page, and the EPUB puts its page-break markers before the same blocks; proofs number paragraphs
 * with them. A block is an element that starts a line of text in every medium.
 */
import type { Root, Element } from 'hast';
import { visit, SKIP } from '../tree/visit.ts';

const blockTags = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'figure', 'table', 'aside', 'blockquote', 'pre', 'hr', 'dl']);

/** The block id of the `n`th block (from 1) of a chapter. */
export const blockId = (chapterId: string, n: number) => `${chapterId}-b${n}`;

/**
 * Give every block of a chapter a `data-block` property, in document order. Blocks inside a block
 * (a paragraph inside a figure) are numbered too: a page may open inside a testimony.
 * Returns the number of blocks. Works on the tree it is given: apply it to an edition's own copy.
 */
export function numberBlocks(tree: Root, chapterId: string): number {
  let n = 0;
  visit(tree, 'element', (node: Element) => {
    if (!blockTags.has(node.tagName)) return undefined;
    n += 1;
    node.properties.dataBlock = blockId(chapterId, n);
    return node.tagName === 'p' || /^h\d$/.test(node.tagName) ? SKIP : undefined;
  });
  return n;
}
