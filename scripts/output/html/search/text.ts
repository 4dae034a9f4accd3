/**
 * How the HTML edition's search reads text, the same on both sides: the build (index.ts) cuts the
 * book into passages with it, and the reader's browser (browser.ts, which bundles this module) reads
 * the passages and the words typed with it. Pure, no DOM, no Node.
 *
 * A word is folded (lower case, accents and other marks dropped, œ → oe: `Armée` and `armee` are one
 * word; Cyrillic ё → е, й → и likewise) and then stemmed by a light stemmer of the book's language:
 * for French, after Savoy's light stemmer as Lucene's FrenchMinimalStemmer does it (plural -s/-x,
 * -aux → -al, final -r and -e, a final double letter), so that `soldat`, `soldats`, `armée`,
 * `armées`, `cheval`, `chevaux`, `déporté`, `déportés`, `déporter` meet; for English, plural -s. A
 * language without a stemmer is only folded.
 */

export interface Token {
  /** The folded, stemmed word. */
  term: string;
  /** Where the word is in the text (UTF-16 offsets), for excerpts. */
  start: number;
  end: number;
}

export type Stemmer = (word: string) => string;

/** Lower case, marks dropped (NFD), ligatures spelled out. */
export function fold(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/** French (on folded words). Each step keeps at least four letters, so short words stay whole. */
export function frenchStem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('aux')) return `${w.slice(0, -3)}al`;
  if (w.length > 3 && (w.endsWith('s') || w.endsWith('x'))) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('r')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  if (w.length > 4 && w[w.length - 1] === w[w.length - 2] && /[a-z]/.test(w[w.length - 1])) w = w.slice(0, -1);
  return w;
}

/** English (on folded words): the plural only (Harman's S-stemmer). */
export function englishStem(word: string): string {
  if (word.length > 4 && word.endsWith('ies') && !/[ae]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('es') && !/[aeo]es$/.test(word)) return word.slice(0, -1);
  if (word.length > 3 && word.endsWith('s') && !/[us]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The stemmers, by primary language subtag (BCP 47). */
const stemmers: Record<string, Stemmer> = { fr: frenchStem, en: englishStem };

export function stemmerFor(languageTag: string): Stemmer {
  return stemmers[languageTag.split('-')[0].toLowerCase()] ?? ((word) => word);
}

/**
 * The words of `text`: runs of letters and digits (an apostrophe or a hyphen separates: `l’armée`
 * gives `l` and `armee`); words of one letter (elided articles) are left out.
 */
export function tokenize(text: string, stem: Stemmer): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const folded = fold(match[0]);
    if (folded.length < 2 && !/\d/.test(folded)) continue;
    tokens.push({ term: stem(folded), start: match.index!, end: match.index! + match[0].length });
  }
  return tokens;
}
