/**
 * Synthetic manuscripts for the benchmark, deterministic from a seed: the same seed and size give
 * the same files, byte for byte. Shaped like the real book (see docs/manuscript-format.md): French
 * prose with accents, « » and typed apostrophes; about two notes per 300 words, half `[^label]`,
 * half inline `^[…]`; Pandoc citations with locators (`[@key, p. 12]`, `[voir @a, chap. 3; @b]`,
 * `@key [p. 33]`) against a bibliography of a few hundred entries, every entry cited; testimonies
 * and archival documents; tables; Kazakh and Russian names in `{lang=kk}` / `{lang=ru}` spans, and
 * a names registry for the index.
 *
 * Pure: returns the files as text; `writeManuscript` puts them on disk. Alongside the book, a copy
 * for pandoc: the same chapters, with the block openers written in pandoc's fenced-div syntax
 * (`::: {.testimony who="…"}` for `:::testimony{who="…"}`), the only syntax that differs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { romanNumeral } from '../i18n/labels.ts';
import { createRandom, type Random } from './random.ts';
import { generateBibliography, type SyntheticEntry } from './bibliography.ts';
import {
  archives,
  assessments,
  chapterTitles,
  connectors,
  documentKinds,
  frenchPeople,
  givenNames,
  months,
  objects,
  partTitles,
  places,
  pluralVerbs,
  quotations,
  roles,
  sectionTitles,
  sovietPlaces,
  subjects,
  surnames,
  times,
  verbs,
} from './vocabulary.ts';

export interface ManuscriptOptions {
  /** Target length in words (prose, notes, tables; not the bibliography). */
  words: number;
  seed?: number;
}

export interface ManuscriptStats {
  words: number;
  chapters: number;
  parts: number;
  /** Notes written by the author (`[^x]` and `^[…]`); in a note style, citations in the text add more. */
  notes: number;
  citations: number;
  testimonies: number;
  documents: number;
  tables: number;
  languageSpans: number;
  bibliographyEntries: number;
  persons: number;
}

export interface GeneratedManuscript {
  /** The book: book.yaml, chapters, bibliography.json, persons.yaml (paths relative to its folder). */
  book: Map<string, string>;
  /** The same text for pandoc, and the order of its input files. */
  pandoc: { files: Map<string, string>; inputs: string[] };
  stats: ManuscriptStats;
}

export const defaultSeed = 1944;
const wordsPerChapter = 5000;
const wordsPerSection = 1000;
const chaptersPerPart = 5;

/**
 * How many bibliography entries a book of this length cites, each at least once: a few hundred
 * (150 at 20k words, 300 at 100k, 400 from 133k). A book cites about 11 times per 1000 words;
 * shorter books (tests) get fewer entries, so that all are cited.
 */
export function bibliographySize(words: number): number {
  return Math.min(400, Math.max(Math.min(150, Math.floor(words / 130)), Math.round(words / 333)));
}

/** Words as a reader counts them: the text without the Markdown syntax, citation keys and note labels. */
export function countWords(markdown: string): number {
  const text = markdown
    .replace(/\[\^[^\]\s]+\]:?/g, ' ')
    .replace(/\^\[/g, ' ')
    .replace(/\[[^\]]*@[^\]]*\]/g, ' ')
    .replace(/@[\p{L}\p{N}_:.-]+/gu, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/^:::.*$/gm, ' ')
    .replace(/^\|[\s|:-]+\|$/gm, ' ');
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** French elision: `que` + `un` → `qu'un`, `de` + `Akmolinsk` → `d'Akmolinsk`. */
const elide = (word: string, next: string) => (/^[aeiouyàâéèêîôû]/i.test(next) ? `${word.slice(0, -1)}'${next}` : `${word} ${next}`);
const pad = (n: number) => String(n).padStart(3, '0');
interface Person {
  id: string;
  given: (typeof givenNames)[number];
  surname: (typeof surnames)[number];
  role: string;
}

function personsOf(random: Random): Person[] {
  const persons: Person[] = [];
  for (let i = 0; i < 40; i++) {
    const given = givenNames[i % givenNames.length];
    const surname = surnames[(i * 7 + Math.floor(i / surnames.length)) % surnames.length];
    const id = `${surname.fr}-${given.fr}`.toLowerCase().normalize('NFD').replace(/[^a-z-]/g, '');
    if (persons.some((p) => p.id === id)) continue;
    persons.push({ id, given, surname, role: random.pick(roles) });
  }
  return persons;
}

