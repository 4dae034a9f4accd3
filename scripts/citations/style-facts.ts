/**
 * What the citation stage reads of a CSL style and locale themselves, whatever the works cited
 * (`StyleFacts`: the locale's locator terms with the style's own, whether it is a note style, its
 * abbreviations and leading terms, `punctuation-in-quote`, the citation layout's affixes). Reading
 * it takes a citeproc-js engine: loading citeproc-js and reading the style, about 0.1 s of a cold
 * `book check`, which needs nothing else of citeproc-js.
 *
 * For the styles and locales shipped in templates/csl/ the facts are written out in
 * templates/csl/style-facts.json (`npm run style-facts` writes it), keyed like the build's cache by
 * a hash of the style's and locales' texts: a style or locale of the author's, or a shipped one
 * edited, is not in it and is read by an engine as before. tests/style-facts.test.ts holds the
 * file to what citeproc-js reads from the shipped files today.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from 'citeproc';
import { hashOf } from '../cache.ts';
import { abbreviatedTerms, createEngine, layoutAffixes, localeOption, localeTerms } from './engine.ts';
import { locatorTermsOf, type LocatorTerms } from './locator.ts';
import { cslTemplateDir, findLocale, findStyle, type Found } from './resources.ts';

export interface StyleFacts {
  /** The locale's locator terms, with the style's own (the checks use them too). */
  locatorTerms: LocatorTerms;
  noteStyle: boolean;
  abbreviations: readonly string[];
  leadingTerms: readonly string[];
  punctuationInQuote: boolean;
  layoutAffixes?: { prefix: string; suffix: string };
}

/** StyleFacts as JSON: the locator terms as pairs, in their order. */
type WrittenFacts = Omit<StyleFacts, 'locatorTerms'> & { locatorTerms: Array<[string, string]> };

export const styleFactsFile = path.join(cslTemplateDir, 'style-facts.json');

/** The locales citeproc-js is given: the book's, then the en-US fallback when it can be read. */
export function localesOf(tag: string, text: string, fallback: Found | undefined): Map<string, string> {
  const locales = new Map([[tag, text]]);
  if (fallback && fallback.problem === undefined) locales.set('en-US', fallback.text);
  return locales;
}

/** What the facts are read from: the style's text, the locale's tag, the locales' texts (the en-US fallback too), linked citations or not. */
export function factsKeyOf(style: string, lang: string, locales: ReadonlyMap<string, string>, linked: boolean): string {
  return hashOf(style, lang, ...[...locales].flat(), linked ? 'linked' : '');
}

export function factsOf(engine: Engine, linked: boolean): StyleFacts {
  return {
    locatorTerms: locatorTermsOf(localeTerms(engine)),
    noteStyle: engine.opt.xclass === 'note',
    abbreviations: abbreviatedTerms(engine),
    leadingTerms: ['ibid', 'op-cit', 'loc-cit'].map((term) => engine.getTerm(term)).filter(Boolean),
    punctuationInQuote: localeOption(engine, 'punctuation-in-quote') === true,
    ...(linked ? { layoutAffixes: layoutAffixes(engine) } : {}),
  };
}

const written = (facts: StyleFacts): WrittenFacts => ({ ...facts, locatorTerms: [...facts.locatorTerms] });

let table: Record<string, WrittenFacts> | undefined;

/** The facts of a shipped style and locale, from templates/csl/style-facts.json; undefined for any other. */
export function shippedFacts(key: string): StyleFacts | undefined {
  try {
    table ??= JSON.parse(readFileSync(styleFactsFile, 'utf8')) as Record<string, WrittenFacts>;
  } catch {
    table = {};
  }
  const found = Object.hasOwn(table, key) ? table[key] : undefined;
  if (!found || !Array.isArray(found.locatorTerms) || typeof found.noteStyle !== 'boolean') return undefined;
  return { ...found, locatorTerms: new Map(found.locatorTerms) };
}

/** The file's text: one style and locale per line. */
export function styleFactsText(facts: Record<string, WrittenFacts>): string {
  return `{\n${Object.entries(facts).map(([key, value]) => ` ${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n')}\n}\n`;
}

/**
 * The facts of every shipped style with every shipped locale, citations linked or not, read by
 * citeproc-js engines now: what templates/csl/style-facts.json must hold (keys in order).
 */
export async function shippedStyleFacts(): Promise<Record<string, WrittenFacts>> {
  const names = readdirSync(cslTemplateDir).sort();
  const entries: Array<[string, WrittenFacts]> = [];
  const fallback = await findLocale('en-US', cslTemplateDir);
  for (const styleName of names.filter((name) => name.endsWith('.csl'))) {
    const style = await findStyle(styleName.replace(/\.csl$/, ''), cslTemplateDir);
    for (const localeName of names.filter((name) => /^locales-.+\.xml$/.test(name))) {
      const locale = await findLocale(localeName.replace(/^locales-|\.xml$/g, ''), cslTemplateDir);
      if (!style || style.problem !== undefined || !locale || locale.problem !== undefined || !locale.tag || !fallback || fallback.problem !== undefined) {
        throw new Error(`${styleName} or ${localeName} cannot be read`);
      }
      const locales = localesOf(locale.tag, locale.text, fallback);
      for (const linked of [false, true]) {
        const engine = createEngine({ style: style.text, locales, lang: locale.tag, items: new Map(), bookLang: locale.tag, linkCitations: linked });
        entries.push([factsKeyOf(style.text, locale.tag, locales, linked), written(factsOf(engine, linked))]);
      }
    }
  }
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
