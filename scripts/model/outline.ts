/**
 * The book's outline, computed once at compile time (`book.outline`): front matter, parts with
 * their chapters, back matter, in book order. The web index, the EPUB navigation document, the print
 * table of contents and the PDF bookmarks each render it as their medium needs.
 */
import type { BookMeta, Chapter, OutlineEntry, OutlinePart } from './index.ts';
import { bookText } from './typeset.ts';

/** Consecutive chapters of the same part make one part entry; the others stand alone. */
export function bookOutline(chapters: Chapter[], meta: BookMeta): OutlineEntry[] {
  const entries: OutlineEntry[] = [];
  let current: OutlinePart | undefined;
  chapters.forEach((chapter, index) => {
    const part = chapter.source.part;
    if (part === undefined) {
      current = undefined;
      entries.push({ type: 'chapter', chapter: index });
      return;
    }
    if (current?.part !== part) {
      const { id, title } = meta.parts[part];
      current = { type: 'part', part, id, title: bookText(meta, title), chapters: [] };
      entries.push(current);
    }
    current.chapters.push(index);
  });
  return entries;
}

/**
 * A chapter's page in the HTML edition (and the proofs and the preview made from it). Its id is a
 * page name, unique in the book and never `index` (render/ids.ts): letters, digits, `-` and `_`
 * only, safe in a URL as it is.
 */
export const chapterHref = (chapter: Chapter) => `${chapter.id}.html`;

/** The part a chapter (by its index in `book.chapters`) belongs to, if any. */
export function partOf(outline: OutlineEntry[], chapter: number): OutlinePart | undefined {
  return outline.find((line): line is OutlinePart => line.type === 'part' && line.chapters.includes(chapter));
}
