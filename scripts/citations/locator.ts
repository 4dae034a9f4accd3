/**
 * The locator of a citation, read from its suffix as pandoc reads it (pandoc's manual, "Citation
 * syntax"; the parser is a port of Text.Pandoc.Citeproc.Locator, pandoc 2.17–3.x). The Markdown
 * reader keeps everything after the key as the suffix (`, p. 33-35 et passim`, ` p. 44`); here,
 * with the locator terms of the book's CSL locale, it becomes a CSL label, a locator and the rest:
 *
 *   , p. 33-35 et passim   → page, `33-35`, ` et passim`
 *    chap. 3               → chapter, `3`          (no comma needed)
 *   , 123(4)[5]6           → page, `123(4)[5]6`    (a bare locator with digits is a page)
 *   , p. xi                → page, `xi`            (after a label, roman numerals count as digits)
 *   , {chap. 3 et suiv.}   → chapter, `3 et suiv.` (braces: anything is the locator)
 *   , xi, et ailleurs      → no locator: the suffix `, xi, et ailleurs`, its comma kept
 *
 * A label is recognised only if it is a term of the locale (any form, singular or plural, case
 * folded), as in pandoc: in French `p.`, `chap.`, `paragr.`, `§`, not `pp.` nor `fol.`.
 * Pure: strings in, strings out.
 */

/** The CSL locator variables pandoc looks up in the locale, in its order (the first one wins a shared term, e.g. `§`). */
export const locatorVariables = [
  'book', 'chapter', 'column', 'figure', 'folio', 'issue', 'line', 'note', 'opus', 'page', 'number-of-pages',
  'paragraph', 'part', 'section', 'sub-verbo', 'verse', 'volume',
] as const;

/** Locale term (case folded) → CSL locator label. */
export type LocatorTerms = ReadonlyMap<string, string>;

/**
 * The locator terms of a locale: for each locator variable, every form of its term (long, short,
 * symbol; singular and plural), as citeproc-js holds them after merging the style's own
 * `<locale>` overrides (`engine.locale[lang].terms[name][form]`: a string or `[single, multiple]`).
 */
export function locatorTermsOf(terms: Record<string, Record<string, unknown> | undefined>): LocatorTerms {
  const map = new Map<string, string>();
  for (const variable of [...locatorVariables].reverse()) {
    for (const value of Object.values(terms[variable] ?? {})) {
      for (const text of Array.isArray(value) ? value : [value]) {
        if (typeof text === 'string' && text.trim() !== '') map.set(fold(text.trim()), variable);
      }
    }
  }
  return map;
}

// Case folding of the root locale: `toLowerCase` is that mapping (ECMA-262), and costs a hundredth of
// `toLocaleLowerCase('und')` (about 4 µs a call, which resolves the locale every time: 24 ms of
// `book check` at 100k words, where every citation's suffix is folded prefix by prefix).
const fold = (text: string) => text.toLowerCase();

const longestTerms = new WeakMap<LocatorTerms, number>();
const longestTerm = (terms: LocatorTerms): number => {
  let longest = longestTerms.get(terms);
  if (longest === undefined) longestTerms.set(terms, (longest = Math.max(0, ...[...terms.keys()].map((term) => term.length))));
  return longest;
};

export interface Locator {
  /** CSL label (`page`, `chapter`…). */
  label: string;
  /** The locator as typed (`33-35`, `xi`, `123(4)[5]6`). */
  locator: string;
  /** The label as typed, when one was typed (`chap.`). */
  labelAsTyped?: string;
}

export interface SplitSuffix {
  locator?: Locator;
  /** What the style prints after the reference, leading space or comma included. */
  suffix: string;
}

// Tokens as pandoc's splitInp makes them: white space, one punctuation character (but `:`), words.
type Token = { space: true; text: ' ' } | { space: false; text: string };

const punctuation = /[\p{P}]/u;
const isPunct = (c: string) => c !== ':' && punctuation.test(c);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const [piece] of text.matchAll(/\s+|[^\s]/gu)) {
    if (/^\s/u.test(piece)) tokens.push({ space: true, text: ' ' });
    else if (isPunct(piece)) tokens.push({ space: false, text: piece });
    else {
      const last = tokens[tokens.length - 1];
      if (last && !last.space && !isPunct(last.text)) last.text += piece;
      else tokens.push({ space: false, text: piece });
    }
  }
  return tokens;
}

