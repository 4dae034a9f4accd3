/**
 * The citation and bibliography rules. They read the citations of the parsed chapters and the
 * bibliography the build read (book.bibliography, see scripts/citations): messages about an entry
 * point at the entry in its own file, messages about a citation at its key in the chapter.
 */
import path from 'node:path';
import type { Point } from 'unist';
import { nodesOfType } from '../../tree/by-type.ts';
import type { Cite } from '../../markdown/types.ts';
import type { BibliographyEntry } from '../../citations/types.ts';
import type { Book } from '../../model/index.ts';
import { bookRule, chapterRule } from '../rule.ts';
import { splitLocator } from '../../citations/locator.ts';
import { restoreEscapes } from '../../markdown/escapes.ts';

/** Where `@key` stands in the citation's source text (the citation's start if it cannot be known). */
function placeOfKey(cite: Cite, key: string): Point | undefined {
  const start = cite.position?.start;
  if (!start) return undefined;
  const index = cite.value.indexOf(`@${key}`) >= 0 ? cite.value.indexOf(`@${key}`) : cite.value.indexOf(`@{${key}}`);
  if (index < 0) return start;
  const before = cite.value.slice(0, index).split('\n');
  if (before.length === 1) return { line: start.line, column: start.column + index };
  return { line: start.line + before.length - 1, column: before[before.length - 1].length + 1 };
}

const fileName = (entry: BibliographyEntry) => path.basename(entry.file.path);

export const citationUnknownKey = chapterRule('citation-unknown-key', (tree, report, { book }) => {
  const bibliography = book.bibliography;
  // A bibliography that cannot be read is reported once (bibliography-invalid), not at every key.
  if (bibliography?.problems.some((problem) => problem.unreadable)) return;
  const names = bibliography?.files.map((file) => path.basename(file.path)).join(', ');
  for (const node of nodesOfType(tree, 'cite')) {
    for (const citation of node.citations) {
      if (bibliography?.byId.has(citation.key)) continue;
      report(
        bibliography?.configured
          ? `Citation key \`@${citation.key}\` is not in the bibliography (${names}); correct the key or add the entry`
          : `Citation \`@${citation.key}\` but the book names no bibliography; add \`bibliography: FILE\` to book.yaml (or pass --bibliography FILE)`,
        placeOfKey(node, citation.key),
      );
    }
  }
});

/** A word (with its period) right before digits, at the start of a suffix: what an author means as a label. */
const labelLike = /^[,\s]*([\p{L}§°]+\.?)\s*[0-9]/u;

/** The shortest term of a few common labels, for the message: `p., chap., fᵒ, vol., §, l., n.`. */
function examples(terms: ReadonlyMap<string, string>): string {
  return ['page', 'chapter', 'folio', 'volume', 'section', 'line', 'note']
    .flatMap((label) => [...terms].filter(([, l]) => l === label).map(([term]) => term).sort((a, b) => a.length - b.length).slice(0, 1))
    .join(', ');
}

/**
 * The label typed where the locale has no such term, for one suffix: read once per distinct suffix
 * of a book (the same `p. 12` recurs), keyed by the book's terms (docs/startup.md).
 */
const typedLabels = new WeakMap<object, Map<string, string | undefined>>();

function typedLabel(rawSuffix: string, terms: NonNullable<Book['locatorTerms']>): string | undefined {
  let known = typedLabels.get(terms);
  if (!known) typedLabels.set(terms, (known = new Map()));
  if (known.has(rawSuffix)) return known.get(rawSuffix);
  // pandoc reads a label only among the locale's terms: `pp. 3` in French is printed as typed, after the reference.
  const { locator, suffix } = splitLocator(restoreEscapes(rawSuffix), terms);
  const typed = locator ? undefined : labelLike.exec(suffix)?.[1];
  known.set(rawSuffix, typed);
  return typed;
}

export const citationBadLocator = chapterRule('citation-bad-locator', (tree, report, { book }) => {
  const terms = book.locatorTerms;
  if (!terms) return;
  for (const node of nodesOfType(tree, 'cite')) {
    for (const citation of node.citations) {
      const typed = typedLabel(citation.suffix, terms);
      if (!typed) continue;
      report(
        `Locator label \`${typed}\` after \`@${citation.key}\` is not a term of the book's CSL locale (${book.meta.config.locale}), so it is printed as typed after the reference; write one of its terms (${examples(terms)}…) or put the words after the locator`,
        placeOfKey(node, citation.key),
      );
    }
  }
});

