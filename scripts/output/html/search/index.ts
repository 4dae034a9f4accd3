/**
 * Search in the HTML edition, working from the files alone (file://, no server, no network): a
 * search box on every page, and two files of our build in `assets/search/`:
 * - `search.js`, the only script of the edition: browser.ts and text.ts bundled by esbuild (nothing
 *   of the manuscript in it; tests/support/unsafe.ts allows this one file by its path and bytes);
 * - `index.js`, the book's passages as data (`window.bookSearchData = {…}`, JSON), loaded by
 *   search.js the first time the reader types.
 * Pagefind, the usual choice, needs fetch() and WebAssembly, which browsers refuse to pages opened
 * from files; the book is small enough (a few hundred passages) for the browser to read all of it.
 *
 * A passage is a paragraph, a heading, a list item, a cell, a caption of the page's `main`; a result
 * links to it by its id, given here to passages that have none (`search-N`, unused in the page).
 * README.md (The HTML edition) explains the design.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { h } from 'hastscript';
import type { Element, ElementContent, Root, RootContent } from 'hast';
import type { Labels } from '../../../i18n/labels.ts';
import { cachedFile, hashOf } from '../../../cache.ts';
import { withEsbuild } from '../../../esbuild.ts';

export const searchScriptPath = 'assets/search/search.js';
export const searchDataPath = 'assets/search/index.js';

const browserSource = fileURLToPath(new URL('./browser.ts', import.meta.url));
let bundle: Promise<string> | undefined;

/**
 * search.js: browser.ts with text.ts, one classic script (IIFE: modules do not load from file://).
 * esbuild's output is the same for the same sources and version; starting it costs a quarter of a
 * second, so the script is kept in node_modules/.cache/book/search/, named by a hash of those.
 */
export function searchScript(): Promise<string> {
  bundle ??= (async () => {
    const require = createRequire(import.meta.url);
    const sources = await Promise.all(['browser.ts', 'text.ts'].map((name) => readFile(path.join(path.dirname(browserSource), name), 'utf8')));
    const version = (require('esbuild/package.json') as { version: string }).version;
    const key = hashOf(version, ...sources);
    const code = await cachedFile('search', `${key}.js`, async () => {
      const result = await withEsbuild(({ build }) => build({
        entryPoints: [browserSource],
        bundle: true,
        format: 'iife',
        target: 'es2020',
        write: false,
        legalComments: 'none',
        charset: 'utf8',
        logLevel: 'silent',
      }));
      // The bundle names our source files in comments; keep paths relative, the same on every machine.
      return Buffer.from(`/* Search of the HTML edition (scripts/output/html/search/browser.ts). */\n${result.outputFiles[0].text.replaceAll(path.dirname(browserSource), '.')}`);
    });
    return code.toString('utf8');
  })();
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

/** Elements whose text is a passage (when they hold no other passage). */
const passageTags = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dt', 'dd', 'td', 'th', 'figcaption', 'caption', 'blockquote']);

/** Note calls and the notes' links back: numbers that would stick to the word before them (`mot12`). */
const notText = new Set(['doc-noteref', 'doc-backlink']);

const textOf = (node: RootContent | ElementContent): string =>
  node.type === 'text'
    ? node.value
    : node.type === 'element' && !notText.has(String(node.properties.role))
      ? node.children.map(textOf).join('')
      : '';

const holdsPassage = (element: Element): boolean =>
  element.children.some((child) => child.type === 'element' && (passageTags.has(child.tagName) || holdsPassage(child)));

function idsOf(node: Root | Element, into: Set<string>): Set<string> {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    if (typeof child.properties.id === 'string') into.add(child.properties.id);
    idsOf(child, into);
  }
  return into;
}

function findElement(node: Root | Element, test: (element: Element) => boolean): Element | undefined {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    if (test(child)) return child;
    const found = findElement(child, test);
    if (found) return found;
  }
  return undefined;
}

/** What the build gathers, page by page, for index.js. */
export class SearchIndex {
  readonly pages: Array<[string, string]> = [];
  readonly passages: Array<[number, string, string]> = [];

  constructor(
    readonly lang: string,
    readonly labels: Labels,
  ) {}

  /**
   * Read the passages of a page (its `main`; the title page's table of contents is left out: it
   * only repeats the chapters' titles), give an id to those without, and add the search box.
   */
  addPage(page: Root, name: string, title: string): void {
    const main = findElement(page, (element) => element.tagName === 'main');
    const pageIndex = this.pages.push([name, title]) - 1;
    if (main && name !== 'index.html') {
      const used = idsOf(page, new Set());
      let next = 1;
      const walk = (element: Element) => {
        for (const child of element.children) {
          if (child.type !== 'element') continue;
          if (passageTags.has(child.tagName) && !holdsPassage(child)) {
            const text = textOf(child).replace(/\s+/g, ' ').trim();
            if (!text) continue;
            let id = typeof child.properties.id === 'string' ? child.properties.id : undefined;
            if (!id) {
              while (used.has(`search-${next}`)) next++;
              id = `search-${next++}`;
              used.add(id);
              child.properties.id = id;
            }
            this.passages.push([pageIndex, id, text]);
          } else walk(child);
        }
      };
      walk(main);
    }
    this.addBox(page);
  }

  /** A page kept from an earlier build (../page-cache.ts): its passages as `addPage` read them, its box already in it. */
  addKeptPage(name: string, title: string, passages: ReadonlyArray<readonly [string, string]>): void {
    const pageIndex = this.pages.push([name, title]) - 1;
    for (const [id, text] of passages) this.passages.push([pageIndex, id, text]);
  }

  /** The box, hidden until search.js shows it (without scripts it would do nothing), and the script. */
  private addBox(page: Root): void {
    const labels = this.labels.search;
    const head = findElement(page, (element) => element.tagName === 'head');
    const body = findElement(page, (element) => element.tagName === 'body');
    if (!head || !body) return;
    head.children.push(h('script', { src: searchScriptPath, defer: true }));
    const box = h(
      'div',
      {
        className: ['book-search'],
        role: 'search',
        hidden: true,
        dataBookSearch: '',
        dataIndex: searchDataPath,
        dataNone: labels.none,
        dataOne: labels.one,
        dataMany: labels.many,
        dataUnavailable: labels.unavailable,
      },
      [
        h('input', { type: 'search', id: 'book-search-input', className: ['book-search-input'], ariaLabel: labels.label, placeholder: labels.placeholder, autoComplete: 'off', spellCheck: 'false' }),
        h('p', { className: ['book-search-status'], dataSearchStatus: '', ariaLive: 'polite' }),
        h('ol', { className: ['book-search-results'] }),
      ],
    );
    // After the skip link, before the page's header: the first thing after it in tab order.
    const skip = body.children.findIndex((child) => child.type === 'element' && (child.properties.className as string[] | undefined)?.includes('skip-link'));
    body.children.splice(skip + 1, 0, box);
  }

  /** The words the box shows, for the fonts' subsets. */
  get boxText(): string {
    return Object.values(this.labels.search).join(' ');
  }

  /** `window.bookSearchData = {…};` — JSON, which is also a JavaScript expression; only data. */
  data(): string {
    const json = JSON.stringify({ lang: this.lang, pages: this.pages, passages: this.passages });
    return `window.bookSearchData = ${json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')};\n`;
  }

  async write(dir: string): Promise<void> {
    await mkdir(path.join(dir, 'assets', 'search'), { recursive: true });
    await writeFile(path.join(dir, searchScriptPath), await searchScript());
    await writeFile(path.join(dir, searchDataPath), this.data());
  }
}
