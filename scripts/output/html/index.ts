/**
 * The HTML edition: `index.html` (title page and table of contents) and one page per chapter,
 * with its styles and fonts copied beside it so that nothing is requested outside the folder.
 */
import { mkdir, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unified } from 'unified';
import rehypeStringify from 'rehype-stringify';
import type { Root } from 'hast';
import type { Book } from '../../model/index.ts';
import { chapterHref } from '../../model/outline.ts';
import { chapterPage, indexPage } from './pages.ts';
import { installFonts } from '../fonts.ts';
import { localImages } from '../local-images.ts';

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

export async function writeIndexPage(book: Book, dir: string, options: HtmlPageOptions = {}): Promise<string> {
  const page = indexPage(book);
  options.decorate?.(page, 'index.html');
  await writeFile(path.join(dir, 'index.html'), serializeHtml(page));
  return 'index.html';
}

/** Write the page of chapter `index` alone (the live preview rewrites only what changed). */
export async function writeChapterPage(book: Book, index: number, dir: string, options: HtmlPageOptions = {}): Promise<string> {
  const name = chapterHref(book.chapters[index]);
  const page = chapterPage(book, index);
  await copyImages(page, book.chapters[index].source.path, book, dir);
  options.decorate?.(page, name);
  await writeFile(path.join(dir, name), serializeHtml(page));
  return name;
}

export async function writeHtmlEdition(book: Book, dir: string, options: HtmlPageOptions = {}): Promise<HtmlEdition> {
  const assets = path.join(dir, 'assets');
  await mkdir(assets, { recursive: true });
  await writeFile(path.join(assets, 'fonts.css'), await installFonts(path.join(assets, 'fonts'), 'fonts/'));
  await copyFile(path.join(webTemplateDir, 'style.css'), path.join(assets, 'style.css'));
  const pages = [await writeIndexPage(book, dir, options)];
  for (let i = 0; i < book.chapters.length; i++) pages.push(await writeChapterPage(book, i, dir, options));
  return { dir, pages };
}
