/**
 * The chapter rendering of figures, captioned tables and cross-references (handlers for
 * render/chapter-hast.ts). What only the whole book knows — the numbers, the text of a
 * cross-reference and the chapter it points into — is filled in afterwards by resolve.ts; until
 * then a label is empty and a cross-reference shows its key (a chapter rendered alone, in the live
 * preview, before the book is rebuilt).
 *
 *   <figure class="figure" id="fig:x"><img …><figcaption><span class="figure-label"></span>
 *     <span class="figure-caption-text">…</span><br><span class="figure-credit">…</span></figcaption></figure>
 *   <figure class="table-figure" id="tbl:x"><figcaption><span class="table-label"></span>…</figcaption><table>…</table></figure>
 *   <a class="crossref crossref-fig" href="#fig:x">fig:x</a>
 */
import { h } from 'hastscript';
import type { Element, ElementContent } from 'hast';
import type { Nodes, Parents } from 'mdast';
import type { State } from 'mdast-util-to-hast';
import type { Crossref, Figure, TableFigure } from './types.ts';
import { labelOf } from './from-citations.ts';

const text = (value: string): ElementContent => ({ type: 'text', value });

export function renderFigure(state: State, node: Figure): Element {
  const [imageParagraph, caption, credit] = node.children;
  // The caption is printed under the image: the image's title would repeat it as a tooltip.
  const image = { ...imageParagraph.children[0], title: null };
  const picture = state.one(image as Nodes, imageParagraph as Parents) as ElementContent | ElementContent[] | undefined;
  const captionContent = state.all(caption as Nodes) as ElementContent[];
  const creditContent = state.all(credit as Nodes) as ElementContent[];
  // The author's other attributes go through sanitizing like a span's: `.class`, `lang` kept, the rest reported.
  const { className, ...properties } = node.data?.hProperties ?? {};
  const figure = h('figure', { className: ['figure', ...(className ?? [])], ...properties }, [
    ...(Array.isArray(picture) ? picture : picture ? [picture] : []),
    h('figcaption', [
      h('span', { className: ['figure-label'] }),
      ...(captionContent.length ? [h('span', { className: ['figure-caption-text'] }, captionContent)] : []),
      // On a line of its own, in readers without the book's styles too.
      ...(creditContent.length ? [h('br'), h('span', { className: ['figure-credit'] }, creditContent)] : []),
    ]),
  ]);
  if (node.position) figure.position = node.position;
  return figure;
}

export function renderTableFigure(state: State, node: TableFigure): Element {
  const [caption, table] = node.children;
  const captionContent = state.all(caption as Nodes) as ElementContent[];
  const rendered = state.one(table as Nodes, node as unknown as Parents) as Element;
  const figure = h('figure', { className: ['table-figure'], id: node.data?.hProperties?.id }, [
    h('figcaption', [h('span', { className: ['table-label'] }), ...(captionContent.length ? [h('span', { className: ['table-caption-text'] }, captionContent)] : [])]),
    rendered,
  ]);
  if (node.position) figure.position = node.position;
  return figure;
}

export function renderCrossref(_state: State, node: Crossref): Element | ElementContent[] {
  const parts: ElementContent[] = [];
  node.refs.forEach((ref, i) => {
    if (i > 0) parts.push(text(', '));
    if (ref.prefix) parts.push(text(`${ref.prefix} `));
    const link = h(
      'a',
      {
        className: ['crossref', `crossref-${ref.kind}`, ...(ref.capital ? ['crossref-capital'] : []), ...(ref.suppressLabel ? ['crossref-number'] : [])],
        href: `#${labelOf(ref)}`,
      },
      ref.key,
    );
    // Kept through sanitizing: crossref-unknown points here.
    if (node.position) link.position = node.position;
    parts.push(link);
    if (ref.suffix) parts.push(text(` ${ref.suffix}`));
  });
  return parts.length === 1 ? (parts[0] as Element) : parts;
}
