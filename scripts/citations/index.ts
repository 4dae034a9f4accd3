/**
 * The citation stage of the build (see docs/citations.md), given what the loaded manuscript names
 * (scripts/manuscript/citation-sources.ts): the bibliography files read once, the CSL style and
 * locale found (never fetched), one citeproc-js engine for the book with every cited work
 * registered, then each chapter's citations rendered between typography and note numbering.
 * With no `::bibliography` in the manuscript, the bibliography becomes a generated back-matter
 * chapter at the end of the book.
 */
import { VFile } from 'vfile';
import type { Root, Nodes, RootContent } from 'mdast';
import type { ElementContent, Element } from 'hast';
import type { ChapterSource } from '../model/index.ts';
import { BuildError } from '../errors.ts';
import { report } from '../check/messages.ts';
import { isTodo } from '../transforms/editorial-markers.ts';
import { labelsFor } from '../i18n/index.ts';
import { slug } from '../render/chapter-hast.ts';
import type { CitationSetting, CitationSources } from '../manuscript/citation-sources.ts';
import { loadBibliography } from './bibliography.ts';
import { findLocale, findStyle, cslTemplateDir, systemCslDir } from './resources.ts';
import type { Engine } from 'citeproc';
import { hashOf, lastFew, toolchainFingerprint, useCache, ValueCache } from '../cache.ts';
import { createEngine } from './engine.ts';
import type { LocatorTerms } from './locator.ts';
import { factsKeyOf, factsOf, localesOf, shippedFacts, type StyleFacts } from './style-facts.ts';
import { addInlineReferences, citationMetadata, reportUnknownNocite } from './metadata.ts';
import type { BibliographySection } from '../config/citation-metadata.ts';
import { CitationRenderer, type RenderedCitations } from './render-citations.ts';
import { htmlToHast, loadHtmlReader } from './citeproc-hast.ts';
import type { Bibliography, RenderedBibliographyData, CslItem } from './types.ts';

export type { Bibliography, BibliographyEntry, BibliographyProblem, RenderedCiteData, RenderedBibliographyData } from './types.ts';

export interface CitationStage {
  bibliography: Bibliography;
  /** The locator terms of the book's CSL locale, the style's own included (locator.ts). */
  locatorTerms: LocatorTerms;
  /** Render one chapter's citations; call in book order, after typography and before numberNotes. */
  renderChapter(tree: Root, chapterId: string, lang?: string): void;
  /**
   * After every chapter: when works are cited and no chapter has `::bibliography`, a generated
   * back-matter chapter that holds the bibliography (compiled like any chapter).
   */
  bibliographyChapter(chapterIds: readonly string[]): GeneratedChapter | undefined;
  /**
   * Keep each chapter's rendered citations in the build's cache (`citations/`, docs/cache.md), under
   * `key`: what they depend on besides the chapter's own citations (the caller's book context and
   * citations, as the compiled chapters' keys have them). A chapter whose citations a build before
   * rendered takes them from there; when every chapter does, no engine is made.
   */
  keepRendered(key: string): void;
  /** After every chapter: the cache's entries kept or bounded (ValueCache.prune). */
  pruneKept(): Promise<void>;
}

/** What the last compile took from the cache of rendered citations, and the engines it made (read by tests/warm-build.test.ts). */
export const renderedCitationStats = { reused: 0, made: 0, engines: 0 };

/**
 * A chapter the book makes itself, given as the tree the reader would have made of it (no text is
 * written to be parsed again), without positions: no line of any file is its source.
 */
export interface GeneratedChapter {
  /** The chapter's id, as front matter would give it. */
  id: string;
  tree: Root;
  file: VFile;
  source: ChapterSource;
}

/**
 * `# Title` then `::bibliography`: the bibliography chapter as mdast; with sections
 * (`bibliography-sections`), `## Section` and `::bibliography{section="Section"}` for each one
 * that has entries.
 */
