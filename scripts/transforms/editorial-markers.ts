/**
 * Editorial markers (`:::todo`) are for the editors: shown in drafts, taken out of release editions.
 */
import type { Root } from 'mdast';
import { remove } from 'unist-util-remove';

export const isTodo = (node: { type: string; name?: string }) =>
  node.type === 'containerDirective' && node.name === 'todo';

export function removeTodos(tree: Root): Root {
  remove(tree, (node) => isTodo(node as { type: string; name?: string }));
  return tree;
}
