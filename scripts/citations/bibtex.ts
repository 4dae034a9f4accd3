/**
 * BibTeX and BibLaTeX bibliographies (what Zotero and Better BibTeX export), read with
 * @retorquere/bibtex-parser and converted to CSL-JSON for citeproc-js. The mapping follows the
 * BibLaTeX manual (§2.1 entry types, §2.2 fields) and CSL 1.0.2's variables, as pandoc's BibTeX
 * reader does for the common cases; titles are kept as typed (no sentence casing: the CSL style
 * decides the case).
 */
import { parse, type Creator, type Entry } from '@retorquere/bibtex-parser';
import type { Point } from 'unist';
import { location } from 'vfile-location';
import type { VFile } from 'vfile';
import type { CslItem, CslName, CslDate } from 'citeproc';
import type { ReadEntry, ReadProblem, ReadResult } from './csl-json.ts';
import { cslItemProblem } from './csl-item.ts';

/** BibLaTeX entry type → CSL type. */
const types: Record<string, string> = {
  article: 'article-journal',
  book: 'book', mvbook: 'book', collection: 'book', mvcollection: 'book', proceedings: 'book', mvproceedings: 'book',
  booklet: 'pamphlet',
  inbook: 'chapter', bookinbook: 'chapter', incollection: 'chapter', suppbook: 'chapter', suppcollection: 'chapter',
  inproceedings: 'paper-conference', conference: 'paper-conference',
  inreference: 'entry-encyclopedia',
  manual: 'report', report: 'report', techreport: 'report',
  thesis: 'thesis', mastersthesis: 'thesis', phdthesis: 'thesis',
  online: 'webpage', electronic: 'webpage', www: 'webpage',
  unpublished: 'manuscript',
  patent: 'patent', periodical: 'periodical', dataset: 'dataset', software: 'software',
  letter: 'personal_communication', misc: 'article',
};

/** `langid` / `language` (babel names) → BCP 47. */
const languages: Record<string, string> = {
  french: 'fr', francais: 'fr', english: 'en', american: 'en-US', british: 'en-GB', usenglish: 'en-US', ukenglish: 'en-GB',
  russian: 'ru', ukrainian: 'uk', kazakh: 'kk', german: 'de', ngerman: 'de', spanish: 'es', italian: 'it', polish: 'pl',
  turkish: 'tr', portuguese: 'pt', dutch: 'nl', czech: 'cs',
};

const creatorFields: Record<string, string> = {
  author: 'author', editor: 'editor', translator: 'translator', bookauthor: 'container-author', director: 'director',
};

const plainFields: Record<string, string> = {
  shorttitle: 'title-short', shortjournal: 'container-title-short', volume: 'volume', volumes: 'number-of-volumes',
  pages: 'page', pagetotal: 'number-of-pages', edition: 'edition', series: 'collection-title', chapter: 'chapter-number',
  doi: 'DOI', url: 'URL', isbn: 'ISBN', issn: 'ISSN', note: 'note', type: 'genre', version: 'version',
  archive: 'archive', archive_location: 'archive_location', shelfmark: 'archive_location', eventtitle: 'event',
  venue: 'event-place', abstract: 'abstract',
};

function toName(creator: Creator): CslName {
  if (creator.name) return { literal: creator.name };
  const name: CslName = {};
  if (creator.lastName) name.family = creator.lastName;
  if (creator.firstName) name.given = creator.firstName;
  if (creator.prefix) name['non-dropping-particle'] = creator.prefix;
  if (creator.suffix) name.suffix = creator.suffix;
  return name;
}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** BibLaTeX dates (ISO 8601, ranges with `/`), or `year` + `month`. */
function toDate(value: string | undefined, year?: string, month?: string): CslDate | undefined {
  if (value) {
    const parts = value.split('/').map((part) => part.trim().split('-').filter(Boolean).map((n) => Number(n)));
    if (parts.every((p) => p.length > 0 && p.every((n) => Number.isInteger(n)))) return { 'date-parts': parts };
    return { literal: value };
  }
  if (!year) return undefined;
  if (!/^\d+$/.test(year)) return { literal: month ? `${month} ${year}` : year };
  const parts: number[] = [Number(year)];
  if (month) {
    const m = /^\d+$/.test(month) ? Number(month) : monthNames.indexOf(month.slice(0, 3).toLowerCase()) + 1;
    if (m >= 1 && m <= 12) parts.push(m);
  }
  return { 'date-parts': [parts] };
}

