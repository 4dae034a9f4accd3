/**
 * The words the tool prints around the author's text, in one language: one object per language
 * (fr.ts, en.ts), chosen by the book's language tag (index.ts). Every edition, the proofs and the
 * diff take their words from here; none tests the language itself.
 */
import type { MapDrawingLabels } from '../maps/draw.ts';

/** The words every edition prints: the chapter rendering, the web pages, the EPUB and the print pages. */
export interface Labels {
  contents: string;
  notes: string;
  noteBacklink: (n: number) => string;
  noteCall: (n: number) => string;
  previous: string;
  next: string;
  testimony: string;
  document: string;
  todo: string;
  originalLanguage: string;
  translatedBy: string;
  archive: string;
  shelfmark: string;
  source: string;
  underTheDirectionOf: string;
  bibliography: string;
  chapterNavigation: string;
  skipToContent: string;
  front: string;
  back: string;
  /** What goes before a colon: a no-break space in French (Imprimerie nationale), nothing in English. */
  beforeColon: string;
  /** The status line of a draft's title page (web, EPUB). */
  workingDraft: string;
  epub: EpubLabels;
  print: PrintLabels;
  proof: ProofLabels;
  diff: DiffLabels;
  /**
   * Where a note call stands against the punctuation that follows it: before in French
   * (« texte¹. », Imprimerie nationale), after in English (“text.¹”, Chicago Manual 14.26). As
   * pandoc's `notes-after-punctuation`, which book.yaml may set for the whole book.
   */
  notesAfterPunctuation: boolean;
  figures: FigureLabels;
  search: SearchLabels;
  /** The titles and words of the scholarly apparatus (scripts/apparatus/): glossary, index of places, notes. */
  apparatus: ApparatusLabels;
  /** The words of `::map` drawings (scripts/maps/draw.ts): text alternative, coordinates, scale. */
  map: MapDrawingLabels;
}

/** Figures, tables and cross-references (scripts/crossref): numbered per book. */
export interface FigureLabels {
  /** Under a figure, before its caption: `Figure 3`. */
  figure: (n: number) => string;
  /** Over a table, before its caption: `Tableau 2`, `Table 2`. */
  table: (n: number) => string;
  /** Between that label and the caption. */
  captionSeparator: string;
  /** A cross-reference in the running text: `figure 3`, `tableau 2` (capitalised on request). */
  figureRef: (n: number) => string;
  tableRef: (n: number) => string;
  /** The list of illustrations in the back matter. */
  illustrations: string;
  /** In print, after a reference to a figure or a table, before the folio: `, p. ` (figure 3, p. 36). */
  pageAfter: string;
  /** In print, after a link to a section or another place: ` (voir p. ` … `)`. */
  seePageBefore: string;
  seePageAfter: string;
}

/** The words of the EPUB's own pages and package. */
export interface EpubLabels {
  landmarks: string;
  pageList: string;
  cover: string;
  titlePage: string;
  start: string;
  /** `Partie IV`, `Part IV`. */
  part: (n: number) => string;
  /** The cover image's text alternative. */
  coverAlt: (title: string, subtitle: string | undefined, editors: string[]) => string;
  /** The accessibility summary (EPUB Accessibility 1.1 §5), with or without the print edition's page numbers. */
  accessibilitySummary: (paged: boolean) => string;
  /** What the page-break source is, after the book's title, publisher and date. */
  printEdition: string;
}

/** The words of the scholarly apparatus, in every edition (scripts/apparatus/). */
export interface ApparatusLabels {
  glossary: string;
  placesIndex: string;
  biographies: string;
  abbreviations: string;
  /** Before the places (pages in print, chapters elsewhere) where a person of a biographical note is named. */
  mentions: string;
}

/** The words only the printed book prints. */
export interface PrintLabels {
  indexOfNames: string;
  /** `Première partie`, `Part One`. */
  partLabel: (n: number) => string;
  /** The colophon's line on the type: the family book.yaml chooses and its licence when known. */
  typeset: (family: string, licence?: string) => string;
  draft: string;
  isbn: string;
  publishedBy: string;
  rights: string;
}

/** The words of the proofs (scripts/proof). */
export interface ProofLabels {
  watermark: string;
  proof: string;
  status: { draft: string; release: string };
  source: string;
  uncommitted: string;
  committed: string;
  unversioned: string;
  noCommit: string;
  line: string;
  paragraph: string;
  messages: string;
  noMessage: string;
  unplaced: string;
  bookMessages: string;
  chapterMessages: (n: number) => string;
  severity: Record<'error' | 'warning' | 'info', string>;
  pdf: string;
  howTo: string;
  comment: string;
}

export interface NoteCounts {
  before: number;
  after: number;
  added: number;
  removed: number;
  modified: number;
}

/** The words of `book diff` (scripts/diff). */
/** The HTML edition's search box (scripts/output/html/search/). `{n}` stands for the number of passages. */
export interface SearchLabels {
  /** The box's accessible name. */
  label: string;
  placeholder: string;
  none: string;
  one: string;
  many: string;
  /** When the passages cannot be loaded. */
  unavailable: string;
}

export interface DiffLabels {
  title: string;
  between: (a: string, b: string) => string;
  workingTree: string;
  status: { added: string; removed: string; modified: string; unchanged: string };
  chapter: string;
  state: string;
  words: string;
  notes: string;
  citations: string;
  unchanged: (n: number) => string;
  noChange: string;
  wordCounts: (inserted: number, deleted: number) => string;
  noteCounts: (counts: NoteCounts) => string;
  changes: string;
  note: string;
  renumbered: (before: number) => string;
  summaryLink: string;
  file: string;
}

/** `IV` for 4: the numbering of the EPUB's part pages. */
export function romanNumeral(n: number): string {
  const table: Array<[number, string]> = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let rest = n;
  let out = '';
  for (const [value, letters] of table) {
    while (rest >= value) {
      out += letters;
      rest -= value;
    }
  }
  return out;
}