const stringify = (tokens: readonly Token[]) => tokens.map((t) => t.text).join('');
const isChar = (token: Token | undefined, test: (c: string) => boolean): boolean => !!token && !token.space && token.text.length === 1 && test(token.text);

/** pandoc's `isLocatorPunct`: punctuation that ends a locator word; not the range dashes nor `:`. */
const isLocatorPunct = (c: string) => c !== '-' && c !== '–' && c !== ':' && punctuation.test(c);
const braces = '()[]{}';

/** A Roman numeral, upper or lower case (pandoc's `romanNumeral`, with a value above 0). */
const roman = /^M*(?:CM)?D?(?:CD)?C*(?:XC)?L?(?:XL)?X*(?:IX)?V?(?:IV)?I*$/;
const isRoman = (text: string) => text !== '' && roman.test(text.toUpperCase());

type Parsed<T> = { value: T; at: number } | undefined;
/** (has digits or a Roman numeral, text) */
type Word = [boolean, string];

class LocatorParser {
  constructor(
    private readonly tokens: Token[],
    private readonly terms: LocatorTerms,
  ) {}

  /** `pPageUnit`: a Roman numeral, or a run of tokens without space nor locator punctuation. */
  private pageUnit(at: number): Parsed<Word> {
    const token = this.tokens[at];
    if (token && !token.space && isRoman(token.text)) return { value: [true, token.text], at: at + 1 };
    let end = at;
    while (end < this.tokens.length && !this.tokens[end].space && !isChar(this.tokens[end], isLocatorPunct)) end++;
    if (end === at) return undefined;
    const text = stringify(this.tokens.slice(at, end));
    return { value: [/\p{Nd}/u.test(text), text], at: end };
  }

  /** `.2`: a period and a page unit. */
  private withPeriod(at: number): Parsed<Word> {
    if (!isChar(this.tokens[at], (c) => c === '.')) return undefined;
    const unit = this.pageUnit(at + 1);
    return unit && { value: [unit.value[0], `.${unit.value[1]}`], at: unit.at };
  }

  /** `pPageSeq`: `1`, `1.2`, `IV.2A` (a trailing period is left). */
  private pageSeq(at: number): Parsed<Word> {
    const first = this.pageUnit(at) ?? this.withPeriod(at);
    if (!first) return undefined;
    let [digits, text] = first.value;
    let next = first.at;
    for (let more = this.withPeriod(next); more; more = this.withPeriod(next)) {
      digits ||= more.value[0];
      text += more.value[1];
      next = more.at;
    }
    return { value: [digits, text], at: next };
  }

  /** `pBalancedBraces`: page sequences and one level of `()`, `[]`, `{}` around one: `123(4)[5]6`. */
  private balanced(at: number): Parsed<Word> {
    let digits = false;
    let text = '';
    let next = at;
    for (;;) {
      const part = this.surround(next);
      if (!part) break;
      digits ||= part.value[0];
      text += part.value[1];
      next = part.at;
    }
    return next === at ? undefined : { value: [digits, text], at: next };
  }

  private surround(at: number): Parsed<Word> {
    for (const [open, close] of [['{', '}'], ['[', ']'], ['(', ')']]) {
      if (!isChar(this.tokens[at], (c) => c === open)) continue;
      const inner = isChar(this.tokens[at + 1], (c) => braces.includes(c)) ? undefined : this.pageSeq(at + 1);
      const after = inner ? inner.at : at + 1;
      if (isChar(this.tokens[after], (c) => c === close)) {
        return { value: [inner?.value[0] ?? false, `${open}${inner?.value[1] ?? ''}${close}`], at: after + 1 };
      }
    }
    if (isChar(this.tokens[at], (c) => braces.includes(c))) return undefined;
    return this.pageSeq(at);
  }

  /** `pLocatorWordIntegrated`: an optional `,` (not for the first word), an optional space, a word. */
  private word(at: number, isFirst: boolean): Parsed<Word> {
    let next = at;
    let punct = '';
    if (!isFirst && isChar(this.tokens[next], (c) => c === ',' || c === ';')) punct = this.tokens[next++].text;
    let space = '';
    if (this.tokens[next]?.space) {
      space = ' ';
      next++;
    }
    const word = this.balanced(next);
    return word && { value: [word.value[0], `${punct}${space}${word.value[1]}`], at: word.at };
  }

