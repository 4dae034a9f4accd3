/**
 * The manuscript's files, read as a hostile contributor would write them: paths out of the folder
 * (`..`, absolute, symbolic links), broken links and loops, file names with `%`, `?`, `#`, text
 * that is not UTF-8 or comes with CRLF and a byte order mark, YAML alias bombs, bibliography
 * values of the wrong type, a CSL style or names registry outside the folder. Each gives a
 * message with its file and line and exit 1, never a stack trace; the editions built from such a
 * manuscript carry nothing from outside it, no U+FFFD and no `\r`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { compileBook } from '../scripts/compile.ts';
import { BuildError } from '../scripts/errors.ts';
import { decodeText, firstInvalidByte } from '../scripts/manuscript/read-text.ts';
import { filePathOfUrl, resolveInside } from '../scripts/manuscript/inside.ts';
import type { Diagnostic } from '../scripts/check/index.ts';
import { startPreview } from '../scripts/preview/index.ts';

/** A line of the file outside every manuscript: no edition may ever carry it. */
const SECRET = 'SECRET-HORS-DU-MANUSCRIT-7f3a';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let tmp: string;
/** A file outside every manuscript of these tests, with the secret in it. */
let secret: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'book-files-'));
  await mkdir(path.join(tmp, 'dehors'));
  secret = path.join(tmp, 'dehors', 'secret.png');
  await writeFile(secret, `${SECRET}\n`);
  await writeFile(path.join(tmp, 'dehors', 'style.csl'), `<?xml version="1.0"?>\n<!-- ${SECRET} -->\n`);
  await writeFile(path.join(tmp, 'dehors', 'persons.yaml'), `- id: x\n  name: ${SECRET}\n`);
  await writeFile(path.join(tmp, 'dehors', 'chapitre.md'), `# ${SECRET}\n`);
  await writeFile(path.join(tmp, 'dehors', 'biblio.json'), `[{"id": "a", "type": "book", "title": "${SECRET}"}]`);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let counter = 0;
