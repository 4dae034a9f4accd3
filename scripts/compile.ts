/**
 * Manuscript → document model. Each chapter: parse (syntax) → front matter → typography →
 * editorial markers → note numbering → escapes restored → hast. The parsed tree is kept unchanged
 * for the checks; the transforms work on a copy.
 */
import path from 'node:path';
import { VFile } from 'vfile';
import { parse as parseYaml } from 'yaml';
import type { Root, Heading } from 'mdast';
import type { Root as HastRoot } from 'hast';
import { toString } from 'mdast-util-to-string';
import { toString as hastToString } from 'hast-util-to-string';
import { visit } from './tree/visit.ts';
import { parseMarkdown } from './markdown/parse.ts';
import { restoreEscapes, restoreEscapesInTree } from './markdown/escapes.ts';
import { frenchTypography } from './transforms/french-typography.ts';
import { numberNotes } from './transforms/number-notes.ts';
import { removeTodos } from './transforms/editorial-markers.ts';
import { chapterToHast } from './render/chapter-hast.ts';
import { BookIds, pageName, type ChapterIdClaim, type ChapterIds } from './render/ids.ts';
import { hashOf, toolchainFingerprint, useCache } from './cache.ts';
import { bookContext, citationContext, ChapterCache, placesBibliography } from './compile-cache.ts';
import { loadManuscript, type ManuscriptOptions } from './manuscript/load-manuscript.ts';
import { readManuscriptFile } from './manuscript/read-text.ts';
import { maxAliasCount } from './config/load-config.ts';
import { BuildError } from './errors.ts';
import { report } from './check/messages.ts';
import { loadCitations, type CitationStage, type GeneratedChapter } from './citations/index.ts';
import type { Book, BookMeta, Chapter, ChapterSource, PlaceEntry } from './model/index.ts';
import { bookOutline } from './model/outline.ts';
import { typesetMeta } from './model/typeset.ts';
import { labelsFor } from './i18n/index.ts';
import { illustrationsChapter, resolveCrossrefs } from './crossref/index.ts';
import { finishApparatus, orderChapters, planApparatus } from './apparatus/index.ts';
import { cloneTree } from './tree/clone.ts';

export interface CompileOptions extends ManuscriptOptions {
  /** Keep editorial markers (:::todo) in the editions. Default: when the book is a draft. */
  showTodos?: boolean;
  /** Render citations and the bibliography (default). False for a book only checked: see scripts/citations. */
  renderCitations?: boolean;
}

interface FrontMatter {
  title?: string;
  id?: string;
  lang?: string;
}

function readFrontMatter(tree: Root, file: VFile): FrontMatter {
  const node = tree.children[0];
  if (!node || node.type !== 'yaml') return {};
  try {
    const data: unknown = parseYaml(node.value, { maxAliasCount });
    if (data === null || data === undefined) return {};
    if (typeof data !== 'object' || Array.isArray(data)) throw new Error('expected keys such as title, id, lang');
    // Keys are read case-insensitively (`Title:` as pandoc and Jekyll users write it); a key in
    // lower case wins over the same key written otherwise.
    const keys: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      const lower = key.toLowerCase();
      if (key === lower || !(lower in keys)) keys[lower] = value;
    }
    const { title, id, lang } = keys;
    const front: FrontMatter = {};
    if (typeof title === 'string') front.title = title;
    if (typeof id === 'string' && /^[\p{L}\p{N}_-]+$/u.test(id)) front.id = id;
    else if (id !== undefined) report(file, 'front-matter-invalid', 'Front matter `id` must be letters, digits, `-` or `_`', node.position);
    if (typeof lang === 'string') front.lang = lang;
    return front;
  } catch (error) {
    report(file, 'front-matter-invalid', `Cannot read the front matter: ${(error as Error).message.split('\n')[0]}`, node.position);
    return {};
  }
}

/** The chapter title: front matter `title`, else the first level-1 heading, else the file name. */
function firstHeading(tree: Root): Heading | undefined {
  let found: Heading | undefined;
  visit(tree, 'heading', (heading) => {
    if (!found && heading.depth === 1) found = heading;
  });
  return found;
}

function sectionsOf(hast: HastRoot): Chapter['sections'] {
  const sections: Chapter['sections'] = [];
  for (const node of hast.children) {
    if (node.type === 'element' && node.tagName === 'h2' && typeof node.properties.id === 'string') {
      sections.push({ id: node.properties.id, title: hastToString(node) });
    }
  }
  return sections;
}

