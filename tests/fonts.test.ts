/**
 * The book's type (scripts/manuscript/fonts.ts, scripts/output/fonts.ts, font-subset.ts): chosen in
 * book.yaml with its errors shown there; subsets that keep the OpenType features the stylesheets
 * use, the same bytes at every build; a family of the manuscript's own files in every edition.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import subsetFont from 'subset-font';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../scripts/build.ts';
import { BuildError } from '../scripts/errors.ts';
import { loadManuscript } from '../scripts/manuscript/load-manuscript.ts';
import { defaultBookFonts, fontsourceSlug } from '../scripts/manuscript/fonts.ts';
import { h } from 'hastscript';
import { bookFonts, documentCharacters, faceMayDraw, installFonts } from '../scripts/output/fonts.ts';
import { defaultLayoutFeatures, faceCoverage, layoutFeaturesOf, subsetFace } from '../scripts/output/font-subset.ts';

const require = createRequire(import.meta.url);

/** The GSUB feature tags of a font (file or bytes, any format), read from its OpenType form. */
async function gsubFeatures(font: string | Buffer): Promise<string[]> {
  const source = typeof font === 'string' ? await readFile(font) : font;
  const sfnt = await subsetFont(source, undefined, { keepAllGlyphs: true, targetFormat: 'sfnt' });
  const tags = new Set<string>();
  for (let i = 0; i < sfnt.readUInt16BE(4); i++) {
    const record = 12 + i * 16;
    if (sfnt.toString('latin1', record, record + 4) !== 'GSUB') continue;
    const table = sfnt.readUInt32BE(record + 8);
    const list = table + sfnt.readUInt16BE(table + 6);
    for (let f = 0; f < sfnt.readUInt16BE(list); f++) tags.add(sfnt.toString('latin1', list + 2 + f * 6, list + 6 + f * 6));
  }
  return [...tags].sort();
}
const garamond = path.join(path.dirname(require.resolve('@fontsource/eb-garamond/package.json')), 'files');
const templates = path.resolve(import.meta.dirname, '..', 'templates');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'book-fonts-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A one-chapter book in a folder of its own, with `fonts` as book.yaml's last lines. */
async function book(name: string, fonts: string): Promise<string> {
  const ms = path.join(dir, name);
  await mkdir(ms, { recursive: true });
  await writeFile(path.join(ms, 'book.yaml'), `title: Essai\nlanguage: fr\ncontents:\n  chapters: [un.md]\n${fonts}`);
  await writeFile(path.join(ms, 'un.md'), '# Un\n\nTexte d’essai, *en italique*, **en gras**.\n');
  return ms;
}

async function configMessages(ms: string): Promise<Array<{ line?: number; rule?: string; reason: string }>> {
  const error = await loadManuscript({ manuscript: ms }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BuildError);
  return (error as BuildError).files.flatMap((file) => file.messages.map((m) => ({ line: m.line, rule: m.ruleId, reason: m.reason })));
}