/** A manuscript folder under the test's temporary folder; `links` are symbolic links (name → target). */
async function manuscript(files: Record<string, string | Buffer>, links: Record<string, string> = {}): Promise<string> {
  const dir = path.join(tmp, `livre-${++counter}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  for (const [name, target] of Object.entries(links)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await symlink(target, path.join(dir, name));
  }
  return dir;
}

const yaml = (chapters: string[], extra = '') => `title: Un livre\nlanguage: fr\n${extra}contents:\n  chapters: [${chapters.join(', ')}]\n`;

async function check(dir: string, extra: string[] = []) {
  const result = await runCli(['check', '-m', dir, '--reporter', 'json', ...extra]);
  // Never a stack trace, never an internal error: every case here has its message.
  expect(result.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
  const diagnostics = (result.stdout.trim() ? JSON.parse(result.stdout) : []) as Diagnostic[];
  return { code: result.code, stderr: result.stderr, diagnostics: diagnostics.map((d) => ({ ...d, file: path.basename(d.file) })) };
}

async function build(dir: string, extra: string[] = []) {
  const out = path.join(tmp, `out-${++counter}`);
  const result = await runCli(['build', '-m', dir, '--out', out, '--format', 'html,epub', '--quiet', ...extra]);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
  return { ...result, out };
}

/** Every file the build wrote, the EPUB's entries included, as bytes. */
async function outputFiles(out: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files.set(path.relative(out, full), await readFile(full));
    }
  };
  await walk(out);
  const epub = files.get('book.epub');
  if (epub) {
    const zip = await JSZip.loadAsync(epub);
    for (const [name, entry] of Object.entries(zip.files)) if (!entry.dir) files.set(`book.epub/${name}`, Buffer.from(await entry.async('uint8array')));
  }
  return files;
}

const only = (diagnostics: Diagnostic[], ruleId: string) => diagnostics.filter((d) => d.ruleId === ruleId);

describe('every file the manuscript names stays inside its folder', () => {
  const images = [
    '# Images',
    '',
    '![Par le haut](../dehors/secret.png)', // line 3
    '',
    `![Par un chemin absolu](${'SECRET_PATH'})`, // line 5
    '',
    '![Par un lien symbolique](images/lien.png)', // line 7
    '',
    '![Un lien cassé](images/casse.png)', // line 9
    '',
    '![Une boucle](images/boucle.png)', // line 11
    '',
    '![La carte](images/carte.png)', // line 13
    '',
    '![Par un dossier lié vers l’extérieur](ailleurs/secret.png)', // line 15
    '',
  ].join('\n');

  async function imagesBook(): Promise<string> {
    return manuscript(
      { 'book.yaml': yaml(['images.md']), 'images.md': images.replace('SECRET_PATH', secret), 'images/carte.png': PNG },
      {
        'images/lien.png': secret,
        'images/casse.png': path.join(tmp, 'dehors', 'absent.png'),
        'images/boucle.png': 'boucle2.png',
        'images/boucle2.png': 'boucle.png',
        ailleurs: path.join(tmp, 'dehors'),
      },
    );
  }

  it('reports images out of the folder at their place, and broken links and loops as missing', async () => {
    const { code, diagnostics } = await check(await imagesBook());
    expect(code).toBe(1);
    expect(only(diagnostics, 'path-outside-manuscript').map((d) => [d.file, d.line, d.column])).toEqual([
      ['images.md', 3, 1],
      ['images.md', 5, 1],
      ['images.md', 7, 1],
      ['images.md', 15, 1],
    ]);
    expect(only(diagnostics, 'path-outside-manuscript')[0].message).toMatch(/^Image `\.\.\/dehors\/secret\.png` is outside the manuscript folder; copy the file into the folder/);
    const missing = only(diagnostics, 'image-missing');
    expect(missing.map((d) => d.line)).toEqual([9, 11]);
    expect(missing[0].message).toMatch(/`images\/casse\.png` is a symbolic link to a file that does not exist/);
    expect(missing[1].message).toMatch(/`images\/boucle\.png` is a loop of symbolic links/);
  });

  it('refuses a release build, and a draft copies and embeds only the files inside', async () => {
    const dir = await imagesBook();
    const release = await build(dir);
    expect(release.code).toBe(1);
    expect(release.stderr).toMatch(/path-outside-manuscript/);

    const draft = await build(dir, ['--draft']);
    expect(draft.code).toBe(0);
    const files = await outputFiles(draft.out);
    for (const [name, bytes] of files) expect(bytes.includes(SECRET), `${name} carries the file from outside`).toBe(false);
    expect([...files.keys()].filter((name) => name.startsWith('html/assets/images/'))).toEqual(['html/assets/images/images/carte.png']);
    expect([...files.keys()].filter((name) => name.startsWith('book.epub/OEBPS/images/'))).toEqual(['book.epub/OEBPS/images/image-1.png']);
    // The images left out show their text alternative in their place.
    const page = files.get('html/images.html')!.toString('utf8');
    expect(page).toMatch(/<span>Par le haut<\/span>/);
    expect(page).toMatch(/<span>Une boucle<\/span>/);
    expect(page.match(/<img /g)).toHaveLength(1);
    expect(page).toMatch(/<img src="assets\/images\/images\/carte\.png"/);
  });

  it('serves in the preview only what the draft edition holds', async () => {
    const server = await startPreview({ manuscript: await imagesBook(), out: path.join(tmp, `preview-${++counter}`), port: 0 });
    try {
      const page = await (await fetch(`${server.url}images.html`)).text();
      expect(page.match(/<img /g)).toHaveLength(1);
      expect(page).not.toMatch(SECRET);
      for (const target of ['assets/images/dehors/secret.png', 'assets/images/secret.png', 'assets/images/images/lien.png']) {
        const response = await fetch(`${server.url}${target}`);
        expect(response.status, target).toBe(404);
      }
      expect((await fetch(`${server.url}assets/images/images/carte.png`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('stops at book.yaml when a chapter, bibliography, style, locale or names registry lies outside, without reading it', async () => {
    const dir = await manuscript({
      'book.yaml': [
        'title: Un livre',
        'bibliography: ../dehors/biblio.json', // line 2
        'csl: ../../../../../../../../etc/passwd', // line 3
        'locale: ../dehors/locales-fr-FR.xml', // line 4
        `names: ${path.join(tmp, 'dehors', 'persons.yaml')}`, // line 5
        'contents:',
        '  chapters: [chapitre.md, ../dehors/chapitre.md, lien.md]', // line 7
        '',
      ].join('\n'),
      'chapitre.md': '# Chapitre\n',
    }, { 'lien.md': path.join(tmp, 'dehors', 'chapitre.md') });
    const { code, stderr, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.file, d.line, d.column, d.ruleId])).toEqual([
      ['book.yaml', 2, 15, 'path-outside-manuscript'],
      ['book.yaml', 3, 6, 'path-outside-manuscript'],
      ['book.yaml', 4, 9, 'path-outside-manuscript'],
      ['book.yaml', 5, 8, 'path-outside-manuscript'],
      ['book.yaml', 7, 27, 'path-outside-manuscript'],
      ['book.yaml', 7, 50, 'path-outside-manuscript'],
    ]);
    expect(diagnostics[1].message).toMatch(/^CSL style `\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd` named in book\.yaml is outside the manuscript folder/);
    expect(`${stderr}${JSON.stringify(diagnostics)}`).not.toMatch(new RegExp(`${SECRET}|root:`));
  });

  it('says which chapter of book.yaml is a broken link or a loop', async () => {
    const dir = await manuscript({ 'book.yaml': yaml(['casse.md', 'boucle.md']) }, { 'casse.md': 'absent.md', 'boucle.md': 'boucle.md' });
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.line, d.ruleId, d.message.replace(/;.*/, '')])).toEqual([
      [4, 'config-invalid', 'Chapter file `casse.md` listed in book.yaml is a symbolic link to a file that does not exist'],
      [4, 'config-invalid', 'Chapter file `boucle.md` listed in book.yaml is a loop of symbolic links'],
    ]);
  });

  it('refuses the links of a folder of Markdown that lead out of it, break or loop', async () => {
    const dir = await manuscript({ 'a.md': '# A\n' }, { 'b.md': path.join(tmp, 'dehors', 'chapitre.md'), 'c.md': 'nulle-part.md', 'd.md': 'd.md' });
    const { code, stderr, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.file, d.ruleId])).toEqual([
      ['b.md', 'path-outside-manuscript'],
      ['c.md', 'manuscript-missing'],
      ['d.md', 'manuscript-missing'],
    ]);
    expect(diagnostics[2].message).toMatch(/`d\.md` is a loop of symbolic links/);
    expect(stderr).not.toMatch(SECRET);
  });

  it('lets the command line name files anywhere, and refuses one that is not CSL without quoting it', async () => {
    const dir = await manuscript({ 'un.md': '# Un\n\nTexte [@a].\n' });
    const bibliography = path.join(tmp, 'dehors', 'ok.json');
    await writeFile(bibliography, '[{"id": "a", "type": "book", "title": "Un titre", "publisher": "P", "author": [{"family": "X"}], "issued": {"date-parts": [[2000]]}}]');
    const fine = await build(dir, ['--bibliography', bibliography, '--format', 'html']);
    expect(fine.code).toBe(0);
    expect((await readFile(path.join(fine.out, 'html', 'un.html'), 'utf8'))).toMatch(/Un titre/);

    const notCsl = await build(dir, ['--bibliography', bibliography, '--csl', path.join(tmp, 'dehors', 'style.csl')]);
    expect(notCsl.code).toBe(1);
    expect(notCsl.stderr).toMatch(/is not a CSL style \(its root element is not `<style xmlns="http:\/\/purl\.org\/net\/xbiblio\/csl">`\)/);
    expect(notCsl.stderr).not.toMatch(SECRET);
    const passwd = await build(dir, ['--bibliography', bibliography, '--csl', '/etc/passwd']);
    expect(passwd.code).toBe(1);
    expect(passwd.stderr).not.toMatch(/root:/);
  });

  it('reads image paths as URLs, with %, ? and # in file names, never a URIError', async () => {
    const dir = await manuscript({
      'book.yaml': yaml(['noms.md']),
      'noms.md': [
        '# Noms',
        '',
        '![Cinquante pour cent](50%.png)', // line 3: a lone % is the file's own
        '',
        '![Un dièse](carte%231.png)', // line 5: carte#1.png
        '',
        '![Une question](pourquoi%3F.png)', // line 7: pourquoi?.png
        '',
        '![Un fragment](carte%231.png#partie)', // line 9: the fragment is dropped
        '',
        '![Pas de l’UTF-8](caf%E9.png)', // line 11: an escape that is not UTF-8
        '',
        '![Un dièse écrit tel quel](carte#1.png)', // line 13: `carte`, with a fragment
        '',
        '[Un lien](caf%E9.md#%E9)', // line 15
        '',
      ].join('\n'),
      '50%.png': PNG,
      'carte#1.png': PNG,
      'pourquoi?.png': PNG,
    });
    const { diagnostics } = await check(dir);
    expect(only(diagnostics, 'image-missing').map((d) => [d.line, d.message])).toEqual([
      [11, `Image file \`caf%E9.png\` does not exist (looked for ${path.join(dir, 'caf%E9.png')})`],
      [13, `Image file \`carte#1.png\` does not exist (looked for ${path.join(dir, 'carte')}); in a file name, write \`#\` as \`%23\` and \`?\` as \`%3F\``],
    ]);
    const draft = await build(dir, ['--draft']);
    expect(draft.code).toBe(0);
    const files = await outputFiles(draft.out);
    expect([...files.keys()].filter((name) => name.startsWith('html/assets/images/')).sort()).toEqual([
      'html/assets/images/50%.png',
      'html/assets/images/carte#1.png',
      'html/assets/images/pourquoi?.png',
    ]);
    const page = files.get('html/noms.html')!.toString('utf8');
    expect(page).toMatch(/src="assets\/images\/50%25\.png"/);
    expect(page).toMatch(/src="assets\/images\/carte%231\.png"/);
    expect(page).toMatch(/src="assets\/images\/pourquoi%3F\.png"/);
    // carte%231.png is shown twice: one file in the EPUB.
    expect([...files.keys()].filter((name) => name.startsWith('book.epub/OEBPS/images/'))).toHaveLength(3);
  });
});

