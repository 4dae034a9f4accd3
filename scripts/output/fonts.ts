/**
 * The book's type in every edition: the faces book.yaml chose (scripts/manuscript/fonts.ts; EB
 * Garamond by default), as @font-face rules and the one rule that sets the family (the stylesheets
 * name no family, so that the choice in book.yaml reaches all three editions and the EPUB cover).
 * The PDF, the cover and the diff copy the whole files (Chromium subsets the PDF's itself); the EPUB
 * and the HTML edition write subsets (font-subset.ts).
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BookMeta } from '../model/index.ts';
import { defaultBookFonts, fontsourceSlug, type BookFonts, type FontFace } from '../manuscript/fonts.ts';
import { inRanges, parseUnicodeRange } from './epub/font-cmap.ts';
import type { Root, RootContent } from 'hast';
import { visit } from '../tree/visit.ts';

export type { BookFonts, FontFace } from '../manuscript/fonts.ts';

/** The book's fonts: book.yaml's choice, or EB Garamond for a book loaded without one. */
export function bookFonts(book: { meta: Pick<BookMeta, 'fonts'> }): BookFonts {
  return book.meta.fonts ?? defaultBookFonts();
}

const formats: Record<string, string> = { '.woff2': 'woff2', '.woff': 'woff', '.otf': 'opentype', '.ttf': 'truetype' };

/**
 * The name a face's file gets in an edition: the package's own (`eb-garamond-latin-400-normal.woff2`),
 * or, for files of the manuscript, the family and role (two folders may both hold `Regular.otf`).
 */
export function installedName(fonts: BookFonts, face: FontFace, extension = path.extname(face.file).toLowerCase()): string {
  if (face.unicodeRange !== undefined) return `${path.basename(face.file, path.extname(face.file))}${extension}`;
  return `${fontsourceSlug(fonts.family) || 'book'}-${face.role}${extension}`;
}

export function fontFaceRule(face: FontFace, url: string, unicodeRange = face.unicodeRange, display = false): string {
  const format = formats[path.extname(url).toLowerCase()] ?? 'woff2';
  return [
    '@font-face {',
    `  font-family: '${face.family}';`,
    `  font-style: ${face.style};`,
    `  font-weight: ${face.weight};`,
    ...(display ? ['  font-display: swap;'] : []),
    `  src: url('${url}') format('${format}');`,
    ...(unicodeRange ? [`  unicode-range: ${unicodeRange};`] : []),
    '}',
  ].join('\n');
}

/** Where the fonts come from, as a CSS comment (no `*` `/` from book.yaml can close it). */
export function fontsComment(fonts: BookFonts): string {
  const text = `${fonts.family}${fonts.licence ? ` (${fonts.licence})` : ''}, from ${fonts.origin}.`.replace(/\*\//g, '* /');
  return `/* ${text} */`;
}

/** The family the stylesheets' text is set in (they name none themselves). */
export function familyRule(fonts: BookFonts): string {
  return `/* The family chosen in book.yaml (fonts). */\nhtml, body { font-family: '${fonts.family}', serif; }`;
}

/**
 * Whether a face can draw one of `characters`: a face without a unicode-range always can; one whose
 * range holds none of them is never chosen by a browser for this text (CSS Fonts 4 §4.5), and a
 * range that cannot be read keeps its face.
 */
export function faceMayDraw(face: FontFace, characters: ReadonlySet<number>): boolean {
  if (face.unicodeRange === undefined) return true;
  const ranges = parseUnicodeRange(face.unicodeRange);
  if (ranges.some(([from, to]) => Number.isNaN(from) || Number.isNaN(to))) return true;
  for (const c of characters) if (inRanges(ranges, c)) return true;
  return false;
}

/**
 * Every character a document may show: its text, its attributes' values (the stylesheets print
 * some: `string-set: … attr(data-running-head)`), the `texts` given (the stylesheets: their
 * `content`), printable ASCII (what a script writes: folios, counters, hyphens), the quotation marks
 * a browser puts, and each character in upper and lower case (text-transform, small capitals).
 */
export function documentCharacters(tree: Root, texts: string[] = []): Set<number> {
  const found = new Set<number>();
  const add = (value: string) => {
    for (const character of value) found.add(character.codePointAt(0)!);
  };
  for (let c = 0x20; c < 0x7f; c++) found.add(c);
  add('\u00a0\u00ab\u00bb\u2018\u2019\u201c\u201d\u2039\u203a\u2009\u2010\u202f');
  visit(tree, (any) => {
    const node = any as RootContent;
    if (node.type === 'text') add(node.value);
    else if (node.type === 'element') {
      for (const value of Object.values(node.properties)) {
        if (typeof value === 'string') add(value);
        else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') add(item);
      }
    }
  });
  for (const text of texts) add(text);
  for (const c of [...found]) {
    const character = String.fromCodePoint(c);
    add(character.toUpperCase());
    add(character.toLowerCase());
  }
  return found;
}

/**
 * Copy the whole font files into `dir` and return the @font-face rules that point at them, and the
 * family rule. With `characters`, only the faces that may draw one of them (`faceMayDraw`).
 */
export async function installFonts(fonts: BookFonts, dir: string, urlPrefix: string, characters?: ReadonlySet<number>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const rules = await Promise.all(
    fonts.faces.filter((face) => !characters || faceMayDraw(face, characters)).map(async (face) => {
      const name = installedName(fonts, face);
      await copyFile(face.file, path.join(dir, name));
      return fontFaceRule(face, `${urlPrefix}${name}`, face.unicodeRange, true);
    }),
  );
  return `${fontsComment(fonts)}\n${rules.join('\n')}\n${familyRule(fonts)}\n`;
}

/** The font files themselves (a package's files are named alike from one version to the next; the manuscript's may change): the covers' caches key on them. */
export async function fontIdentity(fonts: BookFonts): Promise<string> {
  const digest = createHash('sha256');
  for (const bytes of await Promise.all(fonts.faces.map((face) => readFile(face.file)))) digest.update(bytes);
  return digest.digest('hex');
}
