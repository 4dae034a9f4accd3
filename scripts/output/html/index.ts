/**
 * The HTML edition: `index.html` (title page and table of contents) and one page per chapter,
 * with its styles and fonts copied beside it so that nothing is requested outside the folder. The
 * fonts are cut down to the characters the pages show (scripts/output/font-subset.ts); the search
 * box and its passages come from search/.
 */
import { mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unified } from 'unified';
import rehypeStringify from 'rehype-stringify';
import type { Root, Text } from 'hast';
import { visit } from '../../tree/visit.ts';
import type { Book } from '../../model/index.ts';
import { chapterHref } from '../../model/outline.ts';
import { chapterPage, indexPage } from './pages.ts';
import { bookFonts, installFonts } from '../fonts.ts';
import { layoutFeaturesOf, subsetBookFonts } from '../font-subset.ts';
import { SearchIndex } from './search/index.ts';
import { localImages } from '../local-images.ts';
import { PageCache, showsImage } from './page-cache.ts';
import { useCache } from '../../cache.ts';

export const webTemplateDir = fileURLToPath(new URL('../../../templates/web/', import.meta.url));

const serializer = unified().use(rehypeStringify, { characterReferences: { useNamedReferences: false } });

export function serializeHtml(tree: Root): string {
  return `${serializer.stringify(tree)}\n`;
}

export interface HtmlEdition {
  dir: string;
  pages: string[];
}

/**
 * Copy the images a page uses into `assets/images/` (keeping their path inside the manuscript, so
 * two chapters' `carte.png` do not collide) and point the page at the copies. Only files inside the
 * manuscript folder are copied (scripts/output/local-images.ts).
 */
async function copyImages(page: Root, chapterFile: string, book: Book, dir: string): Promise<void> {
  for (const image of localImages(page, chapterFile, book.root)) {
    const target = path.join(dir, 'assets', 'images', ...image.name.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(image.file, target);
    image.node.properties.src = ['assets', 'images', ...image.name.split('/')].map(encodeURIComponent).join('/');
  }
}

export interface HtmlPageOptions {
  /** Called on each page's tree before it is written: proofs add their marks there. */
  decorate?: (page: Root, name: string) => void;
}

export interface HtmlEditionOptions extends HtmlPageOptions {
  /**
   * Copy the whole font files instead of subsets of the characters the pages use: the live preview
   * rewrites pages one by one, and a character typed later must still find its glyph.
   */
  wholeFonts?: boolean;
  /**
   * Leave out the search (search/index.ts): the live preview, whose pages are rewritten one by one,
   * would search stale passages.
   */
  noSearch?: boolean;
}

/**
 * Characters the pages may show besides their text: printable ASCII (what a reader types in the
 * search box comes back in its results' text anyway). Costs a few hundred bytes per face.
 */
const alwaysDrawn = Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i);

/** Every character of the text of a page (its `<title>` included: not drawn by the font, harmless). */
function collectCharacters(tree: Root, into: Set<number>): void {
  visit(tree, 'text', (node: Text) => {
    for (const character of node.value) into.add(character.codePointAt(0)!);
  });
}

/** The fonts: subsets of the characters the pages use (font-subset.ts), or the whole files. */
async function writeFonts(book: Book, assets: string, characters: Set<number> | undefined, style: string): Promise<void> {
  const fonts = bookFonts(book);
  if (!characters) {
    await writeFile(path.join(assets, 'fonts.css'), await installFonts(fonts, path.join(assets, 'fonts'), 'fonts/'));
    return;
  }
  const subset = await subsetBookFonts(fonts, characters, layoutFeaturesOf(style), 'fonts/');
  await mkdir(path.join(assets, 'fonts'), { recursive: true });
  for (const file of subset.files) await writeFile(path.join(assets, 'fonts', file.name), file.data);
  await writeFile(path.join(assets, 'fonts.css'), subset.css);
}