/** The id a chapter asks for: its front matter `id`, else its file name, made a page name (render/ids.ts). */
function wantedId(front: FrontMatter, source: ChapterSource, index: number): string {
  return pageName(front.id ?? path.basename(source.path).replace(/\.(md|markdown)$/i, '')) || `chapter-${index + 1}`;
}

export function compileChapter(
  file: VFile,
  source: ChapterSource,
  meta: BookMeta,
  options: {
    showTodos: boolean;
    citations?: CitationStage;
    mdast?: Root;
    /** Read by compileBook, which gives every chapter its id in book order (`id`, from `ids`). */
    front?: FrontMatter;
    id?: ChapterIdClaim;
    /** The book's ids; a chapter compiled alone (the live preview) has its own. */
    ids?: BookIds;
    /** The places registry, which `::map` draws from (scripts/maps/). */
    places?: readonly PlaceEntry[];
  },
): Chapter {
  const mdast = options.mdast ?? parseMarkdown(file);
  const front = options.front ?? readFrontMatter(mdast, file);
  const lang = front.lang ?? meta.language;
  const bookIds = options.ids ?? new BookIds();
  const claim = options.id ?? bookIds.claimChapters([wantedId(front, source, 0)])[0];
  const id = claim.id;
  const ids: { book: BookIds; assigned?: ChapterIds } = { book: bookIds };

  // The compile's working copy; its positions are the parsed tree's, which it only reads.
  const tree = cloneTree(mdast, { sharePositions: true });
  tree.children = tree.children.filter((node) => node.type !== 'yaml');
  frenchTypography(tree, lang);
  if (!options.showTodos) removeTodos(tree);
  // Citations before numbering: in a note style they become notes numbered with the author's.
  options.citations?.renderChapter(tree, id, lang);
  numberNotes(tree);
  const heading = firstHeading(tree);
  restoreEscapesInTree(tree);
  const title = front.title ? restoreEscapes(front.title) : heading ? toString(heading, { includeHtml: false }) : id;
  const hast = chapterToHast(tree, { chapterId: id, bookLang: meta.language, file, ids, places: options.places });
  return { id, source, file, title, lang, mdast, hast, sections: sectionsOf(hast), idClash: claim.clash, ids: ids.assigned };
}

