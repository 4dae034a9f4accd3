/**
 * The cover image: templates/epub/cover.ts rendered by Debian's Chromium (scripts/browser.ts) and
 * captured as a PNG of exactly `coverSize`. The page is written to a work folder with its fonts so
 * that nothing is fetched from outside; rendering waits for the fonts to be loaded (an explicit
 * signal, with a time limit), never for a fixed delay.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Book } from '../../model.ts';
import { withBrowser, watchPage } from '../../browser.ts';
import { BuildError } from '../../errors.ts';
import { installFonts, fontFamily } from '../fonts.ts';
import { serializeHtml } from '../html.ts';
import { coverArt, coverSize } from '../../../templates/epub/cover.ts';

export const epubTemplateDir = fileURLToPath(new URL('../../../templates/epub/', import.meta.url));

const fontTimeoutMs = 30_000;

/** Render the cover to PNG bytes; `workDir` receives the page and its fonts. */
export async function renderCover(book: Book, workDir: string): Promise<Buffer> {
  await mkdir(workDir, { recursive: true });
  await writeFile(path.join(workDir, 'fonts.css'), await installFonts(path.join(workDir, 'fonts'), 'fonts/'));
  await copyFile(path.join(epubTemplateDir, 'cover.css'), path.join(workDir, 'cover.css'));
  const page = path.join(workDir, 'cover.html');
  await writeFile(page, serializeHtml(coverArt(book, ['fonts.css', 'cover.css'])));

  return withBrowser(async (browser) => {
    const context = await browser.newContext({ viewport: { ...coverSize }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    const problems = watchPage(tab);
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load', timeout: fontTimeoutMs });
    try {
      await tab.waitForFunction(
        // Fonts load when layout asks for them: done when none is pending and the book's face is in.
        (family) => document.fonts.status === 'loaded' && [...document.fonts].some((face) => face.family.replace(/['"]/g, '') === family && face.status === 'loaded'),
        fontFamily,
        { timeout: fontTimeoutMs },
      );
    } catch {
      throw new BuildError(`The cover's font ${fontFamily} did not load within ${fontTimeoutMs / 1000} s in Chromium; check that node_modules/@fontsource/eb-garamond is installed (npm ci)`);
    }
    if (problems.errors.length > 0 || problems.failedRequests.length > 0) {
      throw new BuildError(`Rendering the cover failed: ${[...problems.errors, ...problems.failedRequests].join('; ')}`);
    }
    return tab.screenshot({ type: 'png', clip: { x: 0, y: 0, ...coverSize }, animations: 'disabled', caret: 'hide' });
  });
}
