/**
 * The bibliography as the book reads it: every entry of every bibliography file with the place it
 * was read from, and what could not be read. The checks (scripts/check/rules/citations.ts) report
 * from this; the citation stage renders from it.
 */
import type { Point } from 'unist';
import type { VFile } from 'vfile';
import type { ElementContent } from 'hast';
import type { CslItem } from 'citeproc';

export type { CslItem } from 'citeproc';

export interface BibliographyEntry {
  id: string;
  /** The entry as CSL-JSON (BibTeX entries are converted on reading). */
  item: CslItem;
  /** The bibliography file the entry comes from. */
  file: VFile;
  /** Where the entry starts in that file (`{` in CSL-JSON, `@type{` in BibTeX). */
  place: Point;
  /** The entry's type as written in the file (`book`, `@incollection`…), for messages. */
  typeAsWritten: string;
}

export interface BibliographyProblem {
  /** The file that cannot be read, or book.yaml when the file named there does not exist. */
  file: VFile;
  reason: string;
  place?: Point;
  /** True when nothing of the file could be read (then citation keys cannot be checked). */
  unreadable: boolean;
}

export interface Bibliography {
  /** One VFile per bibliography file, for the messages about its entries. */
  files: VFile[];
  /** Every entry in file order, duplicates included (the `citation-duplicate-key` check needs them). */
  entries: BibliographyEntry[];
  /** The first entry of each id: the one citations use. */
  byId: Map<string, BibliographyEntry>;
  problems: BibliographyProblem[];
  /** Whether book.yaml or the command line names any bibliography file (or book.yaml or a chapter gives `references`). */
  configured: boolean;
  /** The keys `nocite` names (`*`: every entry): listed in the bibliography without being cited. */
  nocite?: string[];
}

/** What the citation stage leaves on a `cite` node for the chapter rendering. */
export interface RenderedCiteData {
  /** The citation as rendered by the style, ready for the chapter's hast. */
  rendered: ElementContent[];
}

/** What the citation stage leaves on a `::bibliography` node. */
export interface RenderedBibliographyData {
  entries: ElementContent[];
  /** CSL `hanging-indent` of the style's bibliography. */
  hangingIndent: boolean;
}
