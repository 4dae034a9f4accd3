/**
 * CriticMarkup, by fixture: for each folder of tests/fixtures/critic, `input.md` →
 * `tree.json` (the parsed mdast), `output.html` (the rendered chapter, ⍽ for U+202F, ~ for U+00A0),
 * `accepted.md` and `rejected.md` (the file after `book accept` / `book reject`), and the
 * `critic-unresolved` messages in `messages.txt`.
 */
import path from 'node:path';
import os from 'node:os';
import { chmod, cp, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VFile } from 'vfile';
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { restoreEscapesInTree } from '../scripts/markdown/escapes.ts';
import { compileBook } from '../scripts/compile.ts';
import { checkBook } from '../scripts/check/index.ts';
import { criticUnresolved } from '../scripts/check/rules/critic.ts';
import { serializeHtml } from '../scripts/output/html/index.ts';
import { resolveCriticBytes, resolveCriticMarkup, resolveFiles, type Resolution } from '../scripts/critic/resolve.ts';
import { BuildError } from '../scripts/errors.ts';
import { decodeSource, replaceFileAtomically } from '../scripts/critic/source-file.ts';
import { firstInvalidByte } from '../scripts/manuscript/read-text.ts';
import { criticKindOf } from '../scripts/markdown/critic-syntax.ts';
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