  private romansOrDigits = (word: Parsed<Word>): Parsed<string> => (word?.value[0] ? { value: word.value[1], at: word.at } : undefined);
  private digits = (word: Parsed<Word>): Parsed<string> => (word && /\p{Nd}/u.test(word.value[1]) ? { value: word.value[1], at: word.at } : undefined);

  /**
   * `pLocatorLabel'`: grow the text token by token up to each place where `limit` matches, and keep
   * the longest that is a term of the locale.
   */
  private label(at: number, limit: (at: number) => boolean): Parsed<{ label: string; typed: string }> {
    let best: Parsed<{ label: string; typed: string }>;
    let acc = '';
    let next = at;
    const longest = longestTerm(this.terms);
    while (next < this.tokens.length) {
      let end = next + 1; // at least one token each time (`p.3`)
      while (end < this.tokens.length && !limit(end)) end++;
      if (end >= this.tokens.length && !limit(end)) break; // manyTill ran out of input
      acc += stringify(this.tokens.slice(next, end));
      const folded = fold(acc.trim());
      // The text only grows from here: once longer than every term, none can match it any more.
      if (folded.length > longest) break;
      const label = this.terms.get(folded);
      if (label) best = { value: { label, typed: acc.trim() }, at: end };
      next = end;
    }
    return best;
  }

  /** `pLocatorIntegrated`: `p. 33-35`, `chap. 3`, or digits alone (a page). */
  integrated(at: number): Parsed<Locator> {
    const limit = (from: number) => this.romansOrDigits(this.word(from, true)) !== undefined;
    const typed = this.label(at, limit);
    const implicit = !typed;
    if (implicit && !this.digits(this.word(at, true))) return undefined;
    const accept = implicit ? this.digits : this.romansOrDigits;
    let next = typed ? typed.at : at;
    const first = accept(this.word(next, !implicit));
    if (!first) return undefined;
    let locator = first.value;
    next = first.at;
    for (let more = accept(this.word(next, false)); more; more = accept(this.word(next, false))) {
      locator += more.value;
      next = more.at;
    }
    return { value: { label: typed?.value.label ?? 'page', locator, labelAsTyped: typed?.value.typed }, at: next };
  }

  /** `pLocatorDelimited`: `{chap. 3 et suiv.}`, the label optional, anything inside. */
  delimited(at: number): Parsed<Locator> {
    if (!isChar(this.tokens[at], (c) => c === '{')) return undefined;
    let next = at + 1;
    while (this.tokens[next]?.space) next++;
    const typed = this.label(next, (from) => from < this.tokens.length);
    if (typed) next = typed.at;
    let depth = 0;
    let text = '';
    for (; next < this.tokens.length; next++) {
      const token = this.tokens[next];
      if (isChar(token, (c) => c === '{' || c === '[')) depth++;
      if (isChar(token, (c) => c === '}' || c === ']')) {
        if (depth === 0) break;
        depth--;
      }
      text += token.text;
    }
    if (!isChar(this.tokens[next], (c) => c === '}')) return undefined;
    return { value: { label: typed?.value.label ?? 'page', locator: text, labelAsTyped: typed?.value.typed }, at: next + 1 };
  }

  rest(at: number): string {
    return stringify(this.tokens.slice(at));
  }
}

/** `maybeAddComma`: a suffix that starts with a word is joined with a comma (`@a [et ailleurs]`). */
function withComma(suffix: string): string {
  if (suffix === '' || /^\s/u.test(suffix) || punctuation.test(suffix[0])) return suffix;
  return `, ${suffix}`;
}

/** Split a citation's suffix (as typed after the key) into its locator and the rest, as pandoc does. */
export function splitLocator(suffix: string, terms: LocatorTerms): SplitSuffix {
  const tokens = tokenize(suffix);
  const parser = new LocatorParser(tokens, terms);
  let at = 0;
  if (isChar(tokens[at], (c) => c === ',')) at++;
  if (tokens[at]?.space) at++;
  const found = parser.delimited(at) ?? parser.integrated(at);
  if (!found) return { suffix: withComma(suffix) };
  return { locator: { ...found.value, locator: found.value.locator.trim() }, suffix: parser.rest(found.at) };
}
