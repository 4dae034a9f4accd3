/**
 * The hostile corpus (tests/fixtures/hostile/, listed in its README.md): one manuscript per item of
 * the threat model in docs/security.md, each run through the commands a user would run on it —
 * `book check`, a release build, a draft build of every edition it can build — with assertions on
 * the messages (rule, file, line) and on the bytes of every output: nothing that runs, nothing that
 * loads from the network, nothing read from outside the manuscript, an EPUB that passes EPUBCheck,
 * the same bytes twice. Each case is copied into a temporary folder first (symbolic links and odd
 * file names are made there), so the repository is never written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview } from '../scripts/preview/index.ts';
import { runCli } from './support/cli.ts';
import { epubcheck } from './support/epub-checkers.ts';
import { outputFiles as outputFilesOf, unsafeIn } from './support/unsafe.ts';

const corpus = path.join(import.meta.dirname, 'fixtures', 'hostile');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'book-hostile-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fresh copy of case `name` in the work folder. */
async function copyCase(name: string, as = name): Promise<string> {
  const dir = path.join(work, as);
  await rm(dir, { recursive: true, force: true });
  await cp(path.join(corpus, name), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

interface Report {
  code: number;
  stdout: string;
  stderr: string;
  messages: Array<{ file: string; line: number; column: number; ruleId: string; severity: string; message: string }>;
}

/** `book check DIR --reporter json`, in this process. */
async function check(dir: string): Promise<Report> {
  const result = await runCli(['check', dir, '--reporter', 'json']);
  const messages = result.stdout.trim() ? JSON.parse(result.stdout) : [];
  return { ...result, messages };
}

/** `rule@file:line` for every message of the given rules, relative to `dir`. */
function places(report: Report, dir: string, rules: string[]): string[] {
  return report.messages
    .filter((m) => rules.includes(m.ruleId))
    .sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.file.localeCompare(b.file) || a.line - b.line)
    .map((m) => `${m.ruleId}@${path.relative(dir, path.resolve(m.file))}:${m.line}`);
}

/** No input ever gets a stack trace. */
function expectNoTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(text).not.toMatch(/\b(TypeError|RangeError|ReferenceError|SyntaxError|URIError)\b/);
}

const passwdLine = readFileSync('/etc/passwd', 'utf8').split('\n')[0];
const hostname = existsSync('/etc/hostname') ? readFileSync('/etc/hostname', 'utf8').trim() : '';

/** Every file of the output folder, EPUBs opened: [name, bytes]. */
async function outputFiles(dir: string): Promise<Array<[string, Buffer]>> {
  return [...(await outputFilesOf(dir))];
}

/**
 * What no edition may carry (tests/support/unsafe.ts): a script, an event handler, a style typed by
 * the author, a URL that runs or loads from elsewhere, the contents of a file outside the manuscript.
 */
function expectSafe(files: Array<[string, Buffer]>): void {
  expect(files.length).toBeGreaterThan(0);
  expect(unsafeIn(new Map(files), [passwdLine, hostname.length >= 6 ? hostname : ''])).toEqual([]);
}

async function expectEpubValid(file: string): Promise<void> {
  const messages = await epubcheck(file);
  expect(messages.filter((m) => m.severity !== 'USAGE').map((m) => `${m.ID} ${m.message}`)).toEqual([]);
}

