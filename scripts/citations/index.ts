/**
 * The citation stage of the build (see docs/citations.md): the bibliography files read once, the
 * CSL style and locale found (never fetched), one citeproc-js engine for the book with every cited
 * work registered, then each chapter's citations rendered between typography and note numbering.
 * With no `::bibliography` in the manuscript, the bibliography becomes a generated back-matter
 * chapter at the end of the book.
 */
import path from 'node:path';
import { VFile } from 'vfile';
import type { Root, Nodes } from 'mdast';
import type { Point } from 'unist';
import type { ElementContent, Element } from 'hast';
import type { BookConfig } from '../config/book-schema.ts';
import type { ChapterSource } from '../model.ts';
import { BuildError } from '../errors.ts';
import { isTodo } from '../transforms/editorial-markers.ts';
import { labelsFor } from '../render/labels.ts';
import { slug } from '../render/chapter-hast.ts';
import { loadBibliography, type BibliographySource } from './bibliography.ts';
import { findLocale, findStyle, cslTemplateDir, systemCslDir } from './resources.ts';
import { abbreviatedTerms, createEngine } from './engine.ts';
import { CitationRenderer } from './render-citations.ts';
import { htmlToHast } from './citeproc-hast.ts';
import type { Bibliography, RenderedBibliographyData, CslItem } from './types.ts';

export type { Bibliography, BibliographyEntry, BibliographyProblem, RenderedCiteData, RenderedBibliographyData } from './types.ts';

export interface NamedIn {
  file: VFile;
  place: Point;
}

export interface CitationSetting {
  value: string;
  /** The folder a relative path is read from: the manuscript's, or the working folder for an option. */
  base: string;
  namedIn?: NamedIn;
}

export interface CitationSources {
  bibliography: BibliographySource[];
  csl: CitationSetting;
  locale: CitationSetting;
}

/**
 * What book.yaml (or the command line, for a folder without one) names. Paths in book.yaml are
 * relative to the manuscript folder; command-line paths to the working folder, as with pandoc.
 */
export function citationSourcesOf(
  config: Pick<BookConfig, 'bibliography' | 'csl' | 'locale'>,
  base: string,
  configFile?: { file: VFile; placeOfPath: (path: Array<string | number>) => Point },
): CitationSources {
  const files = config.bibliography === undefined ? [] : Array.isArray(config.bibliography) ? config.bibliography : [config.bibliography];
  const named = (yamlPath: Array<string | number>): NamedIn | undefined =>
    configFile ? { file: configFile.file, place: configFile.placeOfPath(yamlPath) } : undefined;
  return {
    bibliography: files.map((file, i) => ({
      path: path.resolve(base, file),
      namedIn: named(Array.isArray(config.bibliography) ? ['bibliography', i] : ['bibliography']),
    })),
    csl: { value: config.csl, base, namedIn: named(['csl']) },
    locale: { value: config.locale, base, namedIn: named(['locale']) },
  };
}

export interface CitationStage {
  bibliography: Bibliography;
  /** Render one chapter's citations; call in book order, after typography and before numberNotes. */
  renderChapter(tree: Root, chapterId: string): void;
  /**
   * After every chapter: when works are cited and no chapter has `::bibliography`, the Markdown of
   * a generated back-matter chapter that holds the bibliography (compiled like any chapter).
   */
  bibliographyChapter(chapterIds: readonly string[]): { file: VFile; source: ChapterSource } | undefined;
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
  const message = file.message(reason, { place: setting.namedIn?.place, ruleId: 'config-invalid', source: 'book' });
  message.fatal = true;
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
}

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
  const locales = new Map<string, string>([[locale.tag, locale.text]]);
  if (fallback?.problem === undefined && fallback) locales.set('en-US', fallback.text);

  if (options.render === false) {
    return { bibliography, renderChapter: () => undefined, bibliographyChapter: () => undefined };
  }

  const registered = citedKeys(trees, options.skipTodos).filter((key) => bibliography.byId.has(key));
  const items = new Map<string, CslItem>(registered.map((key) => [key, bibliography.byId.get(key)!.item]));
  let engine: ReturnType<typeof createEngine>;
  try {
    engine = createEngine({ style: style.text, locales, lang: locale.tag, items, bookLang: options.bookLang });
  } catch {
    // citeproc-js's own message may quote the file: it is not repeated.
    throw settingError(sources.csl, 'CSL style', `CSL style \`${sources.csl.value}\`${alsoPath(sources.csl.value, style.path)} or locale \`${sources.locale.value}\` cannot be read by citeproc-js: it is not valid CSL 1.0; check it against the CSL schema or choose a shipped style`);
  }
  if (registered.length) engine.updateItems(registered);

  let rendered: RenderedBibliographyData | undefined;
  const renderBibliography = (): RenderedBibliographyData => {
    if (rendered) return rendered;
    const made = registered.length ? engine.makeBibliography() : false;
    if (!made) return (rendered = { entries: [], hangingIndent: false });
    const [meta, strings] = made;
    const entries: ElementContent[] = [];
    strings.forEach((html, i) => {
      const id = meta.entry_ids[i]?.[0];
      for (const node of htmlToHast(html.trim())) {
        if (node.type === 'element' && id !== undefined) (node as Element).properties.id = `ref-${id}`;
        if (node.type === 'element') entries.push(node);
      }
    });
    return (rendered = { entries, hangingIndent: Boolean(meta.hangingindent) });
  };

  const renderer = new CitationRenderer({
    engine,
    known: new Set(registered),
    toHast: htmlToHast,
    bibliography: renderBibliography,
    abbreviations: abbreviatedTerms(engine),
    leadingTerms: ['ibid', 'op-cit', 'loc-cit'].map((term) => engine.getTerm(term)).filter(Boolean),
  });

  return {
    bibliography,
    renderChapter: (tree, chapterId) => renderer.renderChapter(tree, chapterId),
    bibliographyChapter(chapterIds) {
      if (renderer.bibliographyPlaced || registered.length === 0) return undefined;
      const title = labelsFor(options.bookLang).bibliography;
      const base = slug(title);
      let id = base;
      for (let i = 2; chapterIds.includes(id); i++) id = `${base}-${i}`;
      // The chapter's source is the bibliography file itself: it is what the chapter is made from.
      const sourcePath = bibliography.byId.get(registered[0])!.file.path;
      const file = new VFile({ path: sourcePath, value: `---\nid: ${id}\n---\n\n# ${title}\n\n::bibliography\n` });
      return { file, source: { path: sourcePath, matter: 'back', generated: 'bibliography' } };
    },
  };
}