/** Every key cited anywhere in the book. */
function citedKeys(book: Book): Set<string> {
  const keys = new Set<string>();
  for (const chapter of book.chapters) {
    for (const node of nodesOfType(chapter.mdast, 'cite')) {
      for (const citation of node.citations) keys.add(citation.key);
    }
  }
  return keys;
}

export const citationUnusedEntry = bookRule('citation-unused-entry', (book, report) => {
  const bibliography = book.bibliography;
  if (!bibliography) return;
  const cited = citedKeys(book);
  // `nocite` lists works without citing them (pandoc); `@*` lists them all.
  if (bibliography.nocite?.includes('*')) return;
  for (const key of bibliography.nocite ?? []) cited.add(key);
  for (const entry of bibliography.entries) {
    if (bibliography.byId.get(entry.id) !== entry || cited.has(entry.id)) continue;
    report(`Entry \`${entry.id}\` is never cited; cite it as \`[@${entry.id}]\` or remove it from ${fileName(entry)}`, entry.place, entry.file);
  }
});

export const citationDuplicateKey = bookRule('citation-duplicate-key', (book, report) => {
  const bibliography = book.bibliography;
  if (!bibliography) return;
  for (const entry of bibliography.entries) {
    const first = bibliography.byId.get(entry.id);
    if (!first || first === entry) continue;
    report(
      `Key \`${entry.id}\` is already the key of the entry at ${fileName(first)}:${first.place.line}; give one of them another key (citations now use the first)`,
      entry.place,
      entry.file,
    );
  }
});

interface Need {
  /** Any of these variables will do. */
  variables: string[];
  /** How the message names it. */
  name: string;
}

const need = (name: string, ...variables: string[]): Need => ({ name, variables: variables.length ? variables : [name] });
// An article read online has no pages: its address takes their place in the note.
const article = [need('container-title'), need('pages (or, for an article read online, its `URL`)', 'page', 'URL')];

/**
 * What a work needs to be cited in the house style (Chicago full note): a book its author or
 * editor, title, date and publisher; an article its periodical and pages (online, its URL); an archival document
 * its archive and shelf mark (CSL `archive`, `archive_location`).
 */
const archival = [need('archive'), need('shelf mark (`archive_location`)', 'archive_location')];
const needsByType: Record<string, { what: string; needs: Need[] }> = {
  book: { what: 'a book', needs: [need('author or editor', 'author', 'editor'), need('title'), need('date (`issued`)', 'issued'), need('publisher')] },
  'article-journal': { what: 'a journal article', needs: article },
  'article-magazine': { what: 'a magazine article', needs: article },
  'article-newspaper': { what: 'a newspaper article', needs: article },
  manuscript: { what: 'an archival document', needs: archival },
};

function hasValue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'number') return true;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') {
    const date = value as { 'date-parts'?: unknown[]; literal?: string; raw?: string };
    if ('date-parts' in date || 'literal' in date || 'raw' in date) return hasValue(date['date-parts']) || hasValue(date.literal) || hasValue(date.raw);
    return Object.keys(value).length > 0;
  }
  return Boolean(value);
}

export const citationMissingField = bookRule('citation-missing-field', (book, report) => {
  const bibliography = book.bibliography;
  if (!bibliography) return;
  for (const entry of bibliography.entries) {
    if (bibliography.byId.get(entry.id) !== entry) continue;
    const item = entry.item as Record<string, unknown>;
    if (!hasValue(item.type)) {
      report(`Entry \`${entry.id}\` has no \`type\`; give it its CSL type (book, chapter, article-journal, manuscript…)`, entry.place, entry.file);
      continue;
    }
    const type = String(item.type);
    let { what, needs } = needsByType[type] ?? { what: `a ${type}`, needs: [] };
    // Whatever its type, a work kept in an archive is found by its archive and shelf mark.
    if (type !== 'manuscript' && (hasValue(item.archive) || hasValue(item.archive_location))) {
      needs = [...needs, ...archival];
      what = needs.length === archival.length ? 'a document kept in an archive' : what;
    }
    const missing = needs.filter((n) => !n.variables.some((variable) => hasValue(item[variable]))).map((n) => n.name);
    if (missing.length === 0) continue;
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    report(`Entry \`${entry.id}\` (${entry.typeAsWritten}) lacks ${list}, which the style needs to cite ${what}; add ${missing.length === 1 ? 'it' : 'them'} to the entry`, entry.place, entry.file);
  }
});

export const bibliographyInvalid = bookRule('bibliography-invalid', (book, report) => {
  for (const problem of book.bibliography?.problems ?? []) report(problem.reason, problem.place, problem.file);
});