describe('1. markup that would run a script or load from the network', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyCase('01-markup');
  });

  it('book check reports every attribute, link and raw HTML removed, at its place', async () => {
    const report = await check(dir);
    expect(report.code).toBe(1);
    expectNoTrace(report.stderr);
    expect(places(report, dir, ['attribute-unsafe', 'link-unsafe', 'html-raw'])).toEqual([
      'attribute-unsafe@attributs.md:1',
      // `{style="…url(https://…)"}` is no attribute list: GFM makes a link of the address inside, so
      // the braces stay text (and the address a plain https link), as the HTML test below shows.
      'attribute-unsafe@attributs.md:3',
      'attribute-unsafe@attributs.md:4',
      'attribute-unsafe@attributs.md:6',
      'attribute-unsafe@attributs.md:8',
      'html-raw@html.md:3',
      'html-raw@html.md:5',
      'html-raw@html.md:7',
      'html-raw@html.md:7',
      'html-raw@html.md:11',
      'link-unsafe@liens.md:3',
      'link-unsafe@liens.md:3',
      'link-unsafe@liens.md:4',
      'link-unsafe@liens.md:4',
    ]);
    // The remote image is image-missing's to report, once.
    expect(places(report, dir, ['image-missing'])).toEqual(['image-missing@liens.md:6']);
    expect(report.messages.filter((m) => m.ruleId === 'attribute-unsafe' || m.ruleId === 'link-unsafe' || m.ruleId === 'html-raw').every((m) => m.severity === 'error')).toBe(true);
  });

  it('a release build refuses, writes nothing and says where', async () => {
    const out = path.join(work, 'out-01-release');
    const result = await runCli(['build', '-m', dir, '--out', out, '--format', 'html,epub']);
    expect(result.code).toBe(1);
    expectNoTrace(result.stderr);
    expect(result.stderr).toMatch(/attributs\.md\n1:1-1:\d+\s+error\s+Attribute `onmouseover`/);
    expect(existsSync(path.join(out, 'html'))).toBe(false);
    expect(existsSync(path.join(out, 'book.epub'))).toBe(false);
  });

  it('a draft build writes only sanitized editions (HTML, EPUB, PDF), the EPUB valid, the same bytes twice', async () => {
    const outs = [path.join(work, 'out-01-a'), path.join(work, 'out-01-b'), path.join(work, 'out-01-pdf')];
    const first = await runCli(['build', '-m', dir, '--out', outs[0], '--draft', '--format', 'html,epub']);
    expect(first.code, first.stderr).toBe(0);
    const files = await outputFiles(outs[0]);
    expectSafe(files);
    // The text around what was removed is still there.
    const chapter = files.find(([name]) => name === 'html/attributs.html')![1].toString('utf8');
    expect(chapter).toContain('passage');
    expect(chapter).toContain('dernier');
    await expectEpubValid(path.join(outs[0], 'book.epub'));

    const second = await runCli(['build', '-m', dir, '--out', outs[1], '--draft', '--format', 'html,epub']);
    expect(second.code, second.stderr).toBe(0);
    const again = new Map(await outputFiles(outs[1]));
    for (const [name, bytes] of files) {
      expect(again.get(name)?.equals(bytes), `${name} differs between two builds`).toBe(true);
    }

    const print = await runCli(['build', '-m', dir, '--out', outs[2], '--draft', '--format', 'pdf']);
    expect(print.code, print.stderr).toBe(0);
    const pdfs = await outputFiles(outs[2]);
    // The three PDFs and the printer's three (PDF/X, cover and its PDF/X: docs/pdf.md, "Print production").
    expect(pdfs.filter(([name]) => name.endsWith('.pdf')).map(([name]) => name).sort()).toEqual(['book-cover-pdfx.pdf', 'book-cover.pdf', 'book-crop.pdf', 'book-pdfx.pdf', 'book-screen.pdf', 'book.pdf']);
    expectSafe(pdfs);
  });
});

