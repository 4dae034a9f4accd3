/**
 * scripts/tree/clone.ts against `structuredClone`: the same copy (values, and the same objects
 * shared inside it), nothing shared with the original, on generated values and on the parsed and
 * compiled trees of the manuscript.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { cloneTree } from '../scripts/tree/clone.ts';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { compileBook } from '../scripts/compile.ts';

/** Every object of `value` with the path it is first reached by, and the paths reaching one already seen. */
function shape(value: unknown): { objects: Set<object>; aliases: string[] } {
  const first = new Map<object, string>();
  const aliases: string[] = [];
  const walk = (node: unknown, at: string) => {
    if (typeof node !== 'object' || node === null) return;
    const seen = first.get(node);
    if (seen !== undefined) {
      aliases.push(`${at} is ${seen}`);
      return;
    }
    first.set(node, at);
    for (const key of Object.keys(node)) walk((node as Record<string, unknown>)[key], `${at}.${key}`);
  };
  walk(value, '');
  return { objects: new Set(first.keys()), aliases };
}

function expectSameCopy(original: unknown): void {
  const ours = cloneTree(original);
  expect(ours).toStrictEqual(structuredClone(original));
  const theirs = shape(structuredClone(original));
  const mine = shape(ours);
  // The same objects shared inside the copy, at the same places…
  expect(mine.aliases).toEqual(theirs.aliases);
  // …and none shared with the original.
  const originals = shape(original).objects;
  for (const object of mine.objects) expect(originals.has(object)).toBe(false);
}

const plain = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
})).value;

describe('cloneTree', () => {
  it('copies plain data as structuredClone does', () => {
    fc.assert(fc.property(plain, (value) => expectSameCopy(value)), { numRuns: 300 });
  });

  it('keeps an object reached twice as one object, as structuredClone does', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ maxLength: 4 }), plain, { maxKeys: 3 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (objects, picks) => {
        // A tree whose nodes point at objects of a shared pool: positions, as micromark shares them.
        const tree = { type: 'root', children: picks.map((pick, i) => ({ type: 'node', i, position: objects[pick % objects.length], data: { same: objects[0] } })) };
        expectSameCopy(tree);
      }),
      { numRuns: 200 },
    );
  });

  it('hands anything but plain data to structuredClone', () => {
    const value = { when: new Date(0), map: new Map([['a', { b: 1 }]]), list: [new Set([1, 2])] };
    const copy = cloneTree(value);
    expect(copy).toStrictEqual(value);
    expect(copy.when).not.toBe(value.when);
    expect(copy.map.get('a')).not.toBe(value.map.get('a'));
  });

  it('keeps a property named __proto__ a property', () => {
    const value = JSON.parse('{"type": "element", "properties": {"__proto__": {"polluted": true}}}') as { properties: Record<string, unknown> };
    const copy = cloneTree(value);
    expect(Object.getPrototypeOf(copy.properties)).toBe(Object.prototype);
    expect(Object.keys(copy.properties)).toEqual(['__proto__']);
    expect(copy).toStrictEqual(structuredClone(value));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies the manuscript’s parsed trees as structuredClone does', () => {
    const manuscript = path.join(import.meta.dirname, '..', 'manuscript');
    const names = readdirSync(manuscript).filter((name) => name.endsWith('.md'));
    expect(names.length).toBeGreaterThan(3);
    let aliased = 0;
    for (const name of names) {
      const file = path.join(manuscript, name);
      const tree = parseMarkdown(new VFile({ path: file, value: readFileSync(file, 'utf8') }));
      aliased += shape(tree).aliases.length;
      expectSameCopy(tree);
    }
    // The manuscript has such shared objects: the check above is not vacuous.
    expect(aliased).toBeGreaterThan(0);
  });

  it('shares only the positions with the original when asked to', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ maxLength: 4 }), plain, { maxKeys: 3 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (objects, picks) => {
        const tree = { type: 'root', children: picks.map((pick, i) => ({ type: 'node', i, position: objects[pick % objects.length], data: { same: objects[0], list: [objects[0]] } })), position: { start: { line: 1 } } };
        const copy = cloneTree(tree, { sharePositions: true });
        // Without the positions, the copy is structuredClone's…
        const withoutPositions = (root: typeof tree) => ({ ...root, position: undefined, children: root.children.map((child) => ({ ...child, position: undefined })) });
        expect(withoutPositions(copy)).toStrictEqual(withoutPositions(structuredClone(tree)));
        // Every position is the original's object; nothing else of the original is in the copy.
        expect(copy.position).toBe(tree.position);
        copy.children.forEach((child, i) => expect(child.position).toBe(tree.children[i].position));
        const positions = new Set<object>();
        for (const node of [tree, ...tree.children]) for (const object of shape(node.position).objects) positions.add(object);
        const originals = shape(tree).objects;
        for (const object of shape(copy).objects) if (originals.has(object)) expect(positions.has(object)).toBe(true);
        // The rest keeps its aliases, as structuredClone would.
        copy.children.forEach((child) => expect(child.data.list[0]).toBe(child.data.same));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves the parsed trees of the manuscript as they were after compiling the book (it shares their positions)', async () => {
    const previous = process.env.BOOK_CACHE;
    process.env.BOOK_CACHE = '0'; // every chapter compiled here, none taken from a cache
    try {
      const book = await compileBook({ manuscript: path.join(import.meta.dirname, '..', 'manuscript') });
      expect(book.chapters.length).toBeGreaterThan(5);
      let points = 0;
      for (const chapter of book.chapters) {
        if (chapter.source.generated) continue;
        const fresh = parseMarkdown(new VFile({ path: chapter.file.path, value: readFileSync(chapter.file.path, 'utf8') }));
        expect(chapter.mdast).toStrictEqual(fresh);
        points += shape(chapter.mdast).objects.size;
      }
      expect(points).toBeGreaterThan(1000);
    } finally {
      if (previous === undefined) delete process.env.BOOK_CACHE;
      else process.env.BOOK_CACHE = previous;
    }
  });
});