describe('manuscript text is UTF-8, read alike whatever its line endings', () => {
  it('names the file, line and column of the first byte that is not UTF-8, and builds nothing', async () => {
    const latin1 = Buffer.from('# Chapitre en Latin-1\n\nUne premi\xe8re ligne.\n', 'latin1');
    const dir = await manuscript({ 'book.yaml': yaml(['bon.md', 'latin1.md']), 'bon.md': '# Bon\n\nDéjà écrit.\n', 'latin1.md': latin1 });
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(diagnostics).toEqual([
      expect.objectContaining({ file: 'latin1.md', line: 3, column: 10, ruleId: 'encoding-invalid', severity: 'error' }),
    ]);
    expect(diagnostics[0].message).toMatch(/^This chapter is not valid UTF-8: byte 0xE8 cannot be read; save the file as UTF-8/);
    const built = await build(dir, ['--draft']);
    expect(built.code).toBe(1);
    expect(existsSync(path.join(built.out, 'html'))).toBe(false);
  });

  it('refuses book.yaml, persons.yaml and a bibliography that are not UTF-8', async () => {
    const config = await manuscript({ 'book.yaml': Buffer.from('title: Un livre\nsubtitle: \xc9tudes\ncontents:\n  chapters: [a.md]\n', 'latin1'), 'a.md': '# A\n' });
    expect((await check(config)).diagnostics).toEqual([expect.objectContaining({ file: 'book.yaml', line: 2, column: 11, ruleId: 'encoding-invalid' })]);
    const names = await manuscript({ 'book.yaml': yaml(['a.md'], 'names: persons.yaml\n'), 'a.md': '# A\n', 'persons.yaml': Buffer.from('- id: a\n  name: B\xe9\n', 'latin1') });
    expect((await check(names)).diagnostics).toEqual([expect.objectContaining({ file: 'persons.yaml', line: 2, column: 10, ruleId: 'encoding-invalid' })]);
    const bibliography = await manuscript({ 'book.yaml': yaml(['a.md'], 'bibliography: b.bib\n'), 'a.md': '# A\n', 'b.bib': Buffer.from('@book{a,\n  title = {\xc9tudes},\n}\n', 'latin1') });
    expect((await check(bibliography)).diagnostics).toEqual([expect.objectContaining({ file: 'b.bib', line: 2, column: 12, ruleId: 'encoding-invalid' })]);
  });

  it('reads CRLF and a byte order mark as plain text: front matter, title, notes, positions', async () => {
    const crlf = (text: string) => Buffer.from(`\ufeff${text.replace(/\n/g, '\r\n')}`, 'utf8');
    const dir = await manuscript({
      'book.yaml': crlf(yaml(['windows.md'])),
      'windows.md': crlf([
        '---',
        'title: Titre de la page',
        'id: fenetres',
        '---',
        '',
        '# Fin de ligne Windows',
        '',
        'Un texte avec une note[^1] et une autre^[Note en ligne',
        'sur deux lignes.].',
        '',
        '[^1]: La note',
        '    continue ici.',
        '',
        '[^seule]: Jamais appelée.', // line 14
        '',
      ].join('\n')),
    });
    const { diagnostics } = await check(dir);
    expect(diagnostics.map((d) => [d.file, d.line, d.column, d.ruleId])).toEqual([['windows.md', 14, 1, 'footnote-unused']]);

    const built = await build(dir, ['--draft']);
    expect(built.code).toBe(0);
    const files = await outputFiles(built.out);
    for (const [name, bytes] of files) {
      if (!/\.(html|xhtml|opf|ncx|css)$/.test(name)) continue;
      const text = bytes.toString('utf8');
      expect(text.includes('\r'), `${name} has a \\r`).toBe(false);
      expect(text.includes('\ufffd'), `${name} has U+FFFD`).toBe(false);
      expect(text.includes('\ufeff'), `${name} has a byte order mark`).toBe(false);
    }
    const page = files.get('html/fenetres.html')!.toString('utf8');
    expect(page).toMatch(/<title>Titre de la page — Un livre<\/title>/);
    expect(page).toMatch(/La note\s+continue ici\./);
    expect(page).toMatch(/Note en ligne\nsur deux lignes\./);
  });

  it('decodes strictly and finds the first bad byte', () => {
    expect(decodeText(Buffer.from('\ufeffa\r\nb\rc\n', 'utf8'))).toEqual({ text: 'a\nb\nc\n' });
    expect(decodeText(Buffer.from('ab\r\ncd\xe9', 'latin1'))).toEqual({ problem: 'encoding', line: 2, column: 3, byte: 0xe9 });
    expect(decodeText(Buffer.concat([Buffer.from('\ufeffé', 'utf8'), Buffer.from([0xc3])]))).toEqual({ problem: 'encoding', line: 1, column: 2, byte: 0xc3 });
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 (RFC 3629 §3).
    for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff]]) {
      expect(firstInvalidByte(Uint8Array.from([0x41, ...bad]))).toBe(1);
    }
    expect(firstInvalidByte(Buffer.from('Қадем 😀 é', 'utf8'))).toBe(-1);
  });
});