describe('2. files from outside the manuscript', () => {
  it('images: a path out, an absolute path, a symbolic link out — reported, never copied', async () => {
    const dir = await copyCase('02-paths-images');
    await symlink('/etc/hostname', path.join(dir, 'images', 'lien.png'));
    const report = await check(dir);
    expect(report.code).toBe(1);
    expect(places(report, dir, ['path-outside-manuscript'])).toEqual([
      'path-outside-manuscript@images.md:3',
      'path-outside-manuscript@images.md:5',
      'path-outside-manuscript@images.md:7',
    ]);
    const out = path.join(work, 'out-02');
    const result = await runCli(['build', '-m', dir, '--out', out, '--draft', '--format', 'html,epub']);
    expect(result.code, result.stderr).toBe(0);
    const files = await outputFiles(out);
    expectSafe(files);
    const images = files.map(([name]) => name).filter((name) => /\.(png|jpe?g|gif|svg|webp)$|passwd|hostname/.test(name) && !name.includes('cover'));
    expect(images.sort()).toEqual(['book.epub!OEBPS/images/image-1.png', 'html/assets/images/images/carte.png'].sort());
    await expectEpubValid(path.join(out, 'book.epub'));
    // The PDF: the print document's requests for them refused, and no « 0 ppi » for images it could not load.
    const print = await runCli(['build', '-m', dir, '--out', path.join(work, 'out-02-pdf'), '--draft', '--format', 'pdf', '--reporter', 'json']);
    expect(print.code, print.stderr).toBe(0);
    const printed = (JSON.parse(print.stdout) as { messages: Report['messages'] }).messages;
    expect(printed.filter((m) => m.ruleId === 'pdf-request-failed').map((m) => m.message.match(/asked for (\S+)/)?.[1]).sort()).toEqual(['/etc/hostname', '/etc/passwd', '/images/lien.png']);
    expect(printed.filter((m) => m.ruleId.startsWith('print-image-resolution')).map((m) => `${m.line}:${/`([^`]+)`/.exec(m.message)?.[1]}`)).toEqual(['9:carte.png']);
    expectSafe(await outputFiles(path.join(work, 'out-02-pdf')));
  });

  it('book.yaml: chapters, bibliography, style and names registry out — errors at their lines, no content shown', async () => {
    const dir = await copyCase('02-paths-config');
    const report = await check(dir);
    expect(report.code).toBe(1);
    expectNoTrace(report.stderr);
    expect(places(report, dir, ['path-outside-manuscript'])).toEqual([
      'path-outside-manuscript@book.yaml:3',
      'path-outside-manuscript@book.yaml:4',
      'path-outside-manuscript@book.yaml:5',
      'path-outside-manuscript@book.yaml:7',
    ]);
    expect(report.stdout + report.stderr).not.toContain(passwdLine.slice(0, 8));
  });
});

describe('3. the output folder holds the user\'s files', () => {
  let book: string;
  beforeAll(async () => {
    book = await copyCase('05-crlf-bom', 'livre-03');
  });

  it('an html/ and a book.epub the tool did not write are refused before any work and kept', async () => {
    const out = path.join(work, 'out-03');
    await mkdir(path.join(out, 'html'), { recursive: true });
    await writeFile(path.join(out, 'html', 'mine.html'), '<p>mine</p>');
    await writeFile(path.join(out, 'book.epub'), 'my own epub');
    const result = await runCli(['build', '-m', book, '--out', out, '--format', 'html,epub']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/html|book\.epub/);
    expect(await readFile(path.join(out, 'html', 'mine.html'), 'utf8')).toBe('<p>mine</p>');
    expect(await readFile(path.join(out, 'book.epub'), 'utf8')).toBe('my own epub');
    expect((await readdir(out)).sort()).toEqual(['book.epub', 'html']);
  });

  it('the manuscript as the output folder, or inside it, or / or a file: refused, nothing written', async () => {
    const before = (await readdir(book)).sort();
    for (const out of [book, path.dirname(book), '/', path.join(book, 'windows.md')]) {
      const result = await runCli(['build', '-m', book, '--out', out, '--format', 'html']);
      expect(result.code, `--out ${out}`).toBe(2);
      expectNoTrace(result.stderr);
      expect(result.stderr).toContain(out === '/' ? '/' : path.basename(out));
    }
    expect((await readdir(book)).sort()).toEqual(before);
    expect(existsSync('/html')).toBe(false);
    // `-m proj/html --out proj`: the build would replace the manuscript with the HTML edition.
    const project = path.join(work, 'proj');
    await cp(book, path.join(project, 'html'), { recursive: true });
    const nested = await runCli(['build', '-m', path.join(project, 'html'), '--out', project, '--format', 'html']);
    expect(nested.code).toBe(2);
    expect((await readdir(path.join(project, 'html'))).sort()).toEqual(before);
  });
});

describe('4. corrections change only the bytes of the marks', () => {
  it('BOM and CRLF kept; a Latin-1 file refused and left as it was', async () => {
    const dir = path.join(work, 'critic');
    await mkdir(dir, { recursive: true });
    const source = Buffer.from('\uFEFF# Titre\r\n\r\nTexte {--ancien--}{++nouveau++} ici et {~~là~>ailleurs~~}.\r\n', 'utf8');
    await writeFile(path.join(dir, 'a.md'), source, { mode: 0o640 });
    const accepted = await runCli(['accept', path.join(dir, 'a.md')]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'a.md'))).toEqual(Buffer.from('\uFEFF# Titre\r\n\r\nTexte nouveau ici et ailleurs.\r\n', 'utf8'));
    expect((await stat(path.join(dir, 'a.md'))).mode & 0o777).toBe(0o640);

    const latin1 = Buffer.from('# Titre\n\nUn {++ajout++} d\xe9j\xe0 l\xe0.\n', 'latin1');
    await writeFile(path.join(dir, 'b.md'), latin1);
    const refused = await runCli(['accept', path.join(dir, 'b.md')]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('b.md');
    expect(refused.stderr).toContain('encoding-invalid');
    expect(await readFile(path.join(dir, 'b.md'))).toEqual(latin1);
  });
});

describe('5. encodings', () => {
  it('a Latin-1 chapter is an error at its first bad byte', async () => {
    const dir = await copyCase('05-encoding');
    const report = await check(dir);
    expect(report.code).toBe(1);
    const bad = report.messages.filter((m) => m.ruleId === 'encoding-invalid');
    expect(bad.map((m) => `${path.basename(m.file)}:${m.line}:${m.column}`)).toEqual(['latin1.md:3:10']);
    const out = path.join(work, 'out-05');
    const result = await runCli(['build', '-m', dir, '--out', out, '--draft', '--format', 'html']);
    expect(result.code).toBe(1);
    expect(existsSync(path.join(out, 'html'))).toBe(false);
  });

  it('BOM and CRLF are read as a reader expects: front matter, notes, no stray \\r', async () => {
    const dir = await copyCase('05-crlf-bom');
    const report = await check(dir);
    expect(report.code, report.stderr).toBe(0);
    const out = path.join(work, 'out-05-crlf');
    const result = await runCli(['build', '-m', dir, '--out', out, '--format', 'html,epub']);
    expect(result.code, result.stderr).toBe(0);
    const files = await outputFiles(out);
    expectSafe(files);
    for (const [name, bytes] of files) {
      if (!/\.(x?html|opf|ncx)$/.test(name)) continue;
      const text = bytes.toString('utf8');
      expect(text.includes('\r'), name).toBe(false);
      expect(text.includes('\uFFFD'), name).toBe(false);
      expect(text.includes('\uFEFF'), name).toBe(false);
    }
    const page = files.find(([name]) => name === 'html/windows.html')![1].toString('utf8');
    expect(page).toContain('<title>Fin de ligne Windows');
    expect(page).toMatch(/La note\s+continue ici/);
    expect(page).toMatch(/Note en ligne\s+sur deux lignes/);
    expect(page).not.toContain('title:');
    await expectEpubValid(path.join(out, 'book.epub'));
  });
});

describe('6. page names and ids unique by construction', () => {
  it('index.md, two chapters with one id, a/a.md twice, a generated id taken: distinct pages, reported', async () => {
    const dir = await copyCase('06-ids');
    const report = await check(dir);
    expect(report.messages.filter((m) => m.ruleId === 'chapter-id-duplicate' || m.ruleId === 'id-duplicate').length).toBeGreaterThan(0);
    const out = path.join(work, 'out-06');
    const result = await runCli(['build', '-m', dir, '--out', out, '--draft', '--format', 'html,epub']);
    expect(result.code, result.stderr).toBe(0);
    const files = await outputFiles(out);
    expectSafe(files);
    const pages = files.filter(([name]) => /^html\/[^/]+\.html$/.test(name));
    // The contents page plus six chapter pages, each its own.
    expect(pages.length).toBe(7);
    const index = pages.find(([name]) => name === 'html/index.html')![1].toString('utf8');
    expect(index).toContain('Identifiants en double');
    const links = [...index.matchAll(/href="([^"#]+\.html)"/g)].map((m) => m[1]);
    expect(new Set(links).size).toBe(6);
    for (const link of links) expect(pages.some(([name]) => name === `html/${decodeURIComponent(link)}`), link).toBe(true);
    for (const [name, bytes] of pages) {
      const ids = [...bytes.toString('utf8').matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]);
      expect(ids.length - new Set(ids).size, `duplicate ids in ${name}`).toBe(0);
    }
    await expectEpubValid(path.join(out, 'book.epub'));
  });
});

describe('7. bad input gets a message, never a stack trace', () => {
  it('nesting deeper than the limit', async () => {
    const dir = path.join(work, 'nesting');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'quotes.md'), `# Citations\n\n${'> '.repeat(3000)}texte\n`);
    await writeFile(path.join(dir, 'lists.md'), `# Listes\n\n${Array.from({ length: 2500 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n')}\n`);
    const report = await check(dir);
    expect(report.code).toBe(1);
    expectNoTrace(report.stderr);
    expect(report.messages.filter((m) => m.ruleId === 'nesting-too-deep').map((m) => path.basename(m.file)).sort()).toEqual(['lists.md', 'quotes.md']);
    const result = await runCli(['build', '-m', dir, '--out', path.join(work, 'out-07'), '--draft', '--format', 'html,epub']);
    expect(result.code).toBe(1);
    expectNoTrace(result.stderr);
  });

  it('malformed bibliography values', async () => {
    const dir = await copyCase('07-bibliography');
    const report = await check(dir);
    expectNoTrace(report.stderr);
    expect(places(report, dir, ['bibliography-invalid'])).toEqual(['bibliography-invalid@bibliography.json:3']);
    expect(report.code).toBe(1);
  });

  it('a YAML alias bomb in book.yaml', async () => {
    const dir = await copyCase('07-alias-bomb');
    const started = performance.now();
    const report = await check(dir);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(report.code).toBe(1);
    expectNoTrace(report.stderr);
    expect(report.messages.some((m) => m.ruleId === 'config-invalid' && path.basename(m.file) === 'book.yaml' && m.line > 1)).toBe(true);
  });

  it('broken symbolic links, a loop, odd file names in a folder without book.yaml', async () => {
    const dir = path.join(work, 'links');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'a.md'), '# Premier\n\nTexte.\n');
    await writeFile(path.join(dir, 'b%20?#.md'), '# Nom étrange\n\nTexte.\n');
    await symlink('nowhere.md', path.join(dir, 'broken.md'));
    await symlink('loop.md', path.join(dir, 'loop.md'));
    const report = await check(dir);
    expectNoTrace(report.stderr);
    expect(report.code).toBe(1);
    expect(report.messages.map((m) => path.basename(m.file))).toEqual(expect.arrayContaining(['broken.md', 'loop.md']));
  });
});

describe('8. the names registry is checked like book.yaml', () => {
  it('wrong types and unknown keys in persons.yaml, at their lines', async () => {
    const dir = await copyCase('08-names');
    const report = await check(dir);
    expect(report.code).toBe(1);
    expectNoTrace(report.stderr);
    const lines = report.messages.filter((m) => m.ruleId === 'names-invalid').map((m) => `${path.basename(m.file)}:${m.line}`);
    expect(lines).toEqual(expect.arrayContaining(['persons.yaml:3', 'persons.yaml:4', 'persons.yaml:5', 'persons.yaml:6']));
  });
});

describe('9. the same sources give the same bytes', () => {
  it('SOURCE_DATE_EPOCH dates the EPUB; an out folder inside the manuscript does not change it', async () => {
    const dir = await copyCase('05-crlf-bom', 'livre-09');
    const previous = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '946684800'; // 2000-01-01T00:00:00Z
    try {
      const first = await runCli(['build', '-m', dir, '--out', path.join(dir, 'sortie'), '--format', 'epub']);
      expect(first.code, first.stderr).toBe(0);
      const epub = await readFile(path.join(dir, 'sortie', 'book.epub'));
      const opf = await (await JSZip.loadAsync(epub)).file(/content\.opf$/)[0].async('string');
      expect(opf).toContain('2000-01-01T00:00:00Z');
    } finally {
      if (previous === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = previous;
    }
    // Without it, the date is the sources' last change: building again, into the manuscript, changes nothing.
    const a = await runCli(['build', '-m', dir, '--out', path.join(dir, 'sortie-a'), '--format', 'epub']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const b = await runCli(['build', '-m', dir, '--out', path.join(dir, 'sortie-b'), '--format', 'epub']);
    expect(a.code + b.code).toBe(0);
    expect((await readFile(path.join(dir, 'sortie-a', 'book.epub'))).equals(await readFile(path.join(dir, 'sortie-b', 'book.epub')))).toBe(true);
  });
});

describe('10. the preview answers only its own host', () => {
  it('a request for another Host is refused (DNS rebinding)', async () => {
    const dir = await copyCase('05-crlf-bom', 'livre-10');
    const server = await startPreview({ manuscript: dir, out: path.join(work, 'preview-10'), port: 0 });
    try {
      const port = Number(new URL(server.url).port);
      const get = (host: string) =>
        new Promise<number>((resolve, reject) => {
          http.get({ host: '127.0.0.1', port, path: '/', headers: { Host: host } }, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          }).on('error', reject);
        });
      expect(await get(`127.0.0.1:${port}`)).toBe(200);
      expect(await get(`localhost:${port}`)).toBe(200);
      expect(await get(`evil.example:${port}`)).not.toBe(200);
      expect(await get('evil.example')).not.toBe(200);
      expect(await get(`127.0.0.1:${port + 1}`)).not.toBe(200);
    } finally {
      await server.close();
    }
  });
});
