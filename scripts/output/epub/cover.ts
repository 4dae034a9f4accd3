/**
 * The cover image: cover-art.ts rendered by Debian's Chromium (scripts/browser.ts) and
 * captured as a PNG of exactly `coverSize`. The page is written to a work folder with its fonts so
 * that nothing is fetched from outside; rendering waits for the fonts to be loaded (an explicit
 * signal, with a time limit), never for a fixed delay.
 *
 * Starting Chromium costs more than the rest of the EPUB, and the cover changes only with the title,
 * the editors and the design: the PNG is kept in node_modules/.cache/book/covers/, named by a hash
 * of the page, its style, its fonts and the browser it was rendered with. A changed title or
 * template, or another Chromium, renders anew. BOOK_CACHE=0 always renders.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Book } from '../../model/index.ts';
import { browserIdentity, withCoverPage } from '../../browser.ts';
import { bookFonts, fontIdentity, installFonts } from '../fonts.ts';
import { serializeHtml } from '../html/index.ts';
import { coverArt, coverSize } from './cover-art.ts';
import { cachedFile, hashOf } from '../../cache.ts';

export const epubTemplateDir = fileURLToPath(new URL('../../../templates/epub/', import.meta.url));


/** Render the cover to PNG bytes (or take it from the cache); `workDir` receives the page and its fonts. */
export async function renderCover(book: Book, workDir: string): Promise<Buffer> {
  await mkdir(workDir, { recursive: true });
  const fonts = bookFonts(book);
  const fontsCss = await installFonts(fonts, path.join(workDir, 'fonts'), 'fonts/');
  await writeFile(path.join(workDir, 'fonts.css'), fontsCss);
  const coverCss = await readFile(path.join(epubTemplateDir, 'cover.css'), 'utf8');
  await writeFile(path.join(workDir, 'cover.css'), coverCss);
  const page = path.join(workDir, 'cover.html');
  const html = serializeHtml(coverArt(book, ['fonts.css', 'cover.css']));
  await writeFile(page, html);

  const key = hashOf(html, fontsCss, coverCss, JSON.stringify(coverSize), await fontIdentity(fonts), browserIdentity());
  return cachedFile('covers', `${key}.png`, () => renderPage(page, fonts.family));
}

function renderPage(page: string, fontFamily: string): Promise<Buffer> {
  return withCoverPage(page, fontFamily, 'Rendering the cover', { viewport: { ...coverSize }, deviceScaleFactor: 1 }, (tab) =>
    tab.screenshot({ type: 'png', clip: { x: 0, y: 0, ...coverSize }, animations: 'disabled', caret: 'hide' }),
  );
}