describe('the fonts chosen in book.yaml', () => {
  it('default to EB Garamond from @fontsource, four faces split by alphabet', () => {
    const fonts = defaultBookFonts();
    expect(fonts.family).toBe('EB Garamond');
    expect(fonts.licence).toBe('SIL Open Font License');
    expect(new Set(fonts.faces.map((face) => `${face.role} ${face.weight} ${face.style}`))).toEqual(new Set(['regular 400 normal', 'italic 400 italic', 'bold 600 normal', 'bold-italic 600 italic']));
    expect(fontsourceSlug('EB Garamond')).toBe('eb-garamond');
    expect(fontsourceSlug('Noto Serif Display')).toBe('noto-serif-display');
  });

  it('report a family that is not installed at its line in book.yaml, never naming scripts/', async () => {
    const messages = await configMessages(await book('absente', 'fonts:\n  family: Police Absente\n'));
    expect(messages).toEqual([{ line: 6, rule: 'config-invalid', reason: expect.stringContaining('`fonts.family`') }]);
    expect(messages[0].reason).toContain('npm install @fontsource/police-absente');
    expect(messages[0].reason).not.toMatch(/scripts\//);
  });

  it('refuse a family name that could write CSS, and font files outside the manuscript or missing', async () => {
    const quoted = await configMessages(await book('guillemet', "fonts:\n  family: \"X'; } body { color: red\"\n"));
    expect(quoted).toEqual([{ line: 6, rule: 'config-invalid', reason: expect.stringMatching(/`fonts\.family`.*font family name/) }]);
    const files = await configMessages(
      await book('dehors', 'fonts:\n  family: Essai\n  files:\n    regular: ../ailleurs.woff2\n    italic: absente.woff2\n    bold: absente.woff2\n    bold-italic: absente.woff2\n'),
    );
    expect(files.map((m) => [m.line, m.rule])).toEqual([
      [8, 'path-outside-manuscript'],
      [9, 'config-invalid'],
      [10, 'config-invalid'],
      [11, 'config-invalid'],
    ]);
    expect(files[0].reason).toContain('`fonts.files.regular`');
    expect(files[1].reason).toMatch(/`absente\.woff2` named in book\.yaml \(`fonts\.files\.italic`\) does not exist/);
  });

  it('set the whole book in a family of the manuscript’s own files: HTML, EPUB and the PDF’s fonts', async () => {
    const ms = await book('propre', 'fonts:\n  family: Police Essai\n  licence: Licence d’essai\n  files:\n    regular: polices/r.woff2\n    italic: polices/i.woff2\n    bold: polices/b.woff2\n    bold-italic: polices/bi.woff\n');
    await mkdir(path.join(ms, 'polices'));
    for (const [name, file] of [['r.woff2', '400-normal.woff2'], ['i.woff2', '400-italic.woff2'], ['b.woff2', '600-normal.woff2'], ['bi.woff', '600-italic.woff']]) {
      await copyFile(path.join(garamond, `eb-garamond-latin-${file}`), path.join(ms, 'polices', name));
    }
    const out = path.join(dir, 'propre-out');
    const { book: built } = await build({ manuscript: ms, out, formats: ['html', 'epub'] });

    const css = await readFile(path.join(out, 'html', 'assets', 'fonts.css'), 'utf8');
    expect(css).toContain("html, body { font-family: 'Police Essai', serif; }");
    expect(css).toContain("src: url('fonts/police-essai-bold-italic.woff') format('woff');");
    expect(css).not.toMatch(/EB Garamond|unicode-range/);

    const zip = await JSZip.loadAsync(await readFile(path.join(out, 'book.epub')));
    expect(Object.keys(zip.files).filter((name) => name.includes('/fonts/')).sort()).toEqual(
      ['bold', 'bold-italic', 'italic', 'regular'].map((role) => `OEBPS/fonts/police-essai-${role}.woff`).sort(),
    );
    expect(await zip.file('OEBPS/style.css')!.async('string')).toContain("font-family: 'Police Essai', serif;");

    // The PDF and the cover copy the whole files (Chromium subsets the PDF's itself).
    const pdfCss = await installFonts(bookFonts(built), path.join(dir, 'propre-pdf'), 'fonts/');
    expect(pdfCss).toContain('/* Police Essai (Licence d’essai), from files of the manuscript. */');
    expect(pdfCss).toContain("src: url('fonts/police-essai-bold-italic.woff') format('woff');");
    expect(await readFile(path.join(dir, 'propre-pdf', 'police-essai-regular.woff2'))).toEqual(await readFile(path.join(ms, 'polices', 'r.woff2')));
  });

  it('stop the build on a font file cut short or not a font, naming it, and write nothing', async () => {
    const whole = await readFile(path.join(garamond, 'eb-garamond-latin-400-normal.woff'));
    for (const [name, bytes] of [['coupee', whole.subarray(0, 3000)], ['texte', Buffer.from('Ceci n’est pas une police.\n')]] as const) {
      const ms = await book(name, 'fonts:\n  family: Police Essai\n  licence: Licence d’essai\n  files:\n    regular: polices/r.woff\n    italic: polices/i.woff\n    bold: polices/b.woff\n    bold-italic: polices/bi.woff\n');
      await mkdir(path.join(ms, 'polices'));
      for (const [file, face] of [['i.woff', '400-italic'], ['b.woff', '600-normal'], ['bi.woff', '600-italic']]) await copyFile(path.join(garamond, `eb-garamond-latin-${face}.woff`), path.join(ms, 'polices', file));
      await writeFile(path.join(ms, 'polices', 'r.woff'), bytes);
      const out = path.join(dir, `${name}-out`);
      const error = await build({ manuscript: ms, out, formats: ['html', 'epub'] }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(BuildError);
      expect((error as BuildError).message).toMatch(/^The font file .*polices\/r\.woff cannot be read as a font \(.+\): replace it with a complete WOFF/);
      expect(await readFile(path.join(ms, 'polices', 'r.woff'))).toEqual(Buffer.from(bytes));
      expect(existsSync(path.join(out, 'html')) || existsSync(path.join(out, 'book.epub'))).toBe(false);
    }
  });
});

describe('subsets', () => {
  it('keep the OpenType features the stylesheets ask for', async () => {
    const features = async (file: string) => layoutFeaturesOf(await readFile(path.join(templates, file), 'utf8'));
    expect(await features('web/style.css')).toEqual(expect.arrayContaining(['smcp', 'onum', 'kern', 'liga']));
    expect(await features('epub/style.css')).toEqual(expect.arrayContaining(['smcp', 'kern', 'liga']));
    expect(await features('print/print.css')).toEqual(expect.arrayContaining(['smcp', 'onum', 'lnum', 'pnum', 'kern', 'liga']));
    expect(layoutFeaturesOf("p { font-feature-settings: 'ss01', 'swsh' 0, \"dlig\" on; } /* font-variant: all-small-caps */")).toEqual([...defaultLayoutFeatures, 'dlig', 'ss01'].sort());
  });

  it('are the same bytes at every build, cached or not, and keep the features asked for that the font has', async () => {
    const face = defaultBookFonts().faces.find((f) => f.role === 'regular' && f.file.endsWith('latin-400-normal.woff2'))!;
    const characters = [...'Essai 1944, ffi'].map((c) => c.codePointAt(0)!);
    const web = layoutFeaturesOf(await readFile(path.join(templates, 'web', 'style.css'), 'utf8'));
    const print = layoutFeaturesOf(await readFile(path.join(templates, 'print', 'print.css'), 'utf8'));
    const cache = process.env.BOOK_CACHE;
    process.env.BOOK_CACHE = '0';
    try {
      const first = await subsetFace(face, characters, web);
      const second = await subsetFace(face, characters, web);
      expect(second.equals(first)).toBe(true);
      expect(first.length).toBeLessThan((await readFile(face.file)).length / 3);
      // @fontsource's EB Garamond (the Google Fonts build) has liga, rlig, locl, pnum, tnum, frac, and no
      // smcp or onum: browsers draw its small capitals themselves. What is asked and there is kept.
      expect(await gsubFeatures(face.file)).toEqual(['dnom', 'frac', 'liga', 'locl', 'numr', 'pnum', 'rlig', 'tnum']);
      expect(await gsubFeatures(first)).toEqual(['liga', 'locl']);
      expect(await gsubFeatures(await subsetFace(face, characters, print))).toEqual(['liga', 'locl', 'pnum']);
    } finally {
      if (cache === undefined) delete process.env.BOOK_CACHE;
      else process.env.BOOK_CACHE = cache;
    }
    const cached = await subsetFace(face, characters, web);
    expect((await subsetFace(face, characters, web)).equals(cached)).toBe(true);
  });

  it('read what a face draws from OpenType and WOFF 2 files too', async () => {
    const [regular] = defaultBookFonts().faces.filter((f) => f.file.endsWith('latin-400-normal.woff2'));
    const fromWoff = await faceCoverage(regular);
    const copy = path.join(dir, 'seule.woff2');
    await copyFile(regular.file, copy);
    const fromWoff2 = await faceCoverage({ ...regular, file: copy });
    expect([...fromWoff2.drawn].sort()).toEqual([...fromWoff.drawn].sort());
    expect(fromWoff.drawn.has(0xe9)).toBe(true);
  });
});

describe('the print edition’s faces', () => {
  const alphabetOf = (file: string) => /eb-garamond-([a-z-]+)-\d+-(?:normal|italic)\.woff2$/.exec(file)?.[1];
  const alphabets = (characters: Set<number>) => new Set(defaultBookFonts().faces.filter((face) => faceMayDraw(face, characters)).map((face) => alphabetOf(face.file)));

  it('count every character the pages may show: text, attributes the stylesheets print, their content, both cases', () => {
    const tree = h(null, [h('section', { dataRunningHead: 'Иванов' }, ['Abé ', h('span', { className: ['ἄλφα'] }, 'ok')])]);
    const characters = documentCharacters(tree, ['.note::before { content: "¶"; }']);
    for (const character of ['A', 'b', 'é', 'É', 'И', 'в', 'В', 'ἄ', '¶', '0', '«', '»', '\u202f']) expect(characters.has(character.codePointAt(0)!), character).toBe(true);
    expect(characters.has('Ж'.codePointAt(0)!)).toBe(false);
  });

  it('are those whose unicode-range holds a character of the book, as a browser would choose them', () => {
    const of = (text: string) => documentCharacters(h(null, [text]));
    expect(alphabets(of('Texte d’essai, « en italique »'))).toEqual(new Set(['latin']));
    expect(alphabets(of('Łódź, Gulnara'))).toEqual(new Set(['latin', 'latin-ext']));
    // Kazakh: ү is in Cyrillic Extended (U+0460–052F), the rest in Cyrillic.
    expect(alphabets(of('Гүлнара'))).toEqual(new Set(['latin', 'cyrillic', 'cyrillic-ext']));
    expect(alphabets(of('ἀρχή, Nguyễn'))).toEqual(new Set(['latin', 'greek-ext', 'greek', 'vietnamese']));
    // A face without a range, or with one that cannot be read, is always kept.
    const [latin] = defaultBookFonts().faces;
    expect(faceMayDraw({ ...latin, unicodeRange: undefined }, new Set([0x41]))).toBe(true);
    expect(faceMayDraw({ ...latin, unicodeRange: 'U+XYZ' }, new Set([0x41]))).toBe(true);
    expect(faceMayDraw({ ...latin, unicodeRange: 'U+0400-045F' }, new Set([0x41]))).toBe(false);
  });

  it('are the only files the print folder gets, each with its rule', async () => {
    const fonts = defaultBookFonts();
    const folder = path.join(dir, 'print-fonts');
    const css = await installFonts(fonts, folder, 'fonts/', documentCharacters(h(null, ['Łódź'])));
    const files = (await readdir(folder)).sort();
    expect(files).toHaveLength(8);
    expect(new Set(files.map(alphabetOf))).toEqual(new Set(['latin', 'latin-ext']));
    expect([...css.matchAll(/url\('fonts\/([^']+)'\)/g)].map((m) => m[1]).sort()).toEqual(files);
  });
});
