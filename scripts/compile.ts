/**
 * Manuscript → document model. Each chapter: parse (syntax) → front matter → typography →
 * editorial markers → note numbering → escapes restored → hast. The parsed tree is kept unchanged
 * for the checks; the transforms work on a copy.
 */
import { readFile } from 'node:fs/promises';
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
import { loadManuscript, type ManuscriptOptions } from './manuscript/load-manuscript.ts';
import { loadCitations, type CitationStage } from './citations/index.ts';
import type { Book, BookMeta, Chapter, ChapterSource } from './model.ts';

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
    const data: unknown = parseYaml(node.value);
    if (data === null || data === undefined) return {};
    if (typeof data !== 'object' || Array.isArray(data)) throw new Error('expected keys such as title, id, lang');
    const { title, id, lang } = data as Record<string, unknown>;
    const front: FrontMatter = {};
    if (typeof title === 'string') front.title = title;
    if (typeof id === 'string' && /^[\p{L}\p{N}_-]+$/u.test(id)) front.id = id;
    else if (id !== undefined) file.message('Front matter `id` must be letters, digits, `-` or `_`', { place: node.position, ruleId: 'front-matter-invalid', source: 'book' });
    if (typeof lang === 'string') front.lang = lang;
    return front;
  } catch (error) {
    file.message(`Cannot read the front matter: ${(error as Error).message.split('\n')[0]}`, {
      place: node.position,
      ruleId: 'front-matter-invalid',
      source: 'book',
    });
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

export function compileChapter(
  file: VFile,
  source: ChapterSource,
  meta: BookMeta,
  options: { showTodos: boolean; citations?: CitationStage; mdast?: Root },
): Chapter {
  const mdast = options.mdast ?? parseMarkdown(file);
  const front = readFrontMatter(mdast, file);
  const lang = front.lang ?? meta.language;
  const id = front.id ?? path.basename(source.path).replace(/\.(md|markdown)$/i, '');

  const tree = structuredClone(mdast);
  tree.children = tree.children.filter((node) => node.type !== 'yaml');
  frenchTypography(tree, lang);
  if (!options.showTodos) removeTodos(tree);
  // Citations before numbering: in a note style they become notes numbered with the author's.
  options.citations?.renderChapter(tree, id);
  numberNotes(tree);
  const heading = firstHeading(tree);
  restoreEscapesInTree(tree);
  const title = front.title ? restoreEscapes(front.title) : heading ? toString(heading) : id;
  const hast = chapterToHast(tree, { chapterId: id, bookLang: meta.language });
  return { id, source, file, title, lang, mdast, hast, sections: sectionsOf(hast) };
}

export async function compileBook(options: CompileOptions): Promise<Book> {
  const manuscript = await loadManuscript(options);
  const showTodos = options.showTodos ?? manuscript.meta.status === 'draft';
  const files: VFile[] = [];
  for (const source of manuscript.sources) files.push(new VFile({ path: source.path, value: await readFile(source.path, 'utf8') }));
  // Every chapter is parsed before any is rendered: the citation engine registers every cited work first.
  const trees = files.map((file) => parseMarkdown(file));
  const citations = await loadCitations(manuscript.citations, trees, {
    bookLang: manuscript.meta.language,
    skipTodos: !showTodos,
    render: options.renderCitations,
  });
  const chapters = files.map((file, i) => compileChapter(file, manuscript.sources[i], manuscript.meta, { showTodos, citations, mdast: trees[i] }));
  const generated = citations.bibliographyChapter(chapters.map((chapter) => chapter.id));
  if (generated) chapters.push(compileChapter(generated.file, generated.source, manuscript.meta, { showTodos, citations }));
  return {
    root: manuscript.root,
    meta: manuscript.meta,
    chapters,
    // The generated bibliography chapter carries no message of its own: its file is not listed.
    files: [...manuscript.files, ...citations.bibliography.files, ...files],
    bibliography: citations.bibliography,
  };
}
