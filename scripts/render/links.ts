/**
 * Links inside the book, as the manuscript writes them: `#id` (in this chapter) and
 * `chapitre.md#id` or `chapitre.md` (another chapter, relative to this one's folder). Each edition
 * turns them into its own addresses (a page, an XHTML file, or the one print document) through
 * `rewriteInternalLinks`; `link-broken-anchor` resolves them the same way.
 *
 * The fragment names what the author meant in that chapter: when its element carries another id in
 * the editions (render/ids.ts, to keep ids unique in the book), the link follows it.
 */
import path from 'node:path';
import type { Root, Element } from 'hast';
import { visit } from '../tree/visit.ts';
import type { Book, Chapter } from '../model/index.ts';
import { decodePercent, filePathOfUrl, isExternalUrl } from '../manuscript/inside.ts';

interface ChapterFiles {
  byPath: Map<string, Chapter>;
  byName: Map<string, Chapter>;
}

const filesOf = new WeakMap<readonly Chapter[], ChapterFiles>();

function chapterFiles(book: Book): ChapterFiles {
  let files = filesOf.get(book.chapters);
  if (files) return files;
  files = { byPath: new Map(), byName: new Map() };
  for (const chapter of book.chapters) {
    // The bibliography the build makes is no file of the manuscript: no link names it. The
    // apparatus's chapters are named by their registry (`glossaire.yaml#gl-terme`: scripts/apparatus);
    // the list of abbreviations shares the glossary's file and yields to it.
    if (chapter.source.generated === 'bibliography' || chapter.source.generated === 'abbreviations') continue;
    files.byPath.set(chapter.source.path, chapter);
    const name = path.basename(chapter.source.path);
    if (!files.byName.has(name)) files.byName.set(name, chapter);
  }
  filesOf.set(book.chapters, files);
  return files;
}

/**
 * The chapter that the path part of a link written in chapter `from` names: '' is `from` itself; a
 * path is read from `from`'s folder, and when no chapter is there, by its file name alone (the
 * first chapter of that name, in book order), as links were read before chapters could be in folders.
 */
export function linkedChapter(book: Book, from: Chapter, target: string): Chapter | undefined {
  if (target === '') return from;
  const file = filePathOfUrl(target);
  if (file === '') return undefined;
  const files = chapterFiles(book);
  return files.byPath.get(path.resolve(path.dirname(from.source.path), file)) ?? files.byName.get(path.basename(file));
}

const entriesOf = new WeakMap<readonly Chapter[], Map<string, Chapter>>();

/** The chapter whose bibliography holds the entry `ref-KEY` (its first `::bibliography`, or the generated one). */
function bibliographyEntryChapter(book: Book, id: string): Chapter | undefined {
  if (!id.startsWith('ref-')) return undefined;
  let entries = entriesOf.get(book.chapters);
  if (!entries) {
    entries = new Map();
    for (const chapter of book.chapters) {
      visit(chapter.hast, 'element', (node: Element) => {
        const className = node.properties.className;
        const isEntry = Array.isArray(className) && className.includes('csl-entry');
        if (isEntry && typeof node.properties.id === 'string' && !entries!.has(node.properties.id)) entries!.set(node.properties.id, chapter);
      });
    }
    entriesOf.set(book.chapters, entries);
  }
  return entries.get(id);
}

export interface LinkAddresses {
  /** The address of `chapter`'s page in this edition ('' for one document holding them all). */
  page: (chapter: Chapter) => string;
  /** For an edition of one document: the id a link to a whole chapter goes to. */
  chapterAnchor?: (chapter: Chapter) => string;
}

/**
 * Point the internal links of `tree` (chapter `from`'s content, in an edition) at that edition's
 * addresses. Links to nothing the book has are left as written (link-broken-anchor reports them).
 */
export function rewriteInternalLinks(tree: Root, book: Book, from: Chapter, addresses: LinkAddresses): void {
  visit(tree, 'element', (node: Element) => {
    if (node.tagName !== 'a') return;
    const href = node.properties.href;
    if (typeof href !== 'string') return;
    const rewritten = rewrittenHref(href, book, from, addresses);
    if (rewritten !== undefined) node.properties.href = rewritten;
  });
}

/** What `rewriteInternalLinks` makes of one link's `href` in `from`; undefined: left as it is. */
export function rewrittenHref(href: string, book: Book, from: Chapter, addresses: LinkAddresses): string | undefined {
  if (href === '' || isExternalUrl(href)) return undefined;
  const hash = href.indexOf('#');
  const target = hash < 0 ? href : href.slice(0, hash);
  let chapter = linkedChapter(book, from, target);
  if (!chapter) return undefined;
  // A citation linked to its bibliography entry (`link-citations`): the entry may be in another chapter.
  if (target === '' && hash >= 0) chapter = bibliographyEntryChapter(book, decodePercent(href.slice(hash + 1))) ?? chapter;
  // `#id` stays in its document; a path becomes the chapter's page.
  const page = target === '' && chapter === from ? '' : addresses.page(chapter);
  if (hash < 0) return page || `#${encodeURI(addresses.chapterAnchor?.(chapter) ?? chapter.id)}`;
  const written = href.slice(hash + 1);
  const renamed = chapter.ids?.anchors.get(decodePercent(written));
  return `${page}#${renamed === undefined ? written : encodeURI(renamed)}`;
}
