/**
 * One citeproc-js engine per book (https://citeproc-js.readthedocs.io/en/latest/running.html):
 * the style and locale are parsed once, every cited work is registered once, before any citation
 * is processed, so that disambiguation and the bibliography see the whole book.
 */
import type { CslItem, CslXmlTree, Engine, VariableWrapperParams } from 'citeproc';
import { citeproc } from './citeproc-js.ts';
import { lastFew } from '../cache.ts';

export interface EngineOptions {
  /** The CSL style, as XML text. */
  style: string;
  /** Locale XML by tag; citeproc-js also asks for `en-US`, its fallback for missing terms. */
  locales: ReadonlyMap<string, string>;
  /** The locale the style renders in (`fr-FR`). */
  lang: string;
  items: ReadonlyMap<string, CslItem>;
  /** The book's language: works in another language get `lang` on their titles and names. */
  bookLang: string;
  /** pandoc's `link-citations`: each cited work a link to its bibliography entry (`#ref-KEY`). */
  linkCitations?: boolean;
}

/** Variables whose text is in the work's own language (titles, places of publication, archives). */
const variablesInWorkLanguage = new Set([
  'title', 'title-short', 'container-title', 'container-title-short', 'collection-title', 'original-title', 'publisher',
  'publisher-place', 'event', 'archive',
]);

/**
 * Names are in the work's language only when written in its script: `Иванов` in a Russian work
 * is Russian, `Mendikulova` is the book's own transliteration.
 */
const nameVariables = new Set([
  'author', 'editor', 'translator', 'container-author', 'collection-editor', 'director', 'interviewer', 'recipient',
  'reviewed-author', 'composer',
]);
const nonLatinLetter = /(?!\p{Script=Latin})\p{L}/u;

const primary = (tag: string) => tag.toLowerCase().split(/[-_]/)[0];
const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Styles and locales read once per process: citeproc-js reads the XML text it is given into a tree
 * (`CSL.parseXml`, about a quarter of making an engine), and takes such a tree as well. It changes
 * the tree it reads, so each engine gets its own copy. Keyed by the text; the last few kept.
 */
const xmlTrees = new Map<string, CslXmlTree>();
function xmlTree(text: string): CslXmlTree {
  // What citeproc-js's CSL.setupXml does with text before reading it.
  return structuredClone(lastFew(xmlTrees, text, () => citeproc().parseXml(text.replace(/^\s+/, ''))));
}

/** XML text as a tree read once; anything else (CSL as JSON) left to citeproc-js, as it comes. */
const readOnce = (text: string): string | CslXmlTree => (text.trimStart().startsWith('<') ? xmlTree(text) : text);

