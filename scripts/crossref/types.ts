/**
 * The reader's nodes for figures and cross-references (pandoc-crossref's syntax), beside those of
 * scripts/markdown/types.ts:
 *
 *   ![alt](carte.png "Légende"){#fig:carte credit="…"}   → figure (image, caption, credit)
 *   | … table … |  then  `: Légende {#tbl:effectifs}`     → tableFigure (caption, table)
 *   [@fig:carte]  [voir @sec:depart]  @tbl:effectifs     → crossref
 */
import type { Data, Image, Paragraph, Table } from 'mdast';
import type { Position } from 'unist';

/** What a label's prefix names: pandoc-crossref's `fig:`, `tbl:`, `sec:`, `eq:`. */
export type CrossrefKind = 'fig' | 'tbl' | 'sec' | 'eq';

export const crossrefKinds: readonly CrossrefKind[] = ['fig', 'tbl', 'sec', 'eq'];

export interface FigureData extends Data {
  /** The attribute list but `credit`: `#id`, `.class`, and any other, which sanitizing reports and drops. */
  hProperties?: { id?: string; className?: string[] } & Record<string, string | string[] | undefined>;
  /** `credit="…"`, as typed. */
  credit?: string;
}

/**
 * An image alone in its paragraph with an attribute list. Children: the image's paragraph, then
 * the caption (the image's title) and the credit as paragraphs, so that typography reaches them;
 * each may be empty.
 */
export interface Figure {
  type: 'figure';
  children: [image: Paragraph & { children: [Image] }, caption: Paragraph, credit: Paragraph];
  data?: FigureData;
  position?: Position;
}

/** A table with its caption paragraph (`: Légende {#tbl:x}`, before or after it). */
export interface TableFigure {
  type: 'tableFigure';
  children: [caption: Paragraph, table: Table];
  data?: { hProperties?: { id?: string } } & Data;
  position?: Position;
}

export interface CrossrefItem {
  /** The label as typed after `@` (`fig:carte`; `Fig:carte` asks for a capital). */
  key: string;
  kind: CrossrefKind;
  /** `Fig:`, `Sec:`: the label starts with a capital (pandoc-crossref's convention). */
  capital: boolean;
  /** `[-@fig:x]`: the number alone, without « figure ». */
  suppressLabel: boolean;
  prefix: string;
  suffix: string;
}

export interface Crossref {
  type: 'crossref';
  /** The source text, for messages and plain-text readers (mdast-util-to-string). */
  value: string;
  refs: CrossrefItem[];
  data?: Data;
  position?: Position;
}

declare module 'mdast' {
  interface PhrasingContentMap {
    crossref: Crossref;
  }
  interface BlockContentMap {
    figure: Figure;
    tableFigure: TableFigure;
  }
  interface RootContentMap {
    crossref: Crossref;
    figure: Figure;
    tableFigure: TableFigure;
  }
}
