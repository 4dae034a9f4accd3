/*
 * Runs in Chromium, in the print document: lays the book out with Paged.js 0.4.3 and reports the
 * pages. TypeScript checked with the rest (`tsc`); the build turns it into the JavaScript module the
 * page loads beside paged.esm.js (browser/index.ts).
 *
 * `window.bookRender` is a promise: the build waits for it (its explicit "finished" signal) and
 * gets the page map and the layout problems found, or the error that stopped the layout.
 *
 * What this adds to Paged.js, in one handler (`BookPages`):
 *   - Linear time. As shipped, each page costs more than the one before, for three reasons, each
 *     undone here: (1) every page stays in the document, and each forced layout (Paged.js forces
 *     hundreds per page) walks them all, even hidden: pages that are finished leave the document
 *     for a fragment as soon as the next page is done with them (Paged.js's Splits handler looks
 *     one page back), and all come back, in order, before printing; (2) to cut a page Paged.js
 *     looks up source elements with a querySelector over the whole book: the source gets the
 *     index (`indexOfRefs`) Paged.js uses when it exists; (3) Chromium writes a
 *     PDF destination for every in-document link target and re-examines all of them on every page
 *     it prints: only the table of contents keeps its links for Chromium; the others (notes,
 *     index) are written by the post-processing (links()). The queue that drives Paged.js also
 *     no longer waits for an animation frame between pages (~16 ms each, and nothing needs
 *     painting while the book is laid out). Finished pages also lose the scaffolding they do not
 *     use (prune), and the layout's working data goes before printing (release).
 *   - Folios. `counter-reset: page` in mid-book is broken in Paged.js 0.4.3 (it becomes a rule on
 *     one page that also cancels that page's increment, and target-counter recomputes numbers from
 *     every page's computed counters, for every reference). Pages are numbered here instead: roman numerals up to the first division of the
 *     main matter (`data-folio-restart`), arabic from 1 there; the folio goes to the page as the
 *     custom property --folio, which the margin boxes print (print.css).
 *   - Page references. `[data-page-ref="id"]` gets, as text, the folio of the page on which `#id`
 *     begins: at once when the target comes first (the index of names, laid out with its real
 *     numbers, duplicates on one page dropped), after the layout when it comes later (the table of
 *     contents, whose number boxes have a fixed width so nothing moves).
 *   - Words cut by a page break. Paged.js cuts a text where the next page begins, and the letter
 *     it picks may fall inside a word, away from the soft hyphen at which the browser broke the
 *     last line (`espér-ait` for `espé-rait`). The cut moves back to that soft hyphen (or, in a
 *     word without one, to the start of the word), and the page ends with a hyphen in the book's
 *     type (Paged.js's default, U+2011, is a glyph EB Garamond lacks).
 *   - Checks of the result: every note on the page of its call, none lost or doubled; no paragraph
 *     leaving a single line at a page foot or head; no heading alone at a page foot.
 */
import { Previewer, Handler, registerHandlers, type Chunker, type PagedPage } from './paged.esm.js';
import { folioOf } from '../folios.ts';
import type { LayoutProblem, PagePlace, PageResult, PartFinal, PartLayout, PartLink, PartStart, RenderedPage } from '../render.ts';
import type { MarginLimits } from '../../print/margins.ts';

declare global {
  interface Window {
    /** The layout's "finished" signal, read by the build (scripts/output/pdf/render.ts). */
    bookRender: Promise<PageResult | PartLayout>;
    /** Progress of the layout, exposed by the build. */
    bookProgress?: (event: { stage: string; pages?: number; notes?: number }) => void;
    /** The printer's limits for the preflight checks (preflight()), set by the build before the page loads. */
    bookPreflight?: { minTextPt: number; minLinePt: number; margins?: MarginLimits };
    /**
     * Set by the build when this document is one part of the book (scripts/output/pdf/render.ts,
     * "Parallel layout" in docs/pdf.md): `bookRender` then ends with the layout (`PartLayout`), and
     * the build calls `bookFinish` once the folios of the whole book are known.
     */
    bookPart?: { start?: PartStart };
    bookFinish?: (final: PartFinal) => PageResult;
  }
}

/** The previewer, with the handler render() reaches it through. */
type BookPreviewer = Previewer & { bookPages: BookPages };

const KEEP_IN_LAYOUT = 2;
/** How often the layout tells Node how many pages it has laid out (the terminal's progress line). */
const PROGRESS_EVERY_MS = 1000;
const SOFT_HYPHEN = '\u00ad';
const HYPHEN = '-';
/**
 * Paged.js puts this many characters on a page between two measures of its overflow (its
 * `maxChars`; Paged.js's own default). Left to itself, Paged.js 0.4.3 sets it once for the whole
 * book from its first page, the half-title (62 characters in the shipped book), and then measures
 * after nearly every text node; every part, and print.html opened alone, must measure alike (where
 * a break falls can depend on where the page was measured), so it is fixed here. 1,500 instead of
 * 62: about 15 % less CPU for the layout, the same pages on the benchmark's books (docs/pdf.md,
 * "Speed and memory").
 */