function bibliographyTree(title: string, sections: readonly string[]): Root {
  const directive = (section?: string): RootContent => ({ type: 'leafDirective', name: 'bibliography', attributes: section === undefined ? {} : { section }, children: [] });
  return {
    type: 'root',
    children: [
      { type: 'heading', depth: 1, children: [{ type: 'text', value: title }] },
      ...(sections.length === 0
        ? [directive()]
        : sections.flatMap((section): RootContent[] => [{ type: 'heading', depth: 2, children: [{ type: 'text', value: section }] }, directive(section)])),
    ],
  };
}

/** The values of a field of an entry, for `bibliography-sections`: keywords one by one. */
function fieldValues(item: CslItem, field: string): string[] {
  const value = (item as Record<string, unknown>)[field];
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return values.flatMap((v) => (typeof v === 'string' || typeof v === 'number' ? String(v).split(field === 'keyword' ? /[,;]/ : /$^/) : [])).map((v) => v.trim().toLowerCase());
}

/** The section an entry goes in: the first whose field has one of its values, else the first without a field. */
function sectionOf(item: CslItem, sections: readonly BibliographySection[]): string | undefined {
  const matching = sections.find((section) => section.field !== undefined && fieldValues(item, section.field).some((v) => section.values!.some((w) => w.toLowerCase() === v)));
  return (matching ?? sections.find((section) => section.field === undefined))?.title;
}

