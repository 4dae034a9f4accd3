/**
 * The shared document model: what every edition is made from. Built once by `compileBook`, with
 * what every edition shares computed there once (scripts/model/): the outline, the metadata as
 * printed, the words of the book's language. Editions read the `Book`; none changes it.
 */
import type { Root as MdastRoot } from 'mdast';
import type { Root as HastRoot } from 'hast';
import type { VFile } from 'vfile';
import type { BookConfig } from '../config/book-schema.ts';
import type { Bibliography } from '../citations/types.ts';
import type { LocatorTerms } from '../citations/locator.ts';
import type { ChapterIdClaim, ChapterIds } from '../render/ids.ts';
import type { NamesRegistry } from '../manuscript/names.ts';
import type { BookFonts } from '../manuscript/fonts.ts';
import type { PlaceEntry } from '../manuscript/places.ts';
import type { Labels } from '../i18n/labels.ts';
import type { BackSlots } from '../apparatus/index.ts';

export type { PlaceEntry } from '../manuscript/places.ts';
export { placeById } from '../manuscript/places.ts';

export type Matter = 'front' | 'body' | 'back';

/**
 * The chapters the scholarly apparatus makes from the registries (scripts/apparatus/): the
 * glossary, the index of places, the biographical notes (back matter), the abbreviations (front).
 */
export type GeneratedChapterKind = 'glossary' | 'places-index' | 'biographies' | 'abbreviations';

export interface ChapterSource {
  /** Absolute path of the Markdown file. */
  path: string;
  matter: Matter;
  /** Index into `BookMeta.parts` for body chapters inside a part. */
  part?: number;
  /**
   * Set on a chapter the build makes itself: `bibliography` when no chapter has `::bibliography`
   * (its `path` is then the bibliography file it is made from); `illustrations`, the list of
   * illustrations when the book has figures (its `path` the chapter of the first: scripts/crossref).
   */
  generated?: 'bibliography' | 'illustrations' | GeneratedChapterKind;
}

export interface BookMeta {
  title: string;
  subtitle?: string;
  editors: string[];
  authors: string[];
  translators: string[];
  language: string;
  publisher?: string;
  rights?: string;
  date?: string;
  status: 'draft' | 'release';
  identifiers: { isbn?: string; uuid?: string };
  parts: Array<{ title: string; id: string }>;
  /** The validated book.yaml, or defaults for a plain folder of Markdown. */
  config: BookConfig;
  /** The book's type as book.yaml `fonts:` chose it (scripts/manuscript/fonts.ts); absent: EB Garamond. */
  fonts?: BookFonts;
}

export interface Chapter {
  /**
   * Stable id: front matter `id`, or the file name without extension made a page name; unique in
   * the book, and never a name the editions keep (render/ids.ts). Also the page name.
   */
  id: string;
  source: ChapterSource;
  file: VFile;
  /** Plain-text title (typography applied), for the TOC, running heads, navigation. */
  title: string;
  lang: string;
  /** The chapter after parsing (syntax only), kept for the checks. */
  mdast: MdastRoot;
  /** The rendered chapter (body content only, no page wrapper). */
  hast: HastRoot;
  /** Level-2 headings, for the table of contents. */
  sections: Array<{ id: string; title: string }>;
  /** Set when the chapter could not have the id it asked for: another chapter or the editions have it (render/ids.ts). */
  idClash?: ChapterIdClaim['clash'];
  /** The ids of its elements that the editions carry under another name, to keep every id unique in the book (render/ids.ts). */
  ids?: ChapterIds;
}

export interface Book {
  /** The manuscript folder. */
  root: string;
  meta: BookMeta;
  chapters: Chapter[];
  /** Every file that may carry messages: book.yaml, chapters, bibliographies. */
  files: VFile[];
  /** The bibliography files read for the citations, with their entries (scripts/citations). */
  bibliography?: Bibliography;
  /** The locator terms of the book's CSL locale: what in a citation's suffix is its locator (scripts/citations/locator.ts). */
  locatorTerms?: LocatorTerms;
  /**
   * The names registry book.yaml names (`names:`), read and validated when the book is loaded;
   * undefined when it names none or when the registry has errors (reported on its file).
   */
  names?: NamesRegistry;
  /**
   * The places registry book.yaml names (`places:`), in its order, each place with the line and
   * column of its entry in places.yaml (scripts/manuscript/places.ts); undefined when it names none
   * or when the registry has errors (reported on its file). `placeById` finds one.
   */
  places?: PlaceEntry[];
  /**
   * Where the print edition puts the back matter that is not a chapter (the index of names):
   * before that index of `chapters`, in the order of `contents.back` (scripts/apparatus).
   */
  backSlots?: BackSlots;
  /** Front matter, parts with their chapters, back matter, in book order (scripts/model/outline.ts). */
  outline: OutlineEntry[];
  /** The book's metadata as the editions print it (scripts/model/typeset.ts). */
  typeset: TypesetMeta;
  /** The words the editions print, in the book's language (scripts/i18n). */
  labels: Labels;
}

/**
 * One line of the outline: a chapter outside any part (front and back matter, or a body chapter
 * with no part), or a part with its chapters. Chapters are indices into `Book.chapters`, which the
 * live preview replaces one by one.
 */
export type OutlineEntry = { type: 'chapter'; chapter: number } | OutlinePart;

export interface OutlinePart {
  type: 'part';
  /** Index into `BookMeta.parts`. */
  part: number;
  id: string;
  /** Typeset like the book's metadata (scripts/model/typeset.ts). */
  title: string;
  chapters: number[];
}

/** Metadata as printed: the typography of the book's language applied once (title, subtitle, rights). */
export interface TypesetMeta {
  title: string;
  subtitle?: string;
  rights?: string;
}

/**
 * A page of the PDF, in order, with its printed folio and the block (see render/blocks.ts) at whose
 * start or inside which the page begins: the print edition returns them (its page map) and `build()`
 * gives them to the EPUB for its page list and page-break markers.
 */
export interface PrintPage {
  /** The folio as printed (`47`, `xi`), or the page's position for unnumbered pages. */
  label: string;
  chapterId: string;
  blockId: string;
}
