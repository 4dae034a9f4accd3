/**
 * The command line as a user meets it. `bookProcess` runs the real `bin/book.js` in a child process
 * (exit codes, streams, the tsx start-up) for one test of each kind of outcome; `book` runs the same
 * `main` in this process from the same working folder, sparing the other tests a child's start-up.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, readFile, cp, rm, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliIn } from './support/cli.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');
const bin = path.join(repo, 'bin', 'book.js');

async function bookProcess(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `main` in this process, from `cwd` (tests/support/cli.ts). */
function book(args: string[], cwd: string) {
  return runCliIn(cwd, args, { NO_COLOR: '1' });
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'book-cli-'));
  // A small book with a book.yaml.
  await mkdir(path.join(work, 'livre'));
  await writeFile(path.join(work, 'livre', 'book.yaml'), 'title: Petit livre\nlanguage: fr\ncontents:\n  chapters: [un.md, deux.md]\n');
  await writeFile(path.join(work, 'livre', 'un.md'), '# Un\n\nTexte[^1].\n\n[^1]: Note.\n');
  await writeFile(path.join(work, 'livre', 'deux.md'), '# Deux\n\nSuite.\n');
  // Someone else's Markdown, no book.yaml.
  await mkdir(path.join(work, 'notes'));
  await writeFile(path.join(work, 'notes', 'b-second.md'), '# Second\n\nTexte.\n');
  await writeFile(path.join(work, 'notes', 'a-premier.md'), '# Premier titre\n\nTexte.\n');
  // A chapter with errors.
  await mkdir(path.join(work, 'fautes'));
  await writeFile(path.join(work, 'fautes', 'x.md'), '# X\n\nUn appel[^manque] et un mot Kaзах.\n\n[^seule]: Jamais appelée.\n');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('book --help', () => {
  it('prints the commands and exits 0', async () => {
    const result = await bookProcess(['--help'], work);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/book build \[--manuscript DIR\] \[--out DIR\] \[--format html,epub,pdf\]/);
    expect(result.stdout).toMatch(/book check/);
  });

  it('rejects an unknown option with exit 2', async () => {
    const result = await bookProcess(['build', '--colour'], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--colour/);
  });

  it('prints one command\'s usage and options with `book COMMAND --help`, and only its options', async () => {
    const result = await book(['build', '--help'], work);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/book build \[--manuscript DIR\] \[--out DIR\] \[--format html,epub,pdf\] \[--draft\]/);
    expect(result.stdout).toMatch(/-f, --format LIST/);
    expect(result.stdout).toMatch(/--pdf-timeout S/);
    expect(result.stdout).not.toMatch(/--port|--rules|book check/);
    const check = await book(['check', '-h'], work);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/book check --rules/);
    expect(check.stdout).not.toMatch(/--format|--out/);
  });

  it('lists in the global help every option of every command', async () => {
    const { stdout } = await book(['--help'], work);
    for (const option of ['--manuscript DIR', '--out DIR', '--port N', '--format LIST', '--draft', '--reporter NAME', '--bibliography F', '--csl FILE', '--locale LANG', '--pdf-timeout S', '--rules', '--quiet', '--help']) {
      expect(stdout).toContain(option);
    }
  });

  it('refuses an option of another command with exit 2, naming the command that takes it', async () => {
    const port = await book(['check', '--port', '4001', 'livre'], work);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/`--port` is an option of book preview, not of book check/);
    const short = await book(['build', '-m', 'livre', '-p', '4001'], work);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/`-p` is an option of book preview, not of book build/);
    const timeout = await book(['check', 'livre', '--pdf-timeout', '5'], work);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/`--pdf-timeout` is an option of book build, not of book check/);
    expect(timeout.stderr).toMatch(/book check --help/);
  });
});

describe('book check', () => {
  it('exits 1 and reports file, line, column, rule and a sentence', async () => {
    const result = await bookProcess(['check', 'fautes'], work);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/fautes\/x\.md/);
    expect(result.stderr).toMatch(/3:9.*error.*`\[\^manque\]` has no definition.*footnote-undefined/);
    expect(result.stderr).toMatch(/5:1.*error.*never called.*footnote-unused/);
  });

  it('prints one JSON array with --reporter json', async () => {
    const result = await book(['check', 'fautes', '--reporter', 'json'], work);
    expect(result.code).toBe(1);
    const messages = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const message of messages) {
      expect(Object.keys(message).sort()).toEqual(['column', 'file', 'line', 'message', 'ruleId', 'severity']);
    }
    expect(messages.map((m) => m.ruleId)).toEqual(expect.arrayContaining(['footnote-undefined', 'footnote-unused', 'name-mixed-script']));
    expect(messages.find((m) => m.ruleId === 'name-mixed-script')).toMatchObject({ line: 3, severity: 'error', file: path.join('fautes', 'x.md') });
  });

  it('checks a list of Markdown files', async () => {
    const result = await book(['check', 'notes/a-premier.md', 'notes/b-second.md'], work);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/2 chapters, 0 errors/);
  });

  it('exits 0 on a clean book', async () => {
    const result = await book(['check', '--manuscript', 'livre'], work);
    expect(result.code).toBe(0);
  });
});

