/**
 * The list of illustrations (« Table des illustrations »): a chapter the book makes itself in the
 * back matter, as it makes the bibliography (citations/index.ts `GeneratedChapter`), with the id
 * `illustrations`. One entry per figure, in book order: its label linked to the figure, its
 * caption, its credit. The print edition adds each figure's page (output/pdf/page-refs.ts).
 * Given as the tree the reader would have made of it: no text is written to be parsed again.
 */
import path from 'node:path';
import { VFile } from 'vfile';
import type { ListItem, PhrasingContent, Root } from 'mdast';
import { toString as hastToString } from 'hast-util-to-string';
import type { GeneratedChapter } from '../citations/index.ts';
import type { FigureLabels } from '../i18n/labels.ts';
import type { Span } from '../markdown/types.ts';
import type { FigureEntry } from './resolve.ts';

export const illustrationsId = 'illustrations';

function entry(figure: FigureEntry, from: string, labels: FigureLabels): ListItem {
  const file = encodeURI(path.relative(path.dirname(from), figure.chapter.source.path).split(path.sep).join('/'));
  const caption = figure.caption.map((node) => hastToString(node as never)).join('').trim();
  const children: PhrasingContent[] = [{ type: 'link', url: `${file}#${figure.id}`, children: [{ type: 'text', value: labels.figure(figure.number) }] }];
  if (caption) children.push({ type: 'text', value: `${labels.captionSeparator}${caption}` });
  if (figure.credit) {
    const credit: Span = { type: 'span', children: [{ type: 'text', value: figure.credit }], data: { hName: 'span', hProperties: { className: ['illustration-credit'] } } };
    children.push({ type: 'text', value: ' —\u00a0' }, credit);
  }
  return { type: 'listItem', spread: false, children: [{ type: 'paragraph', children }] };
}

/** The chapter, when the book has figures. Its source is the file of the first figure: its links are read from there. */
export function illustrationsChapter(figures: readonly FigureEntry[], labels: FigureLabels): GeneratedChapter | undefined {
  if (figures.length === 0) return undefined;
  const sourcePath = figures[0].chapter.source.path;
  const tree: Root = {
    type: 'root',
    children: [
      { type: 'heading', depth: 1, children: [{ type: 'text', value: labels.illustrations }] },
      {
        type: 'list',
        ordered: false,
        spread: false,
        data: { hProperties: { className: ['illustrations-list'] } },
        children: figures.map((figure) => entry(figure, sourcePath, labels)),
      },
    ],
  };
  return { id: illustrationsId, tree, file: new VFile({ path: sourcePath }), source: { path: sourcePath, matter: 'back', generated: 'illustrations' } };
}
