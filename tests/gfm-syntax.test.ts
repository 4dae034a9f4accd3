/**
 * scripts/markdown/gfm-syntax.ts reads as remark-gfm does: the same trees, positions included,
 * after the reader's transforms, on the manuscript, every Markdown fixture, a generated benchmark
 * book, and random text built to make tables, autolinks and emails where it can.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import remarkGfm from 'remark-gfm';
import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { createParser, parseMarkdown, readerFor } from '../scripts/markdown/parse.ts';
import { mayHoldAutolink, mayHoldEmail, mayHoldWebAddress, readSource, remarkGfmSyntax } from '../scripts/markdown/gfm-syntax.ts';
import { generateManuscript } from '../scripts/bench/manuscript.ts';

const root = path.resolve(import.meta.dirname, '..');
const reference = createParser(remarkGfm);
const everything = createParser([remarkGfmSyntax, { emailAutolinks: true, webAutolinks: true, findAutolinks: true }]);


/** The tree and the messages of a text read by `reader` (the transforms run too). */
function read(reader: typeof reference, text: string, guarded: boolean) {
  const file = new VFile({ path: 'chapitre.md', value: text });
  const tree = guarded ? readSource(text, () => reader.parse(file)) : reader.parse(file);
  const result = reader.runSync(tree, file);
  return { tree: JSON.parse(JSON.stringify(result)), messages: file.messages.map(String) };
}

/** The reading of `text` every way, compared with remark-gfm's; that reading returned. */
function expectSameReading(text: string): ReturnType<typeof read> {
  const expected = read(reference, text, false);
  expect(read(readerFor(text), text, true)).toEqual(expected);
  // The guarded table with every autolink looked for, and with no source noted (the critic's reading).
  expect(read(everything, text, true)).toEqual(expected);
  expect(read(everything, text, false)).toEqual(expected);
  return expected;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return markdownFiles(file);
    return name.endsWith('.md') ? [file] : [];
  });
}

describe('the GFM reading', () => {
  it('reads the manuscript and every Markdown fixture as remark-gfm does', () => {
    const files = [...markdownFiles(path.join(root, 'manuscript')), ...markdownFiles(path.join(root, 'tests/fixtures'))];
    expect(files.length).toBeGreaterThan(100);
    let tables = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      tables += expectSameReading(text).tree.children.filter((node: { type: string }) => node.type === 'table').length;
    }
    // Tables were read, and the email construct and the search for addresses left out of most files.
    expect(tables).toBeGreaterThan(0);
    expect(files.filter((file) => !mayHoldEmail(readFileSync(file, 'utf8'))).length).toBeGreaterThan(files.length / 2);
    expect(files.filter((file) => !mayHoldAutolink(readFileSync(file, 'utf8'))).length).toBeGreaterThan(files.length / 2);
    expect(files.filter((file) => !mayHoldWebAddress(readFileSync(file, 'utf8'))).length).toBeGreaterThan(files.length / 2);
  });

  it("reads a generated benchmark book's chapters as remark-gfm does", () => {
    const { book, stats } = generateManuscript({ words: 6000 });
    expect(stats.tables).toBeGreaterThan(0);
    for (const [name, text] of book) if (name.endsWith('.md')) expectSameReading(text);
  });

  it('reads random text as remark-gfm does', () => {
    const line = fc.constantFrom(
      '| a | b |', '|a|', 'a | b', 'a', 'Le texte suit.', ':-', '-:', ':-:|', '| - | :-: |', '---', '- a', '* b', '1. c',
      '> | x |', '> :--', '  -|', '\t| - |', '    | b |', '[^1]: note', '    | - |', ':::testimony', ':::', '', ' ',
      'www.exemple.fr', 'voir https://exemple.fr/a_b.', 'jean.dupont@exemple.fr', 'x_y@b.c', '[@cle, p. 3]', '-@cle.',
      '~~barré~~', '- [ ] tâche', '<div>', '```', 'a\\|b', '`|`', '*a@b.fr*', 'mailto:a@b.fr', '&amp;|', '.@b.fr', '+@b.fr', '_@b.fr', '-@b.c',
      'a&#64;b.fr', 'a&commat;b.fr', '&#x77;ww.x.fr', 'a\\@b.fr', 'a\\.@b.fr', 'a@b\\.fr', 'a@b\\-c.fr', 'HTTP://X.FR', 'WwW.x.fr',
      'http\\://x.fr', 'www\\.x.fr', 'xmpp:a@b.fr/c', '[-@cle]', '[@a.b]',
    );
    const piece = fc.oneof(line, fc.string({ unit: fc.constantFrom('a', 'w', 'h', '@', '.', '-', ':', '|', '>', ' ', '\t', '_', '*', '[', ']', '\\', '&', '#', ';'), maxLength: 12 }));
    const ending = fc.constantFrom('\n', '\r\n', '\r');
    const document = fc.array(fc.tuple(fc.array(piece, { minLength: 1, maxLength: 3 }), ending), { maxLength: 12 })
      .map((lines) => lines.map(([pieces, end]) => pieces.join(' ') + end).join(''));
    fc.assert(fc.property(document, (text) => {
      expectSameReading(text);
    }), { numRuns: 600 });
  });

  it('gives the chapters read by the book the same trees', () => {
    const text = 'Titre\n\n| a | b |\n| - | - |\n| c | d |\ne\n\nÉcrire à jean.dupont@exemple.fr ou www.exemple.fr.\n';
    const ours = parseMarkdown(new VFile({ path: 'chapitre.md', value: text }));
    expect(JSON.parse(JSON.stringify(ours))).toEqual(read(reference, text, false).tree);
    expect(ours.children.map((node) => node.type)).toEqual(['paragraph', 'table', 'paragraph']);
  });
});