const MEASURE_CHARS = 1500;
const letter = /[\p{L}\p{M}]/u;

/**
 * Half of a Paged.js page is scaffolding this book never fills: side margin boxes, corner boxes,
 * crop and registration marks (book-crop.pdf draws its own). Once a page is finished they go,
 * which saves a third of the memory printing needs. Top and bottom boxes stay: they sit in grids
 * whose columns the others would shift.
 */
function prune(pageElement: HTMLElement): void {
  for (const element of pageElement.querySelectorAll('.pagedjs_margin-left, .pagedjs_margin-right, [class*="corner-holder"]')) {
    if (!element.querySelector('.hasContent')) element.remove();
  }
  for (const element of pageElement.querySelectorAll('.pagedjs_marks-crop, .pagedjs_marks-middle')) element.remove();
}

function targetIdOf(element: HTMLElement): string {
  return element.id || element.dataset.id || '';
}

class BookPages extends Handler {
  /** Position (from 0, in this document) of the page holding the first division of the main matter. */
  restartAt: number | undefined = undefined;
  /** Pages of the book before this document (a part of the book: its place, once known). */
  offset = 0;
  /** The book's first page of the main matter, when it comes before this document (a part). */
  bookRestart: number | undefined = undefined;
  /** Target id → folio of its first page. */
  folios = new Map<string, string>();
  /** Target id → source elements that print its folio. */
  referrers = new Map<string, HTMLElement[]>();
  /** Pages [0, offstage) are out of the document, in this fragment. */
  offstage = 0;
  offstagePages = document.createDocumentFragment();
  expectedNotes = 0;
  /** Notes printed whole on finished pages (their data-ref). */
  printedNotes = new Set<string | undefined>();
  /** When each page was done (ms since the page opened), to see how the layout scales. */
  pageTimes: number[] = [];
  lastProgress = 0;
  /** When each phase after the layout ended (ms, page clock). */
  phases: Record<string, number> = {};
  /** The text node a page break was moved back into, after its soft hyphen. */
  cutAfterSoftHyphen: Text | undefined;
  /** After the layout: target id → folio of the page it begins on. */
  finalTargets: Map<string, string | undefined> | undefined;

  constructor(chunker: Chunker, polisher: unknown, caller: Previewer) {
    super(chunker, polisher, caller);
    // The previewer (caller) is how render() reaches this instance.
    (caller as BookPreviewer).bookPages = this;
    // Nothing is painted while the book is laid out: Chromium would paint and rasterise the pages
    // in view at every frame, about a tenth of the layout's time, for nobody. Visibility changes no
    // box (Paged.js measures the same), and comes back before the checks and the print (afterRendered).
    document.documentElement.style.visibility = 'hidden';
    // Zero-delay ticks instead of animation frames (see the header).
    const channel = new MessageChannel();
    const waiting: Array<() => void> = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    chunker.q.tick = (callback) => {
      waiting.push(callback);
      channel.port2.postMessage(0);
    };
  }

  afterParsed(parsed: DocumentFragment & { indexOfRefs?: Record<string, HTMLElement> }): void {
    // Paged.js finds a source element by its data-ref with a querySelector over the whole book,
    // unless the source has an index: without one, each page costs more than the one before.
    const index: Record<string, HTMLElement> = Object.create(null);
    for (const element of parsed.querySelectorAll<HTMLElement>('[data-ref]')) index[element.dataset.ref!] = element;
    parsed.indexOfRefs = index;
    for (const element of parsed.querySelectorAll<HTMLElement>('[data-page-ref]')) {
      const id = element.dataset.pageRef!;
      if (!this.referrers.has(id)) this.referrers.set(id, []);
      this.referrers.get(id)!.push(element);
    }
    // A part laid out after the parts before it: its place in the book and the folios of the
    // targets they hold are known, so its references to them are laid out with their numbers.
    const start = window.bookPart?.start;
    if (start) {
      this.offset = start.offset;
      this.bookRestart = start.restartAt;
      for (const [id, label] of Object.entries(start.folios)) {
        this.folios.set(id, label);
        for (const ref of this.referrers.get(id) ?? []) ref.textContent = label;
      }
    }
    this.expectedNotes = parsed.querySelectorAll('.fn').length;
    window.bookProgress?.({ stage: 'parsed', notes: this.expectedNotes });
  }

  /** A page break inside a word moves back to the word's soft hyphen, or to the word's start. */
  onOverflow(overflow: Range | undefined): Range | undefined {
    this.cutAfterSoftHyphen = undefined;
    if (!overflow || overflow.startContainer.nodeType !== Node.TEXT_NODE) return undefined;
    const node = overflow.startContainer as Text;
    const text = node.data;
    const start = overflow.startOffset;
    if (start <= 0 || start >= text.length || !letter.test(text[start - 1]) || !letter.test(text[start])) return undefined;
    // Back over the letters of the word: to a soft hyphen, or to the space before the word.
    let cut = start;
    while (cut > 0 && letter.test(text[cut - 1])) cut -= 1;
    overflow.setStart(node, cut);
    if (cut > 0 && text[cut - 1] === SOFT_HYPHEN) this.cutAfterSoftHyphen = node;
    return overflow;
  }

