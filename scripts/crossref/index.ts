/**
 * Figures, captioned tables and cross-references in pandoc-crossref's syntax (docs/manuscript-format.md):
 * the reader's steps (figure syntax in scripts/markdown/figure-syntax.ts, from-citations.ts), the
 * chapter rendering (render.ts), the book's numbering and links (resolve.ts), the list of
 * illustrations (illustrations.ts). The print edition adds page numbers (output/pdf/page-refs.ts).
 */
export { resolveCrossrefs, type FigureEntry, type CrossrefResult } from './resolve.ts';
export { illustrationsChapter, illustrationsId } from './illustrations.ts';
export { crossrefKindOf } from './from-citations.ts';
export type { Crossref, CrossrefItem, CrossrefKind, Figure, TableFigure } from './types.ts';
