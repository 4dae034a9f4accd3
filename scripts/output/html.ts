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
import type { Book } from '../model.ts';
import { chapterHref, chapterPage, indexPage } from '../../templates/web/pages.ts';
import { installFonts } from './fonts.ts';

export const webTemplateDir = fileURLToPath(new URL('../../templates/web/', import.meta.url));

const serializer = unified().use(rehypeStringify, { characterReferences: { useNamedReferences: false } });

export function serializeHtml(tree: Root): string {
  return `${serializer.stringify(tree)}\n`;
}

export interface HtmlEdition {
  dir: string;
  pages: string[];
}

export async function writeHtmlEdition(book: Book, dir: string): Promise<HtmlEdition> {
  const assets = path.join(dir, 'assets');
  await mkdir(assets, { recursive: true });
  await writeFile(path.join(assets, 'fonts.css'), await installFonts(path.join(assets, 'fonts'), 'fonts/'));
  await copyFile(path.join(webTemplateDir, 'style.css'), path.join(assets, 'style.css'));
  const pages = ['index.html'];
  await writeFile(path.join(dir, 'index.html'), serializeHtml(indexPage(book)));
  for (let i = 0; i < book.chapters.length; i++) {
    const name = chapterHref(book.chapters[i]);
    await writeFile(path.join(dir, name), serializeHtml(chapterPage(book, i)));
    pages.push(name);
  }
  return { dir, pages };
}
