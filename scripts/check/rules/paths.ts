/**
 * Images whose file lies outside the manuscript folder (symbolic links followed): the editions
 * leave them out (scripts/output/local-images.ts), and this says where and why. Chapters and the
 * other files book.yaml names are refused under the same id when the book is loaded
 * (scripts/manuscript/load-manuscript.ts).
 */
import type { Definition } from 'mdast';
import { nodesOfType, nodesOfTypes } from '../../tree/by-type.ts';
import { resolveImage } from '../../manuscript/inside.ts';
import { chapterRule } from '../rule.ts';

export const pathOutsideManuscript = chapterRule('path-outside-manuscript', (tree, report, { book, chapter }) => {
  const images = nodesOfTypes(tree, ['image', 'imageReference']);
  const definitions = new Map<string, Definition>();
  for (const node of nodesOfType(tree, 'definition')) if (!definitions.has(node.identifier)) definitions.set(node.identifier, node);
  for (const image of images) {
    const url = image.type === 'image' ? image.url : definitions.get(image.identifier)?.url;
    if (url === undefined || resolveImage(book.root, url, chapter.source.path)?.problem !== 'outside') continue;
    report(
      `Image \`${url}\` is outside the manuscript folder; copy the file into the folder and link it by its path there (until then the editions leave it out)`,
      image.position,
    );
  }
}, { readsDisk: true });
