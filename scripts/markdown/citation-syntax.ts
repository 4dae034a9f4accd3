/**
 * Pandoc citation syntax (pandoc manual, "Citation syntax"; the grammar of pandoc's Markdown
 * reader, `normalCite`, `textualCite`, `bareloc`):
 *   [see @doe99, pp. 33-35; also @smith04, chap. 1]   [-@doe99]   @doe99 [p. 33]
 *   @doe99 [-@roe01, p. 30; see also @smith04]  — author in text, then a bracketed list: one citation
 * Keys start with a letter, digit or `_` and may contain internal punctuation `:.#$%&-+?<>~/`;
 * `@{key}` allows any character but braces and spaces.
 *
 * Like pandoc's reader, this keeps everything after a key as its suffix (`, p. 33 et passim`, with
 * its comma or its leading space): which part of it is a locator depends on the locator terms of
 * the book's CSL locale, so the citation stage splits it (scripts/citations/locator.ts).
 */
import type { Cite, CitationItem } from './types.ts';

export const keyBody = String.raw`[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*`;
/** A key with its `@`, optionally braced, optionally preceded by `-` (author suppressed). */
export const citationKeyPattern = String.raw`(-?)@(?:\{([^{}\s]+)\}|(${keyBody}))`;

/** pandoc's `suffix`: trimmed, but a leading space is kept as one space (` p. 44` is not `, p. 44`). */
export function citationSuffix(text: string): string {
  const trimmed = text.trim();
  return trimmed !== '' && /^\s/u.test(text) ? ` ${trimmed}` : trimmed;
}

/**
 * Parse the inside of a bracketed citation (`see @doe99, pp. 33-35; also @smith04`).
 * Returns undefined when an item has no key: then the brackets are not a citation.
 */
export function parseBracketedCitation(inner: string): CitationItem[] | undefined {
  const items: CitationItem[] = [];
  const keyAt = new RegExp(String.raw`(^|[\s\[(\u00a0\u202f])${citationKeyPattern}`, 'u');
  for (const part of inner.split(';')) {
    const match = keyAt.exec(part);
    if (!match) return undefined;
    const [whole, lead, minus, braced, bare] = match;
    items.push({
      key: braced ?? bare,
      prefix: part.slice(0, match.index + lead.length).trim(),
      suppressAuthor: minus === '-',
      authorInText: false,
      suffix: citationSuffix(part.slice(match.index + whole.length)),
    });
  }
  return items.length ? items : undefined;
}

/** `@key` (or `-@key`) just before a bracket, with pandoc's `spnl` between: spaces and at most one line break. */
export const textualKeyBefore = new RegExp(String.raw`(^|[\s(\u00a0\u202f])${citationKeyPattern}[ \t\u00a0]*(?:\n[ \t]*)?$`, 'u');

/**
 * What follows `@key` between brackets (pandoc's `textualCite`): a list of citations
 * (`@a [-@b, p. 30; voir aussi @c]`), or a suffix and optionally more citations after `;`
 * (`@a [p. 30]`, `@a [p. 30; @b]`). Undefined when the brackets are neither.
 */
export function parseTextualCitation(first: CitationItem, inner: string): CitationItem[] | undefined {
  const list = parseBracketedCitation(inner);
  if (list) return [first, ...list];
  if (inner.startsWith('^')) return undefined;
  const semicolon = inner.indexOf(';');
  const suffix = semicolon < 0 ? inner : inner.slice(0, semicolon);
  const rest = semicolon < 0 ? [] : parseBracketedCitation(inner.slice(semicolon + 1));
  if (!rest) return undefined;
  return [{ ...first, suffix: citationSuffix(suffix) }, ...rest];
}

/** `@key says…` (alone or followed by a bracketed list): the first author named in the running text. */
export const isAuthorInText = (cite: Cite): boolean => cite.citations.length > 0 && cite.citations[0].authorInText;

/** The keys a `nocite` value names (`@a @b`, `@*` for every work), in order. */
export function nociteKeys(text: string): string[] {
  const pattern = new RegExp(String.raw`(?:^|[^\p{L}\p{N}_])@(?:(\*)|\{([^{}\s]+)\}|(${keyBody}))`, 'gu');
  return [...text.matchAll(pattern)].map(([, all, braced, bare]) => all ?? braced ?? bare);
}