  /** Paged.js adds the hyphen only before an ASCII letter (its test is /\w/): add it otherwise. */
  afterOverflowRemoved(): void {
    const text = this.cutAfterSoftHyphen;
    this.cutAfterSoftHyphen = undefined;
    if (text && text.data.endsWith(SOFT_HYPHEN)) {
      text.data += HYPHEN;
      text.parentElement?.classList.add('pagedjs_hyphen');
    }
  }

  folioOf(position: number): string {
    const page = this.offset + position;
    return folioOf(page, this.bookRestart ?? (this.restartAt === undefined ? undefined : this.offset + this.restartAt));
  }

  /** An index entry about to be laid out: its targets are all placed; one number per page. */
  layoutNode(node: Node): void {
    // Paged.js 0.4.3 lays a note out a second time when a page ends between its call and the note
    // (the next page resumes at the note, and its Footnotes handler only looks for a copy on the
    // same page): the note is printed at the foot of both pages. A note already printed whole on a
    // finished page is laid out hidden: no text, no room taken.
    if (node.nodeType !== 1) return;
    const element = node as HTMLElement;
    if (element.dataset.note === 'footnote' && this.printedNotes.has(element.dataset.ref)) {
      element.dataset.bookReprint = '';
      element.style.display = 'none';
      return;
    }
    if (!element.hasAttribute('data-index-entry')) return;
    const seen = new Set<string>();
    for (const ref of element.querySelectorAll('[data-page-ref]')) {
      const label = ref.textContent;
      if (!label) continue;
      if (seen.has(label)) ref.remove();
      else seen.add(label);
    }
  }

  afterPageLayout(pageElement: HTMLElement, page: PagedPage, breakToken: unknown, chunker: Chunker): void {
    const position = page.position;
    if (this.restartAt !== undefined && position <= this.restartAt) this.restartAt = undefined;
    if (this.restartAt === undefined && pageElement.querySelector('[data-folio-restart]:not([data-split-from])')) this.restartAt = position;
    const label = this.folioOf(position);
    pageElement.dataset.folio = label;
    pageElement.style.setProperty('--folio', JSON.stringify(label));

    for (const element of pageElement.querySelectorAll<HTMLElement>('[data-page-target]')) {
      const id = targetIdOf(element);
      if (!id || this.folios.has(id)) continue;
      this.folios.set(id, label);
      for (const ref of this.referrers.get(id) ?? []) ref.textContent = label;
    }

    for (const note of pageElement.querySelectorAll<HTMLElement>('.pagedjs_footnote_area [data-note="footnote"]:not([data-split-from]):not([data-book-reprint])')) {
      this.printedNotes.add(note.dataset.ref);
    }

    const pages = chunker.pages;
    while (this.offstage < pages.length - KEEP_IN_LAYOUT) {
      const old = pages[this.offstage];
      old.removeListeners();
      prune(old.element);
      this.offstagePages.appendChild(old.element);
      this.offstage += 1;
    }
    this.pageTimes.push(Math.round(performance.now()));
    // The pages laid out so far, once a second at most (each call crosses to Node and back).
    const now = performance.now();
    if (now - this.lastProgress >= PROGRESS_EVERY_MS) {
      this.lastProgress = now;
      window.bookProgress?.({ stage: 'pages', pages: pages.length });
    }
  }

  afterRendered(): void {
    document.documentElement.style.removeProperty('visibility');
    this.phases.paged = Math.round(performance.now());
    const pages = this.chunker.pages;
    // The final count, whatever the time since the last one: the progress line ends on the true total.
    window.bookProgress?.({ stage: 'pages', pages: pages.length });
    for (const page of pages.slice(this.offstage)) {
      page.removeListeners();
      prune(page.element);
    }
    this.chunker.pagesArea.insertBefore(this.offstagePages, this.chunker.pagesArea.firstChild);
    // A part of the book waits for its place (bookFinish).
    if (window.bookPart) return;
    this.finalFolios(pages);
    this.phases.folios = Math.round(performance.now());
  }

  /** Where the main matter begins in this document, if it does. */
  localRestart(pages: PagedPage[]): number | undefined {
    const position = pages.findIndex((page) => page.element.querySelector('[data-folio-restart]:not([data-split-from])'));
    return position < 0 ? undefined : position;
  }

  /** Each page target's first page in this document (ids of `data-page-target` elements). */
  targetPages(): Record<string, number> {
    const index = new Map<Element, number>(this.chunker.pages.map((page, i) => [page.element, i]));
    const result: Record<string, number> = Object.create(null);
    for (const element of this.chunker.pagesArea.querySelectorAll<HTMLElement>('[data-page-target]')) {
      const id = targetIdOf(element);
      if (id && !(id in result)) result[id] = index.get(element.closest('.pagedjs_page')!)!;
    }
    return result;
  }