export async function compileBook(options: CompileOptions): Promise<Book> {
  const manuscript = await loadManuscript(options);
  const showTodos = options.showTodos ?? manuscript.meta.status === 'draft';
  const files: VFile[] = [];
  // Strict UTF-8, BOM and CR dropped (scripts/manuscript/read-text.ts); every unreadable chapter is named at once.
  const unreadable: VFile[] = [];
  for (const source of manuscript.sources) {
    const read = await readManuscriptFile(source.path, 'This chapter');
    (read.ok ? files : unreadable).push(read.file);
  }
  if (unreadable.length > 0) throw new BuildError(`${unreadable.length} chapter${unreadable.length > 1 ? 's' : ''} cannot be read.`, [...manuscript.files, ...unreadable]);
  // Every chapter is parsed before any is rendered: the citation engine registers every cited work first.
  // Parsed trees and compiled chapters come from the build's cache when their inputs are unchanged (scripts/compile-cache.ts).
  const cache = useCache() ? new ChapterCache() : undefined;
  const trees = cache ? await Promise.all(files.map((file) => cache.parse(file, parseMarkdown))) : files.map((file) => parseMarkdown(file));
  // The registries' chapters (glossary, notes…) too: their definitions may cite (scripts/apparatus).
  const labels = labelsFor(manuscript.meta.language);
  const apparatus = planApparatus(manuscript, labels, manuscript.meta.language);
  const citations = await loadCitations(manuscript.citations, [...trees, ...apparatus.trees], {
    bookLang: manuscript.meta.language,
    skipTodos: !showTodos,
    render: options.renderCitations,
    files,
  });
  // Chapter ids first, all of them, in book order: element ids must then avoid every chapter's.
  const fronts = files.map((file, i) => readFrontMatter(trees[i], file));
  const ids = new BookIds({ parts: manuscript.meta.parts.map((part) => part.id), citationKeys: citations.bibliography.byId.keys() });
  const claims = ids.claimChapters(fronts.map((front, i) => wantedId(front, manuscript.sources[i], i)));
  const apparatusClaims = ids.claimChapters(apparatus.drafts.map((draft) => draft.wantedId));
  const compileAt = (i: number, bookIds: BookIds) =>
    compileChapter(files[i], manuscript.sources[i], manuscript.meta, { showTodos, citations, mdast: trees[i], front: fronts[i], id: claims[i], ids: bookIds, places: manuscript.places?.places });
  const context = cache && (await bookContext(manuscript, citations.bibliography.files, { showTodos, renderCitations: options.renderCitations ?? true }));
  const cited = context === undefined ? '' : citationContext([...trees, ...apparatus.trees]);
  // A changed chapter whose citations are unchanged takes its rendered citations from the cache too.
  if (cache && context !== undefined) citations.keepRendered(hashOf(toolchainFingerprint(), context, cited));
  const bookFiles = [...manuscript.files, ...citations.bibliography.files, ...files];
  const chapters: Chapter[] = [];
  // What each chapter's compiling depends on besides its bytes and the book's ids (the cache's key).
  const inputs = context === undefined ? [] : files.map((_, i) => [context, cited, JSON.stringify({ place: i, source: manuscript.sources[i], front: fronts[i], claim: claims[i] })]);
  if (cache && context !== undefined) cache.readAhead(files.map((file, i) => ({ file, inputs: inputs[i] })));
  for (const [i, file] of files.entries()) {
    if (!cache || context === undefined) {
      chapters.push(compileAt(i, ids));
      continue;
    }
    chapters.push(await cache.compile(file, manuscript.sources[i], trees[i], ids, inputs[i], bookFiles, (bookIds) => compileAt(i, bookIds)));
  }
  // Figures and tables (maps included) numbered in book order, cross-references resolved
  // (scripts/crossref); the list of illustrations is generated back matter, placed with the rest.
  const { figures } = resolveCrossrefs(chapters, labels.figures, ids);
  const made = finishApparatus(
    apparatus,
    chapters,
    // A generated chapter yields its page name to the author's silently (`glossaire-2`): nothing to fix.
    (draft, i) => compileChapter(draft.file, draft.source, manuscript.meta, { showTodos, citations, ids, mdast: draft.mdast, id: { id: apparatusClaims[i].id } }),
    labels,
    manuscript.meta.language,
    (base, chapterId) => {
      const id = ids.free(base);
      ids.claim(id, chapterId);
      return id;
    },
  ).chapters;
  const illustrations = illustrationsChapter(figures, labels.figures);
  if (illustrations) {
    const { file, source, tree, id } = illustrations;
    made.push(compileChapter(file, source, manuscript.meta, { showTodos, citations, ids, mdast: tree, front: { id } }));
  }
  const compileGenerated = ({ file, source, tree, id }: GeneratedChapter, bookIds: BookIds) => compileChapter(file, source, manuscript.meta, { showTodos, citations, ids: bookIds, mdast: tree, front: { id } });
  const chapterIds = [...chapters, ...made].map((chapter) => chapter.id);
  // From the cache only when no chapter places the bibliography itself (scripts/compile-cache.ts).
  const fromCache = cache && context !== undefined && ![...trees, ...apparatus.trees].some(placesBibliography);
  const generated = fromCache
    ? await cache.generated(ids, [context, cited, JSON.stringify(chapterIds)], bookFiles, () => citations.bibliographyChapter(chapterIds), compileGenerated)
    : ((draft) => draft && compileGenerated(draft, ids))(citations.bibliographyChapter(chapterIds));
  if (generated) made.push(generated);
  await Promise.all([cache?.prune(), citations.pruneKept()]);
  // Front matter, body, back matter in the order book.yaml gives (scripts/apparatus).
  const ordered = orderChapters(chapters, made, manuscript.meta.config);
  return {
    root: manuscript.root,
    meta: manuscript.meta,
    chapters: ordered.chapters,
    backSlots: ordered.slots,
    // The generated bibliography chapter carries no message of its own: its file is not listed.
    files: [...manuscript.files, ...citations.bibliography.files, ...files],
    bibliography: citations.bibliography,
    locatorTerms: citations.locatorTerms,
    names: manuscript.names,
    places: manuscript.places?.places,
    // What every edition shares, computed once here (scripts/model, scripts/i18n).
    outline: bookOutline(ordered.chapters, manuscript.meta),
    typeset: typesetMeta(manuscript.meta),
    labels,
  };
}
