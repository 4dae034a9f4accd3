/**
 * The browser step of the PDF: Paged.js lays the print document out in Debian's Chromium (through
 * scripts/browser.ts, which always closes the browser), then Chromium prints it.
 *
 * Every request the page makes is answered from the work folder (or the manuscript folder, for
 * images) by a route on a host that cannot resolve (`.invalid`, RFC 2606): nothing leaves the
 * machine, and the browser reads files itself rather than receiving them inlined into a giant
 * string. Anything else is refused and reported.
 *
 * The layout is finished when the page's `window.bookRender` promise settles (render.js): no fixed
 * wait. A time limit (an option; BOOK_PDF_TIMEOUT in seconds, default 20 minutes) turns a layout
 * that never finishes into a clear error.
 */
import type { Page, Route } from 'playwright-core';
import { watchPage, withBrowser, type PageProblems } from '../../browser.ts';
import { BuildError } from '../../errors.ts';
import type { MarginLimits } from '../print/margins.ts';
import { mediaType } from '../../media-types.ts';
import { decodePercent, resolveInside } from '../../manuscript/inside.ts';

export const PRINT_HOST = 'http://book-print.invalid';

export interface RenderedPage {
  /** The folio as printed, or as counted where none is printed. */
  label: string;
  blank: boolean;
  side: 'left' | 'right';
  /** The `data-section` of the division the page begins in (a chapter id, `toc`, `partie-1`…). */
  section: string;
  /** The block at whose start or inside which the page begins, or '' (generated pages). */
  blockId: string;
}

export interface LayoutProblem {
  kind:
    | 'footnote-lost' | 'footnote-doubled' | 'footnote-page' | 'orphan' | 'widow' | 'heading-at-foot'
    // The printer's preflight (browser/render.ts, preflight()): reported as `print-…` ids.
    | 'image-resolution-low' | 'image-resolution-too-low' | 'text-too-small' | 'line-too-thin'
    // The printer's safety zone (browser/render.ts, marginProblems).
    | 'margin-too-small';
  /** The block concerned, to find its place in the manuscript. */
  block: string;
  page: string;
  message: string;
}