  /**
   * The layout is final: folios and page references from the DOM as it stands. A part of the
   * book gets its place and the folio of every target it refers to (`final`) from the build.
   */
  finalFolios(pages: PagedPage[], final?: PartFinal): void {
    if (final) {
      this.offset = final.offset;
      this.bookRestart = final.restartAt;
    }
    this.restartAt = undefined;
    pages.forEach((page, position) => {
      if (this.restartAt === undefined && page.element.querySelector('[data-folio-restart]:not([data-split-from])')) this.restartAt = position;
    });
    const folioOfElement = new Map<Element, string>();
    pages.forEach((page, position) => {
      const label = this.folioOf(position);
      folioOfElement.set(page.element, label);
      if (page.element.dataset.folio !== label) {
        page.element.dataset.folio = label;
        page.element.style.setProperty('--folio', JSON.stringify(label));
      }
    });
    const area = this.chunker.pagesArea;
    const folios = new Map<string, string | undefined>(final ? Object.entries(final.folios) : []);
    if (!final) {
      for (const element of area.querySelectorAll<HTMLElement>('[data-page-target]')) {
        const id = targetIdOf(element);
        if (id && !folios.has(id)) folios.set(id, folioOfElement.get(element.closest('.pagedjs_page')!));
      }
    }
    this.finalTargets = folios;
    for (const ref of area.querySelectorAll<HTMLElement>('[data-page-ref]')) {
      const label = folios.get(ref.dataset.pageRef!) ?? '';
      if (ref.textContent !== label) ref.textContent = label;
    }
  }
}

registerHandlers(BookPages);

/** The innermost block at whose start, or inside which, the page begins. */
function firstBlockOf(content: Element): HTMLElement | null {
  let block = content.querySelector<HTMLElement>('[data-block]');
  while (block && block.hasAttribute('data-split-from')) {
    const inner = block.querySelector<HTMLElement>('[data-block]');
    if (!inner) break;
    block = inner;
  }
  return block;
}

function lineCount(element: Element): number {
  const range = document.createRange();
  range.selectNodeContents(element);
  const bottoms = new Set();
  for (const rect of range.getClientRects()) if (rect.width > 0 && rect.height > 0) bottoms.add(Math.round(rect.bottom));
  return bottoms.size;
}

function describe(element: Element): string {
  const block = element.closest<HTMLElement>('[data-block]');
  return block ? block.dataset.block! : '';
}

