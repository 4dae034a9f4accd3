/**
 * Pandoc citation syntax (pandoc manual, "Citation syntax"):
 *   [see @doe99, pp. 33-35; also @smith04, chap. 1]   [-@doe99]   @doe99 [p. 33]
 * Keys start with a letter, digit or `_` and may contain internal punctuation `:.#$%&-+?<>~/`;
 * `@{key}` allows any character but braces.
 */
import type { Cite, CitationItem } from './types.ts';

const keyBody = String.raw`[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*`;
/** A key with its `@`, optionally braced, optionally preceded by `-` (author suppressed). */
export const citationKeyPattern = String.raw`(-?)@(?:\{([^{}]+)\}|(${keyBody}))`;

/**
 * Locator labels as authors type them, French and English, mapped to CSL locator terms. Longest
 * first so that `pp.` wins over `p.`. CSL 1.0.2 appendix IV lists the locator terms.
 */
export const locatorLabels: ReadonlyArray<readonly [string, string]> = [
  ['pages', 'page'], ['page', 'page'], ['pp.', 'page'], ['p.', 'page'],
  ['chapitres', 'chapter'], ['chapitre', 'chapter'], ['chapters', 'chapter'], ['chapter', 'chapter'],
  ['chap.', 'chapter'], ['ch.', 'chapter'],
  ['folios', 'folio'], ['folio', 'folio'], ['fol.', 'folio'], ['fos', 'folio'], ['fo', 'folio'], ['ff.', 'folio'], ['f.', 'folio'],
  ['numéros', 'issue'], ['numéro', 'issue'], ['n°', 'issue'], ['nos', 'issue'], ['no.', 'issue'], ['num.', 'issue'],
  ['volumes', 'volume'], ['volume', 'volume'], ['vol.', 'volume'], ['vols.', 'volume'], ['t.', 'volume'], ['tome', 'volume'],
  ['sections', 'section'], ['section', 'section'], ['sect.', 'section'], ['sec.', 'section'], ['§§', 'section'], ['§', 'section'],
  ['paragraphes', 'paragraph'], ['paragraphe', 'paragraph'], ['para.', 'paragraph'], ['paragraph', 'paragraph'],
  ['lignes', 'line'], ['ligne', 'line'], ['line', 'line'], ['l.', 'line'],
  ['notes', 'note'], ['note', 'note'], ['n.', 'note'],
  ['figures', 'figure'], ['figure', 'figure'], ['fig.', 'figure'],
  ['colonnes', 'column'], ['col.', 'column'], ['column', 'column'],
  ['livre', 'book'], ['book', 'book'], ['bk.', 'book'],
  ['partie', 'part'], ['part', 'part'], ['pt.', 'part'],
  ['tableau', 'table'], ['table', 'table'], ['tab.', 'table'],
  ['art.', 'article-locator'], ['article', 'article-locator'],
  ['s.v.', 'sub-verbo'], ['sub verbo', 'sub-verbo'],
  ['vers', 'verse'], ['v.', 'verse'],
  ['op.', 'opus'], ['acte', 'act'], ['act', 'act'], ['scène', 'scene'], ['sc.', 'scene'],
];

const labelAlternatives = [...locatorLabels]
  .map(([typed]) => typed)
  .sort((a, b) => b.length - a.length)
  .map((typed) => typed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|');

/** `, p. 33-35 and passim`: label, value (digits, roman numerals, ranges, lists), rest. */
const locatorPattern = new RegExp(
  String.raw`^\s*(?:(${labelAlternatives})\s*)?((?:[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+)(?:\s*(?:[-–—,&]|et|and)\s*(?:[0-9]+[a-z]?|[ivxlcdmIVXLCDM]+))*)(?![\p{L}\p{N}])(.*)$`,
  'su',
);
/** A word ending in a dot that looks like a label we do not know (`sq.`, `tab.x`). */
const unknownLabelPattern = /^\s*([\p{L}§°]+\.?)\s*[0-9]/u;

export interface ParsedLocator {
  label?: string;
  labelAsTyped?: string;
  locator?: string;
  suffix: string;
}

/** Split what follows a key (`, p. 33, note 2` or ` passim`) into locator and suffix. */
export function parseLocator(afterKey: string): ParsedLocator {
  const comma = /^\s*,/.exec(afterKey);
  if (!comma) return { suffix: afterKey.trim() };
  const rest = afterKey.slice(comma[0].length);
  const match = locatorPattern.exec(rest);
  // A bare roman numeral without a label is more likely a word (`[@a, c'est dit]`) than a page.
  if (match && (match[1] || /^[0-9]/.test(match[2]))) {
    const [, typed, value, suffix] = match;
    const label = typed ? locatorLabels.find(([t]) => t === typed)?.[1] : 'page';
    return { label, labelAsTyped: typed, locator: value.trim(), suffix: (suffix ?? '').trim() };
  }
  const unknown = unknownLabelPattern.exec(rest);
  if (unknown) return { labelAsTyped: unknown[1], suffix: rest.trim() };
  return { suffix: rest.trim() };
}

/**
 * Parse the inside of a bracketed citation (`see @doe99, pp. 33-35; also @smith04`).
 * Returns undefined when an item has no key: then the brackets are not a citation.
 */
export function parseBracketedCitation(inner: string): CitationItem[] | undefined {
  const items: CitationItem[] = [];
  const keyAt = new RegExp(String.raw`(^|[\s\[(])${citationKeyPattern}`, 'u');
  for (const part of inner.split(';')) {
    const match = keyAt.exec(part);
    if (!match) return undefined;
    const [whole, lead, minus, braced, bare] = match;
    const prefix = part.slice(0, match.index + lead.length).trim();
    const after = part.slice(match.index + whole.length);
    items.push({
      key: braced ?? bare,
      prefix,
      suppressAuthor: minus === '-',
      authorInText: false,
      ...parseLocator(after),
    });
  }
  return items.length ? items : undefined;
}

/** `@key says…`: the author named in the running text. In a note style, every other citation is a note call. */
export const isAuthorInText = (cite: Cite): boolean => cite.citations.length > 0 && cite.citations.every((c) => c.authorInText);
