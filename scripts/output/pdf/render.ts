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
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { watchPage, withBrowser, type PageProblems } from '../../browser.ts';
import { folioOf } from './folios.ts';
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

/** A link found in a part of the book: its target named (`toId`) when it may lie in another part. */
export interface PartLink {
  from: PagePlace;
  to?: PagePlace;
  toId?: string;
}

/** What a part laid out after the parts before it knows before its layout. */
export interface PartStart {
  /** Pages of the book before the part. */
  offset: number;
  /** The book's page (from 0) where the main matter begins, when it is before the part. */
  restartAt?: number;
  /** The folios of targets in earlier parts that the part refers to. */
  folios: Record<string, string>;
}

/** What a part is told once its place in the book is known, before its checks and its print. */
export interface PartFinal extends PartStart {
  /** Ids whose places the part gives, if it holds them (targets of links). */
  wanted: string[];
  /** Read the print design's line widths (the preflight): the first part does it for the book. */
  styles: boolean;
}

/** A part's layout, before it knows its place. */
export interface PartLayout {
  pageCount: number;
  /** The part's page (from 0) where the main matter begins, or null. */
  restart: number | null;
  /** Each page target's first page in the part. */
  targets: Record<string, number>;
  ms: number;
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
  links: PartLink[];
  /** A part's wanted targets (PartFinal.wanted) that it holds, and where. */
  places?: Record<string, PagePlace>;
}

/** One part of the book: a document holding whole divisions, each opening on a right-hand page. */
export interface PrintPart {
  /** Its file in the work folder (`part-1.html`…). */
  file: string;
  /** It refers to targets laid out before it (the index, « voir p. 36 »): laid out once the parts before it are. */
  needsStart: boolean;
  /** The ids its page references name. */
  refs: string[];
  /** Characters of text (`DocumentPart.size`): the book's size decides whether renderers collect their garbage (`COLLECT_FROM_CHARS`). */
  size: number;
  /** The target on its first page (`DocumentPart.lead`): its folio is known once the parts before it are laid out. */
  lead?: string;
}

export interface PartsOptions extends Omit<RenderOptions, 'pdfPath'> {
  parts: PrintPart[];
  /** The targets of the links inside the book, whose places the parts give. */
  wanted: string[];
  /** Print part k to `pdfDir/part-k.pdf`; without it, layout only (`printMs` is 0). */
  pdfDir?: string;
  /** Parts laid out at once (default: BOOK_PDF_JOBS, or the machine's `os.availableParallelism()`). */
  jobs?: number;
  /** Called as each part's PDF is written (`pdfDir`), before the other parts are: the join may start reading it. */
  onPrinted?: (k: number, file: string) => void;
}

export interface PartsResult extends Omit<RenderResult, 'links'> {
  links: BookLink[];
  /** The printed parts, in book order, with the book's page (from 0) each begins on. */
  parts: Array<{ pdf?: string; start: number; pages: number }>;
  /** Blank pages the join adds between parts (a part ending on a right-hand page): their page in the book. */
  blanks: number[];
  /** Most parts laid out at the same time. */
  concurrency: number;
  /** For each part, when (ms from the browser's start) its layout began and ended, and its print ended; whether it was laid out again (`RELAYOUT_PAGES_MAX`), whether its renderer collected its garbage once it was laid out (`COLLECT_FROM_CHARS`), whether a part before it took its lead's folio before it was laid out (`leadsNext`). */
  timeline: Array<{ pages: number; laidOutFrom: number; laidOutTo: number; printedAt: number; relaidOut?: boolean; collected?: boolean; leadFolioEarly?: boolean }>;
}

/**
 * In a book of more than two parts per renderer and one, a laid-out part that has to wait for
 * parts whose layout has not begun is closed, and laid out again when it can finish, if it has at
 * most this many pages (the front matter with the contents: 7 pages, about 0.3 s; a part of 60
 * pages takes about 2 s and is kept). A shorter book keeps it open: its renderer waits at most for
 * a second round of parts, and laying it out again, after the last part, would lengthen the build
 * (the 20k-word book: 0.2 s of 5.6 s).
 */
const RELAYOUT_PAGES_MAX = 20;