/** Page map and layout problems, from the finished pages. */
function report(handler: BookPages, final?: PartFinal): Omit<PageResult, 'ms' | 'pageCount'> {
  const pages = handler.chunker.pages;
  const problems: LayoutProblem[] = [];
  // A page on which no block starts or continues (inside a long run of non-block elements, such
  // as bibliography entries) is placed after the last block met in its division.
  const lastBlock = new Map<string, string>();
  const map = pages.map((page): RenderedPage => {
    const element = page.element;
    const content = element.querySelector('.pagedjs_page_content')!;
    const block = firstBlockOf(content);
    const section = (block ?? content).closest<HTMLElement>('[data-section]') ?? content.querySelector<HTMLElement>('[data-section]');
    const sectionId = section ? section.dataset.section! : '';
    const blocks = content.querySelectorAll<HTMLElement>('[data-block]');
    const blockId = block ? block.dataset.block! : lastBlock.get(sectionId) ?? '';
    if (blocks.length) lastBlock.set(sectionId, blocks[blocks.length - 1].dataset.block!);
    return {
      // Set on every page by finalFolios().
      label: element.dataset.folio!,
      blank: element.classList.contains('pagedjs_blank_page'),
      side: element.classList.contains('pagedjs_left_page') ? 'left' : 'right',
      section: sectionId,
      blockId,
    };
  });

  // Notes: each exactly once, on the page of its call.
  // Every element of the pages area is on a page, and every page has its folio (finalFolios()).
  const pageOf = (element: Element) => element.closest<HTMLElement>('.pagedjs_page');
  const folioOf = (element: Element) => pageOf(element)?.dataset.folio as string;
  const notesByRef = new Map<string | undefined, HTMLElement[]>();
  for (const note of handler.chunker.pagesArea.querySelectorAll<HTMLElement>('.pagedjs_footnote_area [data-note="footnote"]:not([data-split-from]):not([data-book-reprint])')) {
    const ref = note.dataset.ref;
    if (!notesByRef.has(ref)) notesByRef.set(ref, []);
    notesByRef.get(ref)!.push(note);
  }
  const calls = handler.chunker.pagesArea.querySelectorAll<HTMLElement>('[data-footnote-call]');
  const called = new Set<string | undefined>();
  for (const call of calls) {
    const ref = call.dataset.footnoteCall;
    if (called.has(ref)) continue;
    called.add(ref);
    const notes = notesByRef.get(ref) ?? [];
    const visibleCall = call.previousElementSibling;
    const where = visibleCall ? describe(visibleCall) : describe(call);
    const number = notes[0]?.dataset.noteNumber ?? visibleCall?.textContent ?? '?';
    if (notes.length === 0) {
      problems.push({ kind: 'footnote-lost', block: where, page: folioOf(call), message: `Note ${number} is called on page ${folioOf(call)} but printed nowhere` });
    } else if (notes.length > 1) {
      problems.push({ kind: 'footnote-doubled', block: where, page: folioOf(call), message: `Note ${number} is printed ${notes.length} times` });
    } else if (pageOf(notes[0]) !== pageOf(call)) {
      problems.push({
        kind: 'footnote-page',
        block: where,
        page: folioOf(call),
        message: `Note ${number} is called on page ${folioOf(call)} but printed on page ${folioOf(notes[0])}`,
      });
    }
  }
  const printedNotes = called.size;
  if (printedNotes !== handler.expectedNotes) {
    problems.push({ kind: 'footnote-lost', block: '', page: '', message: `${handler.expectedNotes} notes in the text, ${printedNotes} called in the pages` });
  }

  // Widows, orphans, headings alone at a page foot.
  for (const page of pages) {
    const content = page.element.querySelector('.pagedjs_page_content')!;
    const label = page.element.dataset.folio!;
    for (const split of content.querySelectorAll('p[data-split-to], li[data-split-to]')) {
      if (split.closest('.fn')) continue;
      if (lineCount(split) < 2) problems.push({ kind: 'orphan', block: describe(split), page: label, message: `A paragraph leaves a single line at the foot of page ${label}` });
    }
    for (const split of content.querySelectorAll('p[data-split-from], li[data-split-from]')) {
      if (split.closest('.fn')) continue;
      if (lineCount(split) < 2) problems.push({ kind: 'widow', block: describe(split), page: label, message: `A paragraph ends with a single line at the head of page ${label}` });
    }
    const blocks = content.querySelectorAll('[data-block]');
    const last = blocks[blocks.length - 1];
    if (last && /^H[2-6]$/.test(last.tagName) && !page.element.classList.contains('pagedjs_blank_page')) {
      problems.push({ kind: 'heading-at-foot', block: describe(last), page: label, message: `Heading « ${(last.textContent ?? '').trim()} » stands alone at the foot of page ${label}` });
    }
  }
  // The print design's lines are read once for the book: by its first part.
  if (window.bookPreflight) problems.push(...preflight(handler.chunker.pagesArea, window.bookPreflight, final ? final.styles : true));
  handler.phases.checks = Math.round(performance.now());
  const found = links(handler, notesByRef, final);
  handler.phases.links = Math.round(performance.now());
  return { pages: map, problems, notes: printedNotes, pageTimes: handler.pageTimes, phases: handler.phases, ...found };
}

/** CSS lengths in pt, for the preflight (the units a stylesheet gives a line width in). */
const ptPer: Record<string, number> = { pt: 1, px: 0.75, mm: 72 / 25.4, cm: 720 / 25.4, in: 72, q: 18 / 25.4 };

/**
 * The printer's preflight, on the finished pages: images printed under 300 ppi (pixels over the
 * printed size; under 150, an error), text under the printer's minimum size, and lines of the
 * print design thinner than its minimum. Line widths are read from the stylesheets as written:
 * Chromium rounds a computed border width up to a whole device pixel, which would hide them.
 */