/** A place on a page: its index (from 0) and a box in CSS px from the top left of the sheet (bleed included). */
export interface PagePlace {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A link inside the book: note call ↔ note, index entry → occurrence. */
export interface BookLink {
  from: PagePlace;
  to: PagePlace;
}

export interface RenderResult {
  pages: RenderedPage[];
  problems: LayoutProblem[];
  notes: number;
  /** Time Paged.js took, in the page. */
  layoutMs: number;
  /** Time Chromium took to print the PDF. */
  printMs: number;
  /** When each page was laid out (ms, page clock): how the layout scales. */
  pageTimes: number[];
  /** When the phases after the layout ended (ms, page clock): paged, folios, checks, links. */
  phases: Record<string, number>;
  links: BookLink[];
  /** What went wrong in the page without stopping it: console errors, refused requests. */
  browser: PageProblems;
}

export interface RenderOptions {
  /** The folder holding print.html and what it loads. */
  workDir: string;
  /** A second folder requests may read from (the manuscript, for images). */
  assetsDir?: string;
  /** Files served at a fixed path whatever folder they live in (paged.esm.js from node_modules). */
  aliases?: Record<string, string>;
  /** Where to write the PDF Chromium prints; without it, the browser step ends with the layout (`printMs` is 0). */
  pdfPath?: string;
  /** Time limit for the layout, in milliseconds. */
  timeoutMs?: number;
  /** Called as the layout goes, for progress display. */
  onProgress?: (event: { stage: string; pages?: number }) => void;
  /** The printer's limits, for the preflight checks of the finished pages (none without). */
  preflight?: { minTextPt: number; minLinePt: number; margins?: MarginLimits };
}

export function defaultTimeoutMs(): number {
  const seconds = Number(process.env.BOOK_PDF_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 20 * 60 * 1000;
}


/** The file a URL of the print host stands for, if it is inside one of the folders served. */
async function fileFor(url: URL, options: RenderOptions): Promise<string | undefined> {
  const name = decodePercent(url.pathname).replace(/^\/+/, '');
  const alias = options.aliases?.[name];
  if (alias) return alias;
  // Inside the folder once symbolic links are followed (scripts/manuscript/inside.ts): a link in the manuscript to a file elsewhere is not served.
  for (const dir of [options.workDir, options.assetsDir].filter((d): d is string => Boolean(d))) {
    const resolved = resolveInside(dir, name);
    if (resolved.problem === undefined) return resolved.file;
  }
  return undefined;
}

async function serve(route: Route, options: RenderOptions, refused: string[]): Promise<void> {
  const url = new URL(route.request().url());
  if (url.origin === PRINT_HOST) {
    const file = await fileFor(url, options);
    if (file) {
      await route.fulfill({ path: file, contentType: mediaType(file) });
      return;
    }
    refused.push(`${url.pathname} (no such file in the print folder)`);
    await route.fulfill({ status: 404, body: '' });
    return;
  }
  if (url.protocol === 'data:' || url.protocol === 'blob:') {
    await route.continue();
    return;
  }
  refused.push(`${url.href} (outside the book: nothing may leave the machine)`);
  await route.abort('blockedbyclient');
}

/** `work`, or a clear error when `ms` (what is left of the `limit`) runs out first. */
function withTimeLimit<T>(work: Promise<T>, ms: number, limit: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BuildError(
            `${what} did not finish within the PDF's time limit of ${(limit / 1000).toFixed(limit < 10_000 ? 1 : 0)} s; the book may be very long or a page may never end. Raise the limit with --pdf-timeout <seconds> (or BOOK_PDF_TIMEOUT), or build the other editions with --format.`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

export interface PageResult {
  pages: RenderedPage[];
  problems: LayoutProblem[];
  notes: number;
  ms: number;
  pageCount: number;
  pageTimes: number[];
  phases: Record<string, number>;
  links: BookLink[];
}

/** Lay the print document out and print it to `options.pdfPath`, if given. */
export async function renderPdf(options: RenderOptions): Promise<RenderResult> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs();
  return withBrowser(async (browser) => {
    const context = await browser.newContext({ javaScriptEnabled: true, serviceWorkers: 'block' });
    const page: Page = await context.newPage();
    const problems = watchPage(page);
    const refused: string[] = [];
    await page.route('**/*', (route) => serve(route, options, refused));
    if (options.preflight) await page.addInitScript((limits) => ((window as unknown as { bookPreflight: unknown }).bookPreflight = limits), options.preflight);
    await page.exposeFunction('bookProgress', (event: { stage: string; pages?: number }) => options.onProgress?.(event));
    // One time limit for the whole browser step: load, layout, print.
    const deadline = performance.now() + timeoutMs;
    const left = () => Math.max(1, deadline - performance.now());
    page.setDefaultTimeout(timeoutMs);

    let result: PageResult;
    try {
      await withTimeLimit(page.goto(`${PRINT_HOST}/print.html`, { waitUntil: 'load', timeout: 0 }), left(), timeoutMs, 'Loading the print document');
      result = await withTimeLimit(
        page.evaluate(() => (window as unknown as { bookRender: Promise<PageResult> }).bookRender),
        left(),
        timeoutMs,
        'The page layout (Paged.js)',
      );
    } catch (error) {
      if (error instanceof BuildError) throw error;
      const reason = (error as Error).message.replace(/^page\.(evaluate|goto): /, '').split('\n')[0];
      const details = [...problems.errors, ...refused].slice(0, 5).join('; ');
      throw new BuildError(`The page layout (Paged.js) failed: ${reason}${details ? ` (${details})` : ''}`);
    }
    if (problems.errors.length > 0 && result.pages.length === 0) {
      throw new BuildError(`The page layout produced no page: ${problems.errors[0]}`);
    }
    let printMs = 0;
    if (options.pdfPath !== undefined) {
      // The layout's garbage (the book's source DOM, released by render.js) goes before printing,
      // which needs as much memory again.
      const cdp = await context.newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.detach();
      options.onProgress?.({ stage: 'print', pages: result.pages.length });
      const printStarted = performance.now();
      await withTimeLimit(
        page.pdf({ path: options.pdfPath, preferCSSPageSize: true, printBackground: true, tagged: true, outline: false }),
        left(),
        timeoutMs,
        'Printing the PDF',
      );
      printMs = Math.round(performance.now() - printStarted);
    }
    await context.close();
    return {
      printMs,
      pages: result.pages,
      problems: result.problems,
      notes: result.notes,
      layoutMs: result.ms,
      pageTimes: result.pageTimes,
      links: result.links,
      phases: result.phases,
      browser: {
        // A refused request also logs "Failed to load resource": it is reported once, as a request.
        errors: [...new Set(problems.errors.filter((error) => !/^Failed to load resource/.test(error)))],
        failedRequests: [...new Set([...problems.failedRequests, ...refused])],
      },
    };
  });
}
