/**
 * XHTML serialisation (EPUB 3.3 §6.1.2: content documents are XML). Two consumers, two forms:
 * - documents we put in the package ourselves (navigation, cover page) go through xast, which
 *   writes well-formed XML: `hidden=""`, `<!DOCTYPE html>`, the XHTML namespace;
 * - chapter bodies handed to epub-gen-memory, which reparses them as HTML with htmlparser2 before
 *   writing XML: there an empty `<span/>` would swallow what follows, so elements are written as
 *   HTML that is also XML (`<br />`, `<span></span>`, numeric character references).
 */
import type { Root, Element } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { toXast } from 'hast-util-to-xast';
import { toXml } from 'xast-util-to-xml';
import { visit } from '../../tree/visit.ts';

const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** A whole XHTML document (with its doctype), ready to be a file of the package. */
export function serializeXhtmlDocument(tree: Root): string {
  return `${xmlDeclaration}${toXml(toXast(tree), { closeEmptyElements: true })}\n`;
}

/** A body fragment for epub-gen-memory's chapter template. */
export function serializeXhtmlFragment(tree: Root): string {
  visit(tree, 'element', (node: Element) => {
    for (const [key, value] of Object.entries(node.properties)) {
      // A bare boolean attribute (`hidden`) is not XML. The only ones the sanitizing step lets into a
      // chapter are a GFM task list's `checked` and `disabled`, which epub-gen-memory drops anyway.
      if (value === true && node.tagName === 'input') delete node.properties[key];
      else if (value === true) throw new Error(`Boolean attribute \`${key}\` on <${node.tagName}> cannot be written as XHTML`);
    }
  });
  return toHtml(tree, { closeSelfClosing: true, characterReferences: { useNamedReferences: false } });
}