describe('YAML alias bombs', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');

  it('refuses one in book.yaml, persons.yaml and front matter with the line of the first alias', async () => {
    const config = await manuscript({ 'book.yaml': `title: Bombe\n${bomb}\ncontents:\n  chapters: [a.md]\n`, 'a.md': '# A\n' });
    const inConfig = await check(config);
    expect(inConfig.code).toBe(1);
    expect(inConfig.diagnostics).toEqual([expect.objectContaining({ file: 'book.yaml', line: 3, column: 8, ruleId: 'config-invalid' })]);
    expect(inConfig.diagnostics[0].message).toMatch(/aliases \(`\*name`\) expand to more than 100 copies/);

    const names = await manuscript({ 'book.yaml': yaml(['a.md'], 'names: persons.yaml\n'), 'a.md': '# A\n', 'persons.yaml': `${bomb.replace(/^(\w): /gm, '- $1: ')}\n` });
    expect(only((await check(names)).diagnostics, 'names-invalid')).toEqual([expect.objectContaining({ file: 'persons.yaml', line: 2, ruleId: 'names-invalid' })]);

    const front = await manuscript({ 'a.md': `---\n${bomb}\n---\n\n# A\n` });
    const inFront = await check(front);
    expect(only(inFront.diagnostics, 'front-matter-invalid')).toEqual([expect.objectContaining({ file: 'a.md', line: 1, ruleId: 'front-matter-invalid' })]);

    // A YAML bibliography is not read at all (CSL-JSON and BibTeX only): said, never expanded.
    const bibliography = await manuscript({ 'book.yaml': yaml(['a.md'], 'bibliography: b.yaml\n'), 'a.md': '# A\n', 'b.yaml': `${bomb}\n` });
    expect(only((await check(bibliography)).diagnostics, 'bibliography-invalid')).toEqual([
      expect.objectContaining({ file: 'b.yaml', line: 1, message: expect.stringMatching(/is neither CSL-JSON \(\.json\) nor BibTeX/) }),
    ]);
  });
});

