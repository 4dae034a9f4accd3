/**
 * The search box of the HTML edition, in the reader's browser: `assets/search/search.js`, this file
 * and text.ts bundled by esbuild at build time (index.ts). It is the edition's only script.
 *
 * Made to work from the files themselves (file://), where a browser refuses fetch() and JavaScript
 * modules: the passages come in a classic script, `assets/search/index.js`, added to the page the
 * first time the reader types, which hands them over through `window.bookSearchData`. Results are
 * written with the DOM (textContent, never HTML): the passages are the author's text.
 */
import { stemmerFor, tokenize, type Token } from './text.ts';

/** What index.js holds (index.ts writes it). */
interface SearchData {
  lang: string;
  /** [file name, title] of each page. */
  pages: Array<[string, string]>;
  /** [page index, element id, text] of each passage, in reading order. */
  passages: Array<[number, string, string]>;
}

interface Passage {
  page: number;
  id: string;
  text: string;
  tokens: Token[];
}

declare global {
  interface Window {
    bookSearchData?: SearchData;
  }
}

const maxResults = 30;

function setUp(box: HTMLElement): void {
  const input = box.querySelector('input');
  const status = box.querySelector<HTMLElement>('[data-search-status]');
  const list = box.querySelector<HTMLOListElement>('ol');
  if (!input || !status || !list) return;
  box.hidden = false;

  let index: { data: SearchData; passages: Passage[]; terms: Map<string, Set<number>>; stem: (w: string) => string } | undefined;
  let loading: Promise<void> | undefined;

  const load = () =>
    (loading ??= new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = box.dataset.index ?? 'assets/search/index.js';
      script.onload = () => {
        const data = window.bookSearchData;
        if (!data) return reject(new Error('no search data'));
        const stem = stemmerFor(data.lang);
        const passages = data.passages.map(([page, id, text]) => ({ page, id, text, tokens: tokenize(text, stem) }));
        const terms = new Map<string, Set<number>>();
        passages.forEach((passage, n) => {
          for (const token of passage.tokens) {
            let set = terms.get(token.term);
            if (!set) terms.set(token.term, (set = new Set()));
            set.add(n);
          }
        });
        index = { data, passages, terms, stem };
        resolve();
      };
      script.onerror = () => reject(new Error('search data not loaded'));
      document.head.append(script);
    }));

  /** The terms a query word matches: itself, and, for the word being typed (the last), every term it begins. */
  const matching = (term: string, isLast: boolean): Set<string> => {
    const found = new Set<string>();
    if (!index) return found;
    if (index.terms.has(term)) found.add(term);
    if (isLast) for (const known of index.terms.keys()) if (known.startsWith(term)) found.add(known);
    return found;
  };

  const excerpt = (passage: Passage, wanted: Set<string>): Node[] => {
    const hits = passage.tokens.filter((token) => wanted.has(token.term));
    const first = hits[0]?.start ?? 0;
    let from = Math.max(0, first - 60);
    let to = Math.min(passage.text.length, first + 140);
    if (from > 0) from = passage.text.indexOf(' ', from) + 1 || from;
    if (to < passage.text.length) to = passage.text.lastIndexOf(' ', to) > first ? passage.text.lastIndexOf(' ', to) : to;
    const nodes: Node[] = [];
    if (from > 0) nodes.push(document.createTextNode('… '));
    let at = from;
    for (const hit of hits) {
      if (hit.start < at || hit.end > to) continue;
      nodes.push(document.createTextNode(passage.text.slice(at, hit.start)));
      const mark = document.createElement('mark');
      mark.textContent = passage.text.slice(hit.start, hit.end);
      nodes.push(mark);
      at = hit.end;
    }
    nodes.push(document.createTextNode(passage.text.slice(at, to)));
    if (to < passage.text.length) nodes.push(document.createTextNode(' …'));
    return nodes;
  };

  const show = () => {
    list.replaceChildren();
    const query = input.value;
    if (!index || query.trim() === '') {
      status.textContent = '';
      return;
    }
    const words = tokenize(query, index.stem).map((token) => token.term);
    if (words.length === 0) {
      status.textContent = '';
      return;
    }
    // Every word must be found in the passage; the last may be unfinished.
    const sets = words.map((word, i) => matching(word, i === words.length - 1 && !/\s$/.test(query)));
    const wanted = new Set(sets.flatMap((set) => [...set]));
    let found: number[] | undefined;
    for (const set of sets) {
      const passages = new Set<number>();
      for (const term of set) for (const n of index.terms.get(term) ?? []) passages.add(n);
      found = found ? found.filter((n) => passages.has(n)) : [...passages].sort((a, b) => a - b);
    }
    const results = found ?? [];
    status.textContent = results.length === 0 ? (box.dataset.none ?? '') : (results.length === 1 ? (box.dataset.one ?? '') : (box.dataset.many ?? '')).replace('{n}', String(results.length));
    for (const n of results.slice(0, maxResults)) {
      const passage = index.passages[n];
      const [file, title] = index.data.pages[passage.page];
      const link = document.createElement('a');
      link.href = `${file}#${encodeURIComponent(passage.id)}`;
      const heading = document.createElement('span');
      heading.className = 'search-result-title';
      heading.textContent = title;
      const text = document.createElement('span');
      text.className = 'search-result-text';
      text.append(...excerpt(passage, wanted));
      link.append(heading, text);
      const item = document.createElement('li');
      item.append(link);
      list.append(item);
    }
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      load().then(show, () => {
        status.textContent = box.dataset.unavailable ?? '';
      });
    }, 80);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      input.value = '';
      show();
    } else if (event.key === 'Enter') {
      // Enter goes to the first result, as in a search field of a browser's own pages.
      list.querySelector('a')?.click();
    }
  });
}

for (const box of document.querySelectorAll<HTMLElement>('[data-book-search]')) setUp(box);
