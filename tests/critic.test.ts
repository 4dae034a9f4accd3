/**
 * CriticMarkup, by fixture: for each folder of tests/fixtures/critic, `input.md` →
 * `tree.json` (the parsed mdast), `output.html` (the rendered chapter, ⍽ for U+202F, ~ for U+00A0),
 * `accepted.md` and `rejected.md` (the file after `book accept` / `book reject`), and the
 * `critic-unresolved` messages in `messages.txt`.
 */
import path from 'node:path';
import os from 'node:os';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { restoreEscapesInTree } from '../scripts/markdown/escapes.ts';
import { compileBook } from '../scripts/compile.ts';
import { checkBook } from '../scripts/check/index.ts';
import { criticUnresolved } from '../scripts/check/rules/critic.ts';
import { serializeHtml } from '../scripts/output/html.ts';
import { resolveCriticMarkup } from '../scripts/critic/resolve.ts';
import { criticKindOf } from '../scripts/critic/syntax.ts';
import { runCli } from './support/cli.ts';
import { expectFixture, fixtureDirs, showSpaces, treeJson } from './support/fixtures.ts';

const root = path.join(import.meta.dirname, 'fixtures', 'critic');

describe('CriticMarkup fixtures', () => {
  for (const dir of fixtureDirs(root)) {
    const name = path.basename(dir);
    const input = path.join(dir, 'input.md');
    const source = readFileSync(input, 'utf8');

    it(`${name}: parses`, () => {
      const tree = parseMarkdown(new VFile({ path: input, value: source }));
      restoreEscapesInTree(tree);
      expectFixture(treeJson(tree), path.join(dir, 'tree.json'));
    });

    it(`${name}: renders`, async () => {
      const book = await compileBook({ manuscript: dir, files: [input] });
      expectFixture(showSpaces(serializeHtml(book.chapters[0].hast)), path.join(dir, 'output.html'));
    });

    it(`${name}: is reported unresolved, with its line`, async () => {
      const book = await compileBook({ manuscript: dir, files: [input] });
      const diagnostics = checkBook(book, { rules: [criticUnresolved] });
      expect(diagnostics.every((d) => d.severity === 'error')).toBe(true);
      const report = diagnostics.map((d) => `${d.line}:${d.column} ${d.ruleId} ${d.message}`).join('\n');
      expectFixture(`${report}\n`, path.join(dir, 'messages.txt'));
    });

    for (const resolution of ['accept', 'reject'] as const) {
      it(`${name}: ${resolution}`, () => {
        const { text } = resolveCriticMarkup(source, resolution, input);
        expectFixture(text, path.join(dir, resolution === 'accept' ? 'accepted.md' : 'rejected.md'));
        // Nothing is left to resolve, and resolving again changes nothing.
        expect(resolveCriticMarkup(text, resolution).changes).toEqual([]);
      });
    }
  }
});

describe('CriticMarkup in the tree', () => {
  const parse = (value: string): Root => parseMarkdown(new VFile({ path: 'x.md', value }));
  const kinds = (tree: Root) => {
    const found: string[] = [];
    visit(tree, (node) => {
      const kind = criticKindOf(node);
      if (kind) found.push(kind);
    });
    return found;
  };

  it('keeps citations and spans working inside a correction', () => {
    const tree = parse('Voir {++[@presse-turquoise-2025, p. 3]++} et {++[Қадем]{lang=kk}++}.\n');
    const insertion = (tree.children[0] as { children: Array<{ type: string; children?: Array<{ type: string }> }> }).children[1];
    expect(insertion.type).toBe('span');
    expect(insertion.children?.map((c) => c.type)).toEqual(['cite']);
    expect(kinds(tree)).toEqual(['insertion', 'insertion']);
  });

  it('does not read a substitution as GFM strikethrough', () => {
    const tree = parse('{~~avant~>après~~} et ~~barré~~\n');
    const types: string[] = [];
    visit(tree, (node) => {
      types.push(node.type);
    });
    expect(types.filter((t) => t === 'delete')).toHaveLength(1);
    expect(kinds(tree)).toEqual(['substitution']);
  });
});

describe('book accept and book reject', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'book-critic-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = runCli;

  it('makes a release build refuse unresolved markup, with file and line; a draft build shows it', async () => {
    const copy = path.join(dir, 'release');
    await cp(path.join(root, 'kinds'), copy, { recursive: true });
    const release = await run(['build', '--manuscript', copy, '--format', 'html', '--out', path.join(dir, 'release-out')]);
    expect(release.code).toBe(1);
    expect(release.stderr).toMatch(/3:23-3:35\s+error\s+Unresolved CriticMarkup insertion « à Albi »/);
    expect(release.stderr).toContain('critic-unresolved');
    expect(release.stderr).toContain(path.join('release', 'input.md'));
    const draft = await run(['build', '--draft', '--manuscript', copy, '--format', 'html', '--out', path.join(dir, 'release-out')]);
    expect(draft.code).toBe(0);
    const page = await readFile(path.join(dir, 'release-out', 'html', 'input.html'), 'utf8');
    expect(page).toContain('<ins class="critic critic-insertion">à Albi</ins>');
  });

  for (const resolution of ['accept', 'reject'] as const) {
    it(`${resolution}s every correction of a manuscript in its files, listing file:line`, async () => {
      const copy = path.join(dir, resolution);
      await cp(root, copy, { recursive: true });
      const files = fixtureDirs(copy).map((d) => path.join(d, 'input.md'));
      const { code, stdout } = await run([resolution, ...files]);
      expect(code).toBe(0);
      for (const file of files) {
        const expected = await readFile(path.join(root, path.basename(path.dirname(file)), resolution === 'accept' ? 'accepted.md' : 'rejected.md'), 'utf8');
        expect(await readFile(file, 'utf8')).toBe(expected);
      }
      const kindsFile = path.join(copy, 'kinds', 'input.md');
      expect(stdout).toContain(`${path.relative(process.cwd(), kindsFile)}:3:23  insertion ${resolution}ed  {++à Albi++} → ${resolution === 'accept' ? 'à Albi' : '(removed)'}`);
      expect(stdout).toMatch(/:9:1 {2}highlight removed/);
      // The untouched fixture says so.
      const notMarkup = path.join(copy, 'not-markup', 'input.md');
      expect(await readFile(notMarkup, 'utf8')).toBe(await readFile(path.join(root, 'not-markup', 'input.md'), 'utf8'));
      // Run again: nothing left.
      const again = await run([resolution, ...files]);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe('');
      expect(again.stderr).toMatch(/No CriticMarkup/);
    });
  }
});