export function createEngine(options: EngineOptions): Engine {
  const bookLanguage = primary(options.bookLang);
  const sys = {
    retrieveLocale: (lang: string) => {
      const text = options.locales.get(lang);
      return text === undefined ? false : readOnce(text);
    },
    retrieveItem: (id: string): CslItem => {
      const item = options.items.get(id);
      if (!item) throw new Error(`citeproc asked for \`${id}\`, which is not in the bibliography`);
      // A type is required by CSL; `citation-missing-field` reports an entry without one.
      const typed = item.type ? item : { ...item, type: 'article' };
      // `system_id`: the id citeproc-js hands to `wrapCitationEntry` (link-citations).
      return options.linkCitations ? ({ ...typed, system_id: id } as CslItem) : typed;
    },
    // Mark text in another language than the book's (WCAG 3.1.2, Language of Parts).
    variableWrapper(params: VariableWrapperParams, prePunct: string, str: string, postPunct: string): string {
      // URL and DOI become links, as pandoc makes them (citeproc-hast.ts adds their line breaks).
      if (str !== '' && (params.variableNames[0] === 'URL' || params.variableNames[0] === 'DOI')) {
        const raw = String(params.itemData[params.variableNames[0]] ?? '').trim();
        const href = params.variableNames[0] === 'DOI' && !/^https?:/i.test(raw) ? `https://doi.org/${raw.replace(/^doi:/i, '')}` : raw;
        if (/^https?:\/\//i.test(href)) return `${prePunct}<a href="${escapeAttribute(href)}">${str}</a>${postPunct}`;
      }
      const language = typeof params.itemData.language === 'string' ? params.itemData.language.trim() : '';
      const foreign = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(language) && primary(language) !== bookLanguage;
      const inWorkLanguage =
        params.variableNames.some((name) => variablesInWorkLanguage.has(name)) ||
        (params.variableNames.some((name) => nameVariables.has(name)) && nonLatinLetter.test(str));
      if (foreign && str !== '' && inWorkLanguage) {
        return `${prePunct}<span lang="${escapeAttribute(language.replace(/_/g, '-'))}">${str}</span>${postPunct}`;
      }
      return `${prePunct}${str}${postPunct}`;
    },
  };
  if (options.linkCitations) {
    // citeproc-js wraps each work of a citation with this (citeproc-js's `sys.wrapCitationEntry`).
    (sys as Record<string, unknown>).wrapCitationEntry = (str: string, id: string) => `<a href="#ref-${escapeAttribute(encodeURIComponent(String(id)))}" class="citation-link">${str}</a>`;
  }
  const style = readOnce(options.style);
  const engine = options.linkCitations ? withCitationWrapper(() => new (citeproc().Engine)(sys, style, options.lang, true)) : new (citeproc().Engine)(sys, style, options.lang, true);
  engine.setOutputFormat('html');
  return engine;
}

/**
 * citeproc-js calls `sys.wrapCitationEntry` only if its option `apply_citation_wrapper` was set
 * when the style was parsed, inside the engine's constructor, which offers no way to set it: its
 * options object is made with one that sets it, for that constructor call only.
 */
function withCitationWrapper(make: () => Engine): Engine {
  const holder = citeproc().Engine as unknown as { Opt: new () => { development_extensions: Record<string, boolean> } };
  const Opt = holder.Opt;
  holder.Opt = function WrappingOpt() {
    const opt = new Opt();
    opt.development_extensions.apply_citation_wrapper = true;
    return opt;
  } as unknown as typeof Opt;
  try {
    return make();
  } finally {
    holder.Opt = Opt;
  }
}

/**
 * Every term of the engine's locale that ends with a period (`ibid.`, `s. d.`, `éd.`): a citation
 * that ends with one keeps its period when pandoc's rules drop the layout's final period.
 */
export function abbreviatedTerms(engine: Engine): string[] {
  const terms = localeTerms(engine);
  const found = new Set<string>(['et al.', 'etc.']);
  for (const forms of Object.values(terms)) {
    for (const value of Object.values(forms ?? {})) {
      for (const text of Array.isArray(value) ? value : [value]) if (typeof text === 'string' && text.endsWith('.')) found.add(text);
    }
  }
  return [...found];
}

/**
 * The terms of the engine's locale, the style's `<locale>` overrides merged in: `terms[name][form]`
 * is a string or `[singular, plural]` (citeproc-js's parsed locale).
 */
export function localeTerms(engine: Engine): Record<string, Record<string, unknown> | undefined> {
  return (engine as unknown as { locale: Record<string, { terms: Record<string, Record<string, unknown>> }> }).locale[engine.opt.lang]?.terms ?? {};
}

/** An option of the engine's locale (`punctuation-in-quote`…), as citeproc-js parsed it. */
export function localeOption(engine: Engine, name: string): unknown {
  return (engine as unknown as { locale: Record<string, { opts?: Record<string, unknown> }> }).locale[engine.opt.lang]?.opts?.[name];
}

/** The prefix and suffix of the style's citation layout (`<layout suffix=".">`), as citeproc-js parsed them. */
export function layoutAffixes(engine: Engine): { prefix: string; suffix: string } {
  const opt = (engine as unknown as { citation?: { opt?: { layout_prefix?: string; layout_suffix?: string } } }).citation?.opt;
  return { prefix: opt?.layout_prefix ?? '', suffix: opt?.layout_suffix ?? '' };
}