/**
 * A part's renderer collects its garbage (the part's source DOM, released by render.js) as soon as
 * the part is laid out, not when V8 decides, in a book of more than this many characters of text
 * (the 300k-word book: 2.6 million; the 100k-word book: 0.9 million). The collection holds the
 * renderer's layout slot, 0.02–0.17 s a part: it keeps the long book's build under its memory goal
 * (about 0.1 GB at the peak at 300k words) and costs a shorter book time it has memory to spare for
 * (session 19, docs/pdf.md, "Speed and memory"). `BOOK_PDF_COLLECT_CHARS` sets it (the tests).
 */
const COLLECT_FROM_CHARS = 1_500_000;

/** A book whose build is held to its memory: its renderers collect their garbage (`COLLECT_FROM_CHARS`), its printed parts are read by the join alone (pdf/index.ts). */
export const longBook = (parts: readonly PrintPart[]) => parts.reduce((sum, part) => sum + part.size, 0) > (Number(process.env.BOOK_PDF_COLLECT_CHARS) || COLLECT_FROM_CHARS);

export function defaultJobs(): number {
  const jobs = Number(process.env.BOOK_PDF_JOBS);
  return Number.isInteger(jobs) && jobs > 0 ? jobs : Math.max(1, os.availableParallelism());
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * `jobs` renderers at work at once. A part that has finished its layout and may print goes before
 * a part that has not started: pages printed and freed before new ones are laid out.
 */
class Slots {
  private waiting: Array<{ rank: number; start: () => void }> = [];
  busy = 0;
  most = 0;
  constructor(private readonly jobs: number) {}
  acquire(rank: number): Promise<void> {
    return new Promise((start) => {
      this.waiting.push({ rank, start });
      this.waiting.sort((a, b) => a.rank - b.rank);
      this.next();
    });
  }
  release(): void {
    this.busy -= 1;
    this.next();
  }
  private next(): void {
    while (this.busy < this.jobs && this.waiting.length > 0) {
      this.busy += 1;
      this.most = Math.max(this.most, this.busy);
      this.waiting.shift()!.start();
    }
  }
}

/**
 * Lay the book out part by part, several parts at once, each in its own browser context (its own
 * renderer process), and print each part as soon as its folios are known; see "Parallel layout"
 * in docs/pdf.md. Pages, links and problems come back for the whole book, pages numbered from the
 * book's first, with the blank pages the join puts between parts.
 */
export async function renderParts(options: PartsOptions): Promise<PartsResult> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs();
  const { parts } = options;
  const n = parts.length;
  const collect = longBook(parts);
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), n));
  const slots = new Slots(jobs);
  const layouts: Array<PartLayout | undefined> = new Array(n);
  const laidOut = parts.map(() => deferred<void>());
  const results: PageResult[] = new Array(n);
  const printed: Array<string | undefined> = new Array(n);
  const problems: PageProblems = { errors: [], failedRequests: [] };
  const refused: string[] = [];
  const progress = new Array<number>(n).fill(0);
  let printMs = 0;
  let layoutEnded = 0;
  const began = performance.now();
  const timeline: PartsResult['timeline'] = parts.map(() => ({ pages: 0, laidOutFrom: 0, laidOutTo: 0, printedAt: 0 }));
  const now = () => Math.round(performance.now() - began);
  /** Waiters for a change in what is laid out. */
  let changed = deferred<void>();

  /** The parts laid out from the first, without a gap. */
  const prefix = () => {
    let k = 0;
    while (k < n && layouts[k]) k++;
    return k;
  };
  /**
   * Where part k begins after `total` pages: every part opens on a right-hand page, so after an odd
   * count one page later, the blank page the layout of the whole book would have put there.
   */
  const opening = (k: number, total: number) => (k > 0 && total % 2 === 1 ? total + 1 : total);
  /** Where each part of the prefix begins in the book, the blanks between them, where the main matter begins, and where the part after the prefix will begin (`next`). */
  const places = (upTo: number) => {
    const starts: number[] = [];
    const blanks: number[] = [];
    let total = 0;
    let restartAt: number | undefined;
    for (let k = 0; k < upTo; k++) {
      const start = opening(k, total);
      if (start > total) blanks.push(total);
      starts.push(start);
      const layout = layouts[k]!;
      if (restartAt === undefined && layout.restart !== null) restartAt = start + layout.restart;
      total = start + layout.pageCount;
    }
    return { starts, blanks, restartAt, total, next: opening(upTo, total) };
  };
  /**
   * Whether `id` opens the part right after the parts laid out before `upTo`: its page is the one
   * that part begins on (after the blank page the parts before may need), its folio known if the
   * main matter began before it (the folios restart there). The contents thus print as soon as the
   * chapters before the index of names are laid out, not once the index is.
   */
  const leadsNext = (id: string, upTo: number) => upTo < n && parts[upTo].lead === id && places(upTo).restartAt !== undefined;
  /** The folio of each target id, first occurrence in book order, over the parts laid out before `upTo` and the lead of the next. */
  const foliosOf = (ids: string[], upTo: number): Record<string, string> => {
    const { starts, restartAt, next } = places(upTo);
    const folios: Record<string, string> = {};
    for (const id of ids) {
      for (let k = 0; k < upTo; k++) {
        const local = layouts[k]!.targets[id];
        if (local === undefined) continue;
        folios[id] = folioOf(starts[k] + local, restartAt);
        break;
      }
      if (folios[id] === undefined && leadsNext(id, upTo)) {
        folios[id] = folioOf(next, restartAt);
        // Checked once that part is laid out.
        timeline[upTo].leadFolioEarly = true;
      }
    }
    return folios;
  };
  /** Every target the part refers to is placed, or leads the next part (or the whole book is laid out). */
  const located = (part: PrintPart, upTo: number) =>
    upTo === n || part.refs.every((id) => layouts.slice(0, upTo).some((layout) => layout!.targets[id] !== undefined) || leadsNext(id, upTo));

  const fail = (error: unknown) => {
    for (const d of laidOut) d.reject(error);
    changed.reject(error);
  };

  /**
   * The browser's short calls under way (a context, a page, its routes and scripts, the navigation,
   * the print). When the layout stops (time limit, error), no new one starts and those under way end
   * before the browser closes: a call the closing cuts can make Playwright throw outside any promise
   * (an object created for a page already gone), which would end the process with a trace.
   */
  let stopped = false;
  const underWay = new Set<Promise<unknown>>();
  /** The parts' browser contexts, each closed once (its closing, once begun). */
  const contexts = new Map<BrowserContext, Promise<void> | undefined>();
  const closeContext = (context: BrowserContext): Promise<void> => {
    let closing = contexts.get(context);
    if (!closing) contexts.set(context, (closing = context.close().catch(() => undefined)));
    return closing;
  };
  const step = <T>(call: () => Promise<T>): Promise<T> => {
    if (stopped) return Promise.reject(new BuildError('The page layout stopped'));
    const running = call();
    underWay.add(running);
    void running.catch(() => undefined).finally(() => underWay.delete(running));
    return running;
  };
  const stop = async () => {
    stopped = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...underWay]), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    // The parts still laying out stop now, whether or not the browser closes after this layout (a
    // build's shared browser lives on for its other editions), and those closing are closed.
    await Promise.all([...contexts.keys()].map(closeContext));
  };

  /** Open part k in a context of its own and lay it out; the page, laid out, and its context. */
  const layOut = async (browser: Browser, k: number): Promise<{ page: Page; context: BrowserContext; layout: PartLayout }> => {
    const part = parts[k];
    let context: BrowserContext | undefined;
    try {
      const opened = await step(() => browser.newContext({ javaScriptEnabled: true, serviceWorkers: 'block' }));
      context = opened;
      contexts.set(opened, undefined);
      const page = await step(() => opened.newPage());
      const watched = watchPage(page);
      watchers.push(watched);
      await step(() => page.route('**/*', (route) => serve(route, options, refused)));
      if (options.preflight) await step(() => page.addInitScript((limits) => ((window as unknown as { bookPreflight: unknown }).bookPreflight = limits), options.preflight));
      let start: PartStart | undefined;
      if (part.needsStart) {
        // After the blank page before it, if the parts before it end on a right-hand page.
        const { restartAt, next } = places(k);
        start = { offset: next, restartAt, folios: foliosOf(part.refs, k) };
      }
      await step(() => page.addInitScript((value) => ((window as unknown as { bookPart: unknown }).bookPart = value), { start }));
      await step(() =>
        page.exposeFunction('bookProgress', (event: { stage: string; pages?: number }) => {
          if (event.stage !== 'pages' || event.pages === undefined) return;
          progress[k] = event.pages;
          options.onProgress?.({ stage: 'pages', pages: progress.reduce((a, b) => a + b, 0) });
        }),
      );
      page.setDefaultTimeout(0);
      await step(() => page.goto(`${PRINT_HOST}/${part.file}`, { waitUntil: 'load', timeout: 0 }));
      // Results and arguments cross as JSON text (plain data): Playwright would otherwise serialize
      // them value by value and check every value of the tree on each side of its protocol.
      const layout = JSON.parse(await page.evaluate(async () => JSON.stringify(await (window as unknown as { bookRender: Promise<PartLayout> }).bookRender))) as PartLayout;
      // In a long book the layout's garbage goes now, not when the part prints: laid-out parts
      // wait for the parts before them (COLLECT_FROM_CHARS).
      if (collect) {
        const cdp = await step(() => opened.newCDPSession(page));
        await step(() => cdp.send('HeapProfiler.collectGarbage'));
        await step(() => cdp.detach());
        timeline[k].collected = true;
      }
      return { page, context: opened, layout };
    } catch (error) {
      if (context) await closeContext(context);
      throw layoutError(error, watchers, refused);
    }
  };

  /** Whether part k, laid out, can take its folios now: the parts before it laid out, and every target it names found. */
  const canFinish = (k: number) => prefix() > k && located(parts[k], prefix());
  /** Parts whose layout has begun. */
  const begun = new Array<boolean>(n).fill(false);
  /**
   * Whether part k waits for a part whose layout has not even begun: one before it, or, when a
   * target it names is not found yet, any (the target may be there).
   */
  const waitsLong = (k: number) => (located(parts[k], prefix()) ? begun.slice(0, k) : begun.filter((_, j) => j !== k)).some((started) => !started);

  const runPart = async (browser: Browser, k: number): Promise<void> => {
    const part = parts[k];
    if (part.needsStart) await Promise.all(laidOut.slice(0, k).map((d) => d.promise));
    // A part that waited for the parts before it is on the book's critical path: it goes first.
    await slots.acquire(part.needsStart ? -1 : 2 * k + 1);
    let opened: { page: Page; context: BrowserContext } | undefined;
    try {
      begun[k] = true;
      timeline[k].laidOutFrom = now();
      try {
        const first = await layOut(browser, k);
        opened = first;
        layouts[k] = first.layout;
      } finally {
        slots.release();
      }
      layoutEnded = performance.now();
      // A lead whose folio was given before this part was laid out must be on its first page.
      const lead = part.lead;
      if (lead !== undefined && timeline[k].leadFolioEarly && layouts[k]!.targets[lead] !== 0) {
        throw new BuildError(`The page layout (Paged.js) put the opening of part ${k + 1} of the book (\`#${lead}\`) on its page ${(layouts[k]!.targets[lead] ?? -1) + 1}, not its first, after earlier parts had printed its folio; report it as a layout bug`);
      }
      timeline[k].laidOutTo = now();
      timeline[k].pages = layouts[k]!.pageCount;
      laidOut[k].resolve();
      const previous = changed;
      changed = deferred<void>();
      previous.resolve();
      // In a long book, a short part that must wait for parts not yet begun (the contents, which
      // name every chapter) does not hold its renderer meanwhile, 150–200 MB: it is laid out again,
      // from the same document, once its folios are known ("Parallel layout", docs/pdf.md).
      if (n > 2 * jobs + 1 && !canFinish(k) && waitsLong(k) && layouts[k]!.pageCount <= RELAYOUT_PAGES_MAX) {
        await closeContext(opened.context);
        opened = undefined;
        timeline[k].relaidOut = true;
      }
      while (!canFinish(k)) await changed.promise;
      // Its place and folios as soon as they are known (they stay the same as more parts are laid out).
      const { starts, restartAt } = places(prefix());
      const final: PartFinal = { offset: starts[k], restartAt: restartAt !== undefined && restartAt < starts[k] ? restartAt : undefined, folios: foliosOf(part.refs, prefix()), wanted: options.wanted, styles: k === 0 };
      await slots.acquire(2 * k);
      try {
        if (!opened) {
          const again = await layOut(browser, k);
          opened = again;
          const first = layouts[k]!;
          const differs = [
            again.layout.pageCount !== first.pageCount && `${again.layout.pageCount} pages, ${first.pageCount} the first time`,
            JSON.stringify(again.layout.targets) !== JSON.stringify(first.targets) && 'its targets on other pages',
            again.layout.restart !== first.restart && 'the main matter starting elsewhere',
          ].filter(Boolean);
          if (differs.length > 0) {
            throw new BuildError(`The page layout (Paged.js) of part ${k + 1} of the book came out otherwise when laid out again (${differs.join('; ')}); report it as a layout bug`);
          }
        }
        const { page } = opened;
        try {
          const result = await page.evaluate((value) => JSON.stringify((window as unknown as { bookFinish: (f: PartFinal) => PageResult }).bookFinish(JSON.parse(value) as PartFinal)), JSON.stringify(final));
          results[k] = JSON.parse(result) as PageResult;
        } catch (error) {
          throw layoutError(error, watchers, refused);
        }
        if (options.pdfDir !== undefined) {
          const file = path.join(options.pdfDir, `part-${k + 1}.pdf`);
          const printStarted = performance.now();
          await step(() => page.pdf({ path: file, preferCSSPageSize: true, printBackground: true, tagged: true, outline: false }));
          printMs += performance.now() - printStarted;
          printed[k] = file;
          timeline[k].printedAt = now();
          options.onPrinted?.(k, file);
          options.onProgress?.({ stage: 'print', pages: results[k].pages.length });
        }
      } finally {
        slots.release();
      }
    } finally {
      if (opened) await closeContext(opened.context);
    }
  };
  const watchers: PageProblems[] = [];

  return withBrowser(async (browser) => {
    const work = Promise.all(parts.map((_, k) => runPart(browser, k).catch((error) => {
      fail(error);
      throw error;
    })));
    await withTimeLimit(work, timeoutMs, timeoutMs, 'The page layout (Paged.js)').catch(async (error) => {
      fail(error);
      await stop();
      throw error;
    });
    for (const watched of watchers) {
      problems.errors.push(...watched.errors);
      problems.failedRequests.push(...watched.failedRequests);
    }
    const { starts, blanks, restartAt } = places(n);
    const pages: RenderedPage[] = [];
    const placesById = new Map<string, PagePlace>();
    const links: BookLink[] = [];
    const shift = (place: PagePlace, k: number): PagePlace => ({ ...place, page: place.page + starts[k] });
    let blank = 0;
    for (let k = 0; k < n; k++) {
      while (blank < blanks.length && blanks[blank] < starts[k]) {
        pages.push({ label: folioOf(blanks[blank], restartAt), blank: true, side: 'left', section: '', blockId: '' });
        blank++;
      }
      pages.push(...results[k].pages);
      for (const [id, place] of Object.entries(results[k].places ?? {})) if (!placesById.has(id)) placesById.set(id, shift(place, k));
    }
    for (let k = 0; k < n; k++) {
      for (const link of results[k].links) {
        const to = link.to ? shift(link.to, k) : link.toId !== undefined ? placesById.get(link.toId) : undefined;
        if (to) links.push({ from: shift(link.from, k), to });
      }
    }
    if (problems.errors.length > 0 && pages.length === 0) throw new BuildError(`The page layout produced no page: ${problems.errors[0]}`);
    return {
      printMs: Math.round(printMs),
      pages,
      problems: results.flatMap((result) => result.problems),
      notes: results.reduce((sum, result) => sum + result.notes, 0),
      layoutMs: Math.round(layoutEnded - began),
      pageTimes: results.flatMap((result) => result.pageTimes),
      links,
      phases: Object.assign({}, ...results.map((result) => result.phases)),
      browser: {
        // A refused request also logs "Failed to load resource": it is reported once, as a request.
        errors: [...new Set(problems.errors.filter((error) => !/^Failed to load resource/.test(error)))],
        failedRequests: [...new Set([...problems.failedRequests, ...refused])],
      },
      parts: parts.map((_, k) => ({ pdf: printed[k], start: starts[k], pages: results[k].pages.length })),
      blanks,
      concurrency: slots.most,
      timeline,
    };
  }, ...leanRenderers());
}

/**
 * One renderer process per part, no more: no spare renderer kept ready for the next navigation,
 * and no new process when a page goes from about:blank to the print host (site isolation, which
 * guards sites from each other; here one page of our own per context, and contexts never share a
 * process). Each such process holds 100–150 MB.
 */
const leanRenderers = (): [args: string[], features: string[]] =>
  process.env.BOOK_PDF_FLAGS === 'none' ? [[], []] : [['--disable-site-isolation-trials'], ['SpareRendererForSitePerProcess', 'site-per-process']];

/** A failure in a part's page, as the build reports it. */
function layoutError(error: unknown, watchers: PageProblems[], refused: string[]): unknown {
  if (error instanceof BuildError) return error;
  const reason = (error as Error).message.replace(/^page\.(evaluate|goto): /, '').split('\n')[0];
  const details = [...watchers.flatMap((w) => w.errors), ...refused].slice(0, 5).join('; ');
  return new BuildError(`The page layout (Paged.js) failed: ${reason}${details ? ` (${details})` : ''}`);
}
