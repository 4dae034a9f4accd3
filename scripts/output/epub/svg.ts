/**
 * Inline SVG in the EPUB's chapters (the maps, scripts/maps/). epub-gen-memory reparses each
 * chapter body as HTML and drops every attribute outside its XHTML list (`viewBox`, `d`, `x`,
 * `fill`…), lower-casing the rest: an SVG cannot pass through it. So each `<svg>` is taken out of
 * the chapter's tree before it is handed over, an empty placeholder left in its place, and put back
 * into the XHTML file epub-gen-memory wrote, serialized as XML by xast (with the SVG namespace).
 * EPUB 3.3 §5.6.2.2: a content document with inline SVG carries the manifest property `svg`
 * (package-document.ts), given for every file that had one.
 */
import type { Element, Root } from 'hast';
import { toXast } from 'hast-util-to-xast';
import { toXml } from 'xast-util-to-xml';

/** The placeholder's class: no element the manuscript makes has it (a `:::name` block is `directive-name`). */
const placeholderClass = (n: number) => `epub-svg-${n}`;

/** Replace every `<svg>` of one document's `tree` by a placeholder; returns the SVGs as XML, in order. */
export function takeOutSvg(tree: Root | Element, drawings: string[] = []): string[] {
  tree.children.forEach((child, index) => {
    if (child.type !== 'element') return;
    if (child.tagName === 'svg') {
      const placeholder: Element = { type: 'element', tagName: 'div', properties: { className: [placeholderClass(drawings.length)] }, children: [] };
      drawings.push(toXml(toXast(child), { closeEmptyElements: true }));
      tree.children[index] = placeholder;
      return;
    }
    takeOutSvg(child, drawings);
  });
  return drawings;
}

/**
 * Put the drawings back into the XHTML epub-gen-memory wrote for the chapter (dom-serializer in
 * XML mode writes the empty placeholder `<div class="epub-svg-0"/>`, or with a closing tag).
 * Every placeholder must be found exactly once: anything else means epub-gen-memory changed.
 */
export function putBackSvg(xhtml: string, drawings: readonly string[]): string {
  let found = 0;
  const out = xhtml.replace(/<div class="epub-svg-(\d+)"\s*(?:\/>|><\/div>)/g, (whole, n: string) => {
    const drawing = drawings[Number(n)];
    if (drawing === undefined) return whole;
    found++;
    return drawing;
  });
  if (found !== drawings.length) throw new Error(`epub-gen-memory's XHTML has ${found} of the ${drawings.length} SVG placeholders: see scripts/output/epub/svg.ts`);
  return out;
}
