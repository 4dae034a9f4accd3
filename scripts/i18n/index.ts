/**
 * The words the tool prints, in the book's language: one module per language (fr.ts, en.ts), chosen
 * by the primary subtag of the BCP 47 tag (RFC 5646 §2.1.1: case does not matter, so `fr`, `fr-CA`
 * and `FR` are French). A language with no module of its own (ru, kk…) gets the English words.
 * The compiled book carries its labels (`book.labels`, scripts/compile.ts).
 */
import type { Labels } from './labels.ts';
import { fr } from './fr.ts';
import { en } from './en.ts';

export type { Labels, EpubLabels, PrintLabels, ProofLabels, DiffLabels, FigureLabels } from './labels.ts';
export { romanNumeral } from './labels.ts';

const byLanguage: Record<string, Labels> = { fr, en };

/** The primary language subtag, lower case: `fr` for `fr-CA`. */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}

export function labelsFor(lang: string): Labels {
  const primary = primaryLanguage(lang);
  return Object.hasOwn(byLanguage, primary) ? byLanguage[primary] : en;
}

const languageNames = new Map<string, string>();

/**
 * The name of a language in the book's language (`ru` → « russe »), from the ICU data; each name
 * asked once per process (making an Intl.DisplayNames costs about a millisecond, and a chapter of
 * testimonies asks for the same few names again and again).
 */
export function languageName(tag: string, inLanguage: string): string {
  const key = `${tag}\0${inLanguage}`;
  let name = languageNames.get(key);
  if (name === undefined) {
    try {
      name = new Intl.DisplayNames([inLanguage], { type: 'language' }).of(tag) ?? tag;
    } catch {
      name = tag;
    }
    languageNames.set(key, name);
  }
  return name;
}
