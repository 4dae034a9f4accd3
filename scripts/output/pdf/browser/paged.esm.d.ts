/**
 * The part of Paged.js 0.4.3 (its ES module build, `dist/paged.esm.js`, served beside render.js)
 * that render.ts uses. The package ships no types; these follow its sources (src/chunker/,
 * src/modules/handler.js, src/polyfill/previewer.js).
 */

/** One laid-out page (src/chunker/page.js). */
export interface PagedPage {
  element: HTMLElement;
  /** Its position in the book, from 0. */
  position: number;
  /** The page's content wrapper; the source index (`indexOfRefs`) hangs on it while it is laid out. */
  wrapper?: HTMLElement & { indexOfRefs?: Record<string, Element> };
  startToken?: unknown;
  endToken?: unknown;
  layoutMethod?: unknown;
  removeListeners(): void;
}

/** The queue that drives the layout, one tick per page (src/utils/queue.js). */
export interface PagedQueue {
  tick: (callback: () => void) => void;
}

/** Cuts the flow into pages (src/chunker/chunker.js). */
export interface Chunker {
  pages: PagedPage[];
  pagesArea: HTMLElement;
  q: PagedQueue;
  source?: unknown;
  content?: unknown;
  breakToken?: unknown;
}

/** What `Previewer.preview()` resolves to. */
export interface Flow {
  total: number;
}

/** Base class of the layout's event handlers: a method named after a hook is called on it. */
export class Handler {
  constructor(chunker: Chunker, polisher: unknown, caller: Previewer);
  chunker: Chunker;
  polisher: unknown;
  caller: Previewer;
}

export class Previewer {
  /** `maxChars`: characters put on a page between two measures of its overflow (Paged.js's settings). */
  constructor(options?: { hyphenGlyph?: string; maxChars?: number });
  chunker: Chunker;
  preview(content: DocumentFragment, stylesheets: string[], renderTo: HTMLElement): Promise<Flow>;
}

export function registerHandlers(...handlers: Array<new (chunker: Chunker, polisher: unknown, caller: Previewer) => Handler>): void;