/** Writes chapters, keeping count of what it wrote. */
class ChapterWriter {
  private citationCursor = 0;
  private wordsToNextNote: number;
  private wordsToNextCitation: number;
  private noteCount = 0;
  private definitions: string[] = [];

  constructor(
    private readonly random: Random,
    private readonly entries: SyntheticEntry[],
    private readonly persons: Person[],
    private readonly stats: ManuscriptStats,
  ) {
    this.wordsToNextNote = random.int(100, 200);
    this.wordsToNextCitation = random.int(400, 800);
  }

  /** The entries not cited yet (only in a book too short to cite them all in its text). */
  uncited(): SyntheticEntry[] {
    return this.entries.slice(this.citationCursor);
  }

  /** Every entry once in order, then at random: even a 20k-word book cites its whole bibliography. */
  private nextEntry(): SyntheticEntry {
    return this.citationCursor < this.entries.length ? this.entries[this.citationCursor++] : this.random.pick(this.entries);
  }

  private locator(entry: SyntheticEntry): string {
    const r = this.random;
    if (r.chance(0.2)) return '';
    if (entry.kind === 'archive') return `, folio ${r.int(1, 60)}`;
    if (entry.kind === 'article') {
      const [first, last] = String(entry.item.page).split('-').map(Number);
      return `, p. ${r.int(first, last)}`;
    }
    const roll = r.next();
    if (roll < 0.55) return `, p. ${r.int(5, 420)}`;
    if (roll < 0.85) {
      const first = r.int(5, 400);
      return `, p. ${first}\u2013${first + r.int(1, 12)}`;
    }
    return `, chap. ${r.int(1, 14)}`;
  }

  /** A citation in one of the forms authors type, with the space before it. */
  private citation(): string {
    const r = this.random;
    const first = this.nextEntry();
    this.stats.citations++;
    const roll = r.next();
    if (roll < 0.1) {
      const second = this.nextEntry();
      this.stats.citations++;
      return ` [@${first.item.id}${this.locator(first)}; @${second.item.id}${this.locator(second)}]`;
    }
    if (roll < 0.25) return ` [voir @${first.item.id}${this.locator(first)}]`;
    if (roll < 0.3) return ` [-@${first.item.id}${this.locator(first)}]`;
    return ` [@${first.item.id}${this.locator(first)}]`;
  }

  /** `@key [p. 33] écrit que…`: the author named in the sentence. */
  private authorInText(): string {
    const first = this.nextEntry();
    this.stats.citations++;
    const locator = this.locator(first).replace(/^, /, '');
    return `@${first.item.id}${locator ? ` [${locator}]` : ''}`;
  }

  private person(): Person {
    return this.random.pick(this.persons);
  }

  private personInText(): string {
    const p = this.person();
    const fr = `${p.given.fr} ${p.surname.fr}`;
    this.stats.languageSpans++;
    if (this.random.chance(0.5)) return `${fr} ([${p.given.kk} ${p.surname.kk}]{lang=kk})`;
    return `${fr}, que les documents soviétiques nomment [${p.given.ru} ${p.surname.ru}]{lang=ru},`;
  }

  private subjectAndVerb(): string {
    const subject = this.random.pick(subjects);
    const verb = subject.startsWith('les ') ? this.random.pick(pluralVerbs) : this.random.pick(verbs);
    return `${subject} ${verb}`;
  }

