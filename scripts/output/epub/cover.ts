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
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Book } from '../../model/index.ts';
import { browserIdentity, fontLoaded, withBrowser, watchPage } from '../../browser.ts';
import { BuildError } from '../../errors.ts';
import { bookFonts, fontIdentity, installFonts } from '../fonts.ts';
import { serializeHtml } from '../html/index.ts';
import { coverArt, coverSize } from './cover-art.ts';
import { cachedFile } from '../../cache.ts';

export const epubTemplateDir = fileURLToPath(new URL('../../../templates/epub/', import.meta.url));

const fontTimeoutMs = 30_000;


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

  const key = createHash('sha256')
    .update([html, fontsCss, coverCss, JSON.stringify(coverSize), await fontIdentity(fonts), browserIdentity()].join('\0'))
    .digest('hex')
    .slice(0, 32);
  return cachedFile('covers', `${key}.png`, () => renderPage(page, fonts.family));
}

async function renderPage(page: string, fontFamily: string): Promise<Buffer> {
  return withBrowser(async (browser) => {
    const context = await browser.newContext({ viewport: { ...coverSize }, deviceScaleFactor: 1 });
    // Closed whatever happens: the browser may be a build's, shared (browser.ts).
    try {
      const tab = await context.newPage();
      const problems = watchPage(tab);
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load', timeout: fontTimeoutMs });
      if (!(await fontLoaded(tab, fontFamily, fontTimeoutMs))) {
        throw new BuildError(`The cover's font ${fontFamily} did not load within ${fontTimeoutMs / 1000} s in Chromium; check the font book.yaml names (\`fonts\`), or that its @fontsource package is installed (npm ci)`);
      }
      if (problems.errors.length > 0 || problems.failedRequests.length > 0) {
        throw new BuildError(`Rendering the cover failed: ${[...problems.errors, ...problems.failedRequests].join('; ')}`);
      }
      return await tab.screenshot({ type: 'png', clip: { x: 0, y: 0, ...coverSize }, animations: 'disabled', caret: 'hide' });
    } finally {
      await context.close().catch(() => undefined);
    }
  });
}