describe('bibliography values of the wrong type', () => {
  it('reports each bad entry at its place, leaves it out, and renders the others', async () => {
    const entries = [
      '{ "id": 1, "type": "book", "title": "Un identifiant numérique", "publisher": "P", "author": [{ "family": "Dupont" }], "issued": { "date-parts": [[1995]] } }',
      '{ "id": "objet", "type": "book", "title": {}, "publisher": "P", "author": [{ "family": "Durand" }], "issued": { "date-parts": [[2001]] } }',
      '{ "id": "nom", "type": "book", "title": "T", "publisher": "P", "author": "Jean Dupont", "issued": { "date-parts": [[2001]] } }',
      '{ "id": "famille", "type": "book", "title": "T", "publisher": "P", "author": [{ "family": 5 }], "issued": { "date-parts": [[2001]] } }',
      '{ "id": "langue", "type": "book", "title": "T", "publisher": "P", "language": 5, "author": [{ "family": "L" }], "issued": { "date-parts": [[2001]] } }',
      '{ "id": "date", "type": "book", "title": "T", "publisher": "P", "author": [{ "family": "D" }], "issued": { "date-parts": [[2001, 2], [2002]] } }',
      '{ "id": "bon", "type": "book", "title": "Un livre correct", "publisher": "Éditeur", "author": [{ "family": "Martin" }], "volume": 2, "issued": { "date-parts": [[2010]] } }',
    ];
    const dir = await manuscript({
      'book.yaml': yaml(['a.md'], 'bibliography: b.json\n'),
      'a.md': '# A\n\nTexte [@1] [@objet] [@nom] [@famille] [@langue] [@date] [@bon, p. 3].\n',
      'b.json': `[\n${entries.map((entry) => `  ${entry}`).join(',\n')}\n]\n`,
    });
    const { diagnostics } = await check(dir);
    expect(only(diagnostics, 'bibliography-invalid').map((d) => [d.file, d.line, d.column, d.message.replace(/;.*/, '')])).toEqual([
      ['b.json', 3, 3, 'Entry `objet` cannot be used: `title` is an object where text is expected'],
      ['b.json', 4, 3, 'Entry `nom` cannot be used: `author` is a string where a list of names (`[{"family": …, "given": …}]`) is expected'],
      ['b.json', 5, 3, 'Entry `famille` cannot be used: `author` has a name whose `family` is a number where text is expected'],
      ['b.json', 6, 3, 'Entry `langue` cannot be used: `language` is a number where text is expected'],
      ['b.json', 7, 3, 'Entry `date` cannot be used: `issued` has `date-parts` that are not one list of year, month, day (`[[1995, 5, 12]]`) or two alike for a range'],
    ]);
    const built = await build(dir, ['--draft', '--format', 'html']);
    expect(built.code).toBe(0);
    const text = await readFile(path.join(built.out, 'html', 'a.html'), 'utf8');
    expect(text).toMatch(/Un livre correct/);
    expect(text).toMatch(/Un identifiant numérique/);
  });
});

