/**
 * `book fix` (scripts/typography/): the four typography findings fixed in place, byte-safe as
 * `book accept` is. Examples first, then properties over generated Markdown (fast-check): only
 * the reported ranges change, and fixing twice changes nothing more.
 */
import path from 'node:path';
import os from 'node:os';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fixTypography, fixTypographyBytes } from '../scripts/typography/fix-text.ts';
import { frenchTypographyText } from '../scripts/transforms/french-typography.ts';
import { runCli } from './support/cli.ts';

const work = await mkdtemp(path.join(os.tmpdir(), 'typography-fix-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('fixTypography', () => {
  it('fixes ranges, numéros, English quotes and ellipses in French text', () => {
    const { text, changes } = fixTypography('De 1939-1945, le no 7 dit “oui”... enfin.\n', 'fr');
    expect(text).toBe('De 1939–1945, le n^o^ 7 dit «oui»… enfin.\n');
    expect(changes.map((c) => [c.ruleId, c.line, c.column, c.old, c.new])).toEqual([
      ['typography-range-hyphen', 1, 4, '1939-1945', '1939–1945'],
      ['typography-numero', 1, 18, 'no', 'n^o^'],
      ['typography-english-quotes', 1, 27, '“', '«'],
      ['typography-english-quotes', 1, 31, '”', '»'],
      ['typography-ellipsis', 1, 32, '...', '…'],
    ]);
  });

  it('writes « » that the build then spaces with narrow no-break spaces', () => {
    for (const source of ['Il dit “oui” hier.', 'Il dit “ oui ” hier.']) {
      const fixed = fixTypography(`${source}\n`, 'fr').text;
      expect(frenchTypographyText(fixed.trim())).toBe('Il dit «\u202foui\u202f» hier.');
    }
  });

  it('leaves English text, other languages, code, links, dates and identifiers alone', () => {
    const untouched = [
      'Le 1944-08-19, tél. 05-63-45-67-89, ISBN 978-2-07-036822-8.\n',
      '`1939-1945` [1939-1945](https://example.org/1939-1945) [@doe-1939-1945]\n',
      '[From 1939-1945, no 7 said “yes”...]{lang=en}\n',
      '« Il disait “jamais” », écrit-elle.\n',
      '---\ntitle: 1939-1945...\n---\n\nTexte.\n',
    ];
    for (const source of untouched) expect(fixTypography(source, 'fr').text, source).toBe(source);
    expect(fixTypography('From 1939-1945, “yes”...\n', 'en').changes).toEqual([]);
    expect(fixTypography('---\nlang: en\n---\n\nFrom 1939-1945...\n', 'fr').changes).toEqual([]);
  });

  it('keeps the byte order mark, CRLF line endings and escapes', () => {
    const source = '\ufeffLigne un \\* 1939-1945\r\n> cité ... ici\r\n';
    const bytes = Buffer.from(source, 'utf8');
    const fixed = fixTypographyBytes(bytes, 'fr');
    expect(fixed.ok && fixed.bytes.toString('utf8')).toBe('\ufeffLigne un \\* 1939–1945\r\n> cité … ici\r\n');
  });

  it('refuses a file that is not UTF-8, saying where', () => {
    expect(fixTypographyBytes(Buffer.from([0x61, 0x0a, 0x62, 0xe9, 0x0a]), 'fr')).toEqual({ ok: false, byte: 0xe9, line: 2, column: 2 });
  });
});

/** Markdown made of pieces the rules and the reader care about. */
const piece = fc.constantFrom(
  '1939', '-', '1945', '12', '15', '08', '19', '.', '...', '....', 'no', 'No', 'nos', ' ', ' 7', '\u00a0', '“', '”', '«', '»', '^', 'o',
  '`', '[', ']', '(', ')', '{lang=en}', '\\', '\\-', '&amp;', '*', '_', '\n', '\r\n', '\n\n', '> ', '- ', '# ', 'https://x.org/1-2', '@k-1', 'é', 'a',
);
const markdown = fc.tuple(fc.boolean(), fc.array(piece, { maxLength: 30 })).map(([bom, pieces]) => (bom ? '\ufeff' : '') + pieces.join(''));

describe('fix properties (fast-check)', () => {
  it('changes no byte outside the reported ranges, and each range held what it reports', () => {
    fc.assert(
      fc.property(markdown, (source) => {
        const { text, changes } = fixTypography(source, 'fr');
        let shift = 0;
        let last = 0;
        for (const change of changes) {
          expect(change.start).toBeGreaterThanOrEqual(last);
          // Between changes: the same characters, moved by what the changes before added.
          expect(text.slice(last + shift, change.start + shift)).toBe(source.slice(last, change.start));
          expect(source.slice(change.start, change.end)).toBe(change.old);
          expect(text.slice(change.start + shift, change.start + shift + change.new.length)).toBe(change.new);
          shift += change.new.length - change.old.length;
          last = change.end;
        }
        expect(text.slice(last + shift)).toBe(source.slice(last));
        // And as bytes: the file's bytes outside the ranges are the same bytes.
        const bytes = Buffer.from(source, 'utf8');
        const fixed = fixTypographyBytes(bytes, 'fr');
        expect(fixed.ok && fixed.bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('is idempotent: a fixed text has nothing left to fix', () => {
    fc.assert(
      fc.property(markdown, (source) => {
        const once = fixTypography(source, 'fr').text;
        const twice = fixTypography(once, 'fr');
        expect(twice.changes).toEqual([]);
        expect(twice.text).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('book fix', () => {
  it('lists each change, writes only with changes, keeps the file mode; --dry-run writes nothing', async () => {
    const dir = path.join(work, 'book');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    const chapter = path.join(dir, 'chapitre.md');
    const clean = path.join(dir, 'propre.md');
    await writeFile(chapter, '# Titre\r\n\r\nDe 1939-1945... fin.\r\n');
    await writeFile(clean, '# Propre\n\nRien à corriger.\n');
    await chmod(chapter, 0o640);
    const cleanBefore = await stat(clean);

    const dry = await runCli(['fix', dir, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('chapitre.md:3:4  1939-1945 → 1939–1945  [typography-range-hyphen]');
    expect(dry.stdout).toContain('chapitre.md:3:13  ... → …  [typography-ellipsis]');
    expect(dry.stderr).toContain('2 changes in 1 file to make (dry run: nothing written)');
    expect(await readFile(chapter, 'utf8')).toBe('# Titre\r\n\r\nDe 1939-1945... fin.\r\n');

    const run = await runCli(['fix', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
    expect(await readFile(chapter, 'utf8')).toBe('# Titre\r\n\r\nDe 1939–1945… fin.\r\n');
    expect((await stat(chapter)).mode & 0o777).toBe(0o640);
    expect((await stat(clean)).mtimeMs).toBe(cleanBefore.mtimeMs);

    const again = await runCli(['fix', dir]);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('nothing to fix');
  });

  it('refuses every file when one cannot be read as UTF-8, and changes none', async () => {
    const dir = path.join(work, 'latin1');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    await writeFile(path.join(dir, 'a.md'), 'De 1939-1945.\n');
    await writeFile(path.join(dir, 'b.md'), Buffer.from([0x23, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a]));
    const run = await runCli(['fix', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('encoding-invalid');
    expect(await readFile(path.join(dir, 'a.md'), 'utf8')).toBe('De 1939-1945.\n');
  });
});
