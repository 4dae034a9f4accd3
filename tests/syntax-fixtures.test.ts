/**
 * The Markdown reader and the shared chapter rendering, by fixture: for each folder of
 * tests/fixtures/syntax, `input.md` → `tree.json` (the parsed mdast, syntax only) and
 * `output.html` (the rendered chapter, with ⍽ for U+202F and ~ for U+00A0).
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { VFile } from 'vfile';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { restoreEscapesInTree } from '../scripts/markdown/escapes.ts';
import { compileBook } from '../scripts/compile.ts';
import { serializeHtml } from '../scripts/output/html/index.ts';
import { expectFixture, fixtureDirs, showSpaces, treeJson } from './support/fixtures.ts';

const root = path.join(import.meta.dirname, 'fixtures', 'syntax');

describe('Markdown syntax fixtures', () => {
  for (const dir of fixtureDirs(root)) {
    const name = path.basename(dir);
    const input = path.join(dir, 'input.md');

    it(`${name}: parses`, () => {
      const tree = parseMarkdown(new VFile({ path: input, value: readFileSync(input, 'utf8') }));
      restoreEscapesInTree(tree);
      expectFixture(treeJson(tree), path.join(dir, 'tree.json'));
    });

    it(`${name}: renders`, async () => {
      const book = await compileBook({ manuscript: dir, files: [input] });
      const html = serializeHtml(book.chapters[0].hast);
      expectFixture(showSpaces(html), path.join(dir, 'output.html'));
    });
  }
});