describe('the names registry is read when the book is loaded', () => {
  it('is on book.names, and book check reports its problems', async () => {
    const good = await manuscript({ 'book.yaml': yaml(['a.md'], 'names: persons.yaml\n'), 'a.md': '# A\n', 'persons.yaml': '- id: a\n  name: Aïcha B\n' });
    const book = await compileBook({ manuscript: good });
    expect(book.names?.persons.map((p) => p.name)).toEqual(['Aïcha B']);
    expect(book.files.map((f) => path.basename(f.path))).toContain('persons.yaml');

    const bad = await manuscript({ 'book.yaml': yaml(['a.md'], 'names: persons.yaml\n'), 'a.md': '# A\n', 'persons.yaml': '- id: a\n  name: [pas, un, nom]\n- id: b\n  nom: B\n' });
    const { code, diagnostics } = await check(bad);
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.file, d.line, d.ruleId])).toEqual([
      ['persons.yaml', 2, 'names-invalid'],
      ['persons.yaml', 3, 'names-invalid'],
      ['persons.yaml', 3, 'names-invalid'],
    ]);
    expect((await compileBook({ manuscript: bad })).names).toBeUndefined();

    const absent = await manuscript({ 'book.yaml': yaml(['a.md'], 'names: absent.yaml\n'), 'a.md': '# A\n' });
    expect((await check(absent)).diagnostics).toEqual([expect.objectContaining({ file: 'book.yaml', line: 3, column: 8, ruleId: 'names-invalid' })]);

    const rules = await runCli(['check', '--rules']);
    expect(rules.stdout).toMatch(/^names-invalid +error /m);
    expect(rules.stdout).toMatch(/^path-outside-manuscript +error /m);
    expect(rules.stdout).toMatch(/^encoding-invalid +error /m);
  });

  it('stops the build of a registry outside the folder, even through a link', async () => {
    const dir = await manuscript({ 'book.yaml': yaml(['a.md'], 'names: lien.yaml\n'), 'a.md': '# A\n' }, { 'lien.yaml': path.join(tmp, 'dehors', 'persons.yaml') });
    await expect(compileBook({ manuscript: dir })).rejects.toBeInstanceOf(BuildError);
    const { diagnostics } = await check(dir);
    expect(diagnostics).toEqual([expect.objectContaining({ file: 'book.yaml', line: 3, column: 8, ruleId: 'path-outside-manuscript' })]);
    expect(JSON.stringify(diagnostics)).not.toMatch(SECRET);
  });
});

