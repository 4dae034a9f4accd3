/**
 * The conventions of command-line tools (issue 14): --version, `book help CMD`, colours by
 * NO_COLOR / FORCE_COLOR / terminal, the compact reporter, progress lines, the book folder found
 * from where the user stands, `book init`, and `build --reporter json`. In process (runCli), except
 * the one build run inside the new book's folder, through bin/book.js as a user runs it.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBookFolder, locate, manuscriptOf, outOf } from '../scripts/commands/book-folder.ts';
import { colorFor } from '../scripts/commands/color.ts';
import { PLAIN_PROGRESS_EVERY_MS, progressPrinter, type Io } from '../scripts/commands/command.ts';
import { build, type ProgressEvent } from '../scripts/build.ts';
import { inFolder, runCli } from './support/cli.ts';

const repo = path.resolve(import.meta.dirname, '..');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'book-conventions-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('version and help', () => {
  it('prints the version with --version and -V', async () => {
    const { version } = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`book ${version}\n`);
    }
  });

  it('prints one command\'s help with `book help CMD`, and refuses an unknown one', async () => {
    const help = await runCli(['help', 'init']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}book init \[DIR\]/);
    expect(help.stdout).not.toMatch(/--pdf-timeout/);
    const unknown = await runCli(['help', 'publish']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command `publish`/);
  });

  it('names the command that owns an option given to another', async () => {
    const result = await runCli(['init', '--format', 'html']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/`--format` is an option of book build, not of book init/);
  });
});

describe('colour', () => {
  it('follows NO_COLOR, FORCE_COLOR and the terminal', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(colorFor(tty, {})).toBe(true);
    expect(colorFor(pipe, {})).toBe(false);
    expect(colorFor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorFor(tty, { NO_COLOR: '' })).toBe(true); // empty: not set (no-color.org)
    expect(colorFor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorFor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorFor(pipe, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });
});

describe('progress', () => {
  function recorder(isTTY: boolean) {
    let text = '';
    const stream = { write: (s: string) => ((text += s), true), isTTY } as unknown as NodeJS.WriteStream;
    return { io: { stdout: stream, stderr: stream } satisfies Io, text: () => text };
  }

  it('updates one line on a terminal, as the pages are laid out', () => {
    const { io, text } = recorder(true);
    const print = progressPrinter(io, false, () => 0);
    print({ type: 'start', stage: 'pdf' });
    print({ type: 'progress', stage: 'pdf', pages: 1 });
    print({ type: 'progress', stage: 'pdf', pages: 120 });
    print({ type: 'end', stage: 'pdf', ms: 2500 });
    expect(text()).toBe('\r\x1b[K… pdf\r\x1b[K… pdf: 1 page laid out\r\x1b[K… pdf: 120 pages laid out\r\x1b[K✓ pdf (2.5 s)\n');
  });

  it('writes a line every few seconds off a terminal', () => {
    const { io, text } = recorder(false);
    let now = 0;
    const print = progressPrinter(io, false, () => now);
    for (let pages = 10; pages <= 100; pages += 10) {
      print({ type: 'progress', stage: 'pdf', pages });
      now += PLAIN_PROGRESS_EVERY_MS / 4;
    }
    expect(text().split('\n').filter(Boolean)).toEqual(['book: pdf: 10 pages laid out', 'book: pdf: 50 pages laid out', 'book: pdf: 90 pages laid out']);
  });
});

describe('progress of the PDF layout', () => {
  it('passes the pages laid out from the browser up to onProgress, ending on the total', async () => {
    const dir = path.join(work, 'pdf-progress');
    await runCli(['init', '--quiet', dir]);
    const events: ProgressEvent[] = [];
    const result = await build({ manuscript: dir, out: path.join(dir, 'build'), formats: ['pdf'], onProgress: (event) => events.push(event) });
    const pages = events.filter((event) => event.type === 'progress');
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((event) => event.stage === 'pdf')).toBe(true);
    expect(pages.at(-1)).toEqual({ type: 'progress', stage: 'pdf', pages: result.printPages?.length });
    // Between the stage's start and its end.
    expect(events.findIndex((event) => event.type === 'start' && event.stage === 'pdf')).toBeLessThan(events.indexOf(pages[0]));
    expect(events.findIndex((event) => event.type === 'end' && event.stage === 'pdf')).toBeGreaterThan(events.indexOf(pages.at(-1)!));
  });
});

describe('the book folder', () => {
  it('is the folder given, else the nearest book.yaml upward, else manuscript', async () => {
    const book = path.join(work, 'found', 'livre');
    await mkdir(path.join(book, 'notes', 'deep'), { recursive: true });
    await writeFile(path.join(book, 'book.yaml'), 'title: T\ncontents:\n  chapters: [a.md]\n');
    expect(findBookFolder(path.join(book, 'notes', 'deep'))).toBe(book);
    expect(manuscriptOf({}, [], path.join(book, 'notes', 'deep'))).toBe(book); // above the working folder: shown whole
    expect(manuscriptOf({}, [], book)).toBe('.');
    expect(manuscriptOf({ manuscript: 'ailleurs' }, [], book)).toBe('ailleurs');
    expect(manuscriptOf({}, ['autre'], book)).toBe('autre');
    expect(manuscriptOf({}, [], path.join(work, 'found'))).toBe('manuscript');
    // The output folder: build here, or the book's own when the book is above.
    expect(outOf({}, [], book)).toBe('build');
    expect(outOf({}, [], path.join(book, 'notes', 'deep'))).toBe(path.join(book, 'build'));
    expect(outOf({ out: 'ailleurs' }, [], path.join(book, 'notes'))).toBe('ailleurs');
    expect(outOf({ manuscript: book }, [], path.join(book, 'notes'))).toBe('build');
    // A file inside a book: the book, limited to that file; a file outside any book: read alone.
    await writeFile(path.join(book, 'a.md'), '# A\n');
    await writeFile(path.join(work, 'found', 'b.md'), '# B\n');
    expect(locate({}, [path.join('notes', '..', 'a.md')], book)).toEqual({ manuscript: '.', files: [], only: [path.join(book, 'a.md')] });
    expect(locate({}, ['b.md'], path.join(work, 'found'))).toEqual({ manuscript: 'manuscript', files: ['b.md'] });
  });

  it('`book check FILE.md` inside a book reads it with the book\'s bibliography and reports that file only', async () => {
    const book = path.join(work, 'cited');
    await mkdir(book, { recursive: true });
    await writeFile(path.join(book, 'book.yaml'), 'title: Cité\nlanguage: fr\nbibliography: refs.json\ncontents:\n  chapters: [un.md, deux.md]\n');
    await writeFile(path.join(book, 'refs.json'), JSON.stringify([{ id: 'exemple', type: 'book', title: 'Un titre', author: [{ family: 'Auteur', given: 'Un' }], publisher: 'Éditeur', issued: { 'date-parts': [[2000]] } }]));
    await writeFile(path.join(book, 'un.md'), '# Un\n\nTexte cité [@exemple, p. 3].\n');
    await writeFile(path.join(book, 'deux.md'), '# Deux\n\nUn appel sans note[^manque].\n');
    const one = await inFolder(book, () => runCli(['check', 'un.md', '--reporter', 'compact']));
    expect(one.stdout).toBe('');
    expect(one.code).toBe(0);
    const other = await inFolder(book, () => runCli(['check', 'deux.md', '--reporter', 'compact']));
    expect(other.code).toBe(1);
    expect(other.stdout).toBe('deux.md:3:19: error Note call `[^manque]` has no definition; add `[^manque]: …` or remove the call [footnote-undefined]\n');
    // From inside the book's folder, `book check` alone finds it.
    const all = await inFolder(path.join(book), () => runCli(['check']));
    expect(all.stderr).toMatch(/book check: 2 chapters, 1 error/);
  });
});

describe('book init', () => {
  it('creates a book that checks with no error and builds at once inside its folder', async () => {
    const dir = path.join(work, 'nouveau livre');
    const init = await runCli(['init', dir]);
    expect(init.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['01-premier-chapitre.md', '02-second-chapitre.md', 'bibliography.json', 'book.yaml', 'names.yaml']);
    expect(await readFile(path.join(dir, 'book.yaml'), 'utf8')).toMatch(/^# /m);
    const check = await inFolder(dir, () => runCli(['check', '--reporter', 'json']));
    expect(check.code).toBe(0);
    const messages = JSON.parse(check.stdout) as Array<{ severity: string; ruleId: string }>;
    expect(messages.filter((m) => m.severity !== 'info')).toEqual([]);
    // As a user runs it: `book build` in the new folder, the HTML and EPUB editions.
    const { stderr } = await promisify(execFile)(process.execPath, [path.join(repo, 'bin', 'book.js'), 'build', '--format', 'html,epub'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    expect(stderr).toMatch(/Built in/);
    expect((await readdir(path.join(dir, 'build'))).sort()).toEqual(['book-manifest.json', 'book.epub', 'html']);
    // Never over a book: nothing replaced.
    const again = await runCli(['init', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a book/);
  });
});

describe('reporters', () => {
  it('prints file:line:column: severity message [rule-id] with --reporter compact', async () => {
    const dir = path.join(work, 'compact');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'x.md'), '# X\n\nUn appel[^manque].\n\n> Une citation sans source.\n');
    const result = await runCli(['check', dir, '--reporter', 'compact']);
    expect(result.code).toBe(1);
    const shown = path.relative(process.cwd(), path.join(dir, 'x.md'));
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      `${shown}:3:9: error Note call \`[^manque]\` has no definition; add \`[^manque]: …\` or remove the call [footnote-undefined]`,
      `${shown}:5:1: warning Quotation with no source; add a note or a citation at its end, or in the sentence that introduces it or the one that follows it [quote-unsourced]`,
    ]);
  });

  it('reads every --format given, not only the last', async () => {
    // An unknown edition named first is refused, as it would be named last or in one list.
    for (const args of [['--format', 'bogus', '--format', 'html'], ['-f', 'html', '-f', 'bogus'], ['--format', 'html,bogus']]) {
      const result = await runCli(['build', path.join(work, 'nowhere'), ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/unknown format `bogus`; choose among/);
    }
  });

  it('writes one JSON document with the outputs and the messages for build --reporter json', async () => {
    const dir = path.join(work, 'json');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'x.md'), '---\nTitle: Titre en capitale\n---\n\n# X\n\nTexte.\n');
    const out = path.join(work, 'json-out');
    const result = await runCli(['build', dir, '--out', out, '--format', 'html', '--reporter', 'json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { outputs: Array<{ format: string; path: string; bytes: number; ms: number }>; messages: unknown[]; ms: number };
    expect(document.outputs).toHaveLength(1);
    expect(document.outputs[0]).toMatchObject({ format: 'html', path: path.relative(process.cwd(), path.join(out, 'html')) });
    expect(document.outputs[0].bytes).toBeGreaterThan(0);
    expect(document.messages).toEqual([]);
    // Front matter keys are read whatever their case.
    expect(await readFile(path.join(out, 'html', 'x.html'), 'utf8')).toMatch(/<title>Titre en capitale/);

    await writeFile(path.join(dir, 'x.md'), '# X\n\nUn appel[^manque].\n');
    const failed = await runCli(['build', dir, '--out', out, '--format', 'html', '--reporter', 'json']);
    expect(failed.code).toBe(1);
    const refused = JSON.parse(failed.stdout) as { outputs: unknown[]; messages: Array<{ ruleId: string }>; error: string };
    expect(refused.outputs).toEqual([]);
    expect(refused.messages.map((m) => m.ruleId)).toEqual(['footnote-undefined']);
    expect(refused.error).toMatch(/1 error/);
  });
});
