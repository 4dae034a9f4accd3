/**
 * scripts/tree/visit.ts against unist-util-visit and unist-util-visit-parents, on the trees of the
 * syntax fixtures and of the manuscript: the same nodes, indexes, parents and ancestors, in the same
 * order, for every form of test and every visitor result (SKIP, EXIT, an index to go on from,
 * reverse order), and the same tree after a visitor that edits it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Node, Parent } from 'unist';
import type { Nodes, Root } from 'mdast';
import { VFile } from 'vfile';
import { visit as theirVisit, SKIP as theirSkip, EXIT as theirExit } from 'unist-util-visit';
import { visitParents as theirVisitParents } from 'unist-util-visit-parents';
import { visit as ourVisit, visitParents as ourVisitParents, SKIP, EXIT } from '../scripts/tree/visit.ts';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { ancestorsOf, nodesOfType, nodesOfTypes, parentOf } from '../scripts/tree/by-type.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'syntax');
const manuscript = path.join(import.meta.dirname, '..', 'manuscript');
const trees: Array<[string, () => Root]> = [
  ...readdirSync(fixtures).map((name): [string, () => Root] => [`syntax/${name}`, () => JSON.parse(readFileSync(path.join(fixtures, name, 'tree.json'), 'utf8')) as Root]),
  ...readdirSync(manuscript)
    .filter((name) => name.endsWith('.md'))
    .map((name): [string, () => Root] => [`manuscript/${name}`, () => parseMarkdown(new VFile({ path: path.join(manuscript, name), value: readFileSync(path.join(manuscript, name), 'utf8') }))]),
];

const label = (node: Node | undefined) => (node ? `${node.type}@${node.position?.start.offset ?? '?'}` : '-');

type Visitish = typeof theirVisit;
type VisitParentsish = typeof theirVisitParents;

/** The calls one visit makes, as text, with a visitor that returns what `answer` says. */
function callsOfVisit(visit: Visitish, tree: Root, test: unknown, answer: (n: number, node: Node, index?: number) => unknown, reverse = false): string[] {
  const calls: string[] = [];
  const visitor = (node: Node, index: number | undefined, parent: Parent | undefined) => {
    calls.push(`${label(node)} ${index} ${label(parent)}`);
    return answer(calls.length, node, index);
  };
  if (test === undefined) (visit as (t: Node, v: unknown, r?: boolean) => void)(tree, visitor, reverse);
  else (visit as (t: Node, s: unknown, v: unknown, r?: boolean) => void)(tree, test, visitor, reverse);
  return calls;
}

function callsOfVisitParents(visitParents: VisitParentsish, tree: Root, test: unknown, answer: (n: number) => unknown): string[] {
  const calls: string[] = [];
  (visitParents as (t: Node, s: unknown, v: unknown) => void)(tree, test, (node: Node, ancestors: Parent[]) => {
    calls.push(`${label(node)} [${ancestors.map(label).join(' ')}]`);
    return answer(calls.length);
  });
  return calls;
}

describe('scripts/tree/visit.ts does what unist-util-visit does', () => {
  for (const [name, load] of trees) {
    it(name, () => {
      const tree = load();
      const same = (test: unknown, answer: (n: number, node: Node, index?: number) => unknown, reverse = false) => {
        const ours = callsOfVisit(ourVisit, tree, test, (n, node, index) => translate(answer(n, node, index)), reverse);
        const theirs = callsOfVisit(theirVisit, tree, test, answer, reverse);
        expect(ours).toEqual(theirs);
        return theirs.length;
      };
      // Their constants, ours: the same values, but the test must not depend on it.
      const translate = (value: unknown) => (value === theirSkip ? SKIP : value === theirExit ? EXIT : value);

      expect(same(undefined, () => undefined)).toBeGreaterThan(2);
      same('text', () => undefined);
      same(['paragraph', 'heading'], () => undefined);
      same({ type: 'heading', depth: 2 }, () => undefined);
      same((node: Node) => node.type === 'emphasis' || node.type === 'link', () => undefined);
      same(undefined, () => undefined, true);
      same(undefined, (_n, node) => (node.type === 'paragraph' ? theirSkip : undefined));
      same(undefined, (n) => (n === 12 ? theirExit : undefined));
      // Return an index: go on from two siblings further.
      same(undefined, (_n, node, index) => (node.type === 'text' && index !== undefined ? index + 2 : undefined));
      same(undefined, (_n, node, index) => (node.type === 'paragraph' && index !== undefined ? [theirSkip, index + 1] : undefined));

      for (const test of [undefined, 'text', (node: Node) => node.type === 'strong']) {
        const ours = test === undefined ? callsOfVisitParents(ourVisitParents, tree, () => true, () => undefined) : callsOfVisitParents(ourVisitParents, tree, test, () => undefined);
        const theirs = test === undefined ? callsOfVisitParents(theirVisitParents, tree, () => true, () => undefined) : callsOfVisitParents(theirVisitParents, tree, test, () => undefined);
        expect(ours).toEqual(theirs);
      }
    });
  }

  it('sees the same tree after a visitor that removes and inserts nodes', () => {
    for (const [, load] of trees.slice(0, 4)) {
      const edit = (visit: Visitish) => {
        const tree = load();
        visit(tree, 'text', (node, index, parent) => {
          if (!parent || index === undefined) return;
          if (node.value.length % 3 === 0) {
            parent.children.splice(index, 1);
            return index; // the next sibling is now here
          }
          if (node.value.length % 3 === 1) {
            parent.children.splice(index + 1, 0, { type: 'text', value: '' } as never);
            return index + 2;
          }
          return undefined;
        });
        return tree;
      };
      expect(edit(ourVisit)).toEqual(edit(theirVisit));
    }
  });
});

describe('scripts/tree/by-type.ts finds what unist-util-visit-parents finds', () => {
  it('gives every type its nodes in document order, with their parents and ancestors', () => {
    let checked = 0;
    for (const [, load] of trees) {
      const tree = load();
      const seen: Array<{ node: Node; ancestors: Parent[] }> = [];
      theirVisitParents(tree, (node, ancestors) => {
        seen.push({ node, ancestors: [...ancestors] });
      });
      const types = [...new Set(seen.map(({ node }) => node.type))] as Array<Nodes['type']>;
      for (const type of types) {
        expect(nodesOfType(tree, type)).toEqual(seen.filter(({ node }) => node.type === type).map(({ node }) => node));
        checked++;
      }
      // Two types together, merged in document order (tested by identity, not by shape).
      for (const pair of [['text', 'cite'], ['footnoteReference', 'cite'], ['containerDirective', 'leafDirective'], ['image', 'imageReference']] as Array<Array<Nodes['type']>>) {
        const ours = nodesOfTypes(tree, pair);
        const theirs = seen.filter(({ node }) => pair.includes(node.type as Nodes['type'])).map(({ node }) => node);
        expect(ours.length).toBe(theirs.length);
        ours.forEach((node, i) => expect(node).toBe(theirs[i]));
      }
      for (const { node, ancestors } of seen) {
        const ours = ancestorsOf(tree, node as Nodes);
        expect(ours.length).toBe(ancestors.length);
        ours.forEach((ancestor, i) => expect(ancestor).toBe(ancestors[i]));
        expect(parentOf(tree, node as Nodes)).toBe(ancestors.at(-1));
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