describe('resolveInside and filePathOfUrl', () => {
  it('follows links and tells inside from outside, existing or not', async () => {
    const dir = await manuscript({ 'a/b.png': PNG }, { 'lien-dedans.png': 'a/b.png', 'lien-dehors.png': secret, dossier: path.join(tmp, 'dehors') });
    expect(resolveInside(dir, 'a/b.png')).toEqual({ file: path.join(dir, 'a', 'b.png') });
    expect(resolveInside(dir, 'lien-dedans.png')).toEqual({ file: path.join(dir, 'a', 'b.png') });
    expect(resolveInside(dir, '../livre-x/../' + path.basename(dir) + '/a/b.png').problem).toBeUndefined();
    expect(resolveInside(dir, 'lien-dehors.png').problem).toBe('outside');
    expect(resolveInside(dir, 'dossier/rien.png').problem).toBe('outside');
    expect(resolveInside(dir, '../nulle-part/x.png').problem).toBe('outside');
    expect(resolveInside(dir, '/etc/hostname').problem).toBe('outside');
    expect(resolveInside(dir, 'a').problem).toBe('not-a-file');
    expect(resolveInside(dir, 'a/absent.png').problem).toBe('missing');
    expect(resolveInside(`${dir}-autre`, '../x')).toEqual({ file: path.resolve(`${dir}-autre`, '../x'), problem: 'outside' });
  });

  it('drops query and fragment and decodes only valid escapes', () => {
    expect(filePathOfUrl('images/carte%201.png?v=2#x')).toBe('images/carte 1.png');
    expect(filePathOfUrl('50%.png')).toBe('50%.png');
    expect(filePathOfUrl('caf%E9.png')).toBe('caf%E9.png');
    expect(filePathOfUrl('%C3%A9t%C3%A9.png')).toBe('été.png');
    expect(filePathOfUrl('a%23b%3F.png')).toBe('a#b?.png');
  });
});