function preflight(pagesArea: Element, limits: { minTextPt: number; minLinePt: number; margins?: MarginLimits }, styles: boolean): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const folioOf = (element: Element) => element.closest<HTMLElement>('.pagedjs_page')?.dataset.folio ?? '';
  // The printer's safety zone: page margins, running heads and folios, blocks (marginProblems, below).
  if (limits.margins) problems.push(...marginProblems(pagesArea, limits.margins, folioOf, describe));
  for (const image of pagesArea.querySelectorAll<HTMLImageElement>('img')) {
    const box = image.getBoundingClientRect();
    // Vector images have no pixels to count; nor has an image the page could not load (a file
    // outside the manuscript, refused; a missing one): what kept it out is reported, not a 0 ppi.
    if (box.width === 0 || box.height === 0 || /\.svgz?(\?|#|$)/i.test(image.currentSrc || image.src)) continue;
    if (image.naturalWidth === 0 && image.naturalHeight === 0) continue;
    const ppi = Math.round(Math.min(image.naturalWidth / (box.width / 96), image.naturalHeight / (box.height / 96)));
    if (ppi >= 300) continue;
    const name = decodeURIComponent(new URL(image.currentSrc || image.src).pathname.split('/').pop() ?? '');
    const size = `${image.naturalWidth} × ${image.naturalHeight} px printed ${((box.width / 96) * 25.4).toFixed(1)} × ${((box.height / 96) * 25.4).toFixed(1)} mm`;
    problems.push({
      kind: ppi < 150 ? 'image-resolution-too-low' : 'image-resolution-low',
      block: describe(image),
      page: folioOf(image),
      message: `Image \`${name}\` prints at ${ppi} ppi on page ${folioOf(image)} (${size}); printers ask for 300 ppi: give a file at least ${Math.ceil((box.width / 96) * 300)} px wide, or print it smaller`,
    });
  }
  const seen = new Set<string>();
  const walker = document.createTreeWalker(pagesArea, NodeFilter.SHOW_TEXT);
  const sizes = new Map<Element, number>();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !node.textContent?.trim()) continue;
    let size = sizes.get(parent);
    if (size === undefined) {
      size = parent.checkVisibility() ? parseFloat(getComputedStyle(parent).fontSize) * 0.75 : Infinity;
      sizes.set(parent, size);
    }
    if (size >= limits.minTextPt - 0.01) continue;
    const block = describe(parent);
    const key = `${block}|${size}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({
      kind: 'text-too-small',
      block,
      page: folioOf(parent),
      message: `Text « ${node.textContent.trim().slice(0, 30)} » is set at ${size.toFixed(1)} pt on page ${folioOf(parent)}, under the printer's minimum of ${limits.minTextPt} pt; set it larger in the print design`,
    });
  }
  for (const sheet of styles ? document.styleSheets : []) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue;
    }
    for (const rule of rules) {
      if (!(rule instanceof CSSStyleRule)) continue;
      for (const side of ['top', 'right', 'bottom', 'left']) {
        if (rule.style.getPropertyValue(`border-${side}-style`) === 'none') continue;
        const match = /^(\d*\.?\d+)(pt|px|mm|cm|in|q)$/i.exec(rule.style.getPropertyValue(`border-${side}-width`).trim());
        if (!match) continue;
        const width = Number(match[1]) * ptPer[match[2].toLowerCase()];
        if (width === 0 || width >= limits.minLinePt - 0.001) continue;
        problems.push({
          kind: 'line-too-thin',
          block: '',
          page: '',
          message: `The print design draws a line ${width.toFixed(2)} pt thick (\`${rule.selectorText}\`, border-${side}), under the printer's minimum of ${limits.minLinePt} pt: it may not print; make it at least ${limits.minLinePt} pt`,
        });
        break;
      }
    }
  }
  return problems;
}

/**
 * The links inside the book — note call to note and back, index to the page of each occurrence —
 * as places on pages (CSS px from the sheet's top left), for the post-processing to write as PDF
 * link annotations: Chromium's own would cost time with the square of the book (see the header).
 */
function links(handler: BookPages, notesByRef: Map<string | undefined, HTMLElement[]>, final?: PartFinal): Pick<PageResult, 'links' | 'places'> {
  const pages = handler.chunker.pages;
  const index = new Map<Element, number>(pages.map((page, i) => [page.element, i]));
  const sheets = new Map<Element, DOMRect>();
  const place = (element: Element): PagePlace => {
    const page = element.closest('.pagedjs_page')!;
    if (!sheets.has(page)) sheets.set(page, page.querySelector('.pagedjs_sheet')!.getBoundingClientRect());
    const sheet = sheets.get(page)!;
    const rect = element.getBoundingClientRect();
    return { page: index.get(page)!, x: rect.left - sheet.left, y: rect.top - sheet.top, width: rect.width, height: rect.height };
  };
  const result: PartLink[] = [];
  const area = handler.chunker.pagesArea;
  for (const call of area.querySelectorAll<HTMLElement>('[data-footnote-call]')) {
    const visible = call.previousElementSibling;
    const note = (notesByRef.get(call.dataset.footnoteCall) ?? [])[0];
    if (!visible || !visible.classList.contains('noteref') || !note) continue;
    const from = place(visible);
    const to = place(note);
    result.push({ from, to });
    const back = note.querySelector('.note-number');
    if (back) result.push({ from: place(back), to: from });
  }
  const targets = new Map<string, HTMLElement>();
  for (const element of area.querySelectorAll<HTMLElement>('[data-page-target]')) {
    const id = targetIdOf(element);
    if (id && !targets.has(id)) targets.set(id, element);
  }
  // The index's numbers, and those after the links inside the book (output/pdf/page-refs.ts).
  const refs = area.querySelectorAll<HTMLElement>('.index-of-names [data-page-ref], .crossref-page [data-page-ref], .places-index [data-page-ref], .biography-mentions [data-page-ref]');
  if (!final) {
    for (const ref of refs) {
      const target = targets.get(ref.dataset.pageRef!);
      if (target && ref.textContent) result.push({ from: place(ref), to: place(target) });
    }
    return { links: result };
  }
  // A part of the book: its targets may be in another part. The links name them, the build finds
  // their places among those every part gives for the targets the book refers to (`final.wanted`).
  for (const ref of refs) {
    if (ref.textContent) result.push({ from: place(ref), toId: ref.dataset.pageRef! });
  }
  // The table of contents' links too (Chromium, printing one part, could not write them).
  for (const link of area.querySelectorAll<HTMLAnchorElement>('.toc a[href^="#"]')) {
    result.push({ from: place(link), toId: decodeURIComponent(link.getAttribute('href')!.slice(1)) });
  }
  const places: Record<string, PagePlace> = {};
  for (const id of final.wanted) {
    const target = targets.get(id);
    if (target) places[id] = place(target);
  }
  return { links: result, places };
}