  private sentence(): string {
    const r = this.random;
    switch (r.int(0, 11)) {
      case 0:
        return `${r.pick(connectors)} ${this.subjectAndVerb()} ${r.pick(objects)} à ${r.pick(places)} ${r.pick(times)}.`;
      case 1:
        return `${capitalise(r.pick(times))}, ${this.subjectAndVerb()} ${r.pick(objects)}.`;
      case 2:
        return `Selon ${r.pick(frenchPeople)}, ${this.subjectAndVerb()} « ${r.pick(quotations)} ».`;
      case 3: {
        const from = r.pick(sovietPlaces);
        this.stats.languageSpans++;
        return `${this.personInText()} arrive à ${r.pick(places)} en ${r.pick(months)} 194${r.int(2, 5)}, venant ${elide('de', from.fr)} ([${from.ru}]{lang=ru}).`;
      }
      case 4:
        return `Qui étaient ces hommes ? ${capitalise(this.subjectAndVerb())} ${r.pick(objects)}, mais ${r.pick(assessments)}.`;
      case 5:
        return `Il n'est pas certain ${elide('que', r.pick(objects))} ait eu lieu ${r.pick(times)} ; ${r.pick(assessments)}.`;
      case 6:
        return `Le ${r.int(1, 28)} ${r.pick(months)} 1944, ${this.subjectAndVerb()} ${r.pick(objects)} : ${r.pick(assessments)}.`;
      case 7:
        return `On parlait alors de "${r.pick(quotations)}", d'après un rapport de 194${r.int(3, 9)}.`;
      case 8:
        return `Le ${r.chance(0.3) ? '1^er^' : `${r.int(2, 9)}^e^`} bataillon ${r.pick(verbs)} ${r.pick(objects)} près de ${r.pick(places)}.`;
      case 9:
        return `${this.personInText()} ${r.pick(verbs)} ${r.pick(objects)} ; ${r.pick(assessments)} !`;
      case 10:
        return `${r.chance(0.5) ? 'Comme le montre' : 'Ainsi que l\'écrit'} ${this.authorInText()}, ${this.subjectAndVerb()} ${r.pick(objects)}.`;
      default:
        return `Au XX^e^ siècle encore, ${this.subjectAndVerb()} ${r.pick(objects)}, et ${r.pick(assessments)}.`;
    }
  }

  /** Insert before a sentence's final punctuation (French custom: `texte[^1].`, after a closing ». */
  private beforePunctuation(sentence: string, insert: string): string {
    const match = /( ?[.!?:;]+)$/.exec(sentence);
    const cut = match ? sentence.length - match[1].length : sentence.length;
    return sentence.slice(0, cut) + insert + sentence.slice(cut);
  }

  private noteText(): string {
    const r = this.random;
    if (r.chance(0.7)) {
      const label = r.pick(['Voir', 'Cf.', 'Sur ce point, voir', 'Le document est cité dans']);
      return `${label}${this.citation().replace(/^ \[(voir )?/, ' [')} ; ${r.pick(assessments)}.`;
    }
    return `${capitalise(r.pick(assessments))} : ${this.subjectAndVerb()} ${r.pick(objects)} ${r.pick(times)}.`;
  }

  private noteCall(chapter: number): string {
    this.noteCount++;
    this.stats.notes++;
    const text = this.noteText();
    if (this.random.chance(0.5)) return `^[${text}]`;
    // Labels unique in the whole book: pandoc reads all chapters as one document.
    const label = `n${chapter}-${this.noteCount}`;
    this.definitions.push(`[^${label}]: ${text}`);
    return `[^${label}]`;
  }

  /** A paragraph of prose with its note calls and citations; its note definitions follow it. */
  private paragraph(chapter: number, targetWords: number): string {
    const sentences: string[] = [];
    let words = 0;
    while (words < targetWords) {
      let sentence = this.sentence();
      const sentenceWords = countWords(sentence);
      words += sentenceWords;
      this.wordsToNextNote -= sentenceWords;
      this.wordsToNextCitation -= sentenceWords;
      if (this.wordsToNextCitation <= 0) {
        sentence = this.beforePunctuation(sentence, this.citation());
        this.wordsToNextCitation = this.random.int(400, 800);
      }
      if (this.wordsToNextNote <= 0) {
        sentence = this.beforePunctuation(sentence, this.noteCall(chapter));
        this.wordsToNextNote = this.random.int(100, 200);
      }
      sentences.push(sentence);
    }
    return [sentences.join(' '), ...this.definitions.splice(0)].join('\n\n');
  }

