/**
 * A tree's nodes by type, gathered in one walk and kept as long as the tree lives, with each
 * node's parent: the check rules that look for one kind of node (`cite`, `image`,
 * `footnoteDefinition`…) read their few nodes instead of each walking the whole tree — the walks
 * were half of the rules' time in `book check` at 300k words (profiled).
 *
 * Only for a tree that no longer changes: a chapter's parsed tree (`chapter.mdast`), which the
 * compile copies before it transforms anything (compile.ts) and the rules only read.
 * tests/visit.test.ts holds the lists to what `visit` and `visitParents` find, in their order.
 */
import type { Nodes, Parent } from 'mdast';

interface Index {
  byType: Map<string, Nodes[]>;
  parents: Map<Nodes, Parent>;
  /** Each node's place in document order (preorder, as `visit` meets them). */
  order: Map<Nodes, number>;
}

const indexes = new WeakMap<Nodes, Index>();

function indexOf(tree: Nodes): Index {
  let index = indexes.get(tree);
  if (index) return index;
  const made: Index = { byType: new Map(), parents: new Map(), order: new Map() };
  let count = 0;
  const walk = (node: Nodes) => {
    made.order.set(node, count++);
    const list = made.byType.get(node.type);
    if (list) list.push(node);
    else made.byType.set(node.type, [node]);
    if ('children' in node) {
      for (const child of node.children) {
        made.parents.set(child, node);
        walk(child);
      }
    }
  };
  walk(tree);
  indexes.set(tree, (index = made));
  return index;
}

/** The nodes of `type` in `tree` (itself included), in document order. */
export function nodesOfType<T extends Nodes['type']>(tree: Nodes, type: T): ReadonlyArray<Extract<Nodes, { type: T }>> {
  return (indexOf(tree).byType.get(type) ?? []) as Array<Extract<Nodes, { type: T }>>;
}

/** The nodes of any of `types`, in document order. */
export function nodesOfTypes<T extends Nodes['type']>(tree: Nodes, types: readonly T[]): ReadonlyArray<Extract<Nodes, { type: T }>> {
  const index = indexOf(tree);
  const found = types.flatMap((type) => index.byType.get(type) ?? []);
  if (types.length > 1) found.sort((a, b) => index.order.get(a)! - index.order.get(b)!);
  return found as Array<Extract<Nodes, { type: T }>>;
}

/** The parent of `node` in `tree` (undefined for the root). */
export function parentOf(tree: Nodes, node: Nodes): Parent | undefined {
  return indexOf(tree).parents.get(node);
}

/** The ancestors of `node` in `tree`, the root first (as `visitParents` gives them). */
export function ancestorsOf(tree: Nodes, node: Nodes): Parent[] {
  const { parents } = indexOf(tree);
  const ancestors: Parent[] = [];
  for (let parent = parents.get(node); parent; parent = parents.get(parent as Nodes)) ancestors.push(parent);
  return ancestors.reverse();
}
