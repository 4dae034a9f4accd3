/**
 * Figures (scripts/crossref/): in a release, every image says whose it is. The credit goes under
 * the figure and into the list of illustrations; a draft may wait for it.
 */
import type { Image, Nodes } from 'mdast';
import { chapterRule } from '../rule.ts';
import '../../crossref/types.ts';

export const imageNoCredit = chapterRule('image-no-credit', (tree, report, { book }) => {
  if (book.meta.status !== 'release') return;
  // Iterative, in document order: the tree may be as deep as the nesting limit allows.
  const stack: Array<{ node: Nodes; credited: boolean }> = [{ node: tree, credited: false }];
  while (stack.length > 0) {
    const { node, credited } = stack.pop()!;
    if (node.type === 'image' && !credited) {
      const image = node as Image;
      report(`Image \`${image.url}\` has no credit; say whose it is: \`![…](${image.url} "Caption"){credit="…"}\``, image.position);
    }
    const here = credited || (node.type === 'figure' && (node.data?.credit ?? '').trim() !== '');
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as Nodes, credited: here });
  }
});
