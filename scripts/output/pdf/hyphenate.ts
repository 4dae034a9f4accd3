/**
 * Hyphenation for print, at build time: Chromium here has no hyphenation dictionary, so `hyphens:
 * auto` would do nothing. Soft hyphens (U+00AD) go into the words, from Liang's TeX patterns (the
 * `hyphen` package: French from hyph-fr.tex); the browser breaks there only where a line needs it.
 * Rules of the French typographic tradition (Imprimerie nationale, *Lexique des règles
 * typographiques*, « Division des mots »), as TeX's French settings apply them:
 *   - at least 2 letters before the break and 3 after it (\lefthyphenmin=2, \righthyphenmin=3);
 *   - words of fewer than 6 letters are not divided;
 *   - proper names and abbreviations (words with a capital) are not divided;
 *   - headings, links, code and note calls are left alone.
 * Russian and English passages get their own patterns; other languages (Kazakh has no patterns in
 * the package) are left alone. Pure: works on the tree it is given.
 */
import { createRequire } from 'node:module';
import type { Root, Element, Text } from 'hast';

export const SOFT_HYPHEN = '\u00ad';

interface HyphenModule {
  hyphenateSync(text: string, options?: { hyphenChar?: string; minWordLength?: number }): string;
}

const require = createRequire(import.meta.url);
const patterns: Record<string, () => HyphenModule> = {
  fr: () => require('hyphen/fr') as HyphenModule,
  ru: () => require('hyphen/ru') as HyphenModule,
  en: () => require('hyphen/en-us') as HyphenModule,
};
const loaded = new Map<string, HyphenModule>();

function hyphenatorFor(lang: string): HyphenModule | undefined {
  const primary = lang.toLowerCase().split('-')[0];
  const load = patterns[primary];
  if (!load) return undefined;
  let module = loaded.get(primary);
  if (!module) {
    module = load();
    loaded.set(primary, module);
  }
  return module;
}

const LEFT_MIN = 2;
const RIGHT_MIN = 3;
const MIN_WORD = 6;
const word = /[\p{L}\p{M}]+/gu;
const capital = /\p{Lu}/u;

const skippedTags = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'code', 'pre', 'kbd', 'samp', 'var', 'script', 'style', 'svg', 'math']);
const skippedClasses = new Set(['citation', 'noteref', 'page-ref', 'apparatus']);

function hyphenateWord(text: string, module: HyphenModule, cache: Map<string, string>): string {
  if (text.length < MIN_WORD || capital.test(text)) return text;
  let result = cache.get(text);
  if (result !== undefined) return result;
  const marked = module.hyphenateSync(text, { hyphenChar: SOFT_HYPHEN, minWordLength: MIN_WORD });
  // Keep only the breaks that leave enough letters on each side.
  let out = '';
  let letters = 0;
  const total = text.length;
  for (const c of marked) {
    if (c === SOFT_HYPHEN) {
      if (letters >= LEFT_MIN && total - letters >= RIGHT_MIN) out += c;
      continue;
    }
    out += c;
    letters += c.length;
  }
  cache.set(text, out);
  return out;
}

function classesOf(node: Element): string[] {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : [];
}

export interface HyphenateOptions {
  /** The language of the tree's text where no element says otherwise. */
  lang: string;
}

/** Insert soft hyphens into the words of `tree`, in the patterns of each passage's language. */
export function hyphenate(tree: Root | Element, options: HyphenateOptions): void {
  const caches = new Map<string, Map<string, string>>();
  const walk = (node: Root | Element, lang: string) => {
    for (const child of node.children) {
      if (child.type === 'text') {
        const module = hyphenatorFor(lang);
        if (!module) continue;
        let cache = caches.get(lang);
        if (!cache) caches.set(lang, (cache = new Map()));
        const text = child as Text;
        text.value = text.value.replace(word, (w) => hyphenateWord(w, module, cache!));
      } else if (child.type === 'element') {
        if (skippedTags.has(child.tagName) || classesOf(child).some((c) => skippedClasses.has(c))) continue;
        const own = child.properties.lang;
        walk(child, typeof own === 'string' && own !== '' ? own : lang);
      }
    }
  };
  walk(tree, options.lang);
}
