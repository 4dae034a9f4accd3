/**
 * A testimony, a document or a long quotation must say where it comes from: a citation inside it
 * (or right after a quotation), or a `source` / `archive` attribute.
 */
import type { Nodes } from 'mdast';
import { visit } from '../../tree/visit.ts';
import { toString } from 'mdast-util-to-string';
import { chapterRule } from '../rule.ts';

/** Quotations at least this long (in words) need a source. */
export const longQuotationWords = 40;

function hasCitation(node: Nodes): boolean {
  let found = false;
  visit(node, 'cite', () => {
    found = true;
  });
  return found;
}

export const quoteUnsourced = chapterRule('quote-unsourced', (tree, report) => {
  visit(tree, (node, index, parent) => {
    if (node.type === 'containerDirective' && (node.name === 'testimony' || node.name === 'document')) {
      const attributes = node.attributes ?? {};
      if (!hasCitation(node) && !attributes.source && !attributes.archive) {
        report(`This ${node.name} gives no source; add a citation such as \`[@key, p. 12]\` inside it, or a \`source="…"\` or \`archive="…"\` attribute`, node.position);
      }
      return;
    }
    if (node.type === 'blockquote') {
      const words = toString(node).split(/\s+/).filter(Boolean).length;
      const next = parent && index !== undefined ? parent.children[index + 1] : undefined;
      const citedAfter = next?.type === 'paragraph' && hasCitation(next) && toString(next).length < 200;
      if (words >= longQuotationWords && !hasCitation(node) && !citedAfter) {
        report(`Quotation of ${words} words with no source; add a citation inside it or in the line that follows`, node.position);
      }
    }
  });
});
