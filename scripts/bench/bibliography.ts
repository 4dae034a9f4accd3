/**
 * A synthetic CSL-JSON bibliography (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html):
 * books, journal articles and archival documents (CSL type `manuscript`, with `archive`,
 * `archive_location` and `archive-place`, as Chicago cites unpublished sources), in French, Russian
 * and Kazakh, each with the fields its type needs to be cited.
 */
import type { Random } from './random.ts';
import {
  archives,
  documentKinds,
  frenchFamilies,
  frenchGivens,
  frenchTopics,
  journals,
  kazakhTitles,
  months,
  places,
  publishers,
  russianAuthors,
  russianPublishers,
  russianTitles,
} from './vocabulary.ts';

export type EntryKind = 'book' | 'article' | 'archive';

export interface CslEntry {
  id: string;
  type: string;
  [field: string]: unknown;
}

export interface SyntheticEntry {
  kind: EntryKind;
  item: CslEntry;
}

const subtitles = ['enquête sur un oubli', 'documents et témoignages', 'histoire et mémoire', 'une histoire locale', 'sources et méthodes'];

const pad = (n: number) => String(n).padStart(3, '0');

function frenchAuthor(random: Random) {
  return { family: random.pick(frenchFamilies), given: random.pick(frenchGivens) };
}

function book(random: Random, index: number): CslEntry {
  const year = random.int(1955, 2024);
  const russian = random.chance(0.25);
  if (russian) {
    const publisher = random.pick(russianPublishers);
    return {
      id: `livre-${pad(index)}-${year}`,
      type: 'book',
      author: [random.pick(russianAuthors)],
      title: random.pick(russianTitles),
      publisher: publisher.name,
      'publisher-place': publisher.place,
      issued: { 'date-parts': [[year]] },
      language: 'ru',
    };
  }
  const publisher = random.pick(publishers);
  const authors = random.chance(0.2) ? [frenchAuthor(random), frenchAuthor(random)] : [frenchAuthor(random)];
  const topic = random.pick(frenchTopics);
  return {
    id: `livre-${pad(index)}-${year}`,
    type: 'book',
    author: authors,
    title: random.chance(0.5) ? `${topic} : ${random.pick(subtitles)}` : `${topic} (${random.int(1939, 1943)}\u2013${random.int(1945, 1956)})`,
    publisher: publisher.name,
    'publisher-place': publisher.place,
    issued: { 'date-parts': [[year]] },
    language: 'fr',
  };
}

function article(random: Random, index: number): CslEntry {
  const year = random.int(1960, 2024);
  const journal = random.pick(journals);
  const first = random.int(3, 240);
  const title =
    journal.language === 'ru' ? random.pick(russianTitles) : journal.language === 'kk' ? random.pick(kazakhTitles) : `${random.pick(frenchTopics)} à ${random.pick(places)}`;
  return {
    id: `article-${pad(index)}-${year}`,
    type: 'article-journal',
    author: journal.language === 'fr' ? [frenchAuthor(random)] : [random.pick(russianAuthors)],
    title,
    'container-title': journal.title,
    volume: String(random.int(1, 80)),
    issue: String(random.int(1, 4)),
    page: `${first}-${first + random.int(8, 30)}`,
    issued: { 'date-parts': [[year]] },
    language: journal.language,
  };
}

function archive(random: Random, index: number): CslEntry {
  const source = random.pick(archives);
  const month = random.int(1, 12);
  const day = random.int(1, 28);
  const year = random.int(1942, 1946);
  return {
    id: `archive-${pad(index)}-${year}`,
    type: 'manuscript',
    title: `${random.pick(documentKinds)}, ${random.pick(places)}, ${day} ${months[month - 1]} ${year}`,
    archive: source.name,
    archive_location: random.pick(source.shelfmarks),
    'archive-place': source.place,
    issued: { 'date-parts': [[year, month, day]] },
    language: 'fr',
  };
}

/** `count` entries: about 45 % books, 30 % articles, 25 % archival documents. */
export function generateBibliography(random: Random, count: number): SyntheticEntry[] {
  const entries: SyntheticEntry[] = [];
  for (let i = 1; i <= count; i++) {
    const roll = random.next();
    const kind: EntryKind = roll < 0.45 ? 'book' : roll < 0.75 ? 'article' : 'archive';
    const item = kind === 'book' ? book(random, i) : kind === 'article' ? article(random, i) : archive(random, i);
    entries.push({ kind, item });
  }
  return entries;
}