describe('book build', () => {
  it('builds the HTML edition, shows progress as plain lines and a summary', async () => {
    const result = await bookProcess(['build', '-m', 'livre', '-o', 'sortie', '--format', 'html'], work);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^book: ✓ compile/m);
    expect(result.stderr).toMatch(/^book: ✓ html/m);
    expect(result.stderr).toMatch(/html\s+sortie\/html\s+[\d.]+ KB/);
    expect((await readdir(path.join(work, 'sortie', 'html'))).sort()).toEqual(['assets', 'deux.html', 'index.html', 'un.html']);
    // Nothing of the staging is left behind.
    expect((await readdir(path.join(work, 'sortie'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('builds a folder without book.yaml: files in name order, title from the first heading', async () => {
    const result = await book(['build', '-m', 'notes', '-o', 'sortie-notes', '-f', 'html'], work);
    expect(result.code).toBe(0);
    const index = await readFile(path.join(work, 'sortie-notes', 'html', 'index.html'), 'utf8');
    expect(index).toMatch(/<title>Premier titre<\/title>/);
    expect(index.indexOf('a-premier.html')).toBeLessThan(index.indexOf('b-second.html'));
  });

  it('refuses a book with errors, says where, and leaves the previous outputs untouched', async () => {
    await cp(path.join(work, 'livre'), path.join(work, 'livre2'), { recursive: true });
    expect((await book(['build', '-m', 'livre2', '-o', 'sortie2', '-f', 'html'], work)).code).toBe(0);
    const before = await readFile(path.join(work, 'sortie2', 'html', 'un.html'), 'utf8');

    await writeFile(path.join(work, 'livre2', 'un.md'), '# Un changé\n\nTexte[^2].\n');
    const failed = await bookProcess(['build', '-m', 'livre2', '-o', 'sortie2', '-f', 'html'], work);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/livre2\/un\.md/);
    expect(failed.stderr).toMatch(/3:6.*footnote-undefined/);
    expect(failed.stderr).toMatch(/previous editions .* untouched/);
    expect(await readFile(path.join(work, 'sortie2', 'html', 'un.html'), 'utf8')).toBe(before);

    await writeFile(path.join(work, 'livre2', 'book.yaml'), 'title: Petit livre\nstatus: finished\ncontents:\n  chapters: [un.md]\n');
    const badConfig = await book(['build', '-m', 'livre2', '-o', 'sortie2', '-f', 'html'], work);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/livre2\/book\.yaml[\s\S]*2:9.*expected one of `draft`, `release`/);
    expect(await readFile(path.join(work, 'sortie2', 'html', 'un.html'), 'utf8')).toBe(before);
  });

  it('stops the PDF at --pdf-timeout with a clear error, and rejects a bad value', async () => {
    expect((await book(['build', '-m', 'livre', '-o', 'sortie-pdf', '-f', 'pdf', '--pdf-timeout', 'vite'], work)).code).toBe(2);
    const result = await book(['build', '-m', 'livre', '-o', 'sortie-pdf', '-f', 'pdf', '--pdf-timeout', '0.01'], work);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/did not finish within the PDF's time limit of [\d.]+ s/);
    expect(result.stderr).toMatch(/previous editions .* untouched/);
  });

  it('builds a draft despite errors with --draft', async () => {
    const result = await book(['build', '-m', 'fautes', '-o', 'sortie3', '-f', 'html', '--draft'], work);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/footnote-undefined/);
  });

  it('says what is wrong with a missing manuscript folder', async () => {
    const result = await book(['build', '-m', 'nulle-part', '-f', 'html'], work);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Manuscript folder `nulle-part` does not exist/);
  });
});

describe('HTML edition assets', () => {
  it('copies images beside the pages and turns links to chapter files into links to their pages', async () => {
    await mkdir(path.join(work, 'images', 'figures'), { recursive: true });
    // A 1×1 PNG.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await writeFile(path.join(work, 'images', 'figures', 'carte.png'), png);
    await writeFile(path.join(work, 'images', 'a.md'), '# A\n\n![Carte du Tarn](figures/carte.png)\n\nVoir [la suite](b.md#plus-loin).\n');
    await writeFile(path.join(work, 'images', 'b.md'), '# B\n\n## Plus loin\n\nTexte.\n');
    const result = await book(['build', '-m', 'images', '-o', 'sortie-images', '-f', 'html'], work);
    expect(result.code).toBe(0);
    const page = await readFile(path.join(work, 'sortie-images', 'html', 'a.html'), 'utf8');
    expect(page).toMatch(/<img src="assets\/images\/figures\/carte\.png" alt="Carte du Tarn">/);
    expect(page).toMatch(/href="b\.html#plus-loin"/);
    expect(await readFile(path.join(work, 'sortie-images', 'html', 'assets', 'images', 'figures', 'carte.png'))).toEqual(png);
  });
});