/** Cited keys in reading order, each once. Citations in `:::todo` blocks count only in drafts. */
function citedKeys(trees: Root[], skipTodos: boolean): string[] {
  const keys = new Set<string>();
  const walk = (node: Nodes) => {
    if (skipTodos && isTodo(node as { type: string; name?: string })) return;
    if (node.type === 'cite') for (const citation of node.citations) keys.add(citation.key);
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  for (const tree of trees) walk(tree);
  return [...keys];
}

/** ` (/the/file/read)` when the value named it otherwise (a style name, a relative path). */
const alsoPath = (value: string, file: string) => (value === file ? '' : ` (${file})`);

function settingError(setting: CitationSetting, what: string, reason: string): BuildError {
  const file = setting.namedIn?.file ?? new VFile({ path: setting.value });
  report(file, 'config-invalid', reason, setting.namedIn?.place);
  return new BuildError(`The ${what} cannot be used.`, [file]);
}

export interface CitationOptions {
  /** The book's language (BCP 47). */
  bookLang: string;
  /** Leave out citations inside `:::todo` blocks (release builds remove them). */
  skipTodos: boolean;
  /**
   * False when only the checks will read the book (`book check`): the bibliography, style and
   * locale are still read and verified, but no engine is made and no citation is rendered. The
   * checks read the parsed chapters and the bibliography, never the rendered notes.
   */
  render?: boolean;
  /** Overrides `notes-after-punctuation` of book.yaml and the front matter, and the language's custom. */
  notesAfterPunctuation?: boolean;
  /** The chapter files of `trees`, for messages about their front matter and inline `references`. */
  files?: readonly VFile[];
  /**
   * False: each cluster through `processCitationCluster`, as before the one pass (batch.ts); the
   * reference the tests compare the one pass with. Default: the one pass.
   */
  onePass?: boolean;
}

const styleFacts = new Map<string, StyleFacts>();

export async function loadCitations(sources: CitationSources, trees: Root[], options: CitationOptions): Promise<CitationStage> {
  const bibliography = await loadBibliography(sources.bibliography);

  const style = await findStyle(sources.csl.value, sources.csl.base);
  if (!style) {
    throw settingError(sources.csl, 'CSL style', `CSL style \`${sources.csl.value}\` not found in ${cslTemplateDir} nor ${systemCslDir}/styles; give a style name found there or the path of a .csl file`);
  }
  if (style.problem !== undefined) {
    throw settingError(sources.csl, 'CSL style', `CSL style \`${sources.csl.value}\`${alsoPath(sources.csl.value, style.path)} ${style.problem}; give the path of a .csl file or a style name`);
  }
  const locale = await findLocale(sources.locale.value, sources.locale.base);
  if (!locale) {
    throw settingError(sources.locale, 'CSL locale', `CSL locale \`${sources.locale.value}\` not found in ${cslTemplateDir} nor ${systemCslDir}/locales; give a tag such as fr-FR or the path of a locales-xx-XX.xml file`);
  }
  if (locale.problem !== undefined || locale.tag === undefined) {
    throw settingError(sources.locale, 'CSL locale', `CSL locale \`${sources.locale.value}\`${alsoPath(sources.locale.value, locale.path)} ${locale.problem ?? 'has no language'}; give the path of a locales-xx-XX.xml file or a tag such as fr-FR`);
  }
  const fallback = locale.tag === 'en-US' ? locale : await findLocale('en-US', sources.locale.base);
  const locales = localesOf(locale.tag, locale.text, fallback);

  const metadata = citationMetadata(sources, trees, options.files ?? []);
  addInlineReferences(bibliography, metadata.references);
  bibliography.nocite = metadata.nocite;
  reportUnknownNocite(bibliography, metadata);
  // Cited works, then those `nocite` lists (`@*`: every entry), as pandoc registers them.
  const listed = metadata.nocite.includes('*') ? [...bibliography.byId.keys()] : metadata.nocite;
  const registered = [...new Set([...citedKeys(trees, options.skipTodos), ...listed])].filter((key) => bibliography.byId.has(key));
  const items = new Map<string, CslItem>(registered.map((key) => [key, bibliography.byId.get(key)!.item]));
  const linked = metadata.linkCitations && !metadata.suppressBibliography;
  const makeEngine = () => {
    try {
      return createEngine({ style: style.text, locales, lang: locale.tag!, items, bookLang: options.bookLang, linkCitations: linked });
    } catch {
      // citeproc-js's own message may quote the file: it is not repeated.
      throw settingError(sources.csl, 'CSL style', `CSL style \`${sources.csl.value}\`${alsoPath(sources.csl.value, style.path)} or locale \`${sources.locale.value}\` cannot be read by citeproc-js: it is not valid CSL 1.0; check it against the CSL schema or choose a shipped style`);
    }
  };
  // An engine for the cited works; none when nothing will be formatted (the checks, a book that
  // cites nothing) and this style and locale were read before: what is read of them is kept.
  const factsKey = factsKeyOf(style.text, locale.tag, locales, linked);
  let early: Engine | undefined;
  // The build's cache keeps them too (`citations/`, keyed by the toolchain as well): a later build
  // with this style and locale loads no citeproc-js until it formats a citation.
  const kept = useCache() ? new ValueCache('citations') : undefined;
  const keptKey = hashOf('style-facts', toolchainFingerprint(), factsKey);
  const facts = lastFew(styleFacts, factsKey, () => {
    const known = kept?.getSync<StyleFacts>(keptKey);
    if (known && known.locatorTerms instanceof Map && typeof known.noteStyle === 'boolean') return known;
    // A shipped style and locale: read once for all, in templates/csl/style-facts.json (style-facts.ts).
    const shipped = shippedFacts(factsKey);
    if (shipped) return shipped;
    const made = factsOf((early = makeEngine()), linked);
    kept?.set(keptKey, made);
    return made;
  });
  const { locatorTerms } = facts;

  if (options.render === false) {
    return { bibliography, locatorTerms, renderChapter: () => undefined, bibliographyChapter: () => undefined, keepRendered: () => undefined, pruneKept: async () => kept?.prune() };
  }
  await loadHtmlReader();
  Object.assign(renderedCitationStats, { reused: 0, made: 0, engines: 0 });
  // The engine for the cited works, every one registered (`updateItems`, about half a second at
  // 100k words), made when a citation or the bibliography is first formatted: not at all when
  // every chapter's citations come from the cache.
  let engine: Engine | undefined;
  let engineMade = false;
  const bookEngine = (): Engine | undefined => {
    if (!engineMade) {
      engineMade = true;
      if (registered.length) {
        engine = early ?? makeEngine();
        engine.updateItems(registered);
        renderedCitationStats.engines += 1;
      }
    }
    return engine;
  };

  let rendered: { all: RenderedBibliographyData; bySection: Map<string, ElementContent[]> } | undefined;
  const render = () => {
    if (rendered) return rendered;
    // `suppress-bibliography`: the works are cited, no bibliography is printed (pandoc).
    const made = registered.length && !metadata.suppressBibliography ? bookEngine()?.makeBibliography() : false;
    if (!made) return (rendered = { all: { entries: [], hangingIndent: false }, bySection: new Map() });
    const [meta, strings] = made;
    const entries: ElementContent[] = [];
    const bySection = new Map<string, ElementContent[]>((metadata.sections ?? []).map((section) => [section.title, []]));
    strings.forEach((html, i) => {
      const id = meta.entry_ids[i]?.[0];
      const section = id === undefined || !metadata.sections ? undefined : sectionOf(bibliography.byId.get(String(id))!.item, metadata.sections);
      for (const node of htmlToHast(html.trim())) {
        if (node.type === 'element' && id !== undefined) (node as Element).properties.id = `ref-${id}`;
        if (node.type !== 'element') continue;
        entries.push(node);
        if (section !== undefined) bySection.get(section)!.push(structuredClone(node));
      }
    });
    return (rendered = { all: { entries, hangingIndent: Boolean(meta.hangingindent) }, bySection });
  };
  /** The whole bibliography, or one section of it (`::bibliography{section="Sources"}`). */
  const renderBibliography = (section?: string): RenderedBibliographyData => {
    const { all, bySection } = render();
    return section === undefined ? all : { ...all, entries: bySection.get(section) ?? [] };
  };
  /** The sections that have entries, in the order book.yaml gives them. */
  const filledSections = () => [...render().bySection].filter(([, entries]) => entries.length > 0).map(([title]) => title);

  const renderer = new CitationRenderer({
    engine: bookEngine,
    noteStyle: facts.noteStyle,
    known: new Set(registered),
    toHast: htmlToHast,
    bibliography: renderBibliography,
    abbreviations: facts.abbreviations,
    leadingTerms: facts.leadingTerms,
    locatorTerms,
    punctuationInQuote: facts.punctuationInQuote,
    ...(facts.layoutAffixes ? { layoutAffixes: facts.layoutAffixes } : {}),
    onePass: options.onePass,
  });

  return {
    bibliography,
    locatorTerms,
    // The note calls follow the language of the chapter, unless book.yaml says for the whole book.
    renderChapter: (tree, chapterId, lang = options.bookLang) =>
      renderer.renderChapter(tree, chapterId, { notesAfterPunctuation: options.notesAfterPunctuation ?? metadata.notesAfterPunctuation ?? labelsFor(lang).notesAfterPunctuation }),
    bibliographyChapter(chapterIds) {
      if (renderer.bibliographyPlaced || registered.length === 0 || metadata.suppressBibliography) return undefined;
      const title = metadata.referenceSectionTitle ?? labelsFor(options.bookLang).bibliography;
      const base = slug(title);
      let id = base;
      for (let i = 2; chapterIds.includes(id); i++) id = `${base}-${i}`;
      // The chapter's source is the bibliography file itself: it is what the chapter is made from.
      const sourcePath = bibliography.byId.get(registered[0])!.file.path;
      return { id, tree: bibliographyTree(title, filledSections()), file: new VFile({ path: sourcePath }), source: { path: sourcePath, matter: 'back', generated: 'bibliography' } };
    },
    keepRendered(key) {
      const cache = kept ?? new ValueCache('citations');
      renderer.keepIn(
        {
          get: (entryKey) => {
            const value = cache.getSync<RenderedCitations>(entryKey);
            const fits = value && Array.isArray(value.html) && Array.isArray(value.authors) && [...value.html, ...value.authors].every((v) => v === undefined || typeof v === 'string');
            if (fits) renderedCitationStats.reused += 1;
            return fits ? value : undefined;
          },
          set: (entryKey, value) => {
            renderedCitationStats.made += 1;
            cache.set(entryKey, value);
          },
        },
        key,
      );
    },
    pruneKept: async () => kept?.prune(),
  };
}
