/**
 * The document model's own mdast nodes, beside CommonMark, GFM and directives:
 * `span` (Pandoc bracketed span with attributes) and `cite` (a Pandoc citation group).
 */
import type { PhrasingContent, Data } from 'mdast';

export interface CitationItem {
  key: string;
  /** Text before the key (`voir` in `[voir @a]`). */
  prefix: string;
  /**
   * Everything after the key, as pandoc keeps it (`, p. 33 et passim`, ` p. 44`): the citation
   * stage reads the locator out of it with the locale's terms (scripts/citations/locator.ts).
   */
  suffix: string;
  /** `[-@key]`: the author's name is suppressed. */
  suppressAuthor: boolean;
  /** `@key` in running text (author in text); only the first item of a citation can be. */
  authorInText: boolean;
}

export interface SpanData extends Data {
  hName?: string;
  hProperties?: Record<string, string | string[]>;
}

export interface Span {
  type: 'span';
  children: PhrasingContent[];
  data?: SpanData;
  position?: import('unist').Position;
}

export interface Cite {
  type: 'cite';
  /** The source text of the citation, kept for messages and for proofs. */
  value: string;
  citations: CitationItem[];
  data?: Data;
  position?: import('unist').Position;
}

declare module 'mdast' {
  interface PhrasingContentMap {
    span: Span;
    cite: Cite;
  }
  interface RootContentMap {
    span: Span;
    cite: Cite;
  }
}