  private testimony(): string {
    const r = this.random;
    const p = this.person();
    this.stats.testimonies++;
    const body = [0, 1].map(() => `« ${capitalise(r.pick(quotations))}. » ${capitalise(r.pick(times))}, ${this.subjectAndVerb()} ${r.pick(objects)}.`);
    return [
      `:::testimony{who="${p.given.fr} ${p.surname.fr}" role="${p.role}" date="19${r.int(60, 99)}" original-lang="${r.pick(['kk', 'ru'])}" translator="${r.pick(frenchPeople)}"}`,
      body.join(' '),
      '',
      `${capitalise(r.pick(quotations))}${this.citation()}.`,
      ':::',
    ].join('\n');
  }

  private document(): string {
    const r = this.random;
    const source = r.pick(archives);
    this.stats.documents++;
    const date = `1944-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    return [
      `:::document{title="${r.pick(documentKinds)}" date="${date}" place="${r.pick(places)}" archive="${source.name}" shelfmark="${r.pick(source.shelfmarks)}"}`,
      `${capitalise(this.subjectAndVerb())} ${r.pick(objects)} ${r.pick(times)}. ${r.pick(connectors)} ${this.subjectAndVerb()} ${r.pick(objects)}${this.citation()}.`,
      ':::',
    ].join('\n');
  }

  private table(): string {
    const r = this.random;
    this.stats.tables++;
    const rows = ['| Nom | Forme kazakhe | Lieu | Date | Effectif |', '|---|---|---|---|--:|'];
    for (let i = r.int(4, 8); i > 0; i--) {
      const p = this.person();
      this.stats.languageSpans++;
      rows.push(`| ${p.given.fr} ${p.surname.fr} | [${p.given.kk} ${p.surname.kk}]{lang=kk} | ${r.pick(places)} | ${r.int(1, 28)} ${r.pick(months)} 194${r.int(2, 5)} | ${r.int(3, 320)} |`);
    }
    return [`Le tableau suivant résume ce que disent les registres consultés${this.citation()}.`, rows.join('\n')].join('\n\n');
  }

  /** A chapter of about `targetWords` words: sections of about 1000 words, and in a long enough
   * chapter a testimony, a table and an archival document, at 30, 55 and 80 % of it. */
  chapter(number: number, title: string, targetWords: number): { text: string; words: number } {
    this.noteCount = 0;
    const blocks: string[] = [`# ${title}`];
    let words = countWords(title);
    const add = (text: string) => {
      blocks.push(text);
      words += countWords(text);
    };
    const extras = [() => this.testimony(), () => this.table(), () => this.document()];
    const marks = [0.3, 0.55, 0.8].map((share) => Math.floor(targetWords * share));
    let nextExtra = 0;
    let sections = 0;
    while (words < targetWords) {
      if (words >= sections * wordsPerSection) {
        sections++;
        add(`## ${this.random.pick(sectionTitles)}`);
      }
      if (targetWords >= 1500 && nextExtra < marks.length && words >= marks[nextExtra]) add(extras[nextExtra++]());
      add(this.paragraph(number, Math.min(targetWords - words, this.random.int(70, 150))));
    }
    return { text: `${blocks.join('\n\n')}\n`, words };
  }
}

/** `:::testimony{who="x"}` → `::: {.testimony who="x"}`: pandoc's fenced divs, same content. */
export function toPandocMarkdown(markdown: string): string {
  return markdown.replace(/^:::([a-z][\w-]*)\{(.*)\}[ \t]*$/gm, '::: {.$1 $2}');
}

