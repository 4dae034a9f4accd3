/**
 * The document model's own mdast nodes, beside CommonMark, GFM and directives:
 * `span` (Pandoc bracketed span with attributes) and `cite` (a Pandoc citation group).
 */
import type { PhrasingContent, Data } from 'mdast';

export interface CitationItem {
  key: string;
  /** Text before the key (`voir` in `[voir @a]`). */
  prefix: string;
  /** Text after the key and locator. */
  suffix: string;
  /** CSL locator label (`page`, `chapter`, `folio`…), when a locator was given. */
  label?: string;
  /** The locator itself (`12`, `33-35`). */
  locator?: string;
  /** The label as the author typed it (`p.`, `chap.`), for messages. */
  labelAsTyped?: string;
  /** `[-@key]`: the author's name is suppressed. */
  suppressAuthor: boolean;
  /** `@key` in running text (author in text). */
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