/**
 * What the layout needed and printing does not: the whole book as source, the break tokens that
 * point into it, the lookup tables. Let go before printing, which needs memory of its own.
 */
function release(previewer: BookPreviewer): void {
  const chunker = previewer.chunker;
  for (const page of chunker.pages) {
    page.startToken = undefined;
    page.endToken = undefined;
    page.layoutMethod = undefined;
    if (page.wrapper) page.wrapper.indexOfRefs = undefined;
  }
  chunker.source = undefined;
  chunker.content = undefined;
  chunker.breakToken = undefined;
  previewer.bookPages.referrers.clear();
  previewer.bookPages.folios.clear();
}

/** A part of the book, once the build has given it its place: folios, checks, links, then print. */
function finish(previewer: BookPreviewer, layoutMs: number, pageCount: number, final: PartFinal): PageResult {
  const handler = previewer.bookPages;
  handler.finalFolios(handler.chunker.pages, final);
  handler.phases.folios = Math.round(performance.now());
  const result = report(handler, final);
  // Every link inside the book is written by the post-processing (see (3) in the header).
  for (const link of document.querySelectorAll('.pagedjs_pages a[href^="#"]')) link.removeAttribute('href');
  release(previewer);
  return { ...result, ms: layoutMs, pageCount };
}

async function render(): Promise<PageResult | PartLayout> {
  const started = performance.now();
  const stylesheets = [...document.querySelectorAll<HTMLLinkElement>('link[data-paged]')].map((link) => {
    link.remove();
    return link.href;
  });
  // The content moves (not copied, not serialized) into a fragment Paged.js lays out from.
  const content = document.createDocumentFragment();
  while (document.body.firstChild) content.appendChild(document.body.firstChild);
  const previewer = new Previewer({ hyphenGlyph: HYPHEN, maxChars: MEASURE_CHARS }) as BookPreviewer;
  const flow = await previewer.preview(content, stylesheets, document.body);
  if (window.bookPart) {
    const handler = previewer.bookPages;
    const layoutMs = Math.round(performance.now() - started);
    window.bookFinish = (final) => finish(previewer, layoutMs, flow.total, final);
    const restart = handler.localRestart(handler.chunker.pages);
    const laidOut = { pageCount: handler.chunker.pages.length, restart: restart ?? null, targets: handler.targetPages(), ms: layoutMs };
    // The part may wait for the parts before it: what only the layout needed goes now.
    release(previewer);
    return laidOut;
  }
  const result = report(previewer.bookPages);
  // See (3) in the header: links inside the book, but for the table of contents, lose their target.
  for (const link of document.querySelectorAll('.pagedjs_pages a[href^="#"]')) {
    if (!link.closest('.toc')) link.removeAttribute('href');
  }
  release(previewer);
  return { ...result, ms: Math.round(performance.now() - started), pageCount: flow.total };
}

window.bookRender = render();
// An unhandled rejection would also be a page error; the build reads the rejection itself.
window.bookRender.catch(() => undefined);

/*
 * The printer's safety zone, measured on the finished pages (print production: scripts/output/print/
 * margins.ts has the limits and the checks of book.yaml). Each page's trim is Paged.js's page box
 * (`.pagedjs_pagebox`, the bleed outside it); inside it: the page area (the print design's margins,
 * or book.yaml's `print.margins`: one problem per edge, for the first page where it is too narrow,
 * with no block — reported at book.yaml's line), the running heads and folios (the margin boxes'
 * content, when it prints), and every block of the text that stands outside the page area, at its
 * place in the manuscript. The inside edge is the left one on a right-hand page.
 */
type Edge = 'top' | 'bottom' | 'inside' | 'outside';


