/**
 * The print HTML: one document holding the whole book, laid out into pages by Paged.js. Built as a
 * hast tree from the shared chapter rendering (`book.chapters[i].hast`, cloned: the other editions
 * read the same trees) plus what print alone needs:
 *   1. block numbers (render/blocks.ts) first, so that they are the EPUB's;
 *   2. notes moved to their calls (footnotes.ts);
 *   3. names marked for the index (name-index.ts); links inside the book followed by the page of
 *      their target (page-refs.ts);
 *   4. soft hyphens (hyphenate.ts), in print only;
 *   5. characters the type lacks replaced by ones it has (glyphs.ts).
 * Pure: the book (and the names registry, read by the caller) in, a tree out.
 */
import { h } from 'hastscript';
import type { Root, Element, ElementContent } from 'hast';
import type { Position } from 'unist';
import { visit } from '../../tree/visit.ts';
import type { Book, Chapter } from '../../model/index.ts';
import type { Person } from '../../manuscript/names.ts';
import { numberBlocks } from '../../render/blocks.ts';
import { rewriteInternalLinks } from '../../render/links.ts';
import {
  chapterSectionId,
  copyrightPage,
  halfTitle,
  indexOfNames,
  partPage,
  tableOfContents,
  titlePage,
  type IndexEntry,
} from './pages.ts';
import { notesAtCalls } from './footnotes.ts';
import { hyphenate } from './hyphenate.ts';
import { printableGlyphs } from './glyphs.ts';
import { markNames, registryEntries, taggedNameEntries } from './name-index.ts';
import { addPageReferences } from './page-refs.ts';
import { printApparatus } from './apparatus.ts';
import { cloneTree } from '../../tree/clone.ts';

export interface PrintDocumentOptions {
  /** The names registry, when book.yaml names one. */
  persons?: Person[];
  /** Stylesheets for Paged.js, in order, as URLs relative to the document. */
  stylesheets: string[];
  /** The module that runs Paged.js, relative to the document. */
  script: string;
}

export interface BlockSource {
  chapter: Chapter;
  position?: Position;
}

export interface PrintDocument {
  tree: Root;
  /** Where each block comes from, to point build messages at the manuscript. */
  blocks: Map<string, BlockSource>;
  /** Number of notes set at the foot of pages. */
  notes: number;
  /** Number of entries in the index of names. */
  indexEntries: number;
}

/** A chapter's tree prepared for print, and the places of its blocks. */
function printChapter(book: Book, chapter: Chapter, blocks: Map<string, BlockSource>, pageTargets: Set<string>): { tree: Root; notes: number } {
  const tree = cloneTree(chapter.hast);
  // One document: `chapitre.md#id` is `#id`, `chapitre.md` the chapter's division (render/links.ts).
  rewriteInternalLinks(tree, book, chapter, { page: () => '', chapterAnchor: chapterSectionId });
  // Links inside the book get the page of their target: « figure 3, p. 36 » (page-refs.ts).
  for (const id of addPageReferences(tree, book.labels.figures)) pageTargets.add(id);
  numberBlocks(tree, chapter.id);
  visit(tree, 'element', (node: Element) => {
    const id = node.properties.dataBlock;
    if (typeof id === 'string') blocks.set(id, { chapter, position: node.position });
  });
  printApparatus(tree);
  const { placed } = notesAtCalls(tree);
  return { tree, notes: placed.length };
}

export function buildPrintDocument(book: Book, options: PrintDocumentOptions): PrintDocument {
  const { meta } = book;
  const blocks = new Map<string, BlockSource>();
  let notes = 0;
  const pageTargets = new Set<string>();
  const prepared = book.chapters.map((chapter) => {
    const result = printChapter(book, chapter, blocks, pageTargets);
    notes += result.notes;
    return { chapter, tree: result.tree, lang: chapter.lang };
  });

  let entries: IndexEntry[];
  if (options.persons) {
    const marks = markNames(prepared, options.persons);
    entries = registryEntries(options.persons, marks, meta.language);
  } else {
    entries = taggedNameEntries(prepared, meta.language);
  }
  for (const { tree, lang } of prepared) hyphenate(tree, { lang });

  // Where book.yaml's `contents.back` puts it (scripts/apparatus): before that chapter, or last.
  const namesIndexBefore = book.backSlots?.['names-index'];
  const placedBefore = namesIndexBefore !== undefined && namesIndexBefore < book.chapters.length ? namesIndexBefore : undefined;
  const back = entries.length ? [{ id: 'index-of-names', title: book.labels.print.indexOfNames, before: placedBefore }] : [];

  // Folios restart at 1 on the first division of the main matter.
  const firstMain = book.chapters.find((c) => c.source.matter === 'body') ?? book.chapters.find((c) => c.source.matter === 'back');
  const body: ElementContent[] = [halfTitle(book), titlePage(book), copyrightPage(book), tableOfContents(book, { back })];
  const addChapter = (index: number) => {
    if (index === placedBefore && entries.length) body.push(indexOfNames(book, entries));
    const { chapter, tree } = prepared[index];
    const restart = chapter === firstMain;
    // A part's page restarts the folios when its first chapter would.
    const opensPart = chapter.source.part !== undefined && restart;
    const h1 = tree.children.find((node): node is Element => node.type === 'element' && node.tagName === 'h1');
    body.push(
      h(
        'section',
        {
          className: ['chapter', `matter-${chapter.source.matter}`],
          id: chapterSectionId(chapter),
          dataSection: chapter.id,
          dataPageTarget: '',
          dataRunningHead: chapter.title,
          ...(restart && !opensPart ? { dataFolioRestart: '' } : {}),
          lang: chapter.lang !== meta.language ? chapter.lang : undefined,
          role: chapter.source.matter === 'body' ? 'doc-chapter' : undefined,
          ariaLabelledBy: typeof h1?.properties.id === 'string' ? h1.properties.id : undefined,
        },
        tree.children as ElementContent[],
      ),
    );
  };
  for (const line of book.outline) {
    if (line.type === 'chapter') {
      addChapter(line.chapter);
      continue;
    }
    body.push(partPage(book, line, { folioRestart: book.chapters[line.chapters[0]] === firstMain }));
    line.chapters.forEach(addChapter);
  }
  if (entries.length && placedBefore === undefined) body.push(indexOfNames(book, entries));

  const content = h('body', body);
  // The elements whose page a link prints (page-refs.ts) are page targets for the page handler.
  if (pageTargets.size > 0) {
    visit(content, 'element', (node: Element) => {
      const id = node.properties.id;
      if (typeof id === 'string' && pageTargets.has(id) && node.properties.dataPageTarget === undefined) node.properties.dataPageTarget = '';
    });
  }
  printableGlyphs(content);
  const authors = [...meta.authors, ...meta.editors];
  const tree: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: meta.language }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('title', book.typeset.title),
          ...(authors.length ? [h('meta', { name: 'author', content: authors.join(', ') })] : []),
          h('meta', { name: 'generator', content: 'book (unified, rehype, Paged.js)' }),
          // Not applied by the browser (media never matches): Paged.js reads and applies them.
          ...options.stylesheets.map((href) => h('link', { rel: 'stylesheet', href, media: 'paged', dataPaged: '' })),
          h('script', { type: 'module', src: options.script }),
        ]),
        content,
      ]),
    ],
  };
  return { tree, blocks, notes, indexEntries: entries.length };
}