function joined(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length ? value.join('; ') : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function bibtexToCsl(entry: Entry): CslItem {
  const f = entry.fields as Record<string, unknown>;
  const str = (name: string) => joined(f[name]);
  const bibType = entry.type.toLowerCase();
  let type = types[bibType] ?? 'article';
  const subtype = str('entrysubtype');
  if (type === 'article-journal' && subtype === 'magazine') type = 'article-magazine';
  if (type === 'article-journal' && subtype === 'newspaper') type = 'article-newspaper';
  const item: CslItem = { id: entry.key, type };

  for (const [field, variable] of Object.entries(creatorFields)) {
    const creators = f[field];
    if (Array.isArray(creators) && creators.length) item[variable] = (creators as Creator[]).map(toName);
  }
  const withSub = (main?: string, sub?: string) => (main && sub ? `${main}: ${sub}` : main);
  const title = withSub(str('title'), str('subtitle'));
  if (title) item.title = title;
  const container = withSub(str('journaltitle') ?? str('journal') ?? str('booktitle') ?? str('maintitle'), str('journalsubtitle') ?? str('booksubtitle'));
  if (container) item['container-title'] = container;
  // A web page's site: BibLaTeX has no field of its own (`sitetitle` is proposed); exporters use `organization`.
  const site = type === 'webpage' && !container ? str('sitetitle') ?? str('organization') : undefined;
  if (site) item['container-title'] = site;
  const publisher = str('publisher') ?? str('institution') ?? str('school') ?? (site ? undefined : str('organization'));
  if (publisher) item.publisher = publisher;
  const place = str('location') ?? str('address');
  if (place) item['publisher-place'] = place;
  const issued = toDate(str('date'), str('year'), str('month'));
  if (issued) item.issued = issued;
  const accessed = toDate(str('urldate'));
  if (accessed) item.accessed = accessed;
  const original = toDate(str('origdate'));
  if (original) item['original-date'] = original;
  const number = str('number') ?? str('issue');
  if (number) item[type.startsWith('article') ? 'issue' : 'number'] = number;
  for (const [field, variable] of Object.entries(plainFields)) {
    const value = str(field);
    if (value && item[variable] === undefined) item[variable] = value;
  }
  const language = str('langid') ?? str('language');
  if (language) item.language = languages[language.toLowerCase()] ?? language;
  if (bibType === 'phdthesis' && !item.genre) item.genre = 'PhD thesis';
  if (bibType === 'mastersthesis' && !item.genre) item.genre = 'Master’s thesis';
  return item;
}

/**
 * The parser's message without the text it quotes (`found "@book{b, title={x}}\n"...`): a message
 * never prints the contents of a file that failed to parse (the place says where to look).
 */
function withoutQuotedText(message: string): string {
  return message.replace(/,? found "(?:[^"\\]|\\.)*"(?:\.\.\.)?/g, '');
}

export function readBibtex(file: VFile): ReadResult {
  const text = String(file.value);
  const place = location(file);
  let library;
  try {
    library = parse(text, { english: false, unsupported: 'ignore' });
  } catch (error) {
    const message = (error as Error).message;
    const at = /line (\d+), column (\d+)/.exec(message);
    return {
      entries: [],
      problems: [{ reason: `Cannot read this BibTeX bibliography: ${withoutQuotedText(message.split('\n')[0])}`, place: at ? { line: Number(at[1]), column: Number(at[2]) } : { line: 1, column: 1 }, unreadable: true }],
    };
  }
  const problems: ReadProblem[] = library.errors.map((error) => {
    const at = /at line (\d+), column (\d+)/.exec(error.error);
    const entryStart = error.input ? text.indexOf(error.input) : -1;
    const entryLine = entryStart >= 0 ? place.toPoint(entryStart)?.line : undefined;
    const which = entryLine !== undefined && entryLine !== Number(at?.[1]) ? `the BibTeX entry that starts on line ${entryLine}` : 'this BibTeX entry';
    return {
      reason: `Cannot read ${which}: ${withoutQuotedText(error.error.replace(/\s*at line \d+, column \d+/, '')).replace(/\s+/g, ' ')}; check its braces and commas`,
      place: at ? { line: Number(at[1]), column: Number(at[2]) } : undefined,
      unreadable: false,
    };
  });
  // Each entry's place: the next `@type{key` in the text, searched from the previous one.
  const entries: ReadEntry[] = [];
  let from = 0;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const entry of library.entries) {
    const pattern = new RegExp(String.raw`@\s*${escape(entry.type)}\s*[{(]\s*${escape(entry.key)}\s*,`, 'giu');
    pattern.lastIndex = from;
    const match = pattern.exec(text);
    let at: Point = { line: 1, column: 1 };
    if (match) {
      at = place.toPoint(match.index) ?? at;
      from = match.index + match[0].length;
    }
    const item = bibtexToCsl(entry);
    const problem = cslItemProblem(item);
    if (problem) {
      problems.push({ reason: `Entry \`${entry.key}\` cannot be used: its ${problem}; correct it (until then it is left out of the bibliography)`, place: at, unreadable: false });
      continue;
    }
    entries.push({ item, place: at, typeAsWritten: `@${entry.type}` });
  }
  return { entries, problems };
}