/** The margins' problems on the pages in `pagesArea`; `folioOf` and `describe` from the page handler. */
function marginProblems(
  pagesArea: Element,
  limits: MarginLimits,
  folioOf: (element: Element) => string,
  describe: (element: Element) => string,
): LayoutProblem[] {
  const pages = [...pagesArea.querySelectorAll<HTMLElement>('.pagedjs_page')];
  const inside = [...limits.inside].sort((a, b) => a.fromPages - b.fromPages).filter((row) => row.fromPages <= pages.length).pop()?.mm ?? 0;
  const minimum: Record<Edge, number> = { top: limits.top, bottom: limits.bottom, outside: limits.outside, inside };
  const problems: LayoutProblem[] = [];
  const designSeen = new Set<string>();
  const blocksSeen = new Set<string>();
  const mm = (px: number) => (px * 25.4) / 96;
  /** Distances (mm) from each trim edge to `rect`, on a page whose inside edge is left or right. */
  const distances = (rect: DOMRect, trim: DOMRect, insideLeft: boolean): Record<Edge, number> => {
    const left = mm(rect.left - trim.left);
    const right = mm(trim.right - rect.right);
    return { top: mm(rect.top - trim.top), bottom: mm(trim.bottom - rect.bottom), inside: insideLeft ? left : right, outside: insideLeft ? right : left };
  };
  const short = (edges: Record<Edge, number>) => (Object.keys(minimum) as Edge[]).filter((edge) => edges[edge] < minimum[edge] - 0.05);
  const say = (edge: Edge, distance: number) => `${distance.toFixed(1)} mm from the ${edge === 'top' || edge === 'bottom' ? `${edge} edge` : `${edge} edge (${edge === 'inside' ? 'the spine' : 'the fore-edge'})`} of the trim, inside the printer's minimum of ${minimum[edge].toFixed(1)} mm`;
  for (const page of pages) {
    if (page.classList.contains('pagedjs_blank_page')) continue;
    const box = page.querySelector('.pagedjs_pagebox');
    const area = page.querySelector('.pagedjs_page_content');
    if (!box || !area) continue;
    const trim = box.getBoundingClientRect();
    const insideLeft = !page.classList.contains('pagedjs_left_page');
    const folio = folioOf(page);
    // The page area: the margins of the design.
    const areaRect = area.getBoundingClientRect();
    const design = distances(areaRect, trim, insideLeft);
    for (const edge of short(design)) {
      if (designSeen.has(edge)) continue;
      designSeen.add(edge);
      problems.push({ kind: 'margin-too-small', block: '', page: folio, message: `The ${edge} margin of the pages is ${design[edge].toFixed(1)} mm (page ${folio}), under the printer's minimum of ${minimum[edge].toFixed(1)} mm: widen it (\`print.margins.${edge}\` in book.yaml), or choose another printer` });
    }
    // Running heads and folios: the margin boxes whose content prints.
    for (const content of page.querySelectorAll<HTMLElement>('.pagedjs_margin-content')) {
      if (!content.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions)) continue;
      const generated = [getComputedStyle(content, '::before').content, getComputedStyle(content, '::after').content].some((value) => value && value !== 'none' && value !== 'normal' && value !== '""');
      if (!generated && !content.textContent?.trim()) continue;
      const box = content.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      // The type's em box, not the line's: half the leading above and below is white.
      const style = getComputedStyle(content);
      const leading = Math.max(0, (parseFloat(style.lineHeight) - parseFloat(style.fontSize)) / 2) || 0;
      const rect = new DOMRect(box.left, box.top + leading, box.width, Math.max(0, box.height - 2 * leading));
      const edges = short(distances(rect, trim, insideLeft));
      const kind = content.closest('.pagedjs_margin-top, .pagedjs_margin-top-left-corner-holder, .pagedjs_margin-top-right-corner-holder') ? 'running head' : 'folio';
      for (const edge of edges) {
        const key = `${kind}|${edge}`;
        if (designSeen.has(key)) continue;
        designSeen.add(key);
        problems.push({ kind: 'margin-too-small', block: '', page: folio, message: `The ${kind} stands ${say(edge, distances(rect, trim, insideLeft)[edge])} (page ${folio}): move it inward in the print design, or widen \`print.margins.${edge}\` in book.yaml` });
      }
    }
    // Blocks of the text outside the page area (an image or a table wider than the text block…).
    // Only what prints: each fragment of a block (a paragraph split across pages has one per
    // column of Paged.js's layout, the next ones far beyond the sheet) cut to the sheet.
    const sheet = (page.querySelector('.pagedjs_sheet') ?? box).getBoundingClientRect();
    for (const element of area.querySelectorAll<HTMLElement>('[data-block], img, svg, table, pre, figure')) {
      for (const fragment of element.getClientRects()) {
        const left = Math.max(fragment.left, sheet.left);
        const right = Math.min(fragment.right, sheet.right);
        const top = Math.max(fragment.top, sheet.top);
        const bottom = Math.min(fragment.bottom, sheet.bottom);
        if (right - left < 0.5 || bottom - top < 0.5) continue;
        if (left >= areaRect.left - 0.5 && right <= areaRect.right + 0.5 && top >= areaRect.top - 0.5 && bottom <= areaRect.bottom + 0.5) continue;
        const rect = new DOMRect(left, top, right - left, bottom - top);
        const edges = short(distances(rect, trim, insideLeft));
        if (edges.length === 0) continue;
        const block = describe(element);
        const key = `${block}|${edges.join()}`;
        if (blocksSeen.has(key)) continue;
        blocksSeen.add(key);
        const name = element.tagName.toLowerCase();
        problems.push({ kind: 'margin-too-small', block, page: folio, message: `A ${name === 'img' ? 'picture' : name === 'table' ? 'table' : 'block'} on page ${folio} stands ${say(edges[0], distances(rect, trim, insideLeft)[edges[0]])}: make it fit the text block` });
      }
    }
  }
  return problems;
}
