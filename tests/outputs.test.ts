/**
 * The output folder (scripts/output/ownership.ts): the tool replaces only what it wrote, refuses
 * before any work an output folder that would put files at risk (exit 2, the path named), leaves
 * no staging folder behind when stopped, and writes the same bytes for the same sources
 * (scripts/output/book-date.ts). Also the command line's exit codes around it: 70 and one line for
 * an internal error, quiet on a closed pipe; and the preview's Host check (DNS rebinding).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../scripts/build.ts';
import { main } from '../scripts/cli.ts';
import { UsageError } from '../scripts/errors.ts';
import { formats } from '../scripts/output/index.ts';
import { manifestName } from '../scripts/output/ownership.ts';
import { buildProof } from '../scripts/proof/index.ts';
import { diffRevisions } from '../scripts/diff/index.ts';
import { startPreview } from '../scripts/preview/index.ts';
import { runCli, runCliIn, withEnv } from './support/cli.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');
const bin = path.join(repo, 'bin', 'book.js');

let work: string;
/** A small book; its cover metadata are the manuscript's, so the EPUB takes the cached cover. */
let livre: string;

/** The real `bin/book.js` in a child process (a process of its own: its pid, its signals). */
async function bookProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: work, env: { ...process.env, NO_COLOR: '1', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The command line's `main` in this process, from the work folder, with these variables (tests/support/cli.ts). */
function book(args: string[], env: Record<string, string> = {}) {
  return runCliIn(work, args, { NO_COLOR: '1', ...env });
}

/** Every file under `dir` with its bytes, by relative path. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (folder: string) => {
    for (const name of (await readdir(folder)).sort()) {
      const file = path.join(folder, name);
      if ((await stat(file)).isDirectory()) await walk(file);
      else files.set(path.relative(dir, file), await readFile(file));
    }
  };
  await walk(dir);
  return files;
}

const staging = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith('.staging-'));

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'book-outputs-'));
  livre = path.join(work, 'livre');
  await mkdir(livre);
  const meta = (await readFile(path.join(repo, 'manuscript', 'book.yaml'), 'utf8'))
    .split('\n')
    .filter((line) => /^(title|subtitle|editors|language):/.test(line));
  await writeFile(path.join(livre, 'book.yaml'), `${meta.join('\n')}\ncontents:\n  chapters: [un.md, deux.md]\n`);
  await writeFile(path.join(livre, 'un.md'), '# Un\n\nTexte[^1].\n\n[^1]: Note.\n');
  await writeFile(path.join(livre, 'deux.md'), '# Deux\n\nSuite.\n');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('what the build may replace', () => {
  it("refuses the user's own html/ and book.epub before any work, and keeps them byte for byte", async () => {
    const out = path.join(work, 'mine');
    await mkdir(path.join(out, 'html'), { recursive: true });
    await writeFile(path.join(out, 'html', 'index.html'), '<p>Ma page à moi</p>\n');
    await writeFile(path.join(out, 'book.epub'), 'mon epub');
    const before = await snapshot(out);

    const html = await book(['build', '-m', 'livre', '-o', 'mine', '-f', 'html,epub']);
    expect(html.code).toBe(2);
    expect(html.stderr).toMatch(/`mine\/html` was not written by this tool .*move it elsewhere or delete it, or choose another folder with --out/);
    // Before any work: no compile stage began.
    expect(html.stderr).not.toMatch(/compile/);
    const epub = await book(['build', '-m', 'livre', '-o', 'mine', '-f', 'epub']);
    expect(epub.code).toBe(2);
    expect(epub.stderr).toMatch(/`mine\/book\.epub` was not written by this tool/);
    expect(await snapshot(out)).toEqual(before);
    expect(await readdir(out)).toEqual(['book.epub', 'html']);
  });

  it('refuses the outputs of an earlier version, which kept no manifest, and says to delete them', async () => {
    const out = path.join(work, 'ancien');
    await mkdir(path.join(out, 'html'), { recursive: true });
    await writeFile(path.join(out, 'html', 'un.html'), '<p>Un</p>\n');
    const result = await runCli(['build', '-m', livre, '-o', out, '-f', 'html']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`no ${manifestName.replace('.', '\\.')} beside it; outputs of an earlier version of the tool`));
    expect(await readFile(path.join(out, 'html', 'un.html'), 'utf8')).toBe('<p>Un</p>\n');
  });

  it('writes a manifest of its outputs, replaces them on a rebuild, and refuses them once changed', async () => {
    const out = path.join(work, 'suivi');
    expect((await runCli(['build', '-m', livre, '-o', out, '-f', 'html'])).code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, manifestName), 'utf8')) as { outputs: Record<string, { files: Record<string, { bytes: number; sha256: string }> }> };
    expect(Object.keys(manifest.outputs)).toEqual(['html']);
    const index = await readFile(path.join(out, 'html', 'index.html'));
    expect(manifest.outputs.html.files['index.html'].bytes).toBe(index.length);
    expect(Object.keys(manifest.outputs.html.files)).toContain('assets/style.css');

    expect((await runCli(['build', '-m', livre, '-o', out, '-f', 'html'])).code).toBe(0);

    await writeFile(path.join(out, 'html', 'notes.txt'), 'mes notes');
    const added = await runCli(['build', '-m', livre, '-o', out, '-f', 'html']);
    expect(added.code).toBe(2);
    expect(added.stderr).toMatch(/html\/notes\.txt` was added after this tool wrote `.*html`/);
    expect(await readFile(path.join(out, 'html', 'notes.txt'), 'utf8')).toBe('mes notes');
    await rm(path.join(out, 'html', 'notes.txt'));

    await writeFile(path.join(out, 'html', 'un.html'), 'corrigé à la main');
    const changed = await runCli(['build', '-m', livre, '-o', out, '-f', 'html']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/html\/un\.html` was changed after this tool wrote/);
    expect(await readFile(path.join(out, 'html', 'un.html'), 'utf8')).toBe('corrigé à la main');

    // A manifest the tool cannot read is not trusted.
    await writeFile(path.join(out, manifestName), '{"tool": "autre"}');
    const foreign = await runCli(['build', '-m', livre, '-o', out, '-f', 'html']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/book-manifest\.json` is not the record of outputs this tool keeps/);
  });

  it('declares in the registry every name a writer may put in the output folder', () => {
    expect(Object.fromEntries(Object.entries(formats).map(([name, writer]) => [name, writer.outputs]))).toEqual({
      html: ['html'],
      pdf: ['book.pdf', 'book-crop.pdf', 'book-screen.pdf', 'book-pdfx.pdf', 'book-cover.pdf', 'book-cover-pdfx.pdf', 'print-specs.json', 'print-specs.txt'],
      epub: ['book.epub'],
    });
  });
});

describe('output folders that would put files at risk', () => {
  it('refuses -m proj/html --out proj, and leaves the manuscript as it was', async () => {
    const proj = path.join(work, 'proj');
    await cp(livre, path.join(proj, 'html'), { recursive: true });
    const before = await snapshot(proj);
    const result = await book(['build', '-m', 'proj/html', '--out', 'proj', '-f', 'html']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/The output folder `proj` holds the manuscript `proj\/html`/);
    expect(await snapshot(proj)).toEqual(before);
  });

  it('refuses the manuscript folder as output folder', async () => {
    const before = await snapshot(livre);
    const result = await runCli(['build', '-m', livre, '--out', livre, '-f', 'html']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is the manuscript; give a folder outside it/);
    expect(await snapshot(livre)).toEqual(before);
  });

  it('refuses / for every command, before writing anything', async () => {
    const before = (await readdir('/')).sort();
    for (const args of [
      ['build', '-m', livre, '--out', '/', '-f', 'html'],
      ['proof', '-m', livre, '--out', '/'],
      ['diff', 'HEAD', '-m', livre, '--out', '/'],
      ['preview', '-m', livre, '--out', '/', '--port', '0'],
    ]) {
      const result = await runCli(args);
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr, args[0]).toMatch(/The output folder `\/` is the root of the file system/);
    }
    expect((await readdir('/')).sort()).toEqual(before);
    expect(existsSync(path.join('/', manifestName))).toBe(false);
  });

  it('refuses the home folder and a folder that holds it (HOME of the child process)', async () => {
    const home = path.join(work, 'maison');
    await mkdir(home);
    const atHome = await book(['build', '-m', 'livre', '--out', home, '-f', 'html'], { HOME: home });
    expect(atHome.code).toBe(2);
    expect(atHome.stderr).toMatch(/The output folder `maison` is your home folder/);
    const above = await book(['build', '-m', 'livre', '--out', work, '-f', 'html'], { HOME: home });
    expect(above.code).toBe(2);
    expect(above.stderr).toMatch(/holds your home folder/);
    expect(await readdir(home)).toEqual([]);
    expect(existsSync(path.join(work, 'html'))).toBe(false);
  });

  it('refuses --out naming a file, a path through one or through a broken link, without a trace', async () => {
    await writeFile(path.join(work, 'un-fichier'), 'texte');
    const file = await book(['build', '-m', 'livre', '--out', 'un-fichier', '-f', 'html']);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe('book: The output folder `un-fichier` is a file; give a folder with --out\n');
    const through = await book(['build', '-m', 'livre', '--out', 'un-fichier/sous', '-f', 'html']);
    expect(through.code).toBe(2);
    expect(through.stderr).toMatch(/`un-fichier` is a file/);
    expect(await readFile(path.join(work, 'un-fichier'), 'utf8')).toBe('texte');
    await symlink(path.join(work, 'nulle-part'), path.join(work, 'lien-casse'));
    const broken = await runCli(['build', '-m', livre, '--out', path.join(work, 'lien-casse', 'sous'), '-f', 'html']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/lien-casse` is a symbolic link that leads nowhere/);
    expect(existsSync(path.join(work, 'nulle-part'))).toBe(false);
  });

  it('allows an output folder inside the manuscript', async () => {
    const copy = path.join(work, 'dedans');
    await cp(livre, copy, { recursive: true });
    expect((await runCli(['build', '-m', copy, '--out', path.join(copy, 'build'), '-f', 'html'])).code).toBe(0);
    expect(existsSync(path.join(copy, 'build', 'html', 'index.html'))).toBe(true);
  });
});

describe('proof, diff and preview own their folders the same way', () => {
  it("refuse the user's proof/, diff/ and preview/ before any work, and replace their own", async () => {
    const out = path.join(work, 'sorties');
    for (const name of ['proof', 'diff', 'preview']) {
      await mkdir(path.join(out, name), { recursive: true });
      await writeFile(path.join(out, name, 'index.html'), `à moi (${name})`);
    }
    const before = await snapshot(out);
    await expect(buildProof({ manuscript: livre, out, pdf: false })).rejects.toThrow(/`.*sorties\/proof` was not written by this tool/);
    await expect(diffRevisions({ manuscript: livre, from: 'HEAD', out: path.join(out, 'diff') })).rejects.toThrow(UsageError);
    await expect(startPreview({ manuscript: livre, out: path.join(out, 'preview'), port: 0 })).rejects.toThrow(/sorties\/preview` was not written by this tool/);
    expect(await snapshot(out)).toEqual(before);

    await rm(path.join(out, 'proof'), { recursive: true });
    await buildProof({ manuscript: livre, out, pdf: false });
    await buildProof({ manuscript: livre, out, pdf: false });
    expect(existsSync(path.join(out, 'proof', 'index.html'))).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(out, manifestName), 'utf8')) as { outputs: Record<string, unknown> };
    expect(Object.keys(manifest.outputs)).toEqual(['proof']);
    expect(await staging(out)).toEqual([]);
  });
});

describe('staging folders', () => {
  it('removes those of processes that are gone at the next build, and keeps those of running ones', async () => {
    const out = path.join(work, 'reste');
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.on('exit', resolve));
    await mkdir(path.join(out, `.staging-${gone.pid}-AbCdEf`, 'html'), { recursive: true });
    await mkdir(path.join(out, '.staging-XyZ123')); // an earlier version's, without a pid
    await mkdir(path.join(out, `.staging-${process.pid}-running`)); // this process is alive
    // A child: this process's own staging folder must count as a running one's.
    expect((await bookProcess(['build', '-m', 'livre', '-o', 'reste', '-f', 'html', '-q'])).code).toBe(0);
    expect(await staging(out)).toEqual([`.staging-${process.pid}-running`]);
  });

  it('removes the staging folder when the build is stopped by SIGTERM', async () => {
    // The manuscript: its EPUB takes long enough to be stopped halfway.
    const manuscript = path.join(work, 'manuscrit');
    await cp(path.join(repo, 'manuscript'), manuscript, { recursive: true });
    const out = path.join(work, 'arrete');
    const child = spawn(process.execPath, [bin, 'build', '-m', manuscript, '-o', out, '-f', 'html,epub'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('book: epub…')) resolve();
      });
      void exited.then(() => reject(new Error(`The build ended before its EPUB stage:\n${stderr}`)));
    });
    expect(await staging(out)).toHaveLength(1);
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    expect(signal === 'SIGTERM' || code === 143, `exit ${code} ${signal}\n${stderr}`).toBe(true);
    expect(await readdir(out)).toEqual([]);
  });
});

describe('the same sources give the same bytes', () => {
  it('HTML, EPUB and PDF: twice into an output folder inside the manuscript, once elsewhere', async () => {
    const manuscript = path.join(work, 'repro');
    await cp(livre, manuscript, { recursive: true });
    const inside = path.join(manuscript, 'build');
    expect((await runCli(['build', '-m', manuscript, '-o', inside, '-f', 'html,epub,pdf', '-q'])).code).toBe(0);
    const first = await snapshot(inside);
    // The second build inside is later by more than a second: neither the clock nor the first
    // build's files may change a date. The build elsewhere fills that second.
    const aSecondLater = new Promise((resolve) => setTimeout(resolve, 1100));
    const elsewhere = path.join(work, 'repro-ailleurs');
    // All three again: with a PDF in the same build, the EPUB has a page list.
    expect((await runCli(['build', '-m', manuscript, '-o', elsewhere, '-f', 'html,epub,pdf', '-q'])).code).toBe(0);
    const other = await snapshot(elsewhere);
    await aSecondLater;
    expect((await runCli(['build', '-m', manuscript, '-o', inside, '-f', 'html,epub,pdf', '-q'])).code).toBe(0);
    expect(await snapshot(inside)).toEqual(first);
    expect([...other.keys()]).toEqual([...first.keys()]);
    for (const [name, bytes] of other) if (name !== manifestName) expect(bytes, name).toEqual(first.get(name));

    // Outside git: the date is the sources' newest file.
    const newest = Math.max(...(await Promise.all(['book.yaml', 'un.md', 'deux.md'].map(async (f) => (await stat(path.join(manuscript, f))).mtimeMs))));
    const expected = new Date(Math.floor(newest / 1000) * 1000);
    const opf = await (await JSZip.loadAsync(first.get('book.epub')!)).file('OEBPS/content.opf')!.async('string');
    expect(opf).toContain(`<meta property="dcterms:modified">${expected.toISOString().slice(0, 19)}Z</meta>`);
    const pdf = await PDFDocument.load(first.get('book.pdf')!, { updateMetadata: false });
    expect(pdf.getCreationDate()).toEqual(expected);
  });

  it('takes SOURCE_DATE_EPOCH for the EPUB and the PDF, and refuses a malformed one before any work', async () => {
    const out = path.join(work, 'epoch');
    // In this process (the command line reads process.env), which spares a child its start-up.
    expect((await withEnv({ SOURCE_DATE_EPOCH: '1700000000' }, () => runCli(['build', '-m', livre, '-o', out, '-f', 'epub,pdf', '-q']))).code).toBe(0);
    const epoch = new Date(1_700_000_000_000);
    const opf = await (await JSZip.loadAsync(await readFile(path.join(out, 'book.epub')))).file('OEBPS/content.opf')!.async('string');
    expect(opf).toContain('<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>');
    for (const name of ['book.pdf', 'book-crop.pdf', 'book-screen.pdf']) {
      const pdf = await PDFDocument.load(await readFile(path.join(out, name)), { updateMetadata: false });
      expect(pdf.getCreationDate(), name).toEqual(epoch);
      expect(pdf.getModificationDate(), name).toEqual(epoch);
    }
    const bad = await withEnv({ SOURCE_DATE_EPOCH: 'hier' }, () => runCli(['build', '-m', livre, '-o', path.join(work, 'epoch-bad'), '-f', 'epub']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('book: SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01 UTC, not `hier`; correct it or unset it\n');
    expect(existsSync(path.join(work, 'epoch-bad'))).toBe(false);
  });

  it('gives the same build() result in two folders (library)', async () => {
    const [a, b] = [path.join(work, 'lib-a'), path.join(work, 'lib-b')];
    await build({ manuscript: livre, out: a, formats: ['html', 'epub'] });
    await build({ manuscript: livre, out: b, formats: ['html', 'epub'] });
    expect(await snapshot(b)).toEqual(await snapshot(a));
  });
});

describe('exit codes of the command line', () => {
  it('reports an internal failure in one line, exit 70, the trace only with BOOK_DEBUG=1', async () => {
    // A standard output that fails as no terminal or pipe should: a failure nothing in `book` expects.
    let stderr = '';
    const io = {
      stdout: { write: () => { throw new TypeError('the output broke'); }, isTTY: false },
      stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    } as unknown as { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
    const previous = process.env.BOOK_DEBUG;
    try {
      delete process.env.BOOK_DEBUG;
      expect(await main(['check', '--rules'], io)).toBe(70);
      expect(stderr).toBe(
        'book: internal error (TypeError: the output broke); please report it with the command you ran — set BOOK_DEBUG=1 to see the trace\n',
      );
      stderr = '';
      process.env.BOOK_DEBUG = '1';
      expect(await main(['check', '--rules'], io)).toBe(70);
      expect(stderr).toMatch(/^book: internal error \(TypeError: the output broke\);[^\n]*\nTypeError: the output broke\n\s+at /);
    } finally {
      if (previous === undefined) delete process.env.BOOK_DEBUG;
      else process.env.BOOK_DEBUG = previous;
    }
  });

  it('ends quietly when the reader of its output goes away (| head -1), through bin/book.js and scripts/cli.ts', async () => {
    for (const command of [`"${process.execPath}" "${bin}"`, `"${process.execPath}" --import tsx "${path.join(repo, 'scripts', 'cli.ts')}"`]) {
      const { stdout, stderr } = await run('bash', ['-c', `set -o pipefail; ${command} check --rules | head -1`], { cwd: repo });
      expect(stdout).toMatch(/^\S+\s+(error|warning|info)\s/);
      expect(stdout.split('\n')).toHaveLength(2);
      expect(stderr).toBe('');
    }
  });
});

describe('book preview and the Host header', () => {
  function get(port: number, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('answers only to 127.0.0.1, localhost and [::1] with its port', async () => {
    const server = await startPreview({ manuscript: livre, out: path.join(work, 'hote', 'preview'), port: 0 });
    try {
      const { port } = server;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
        expect((await get(port, host)).status, host).toBe(200);
      }
      for (const host of [`evil.example:${port}`, 'evil.example', '127.0.0.1', `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`]) {
        const answer = await get(port, host);
        expect(answer.status, host).toBe(421);
        expect(answer.body).toMatch(/^Misdirected request: this preview answers only to 127\.0\.0\.1:\d+/);
        expect(answer.body).not.toContain('<html');
      }
    } finally {
      await server.close();
    }
    const manifest = JSON.parse(await readFile(path.join(work, 'hote', manifestName), 'utf8')) as { outputs: Record<string, unknown> };
    expect(Object.keys(manifest.outputs)).toEqual(['preview']);
  });
});
