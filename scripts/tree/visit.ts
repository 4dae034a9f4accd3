/**
 * `visit` and `visitParents` with the API, types and semantics of unist-util-visit 5 and
 * unist-util-visit-parents 6 (same test forms through unist-util-is, same SKIP / EXIT / CONTINUE,
 * same returned indexes and reverse order), without their per-node cost: the collective's version
 * creates a closure for every node and renames it (`Object.defineProperty(visit, 'name', …)`) for
 * stack traces, and `visit` finds each node's index with `indexOf`. On a 300k-word book those took
 * about 0.6 s of `book check`'s 3.3 s (profiled). tests/visit.test.ts runs both on the same trees
 * and requires the same calls in the same order.
 */
import type { Node, Parent } from 'unist';
import { convert } from 'unist-util-is';
import { CONTINUE, EXIT, SKIP, type visitParents as VisitParents } from 'unist-util-visit-parents';
import type { visit as Visit } from 'unist-util-visit';

export { CONTINUE, EXIT, SKIP };

type Action = typeof CONTINUE | typeof EXIT | typeof SKIP;
type ActionTuple = [(Action | undefined)?, number?];
type AnyTest = Parameters<typeof convert>[0];
type ParentsVisitor = (node: Node, ancestors: Parent[]) => unknown;
type IndexVisitor = (node: Node, index: number | undefined, parent: Parent | undefined) => unknown;

const empty: ActionTuple = [];

function toResult(value: unknown): ActionTuple {
  if (Array.isArray(value)) return value as ActionTuple;
  if (typeof value === 'number') return [CONTINUE, value];
  return value === null || value === undefined ? empty : [value as Action];
}

/** The test as a function; a type name (the common case) is compared directly, as unist-util-is does. */
function tester(test: AnyTest | undefined): ((node: Node, index: number | undefined, parent: Parent | undefined) => boolean) | undefined {
  if (test === undefined || test === null) return undefined;
  if (typeof test === 'string') return (node) => node.type === test;
  const is = convert(test);
  return (node, index, parent) => is(node, index, parent);
}

/**
 * The walk, in document order or `reverse`, honouring SKIP, EXIT and an index to go on from. What a
 * visitor is given besides the node is its `context`: `below` makes a child's from its parent's
 * (visitParents: a new ancestors array for each parent, since a visitor may keep the one it is
 * given; visit: the parent alone, no array at all), `parentOf` reads the parent back for the test.
 */
function walk<C>(
  tree: Node,
  test: AnyTest | undefined,
  visitor: (node: Node, index: number | undefined, context: C) => unknown,
  reverse: boolean,
  context: { root: C; below: (context: C, parent: Parent) => C; parentOf: (context: C) => Parent | undefined },
): void {
  const is = tester(test);
  const step = reverse ? -1 : 1;
  const { below, parentOf } = context;

  const one = (node: Node, index: number | undefined, here: C): ActionTuple => {
    let result = empty;
    if (!is || is(node, index, parentOf(here))) {
      result = toResult(visitor(node, index, here));
      if (result[0] === EXIT) return result;
    }
    const children = (node as Partial<Parent>).children;
    if (children && result[0] !== SKIP) {
      const parent = node as Parent;
      const inside = below(here, parent);
      let offset = (reverse ? parent.children.length : -1) + step;
      while (offset > -1 && offset < parent.children.length) {
        const sub = one(parent.children[offset], offset, inside);
        if (sub[0] === EXIT) return sub;
        offset = typeof sub[1] === 'number' ? sub[1] : offset + step;
      }
    }
    return result;
  };
  one(tree, undefined, context.root);
}

const withAncestors = { root: [] as Parent[], below: (ancestors: Parent[], parent: Parent) => [...ancestors, parent], parentOf: (ancestors: Parent[]) => ancestors[ancestors.length - 1] };
const withParent = { root: undefined as Parent | undefined, below: (_parent: Parent | undefined, parent: Parent) => parent, parentOf: (parent: Parent | undefined) => parent };

export const visitParents = ((tree: Node, test: unknown, visitor?: unknown, reverse?: unknown) => {
  if (typeof test === 'function' && typeof visitor !== 'function') {
    reverse = visitor;
    visitor = test;
    test = undefined;
  }
  walk(tree, test as AnyTest, (node, _index, ancestors) => (visitor as ParentsVisitor)(node, ancestors), Boolean(reverse), withAncestors);
}) as typeof VisitParents;

export const visit = ((tree: Node, testOrVisitor: unknown, visitorOrReverse?: unknown, maybeReverse?: unknown) => {
  let test: unknown;
  let visitor: unknown;
  let reverse: unknown;
  if (typeof testOrVisitor === 'function' && typeof visitorOrReverse !== 'function') {
    visitor = testOrVisitor;
    reverse = visitorOrReverse;
  } else {
    test = testOrVisitor;
    visitor = visitorOrReverse;
    reverse = maybeReverse;
  }
  walk(tree, test as AnyTest, visitor as IndexVisitor, Boolean(reverse), withParent);
}) as typeof Visit;