export async function writeIndexPage(book: Book, dir: string, options: HtmlPageOptions = {}): Promise<string> {
  const page = indexPage(book);
  options.decorate?.(page, 'index.html');
  await writeFile(path.join(dir, 'index.html'), serializeHtml(page));
  return 'index.html';
}

/** Write the page of chapter `index` alone (the live preview rewrites only what changed). */
export async function writeChapterPage(book: Book, index: number, dir: string, options: HtmlPageOptions = {}): Promise<string> {
  return (await makeChapterPage(book, index, dir, options)).name;
}

/** The page of chapter `index`, written; its HTML, and whether it shows an image (page-cache.ts). */
async function makeChapterPage(book: Book, index: number, dir: string, options: HtmlPageOptions): Promise<{ name: string; html: string; image: boolean }> {
  const name = chapterHref(book.chapters[index]);
  const page = chapterPage(book, index);
  const image = showsImage(page);
  await copyImages(page, book.chapters[index].source.path, book, dir);
  options.decorate?.(page, name);
  const html = serializeHtml(page);
  await writeFile(path.join(dir, name), html);
  return { name, html, image };
}

export async function writeHtmlEdition(book: Book, dir: string, options: HtmlEditionOptions = {}): Promise<HtmlEdition> {
  const assets = path.join(dir, 'assets');
  await mkdir(assets, { recursive: true });
  const style = await readFile(path.join(webTemplateDir, 'style.css'), 'utf8');
  await writeFile(path.join(assets, 'style.css'), style);
  const characters = options.wholeFonts ? undefined : new Set(alwaysDrawn);
  const search = options.noSearch ? undefined : new SearchIndex(book.meta.language, book.labels);
  const titles = new Map([['index.html', book.typeset.title], ...book.chapters.map((chapter) => [chapterHref(chapter), chapter.title] as const)]);
  /** The characters of the page being written (kept with it), added to the book's after. */
  let shown = new Set<number>();
  const pageOptions: HtmlPageOptions = {
    decorate: (page, name) => {
      options.decorate?.(page, name);
      search?.addPage(page, name, titles.get(name) ?? name);
      if (characters) collectCharacters(page, shown);
    },
  };
  const pages = [await writeIndexPage(book, dir, pageOptions)];
  for (const character of shown) characters?.add(character);
  // A warm build writes the unchanged chapters' pages as kept (page-cache.ts); not when the caller decorates them.
  const kept = useCache() && !options.decorate ? await PageCache.open(book, serializeHtml, { search: Boolean(search), subsets: Boolean(characters) }) : undefined;
  // The kept pages are written all at once, not each waiting for the one before.
  const writing: Array<Promise<void>> = [];
  for (let i = 0; i < book.chapters.length; i++) {
    const name = chapterHref(book.chapters[i]);
    const entry = kept?.get(i);
    if (entry) {
      const written = writeFile(path.join(dir, name), entry.html);
      // Awaited below; a failure meanwhile (a page made after it throws first) is not left unhandled.
      written.catch(() => undefined);
      writing.push(written);
      search?.addKeptPage(name, titles.get(name) ?? name, entry.passages);
      for (const character of entry.characters) characters?.add(character);
      pages.push(name);
      continue;
    }
    shown = new Set();
    const before = search?.passages.length ?? 0;
    const made = await makeChapterPage(book, i, dir, pageOptions);
    for (const character of shown) characters?.add(character);
    if (!made.image) kept?.keep(i, { html: made.html, passages: (search?.passages.slice(before) ?? []).map(([, id, text]) => [id, text]), characters: [...shown] });
    pages.push(name);
  }
  await Promise.all([...writing, kept?.close()]);
  if (search) {
    await search.write(dir);
    if (characters) for (const character of search.boxText) characters.add(character.codePointAt(0)!);
  }
  await writeFonts(book, assets, characters, style);
  return { dir, pages };
}