describe('book accept and book reject change only the bytes of the marks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'book-critic-bytes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const bom = '\ufeff';
  // A chapter saved by a Windows editor: BOM, CRLF, an astral character before the marks (so that
  // an offset in code points instead of UTF-16 units would show), marks over several lines.
  const windowsChapter =
    `${bom}# Chapitre 😀\r\n` +
    '\r\n' +
    'Texte {--supprimé --}ici et {++ajout++} là.\r\n' +
    '{>>note de relecture<<} Une phrase {--coupée--}\r\n' +
    'qui {++continue\r\nsur deux lignes++} puis {~~vieux\r\ntexte~>neuf\r\ntexte~~} et {==ceci==}.\r\n';
  const windowsAccepted =
    `${bom}# Chapitre 😀\r\n` +
    '\r\n' +
    'Texte ici et ajout là.\r\n' +
    'Une phrase\r\n' +
    'qui continue\r\nsur deux lignes puis neuf\r\ntexte et ceci.\r\n';
  const windowsRejected =
    `${bom}# Chapitre 😀\r\n` +
    '\r\n' +
    'Texte supprimé ici et là.\r\n' +
    'Une phrase coupée\r\n' +
    'qui puis vieux\r\ntexte et ceci.\r\n';
  const expected = { accept: windowsAccepted, reject: windowsRejected } as const;

  const fresh = async (name: string, bytes: Buffer | string) => {
    const folder = await mkdtemp(path.join(dir, `${name}-`));
    const file = path.join(folder, `${name}.md`);
    await writeFile(file, bytes);
    return { folder, file };
  };

  for (const resolution of ['accept', 'reject'] as const) {
    it(`${resolution}: a file with a BOM and CRLF gets exactly the expected bytes`, async () => {
      const { folder, file } = await fresh(`windows-${resolution}`, Buffer.from(windowsChapter, 'utf8'));
      const { code, stdout } = await runCli([resolution, file]);
      expect(code).toBe(0);
      expect((await readFile(file)).equals(Buffer.from(expected[resolution], 'utf8'))).toBe(true);
      // The BOM takes no column: the first mark of line 3 is at column 7, as an editor shows it.
      expect(stdout).toContain(`:3:7  deletion ${resolution}ed  {--supprimé --} →`);
      expect(stdout).toMatch(/:5:5 {2}insertion \w+ed {2}\{\+\+continue sur deux lignes\+\+\} →/);
      // Nothing but the file itself is left in its folder.
      expect(await readdir(folder)).toEqual([path.basename(file)]);
    });
  }

  it('keeps mixed line endings (LF, CRLF, CR) and a CR right after removed markup', () => {
    const source = 'un {--mot--}\r\ndeux {++a\rb++}\nfin {>>x<<}\r';
    const accepted = resolveCriticBytes(Buffer.from(source), 'accept');
    const rejected = resolveCriticBytes(Buffer.from(source), 'reject');
    expect(accepted.ok && accepted.bytes.toString('utf8')).toBe('un\r\ndeux a\rb\nfin\r');
    expect(rejected.ok && rejected.bytes.toString('utf8')).toBe('un mot\r\ndeux\nfin\r');
  });

  it('resolves the string form with a BOM at the right places (the bug: "Texte} ici et+ajou} là.")', () => {
    const { text } = resolveCriticMarkup(`${bom}Texte {--supprimé --}ici et {++ajout++} là.\n`, 'accept');
    expect(text).toBe(`${bom}Texte ici et ajout là.\n`);
  });

  it('refuses a Latin-1 file before writing any file: all left byte for byte, exit 1, file and place named', async () => {
    const folder = await mkdtemp(path.join(dir, 'latin1-'));
    const first = path.join(folder, 'a.md');
    const latin1 = path.join(folder, 'b.md');
    const last = path.join(folder, 'c.md');
    const good = Buffer.from('Un {++ajout++} ici.\n', 'utf8');
    // "Première ligne\nCafé {++crème++} à Albi.\n" in ISO-8859-1.
    const bad = Buffer.from('Premi\xe8re ligne\nCaf\xe9 {++cr\xe8me++} \xe0 Albi.\n', 'latin1');
    await writeFile(first, good);
    await writeFile(latin1, bad);
    await writeFile(last, good);
    const past = new Date('2020-01-02T03:04:05Z');
    for (const file of [first, latin1, last]) await utimes(file, past, past);
    const before = await Promise.all([first, latin1, last].map((file) => stat(file)));

    const { code, stdout, stderr } = await runCli(['accept', first, latin1, last]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(path.relative(process.cwd(), latin1));
    // The é of "Première" (line 1, column 6) is the first bad byte.
    expect(stderr).toMatch(/1:6\s+error\s+This file is not valid UTF-8: byte 0xE8 cannot be read, so the file was left untouched/);
    expect(stderr).toContain('encoding-invalid');
    expect(stderr).toContain('no file was changed');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect((await readFile(latin1)).equals(bad)).toBe(true);
    expect((await readFile(first)).equals(good)).toBe(true);
    expect((await readFile(last)).equals(good)).toBe(true);
    const after = await Promise.all([first, latin1, last].map((file) => stat(file)));
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));
    expect((await readdir(folder)).sort()).toEqual(['a.md', 'b.md', 'c.md']);
  });

  it('keeps the file mode (0640, 0600) and does not rewrite a file with no markup', async () => {
    const folder = await mkdtemp(path.join(dir, 'mode-'));
    const shared = path.join(folder, 'shared.md');
    const secret = path.join(folder, 'secret.md');
    const plain = path.join(folder, 'plain.md');
    await writeFile(shared, 'Un {++ajout++}.\n');
    await writeFile(secret, 'Un {--retrait--} ici.\n');
    await writeFile(plain, 'Aucune correction {+ ici +}.\r\n');
    await chmod(shared, 0o640);
    await chmod(secret, 0o600);
    const past = new Date('2021-05-06T07:08:09Z');
    await utimes(plain, past, past);
    const plainBefore = await stat(plain);

    const { code } = await runCli(['accept', shared, secret, plain]);
    expect(code).toBe(0);
    expect(await readFile(shared, 'utf8')).toBe('Un ajout.\n');
    expect(await readFile(secret, 'utf8')).toBe('Un ici.\n');
    expect((await stat(shared)).mode & 0o7777).toBe(0o640);
    expect((await stat(secret)).mode & 0o7777).toBe(0o600);
    const plainAfter = await stat(plain);
    expect(plainAfter.mtimeMs).toBe(plainBefore.mtimeMs);
    expect(plainAfter.ino).toBe(plainBefore.ino);
    expect((await readdir(folder)).sort()).toEqual(['plain.md', 'secret.md', 'shared.md']);
  });

  it('writes the target of a symlinked chapter and keeps the link', async () => {
    const folder = await mkdtemp(path.join(dir, 'link-'));
    await mkdir(path.join(folder, 'shared'));
    await mkdir(path.join(folder, 'book'));
    const target = path.join(folder, 'shared', 'chapter.md');
    const link = path.join(folder, 'book', 'chapter.md');
    await writeFile(target, `${bom}Lien {++suivi++}.\r\n`);
    await symlink(path.join('..', 'shared', 'chapter.md'), link);
    // Given through the link and by its own name: resolved once.
    const { code, stdout } = await runCli(['accept', link, target]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(path.join('..', 'shared', 'chapter.md'));
    expect((await readFile(target)).equals(Buffer.from(`${bom}Lien suivi.\r\n`, 'utf8'))).toBe(true);
    expect(await readdir(path.join(folder, 'shared'))).toEqual(['chapter.md']);
    expect(await readdir(path.join(folder, 'book'))).toEqual(['chapter.md']);
  });

  it('refuses a missing file, a folder or a broken link before writing anything', async () => {
    const folder = await mkdtemp(path.join(dir, 'missing-'));
    const good = path.join(folder, 'good.md');
    await writeFile(good, 'Un {++ajout++}.\n');
    await mkdir(path.join(folder, 'dossier.md'));
    await symlink(path.join(folder, 'nowhere.md'), path.join(folder, 'broken.md'));
    const { code, stderr } = await runCli(['accept', good, path.join(folder, 'dossier.md')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/dossier\.md\n.*Not a regular file/);
    expect(stderr).toContain('no file was changed');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(good, 'utf8')).toBe('Un {++ajout++}.\n');
    // The command line's loader already stops at a missing file; resolveFiles, a library function, too.
    for (const other of ['broken.md', 'absent.md']) {
      const refusal = await resolveFiles([good, path.join(folder, other)], 'accept').catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(BuildError);
      expect((refusal as BuildError).message).toContain('no file was changed');
      expect((refusal as BuildError).files.map((f) => [f.path, f.messages[0].ruleId])).toEqual([[path.join(folder, other), 'manuscript-missing']]);
      expect(await readFile(good, 'utf8')).toBe('Un {++ajout++}.\n');
    }
  });

  it('refuses a read-only file, even for root', async () => {
    const { folder, file } = await fresh('read-only', 'Un {++ajout++}.\n');
    await chmod(file, 0o444);
    const { code, stderr } = await runCli(['accept', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/error\s+File is read-only/);
    expect(await readFile(file, 'utf8')).toBe('Un {++ajout++}.\n');
    expect((await stat(file)).mode & 0o7777).toBe(0o444);
    expect(await readdir(folder)).toEqual(['read-only.md']);
  });

  it('replaces a file atomically: on failure the target is untouched and no temporary file is left', async () => {
    const folder = await mkdtemp(path.join(dir, 'atomic-'));
    // rename(2) cannot replace a non-empty folder: the write fails after the temporary file exists.
    const target = path.join(folder, 'chapter.md');
    await mkdir(target);
    await writeFile(path.join(target, 'keep.txt'), 'kept');
    await expect(replaceFileAtomically(target, Buffer.from('new'), { mode: 0o644, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 })).rejects.toThrow();
    expect(await readdir(folder)).toEqual(['chapter.md']);
    expect(await readFile(path.join(target, 'keep.txt'), 'utf8')).toBe('kept');
    // And on success, only the file.
    const file = path.join(folder, 'other.md');
    await writeFile(file, 'old');
    await replaceFileAtomically(file, Buffer.from('new'), { mode: 0o640, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o7777).toBe(0o640);
    expect((await readdir(folder)).sort()).toEqual(['chapter.md', 'other.md']);
  });
});

describe('UTF-8 decoding of a source file', () => {
  it('places the first bad byte by line and column (LF, CRLF and CR lines; BOM and astral characters)', () => {
    const at = (bytes: number[] | string) => {
      const decoded = decodeSource(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes));
      return decoded.ok ? `valid${decoded.bom ? ' with BOM' : ''}` : `${decoded.line}:${decoded.column} 0x${decoded.byte.toString(16)}`;
    };
    expect(at('Caf\xe9\n')).toBe('1:4 0xe9');
    expect(at('a\r\nb\rc\nd\xff')).toBe('4:2 0xff');
    expect(at('\xef\xbb\xbfab\xe9')).toBe('1:3 0xe9');
    // "😀" is two UTF-16 units, as the Markdown reader counts columns.
    expect(at([0xf0, 0x9f, 0x98, 0x80, 0x41, 0xc0, 0x80])).toBe('1:4 0xc0'); // overlong NUL
    expect(at([0x41, 0xed, 0xa0, 0x80])).toBe('1:2 0xed'); // a surrogate
    expect(at([0x41, 0xe2, 0x82])).toBe('1:2 0xe2'); // cut short at the end
    expect(at([0xf4, 0x90, 0x80, 0x80])).toBe('1:1 0xf4'); // above U+10FFFF
    expect(at([0xff, 0xfe, 0x41, 0x00])).toBe('1:1 0xff'); // UTF-16 with its BOM
    // A second U+FEFF is text, kept: only the first is the byte order mark.
    expect(at('\xef\xbb\xbf\xef\xbb\xbfok')).toBe('valid with BOM');
    const twice = decodeSource(Buffer.from('\xef\xbb\xbf\xef\xbb\xbfok', 'latin1'));
    expect(twice.ok && twice.text).toBe('\ufeffok');
  });

  it('finds the first bad byte where the WHATWG decoder fails, on any bytes', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const valid = (bytes: Uint8Array) => {
      try {
        strict.decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0x41));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }), (list) => {
        const bytes = Uint8Array.from(list);
        const bad = firstInvalidByte(bytes);
        expect(bad === -1).toBe(valid(bytes));
        if (bad >= 0) {
          // Valid up to it; invalid once the sequence it starts is included.
          expect(valid(bytes.subarray(0, bad))).toBe(true);
          expect(valid(bytes.subarray(0, Math.min(bytes.length, bad + 4)))).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('book accept and book reject, by property', () => {
  type Kind = 'insertion' | 'deletion' | 'substitution' | 'highlight' | 'comment';
  interface Mark {
    kind: Kind;
    text: string;
    /** The new text of a substitution. */
    other: string;
  }
  type Piece = string | Mark;

  // Text the Markdown reader takes as plain text wherever it stands: no Markdown punctuation, no
  // list or heading openers, no "www." or "@"; accents, an astral character, NBSP, U+FFFD.
  const letter = fc.constantFrom('a', 'b', 'é', 'à', 'ç', 'œ', 'É', 'z', 'Қ', '😀', '’', ',', '.', ';', "'", '\u00a0', '\u202f', '\ufffd');
  const word = fc.array(letter, { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));
  const endings = fc.constantFrom('lf', 'crlf', 'mixed');

  const document = fc.record({
    bom: fc.boolean(),
    endings,
    pieces: fc.array(
      fc.oneof(
        { weight: 3, arbitrary: word },
        {
          weight: 2,
          arbitrary: fc.record({
            kind: fc.constantFrom<Kind>('insertion', 'deletion', 'substitution', 'highlight', 'comment'),
            // `\n` stands for a line ending, chosen below; never at a part's edge, never doubled
            // (a blank line would end the paragraph, and the markup with it).
            text: fc.array(fc.tuple(word, fc.constantFrom(' ', ' ', '\n')), { maxLength: 4 }),
            other: fc.array(fc.tuple(word, fc.constantFrom(' ', '\n')), { maxLength: 3 }),
            edges: fc.constantFrom('', ' ', 'both'),
          }),
        },
      ),
      { maxLength: 14 },
    ),
    separators: fc.array(fc.constantFrom(' ', ' ', ' ', '', '\n', '\n\n'), { minLength: 14, maxLength: 14 }),
    lineEndings: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 64, maxLength: 64 }),
    finalEnding: fc.boolean(),
  });

  const partText = (parts: Array<[string, string]>) => parts.map(([w, sep], i) => (i < parts.length - 1 ? w + sep : w)).join('');

  /** The pieces of a document (marks, and plain text between them), line endings in place. */
  function piecesOf(doc: typeof document extends fc.Arbitrary<infer T> ? T : never): Piece[] {
    let eol = 0;
    const ending = (): string => {
      const chosen = doc.endings === 'lf' ? '\n' : doc.endings === 'crlf' ? '\r\n' : doc.lineEndings[eol % doc.lineEndings.length];
      eol += 1;
      return chosen;
    };
    const withEndings = (text: string) => text.replace(/\n/g, () => ending());
    const pieces: Piece[] = [];
    doc.pieces.forEach((piece, i) => {
      if (typeof piece === 'string') pieces.push(piece);
      else {
        let text = partText(piece.text);
        if (piece.edges === ' ' && text) text = `${text} `;
        if (piece.edges === 'both' && text) text = ` ${text} `;
        pieces.push({ kind: piece.kind, text: withEndings(text), other: withEndings(partText(piece.other)) });
      }
      if (i < doc.pieces.length - 1) pieces.push(withEndings(doc.separators[i]));
    });
    if (doc.finalEnding) pieces.push(ending());
    return pieces;
  }

  const open = { insertion: ['{++', '++}'], deletion: ['{--', '--}'], substitution: ['{~~', '~~}'], highlight: ['{==', '==}'], comment: ['{>>', '<<}'] };
  const raw = (piece: Piece) =>
    typeof piece === 'string' ? piece : piece.kind === 'substitution' ? `{~~${piece.text}~>${piece.other}~~}` : `${open[piece.kind][0]}${piece.text}${open[piece.kind][1]}`;

  const replacementOf = (mark: Mark, resolution: Resolution) => {
    switch (mark.kind) {
      case 'insertion':
        return resolution === 'accept' ? mark.text : '';
      case 'deletion':
        return resolution === 'accept' ? '' : mark.text;
      case 'substitution':
        return resolution === 'accept' ? mark.other : mark.text;
      case 'highlight':
        return mark.text;
      case 'comment':
        return '';
    }
  };

  /**
   * What the file must become, computed on the pieces alone (no parser, no offsets): each mark
   * replaced, from the last to the first; a removal also takes one space so that none is doubled
   * or left at a line's edge (the rule of resolve.ts, `un {--très--} beau` → `un beau`).
   */
  function reference(pieces: Piece[], resolution: Resolution): string {
    const texts = pieces.map(raw);
    const blank = (c: string | undefined) => c === ' ' || c === '\t';
    const edge = (c: string | undefined) => c === undefined || c === '\n' || c === '\r';
    let tail = '';
    for (let i = pieces.length - 1; i >= 0; i--) {
      const piece = pieces[i];
      if (typeof piece === 'string') {
        tail = texts[i] + tail;
        continue;
      }
      const replacement = replacementOf(piece, resolution);
      if (replacement !== '') {
        tail = replacement + tail;
        continue;
      }
      let previous = i - 1;
      while (previous >= 0 && texts[previous] === '') previous--;
      const before = previous >= 0 ? texts[previous].at(-1) : undefined;
      if (blank(before) && (blank(tail[0]) || edge(tail[0]))) texts[previous] = texts[previous].slice(0, -1);
      else if (edge(before) && blank(tail[0])) tail = tail.slice(1);
    }
    return tail;
  }

  const bytesOf = (text: string, bom: boolean) => Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);

  for (const resolution of ['accept', 'reject'] as const) {
    it(`${resolution}: every byte outside the marks is kept, whatever the BOM and line endings`, () => {
      fc.assert(
        fc.property(document, (doc) => {
          const pieces = piecesOf(doc);
          const text = pieces.map(raw).join('');
          const expected = reference(pieces, resolution);
          const result = resolveCriticBytes(bytesOf(text, doc.bom), resolution);
          if (!result.ok) throw new Error('valid UTF-8 refused');
          expect(result.bytes.toString('hex')).toBe(bytesOf(expected, doc.bom).toString('hex'));
          // The string form, BOM included, as the fixtures call it.
          const bom = doc.bom ? '\ufeff' : '';
          expect(resolveCriticMarkup(bom + text, resolution).text).toBe(bom + expected);
          expect(result.changes).toHaveLength(pieces.filter((p) => typeof p !== 'string').length);
          // A text with no markup left is the identity for both.
          for (const again of ['accept', 'reject'] as const) {
            const second = resolveCriticBytes(result.bytes, again);
            expect(second.ok && second.changes).toEqual([]);
            expect(second.ok && second.bytes.equals(result.bytes)).toBe(true);
          }
        }),
        { numRuns: 100 },
      );
    });
  }
});