export function generateManuscript(options: ManuscriptOptions): GeneratedManuscript {
  const seed = options.seed ?? defaultSeed;
  const random = createRandom(seed);
  const entries = generateBibliography(random, bibliographySize(options.words));
  const persons = personsOf(random);
  const stats: ManuscriptStats = {
    words: 0, chapters: 0, parts: 0, notes: 0, citations: 0, testimonies: 0, documents: 0, tables: 0,
    languageSpans: 0, bibliographyEntries: entries.length, persons: persons.length,
  };
  const writer = new ChapterWriter(random, entries, persons, stats);
  const chapters: Array<{ file: string; text: string }> = [];

  const foreword = writer.chapter(0, 'Avant-propos', Math.min(800, Math.round(options.words / 10)));
  chapters.push({ file: 'avant-propos.md', text: foreword.text });
  stats.words += foreword.words;
  stats.chapters++;

  const parts: Array<{ title: string; chapters: string[] }> = [];
  for (let number = 1; stats.words < options.words; number++) {
    const target = Math.max(50, Math.min(wordsPerChapter, options.words - stats.words));
    const cycle = Math.floor((number - 1) / chapterTitles.length);
    const title = chapterTitles[(number - 1) % chapterTitles.length] + (cycle > 0 ? ` (${romanNumeral(cycle + 1)})` : '');
    const chapter = writer.chapter(number, title, target);
    const file = `chapitre-${pad(number)}.md`;
    chapters.push({ file, text: chapter.text });
    stats.words += chapter.words;
    stats.chapters++;
    const partIndex = Math.floor((number - 1) / chaptersPerPart);
    if (!parts[partIndex]) {
      const partCycle = Math.floor(partIndex / partTitles.length);
      parts[partIndex] = { title: partTitles[partIndex % partTitles.length] + (partCycle > 0 ? ` (${romanNumeral(partCycle + 1)})` : ''), chapters: [] };
    }
    parts[partIndex].chapters.push(file);
  }
  stats.parts = parts.length;
  const rest = writer.uncited();
  if (rest.length) {
    // A bibliography lists only what the book cites (`citation-unused-entry`): the last chapter
    // refers to the works its text did not reach.
    const last = chapters[chapters.length - 1];
    const paragraph = `Pour les autres travaux consultés, voir [${rest.map((e) => `@${e.item.id}`).join('; ')}].`;
    last.text = `${last.text.trimEnd()}\n\n${paragraph}\n`;
    stats.citations += rest.length;
    stats.words += countWords(paragraph);
  }

  const title = `Les Kazakhs dans la Résistance : livre d'essai de ${Math.round(options.words / 1000)} 000 mots`;
  const bookYaml = {
    title,
    subtitle: 'Manuscrit synthétique pour le banc d\'essai',
    editors: ['Gulnara Mendikulova'],
    language: 'fr',
    date: '2026',
    status: 'draft',
    bibliography: 'bibliography.json',
    csl: 'chicago-fullnote-bibliography',
    locale: 'fr-FR',
    names: 'persons.yaml',
    todo: 'allow',
    contents: { front: ['avant-propos.md'], parts, back: [] },
  };
  const registry = persons.map((p) => ({
    id: p.id,
    name: `${p.given.fr} ${p.surname.fr}`,
    sort: `${p.surname.fr}, ${p.given.fr}`,
    variants: [
      { form: `${p.given.ru} ${p.surname.ru}`, lang: 'ru' },
      { form: `${p.given.kk} ${p.surname.kk}`, lang: 'kk' },
    ],
    role: p.role,
    attested: 'beyond-seed',
    sources: [entries[0].item.id],
  }));

  const book = new Map<string, string>();
  book.set('book.yaml', `# Generated by scripts/bench (seed ${seed}, ${options.words} words); regenerated on every run.\n${stringify(bookYaml)}`);
  book.set('bibliography.json', `${JSON.stringify(entries.map((e) => e.item), null, 2)}\n`);
  book.set('persons.yaml', stringify(registry));
  for (const chapter of chapters) book.set(chapter.file, chapter.text);

  const pandocFiles = new Map<string, string>();
  pandocFiles.set('metadata.yaml', stringify({ title, subtitle: bookYaml.subtitle, author: bookYaml.editors, lang: 'fr-FR', date: '2026' }));
  for (const chapter of chapters) pandocFiles.set(chapter.file, toPandocMarkdown(chapter.text));
  return { book, pandoc: { files: pandocFiles, inputs: chapters.map((c) => c.file) }, stats };
}

/** Write the book into `dir/manuscript/` and pandoc's copy into `dir/pandoc/`. */
export async function writeManuscript(generated: GeneratedManuscript, dir: string): Promise<{ manuscript: string; pandoc: string }> {
  const manuscript = path.join(dir, 'manuscript');
  const pandoc = path.join(dir, 'pandoc');
  await mkdir(manuscript, { recursive: true });
  await mkdir(pandoc, { recursive: true });
  for (const [name, text] of generated.book) await writeFile(path.join(manuscript, name), text);
  for (const [name, text] of generated.pandoc.files) await writeFile(path.join(pandoc, name), text);
  return { manuscript, pandoc };
}
