/**
 * The preview's copy of the HTML edition, kept up to date chapter by chapter. A saved chapter is
 * recompiled alone (`compileChapter`) and checked alone (the chapter rules), and only its page is
 * rewritten — with its neighbours and index.html when its title changed, since they show it. A save
 * that breaks the chapter (the compilation throws, or the checks report an error) leaves the last
 * good page in place and records the messages, which the page then shows.
 *
 * Citations: one citation stage for the whole book is made after each full build (every cited work
 * registered, as `compileBook` does) and renders each rebuilt chapter again: positions (ibid.,
 * short forms) restart at each chapter (scripts/citations/render-citations.ts), so a chapter
 * rendered alone reads as in the full build. What depends on the whole book — the works cited,
 * hence the bibliography — falls back to a full rebuild when it changes.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import type { Root, Nodes } from 'mdast';
import { compileAndCheck } from '../build.ts';
import { compileChapter } from '../compile.ts';
import { checkBook, type Diagnostic } from '../check/index.ts';
import { allRules } from '../check/rules/index.ts';
import { loadManuscript } from '../manuscript/load-manuscript.ts';
import { readManuscriptFile, readText } from '../manuscript/read-text.ts';
import { loadCitations, type CitationStage } from '../citations/index.ts';
import { parseMarkdown } from '../markdown/parse.ts';
import { writeHtmlEdition, writeChapterPage, writeIndexPage } from '../output/html/index.ts';
import { chapterHref } from '../model/outline.ts';
import { BuildError } from '../errors.ts';
import { diagnosticsOf, report } from '../check/index.ts';
import type { Book, Chapter } from '../model/index.ts';

/** A message that keeps a page at its last good version: the one `Diagnostic` (scripts/check/messages.ts), its file relative to the manuscript. */
export type PreviewMessage = Diagnostic;

/** The page names a rebuild rewrote, and the messages that keep a page from being updated. */
export interface RebuildResult {
  pages: string[];
  /** By page name; `*` for a problem of the whole book (book.yaml, bibliography). */
  errors: Record<string, PreviewMessage[]>;
  ms: number;
  /** What was done, for the terminal. */
  summary: string;
}

export interface PreviewSiteOptions {
  manuscript: string;
  /** Where the preview's HTML edition is written (and served from). */
  dir: string;
}

/**
 * Rule ids that never stop the preview: in a draft they describe the draft (unresolved
 * corrections, editorial markers), they do not break it.
 */
const draftStates = new Set(['critic-unresolved', 'todo-marker']);
const chapterRules = allRules.filter((rule) => rule.scope === 'chapter');

function toMessages(diagnostics: Diagnostic[], root: string): PreviewMessage[] {
  return diagnostics
    .filter((d) => d.severity === 'error' && !draftStates.has(d.ruleId))
    .map((d) => ({ ...d, file: path.relative(root, d.file) || d.file }));
}

/**
 * Why a rebuild of `file` (a chapter, or book.yaml for the whole book) failed: the messages of the
 * files a BuildError carries, or, when nothing of the manuscript says why (an error of the tool),
 * one `preview-failed` message at the top of the file.
 */
export function failureMessages(error: unknown, file: string, root: string): PreviewMessage[] {
  if (error instanceof BuildError && error.files.length) {
    const messages = toMessages(diagnosticsOf(error.files).map((d) => ({ ...d, severity: 'error' })), root);
    if (messages.length) return messages;
  }
  const reason = error instanceof Error ? error.message : String(error);
  const failed = new VFile({ path: file });
  report(
    failed,
    'preview-failed',
    `The preview could not rebuild this ${path.basename(file) === 'book.yaml' ? 'book' : 'chapter'}: ${reason.trim().replace(/\.$/, '') || 'no reason given'}. The page keeps its last good version; save the file again or restart \`book preview\`, and if this message stays, report it: it is an error of the tool, not of the manuscript.`,
    { line: 1, column: 1 },
  );
  return toMessages(diagnosticsOf([failed]), root);
}

function citedKeys(tree: Root): string[] {
  const keys = new Set<string>();
  const walk = (node: Nodes) => {
    if (node.type === 'cite') for (const citation of node.citations) keys.add(citation.key);
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(tree);
  return [...keys].sort();
}

function hasCrossrefs(tree: Root): boolean {
  let found = false;
  const walk = (node: Nodes) => {
    if (node.type === 'figure' || node.type === 'tableFigure' || node.type === 'crossref') found = true;
    if (!found && 'children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(tree);
  return found;
}

function hasBibliography(tree: Root): boolean {
  let found = false;
  const walk = (node: Nodes) => {
    if (node.type === 'leafDirective' && node.name === 'bibliography') found = true;
    if (!found && 'children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(tree);
  return found;
}

export class PreviewSite {
  book!: Book;
  readonly dir: string;
  readonly manuscript: string;
  /** The messages that keep each page at its last good version. */
  readonly errors: Record<string, PreviewMessage[]> = {};
  /** The citation stage a chapter compiled alone renders with: made when first needed after each full rebuild. */
  private citations: CitationStage | undefined;
  private root!: string;
  /** The text each chapter was last built from, to skip saves that change nothing. */
  private built = new Map<string, string>();

  private constructor(options: PreviewSiteOptions) {
    this.dir = path.resolve(options.dir);
    this.manuscript = path.resolve(options.manuscript);
  }

  static async create(options: PreviewSiteOptions): Promise<PreviewSite> {
    const site = new PreviewSite(options);
    const result = await site.rebuildAll();
    const fatal = result.errors['*'];
    if (fatal) throw new BuildError(`The manuscript cannot be previewed: ${fatal.map((m) => `${m.file}:${m.line}: ${m.message}`).join('; ')}`);
    return site;
  }

  /** Files whose change needs the whole book rebuilt (book.yaml, bibliographies, names). */
  get bookFiles(): string[] {
    return this.book.files.map((file) => file.path).filter((file) => !this.book.chapters.some((c) => c.source.path === file));
  }

  chapterIndexOf(file: string): number {
    return this.book.chapters.findIndex((chapter) => chapter.source.path === file && chapter.source.generated === undefined);
  }

  async rebuildAll(): Promise<RebuildResult> {
    const started = performance.now();
    let book: Book;
    let diagnostics: Diagnostic[];
    try {
      ({ book, diagnostics } = await compileAndCheck({ manuscript: this.manuscript, draft: true }));
    } catch (error) {
      // The last good edition stays served; every page says why it is not updated.
      this.errors['*'] = failureMessages(error, path.join(this.manuscript, 'book.yaml'), this.manuscript);
      return { pages: [], errors: { ...this.errors }, ms: Math.round(performance.now() - started), summary: 'book not rebuilt' };
    }
    this.book = book;
    this.root = book.root;
    this.citations = undefined;
    await mkdir(this.dir, { recursive: true });
    const edition = await writeHtmlEdition(book, this.dir, { wholeFonts: true, noSearch: true });
    for (const key of Object.keys(this.errors)) delete this.errors[key];
    for (const chapter of book.chapters) {
      this.built.set(chapter.source.path, String(chapter.file.value));
      const messages = toMessages(diagnostics.filter((d) => d.file === chapter.file.path), this.root);
      if (messages.length) this.errors[chapterHref(chapter)] = messages;
    }
    return { pages: edition.pages, errors: { ...this.errors }, ms: Math.round(performance.now() - started), summary: 'book rebuilt' };
  }

  /** The book's citation stage, for a chapter compiled alone (a book with an apparatus never needs it). */
  private async citationStage(): Promise<CitationStage> {
    if (!this.citations) {
      const { citations } = await loadManuscript({ manuscript: this.manuscript });
      const trees = this.book.chapters.filter((chapter) => chapter.source.generated === undefined).map((chapter) => chapter.mdast);
      this.citations = await loadCitations(citations, trees, { bookLang: this.book.meta.language, skipTodos: false });
    }
    return this.citations;
  }

  /**
   * Recompile the chapter read from `file` and rewrite what shows it. Falls back to `rebuildAll`
   * when the change reaches beyond the chapter (its id, the book's bibliography).
   */
  async rebuildChapter(file: string): Promise<RebuildResult> {
    const started = performance.now();
    const index = this.chapterIndexOf(file);
    if (index < 0) return { pages: [], errors: { ...this.errors }, ms: 0, summary: '' };
    const old = this.book.chapters[index];
    const page = chapterHref(old);
    const done = (pages: string[], summary: string): RebuildResult => ({
      pages,
      errors: { ...this.errors },
      ms: Math.round(performance.now() - started),
      summary,
    });

    // Read as every chapter is (strict UTF-8, BOM and CR dropped: scripts/manuscript/read-text.ts).
    const read = await readText(file);
    // Saved by rename (many editors do): the new file is not there yet; its own event follows.
    if (read.problem === 'unreadable' && read.reason === 'does not exist') return done([], '');
    if (read.problem !== undefined) {
      const { file: unreadable } = await readManuscriptFile(file, 'This chapter');
      this.errors[page] = failureMessages(new BuildError('The chapter cannot be read.', [unreadable]), file, this.root);
      return done([], `${path.relative(this.root, file)}: cannot be read, last good version kept`);
    }
    const text = read.text;
    if (this.built.get(file) === text && !this.errors[page]) return done([], '');

    let chapter: Chapter;
    let diagnostics: Diagnostic[];
    try {
      const vfile = new VFile({ path: file, value: text });
      // Figures and cross-references are numbered and resolved across the book (scripts/crossref); the
      // apparatus (glossary links, places and persons marked, indexes: scripts/apparatus) spans it too.
      // With an apparatus, the book is rebuilt without parsing the chapter here first.
      const apparatus = this.book.chapters.some((c) => c.source.generated !== undefined && c.source.generated !== 'bibliography');
      const tree = apparatus ? undefined : parseMarkdown(vfile);
      if (!tree || hasCrossrefs(tree) || hasCrossrefs(old.mdast)) {
        const result = await this.rebuildAll();
        return { ...result, summary: `${path.relative(this.root, file)}: book rebuilt (figures, cross-references, glossary, indexes or notes)` };
      }
      if (hasBibliography(tree) || hasBibliography(old.mdast) || citedKeys(tree).join(' ') !== citedKeys(old.mdast).join(' ')) {
        const result = await this.rebuildAll();
        return { ...result, summary: `${path.relative(this.root, file)}: cited works changed, book rebuilt` };
      }
      chapter = compileChapter(vfile, old.source, this.book.meta, { showTodos: true, citations: await this.citationStage(), mdast: tree, places: this.book.places });
      const view: Book = { ...this.book, chapters: [chapter], files: [vfile] };
      diagnostics = checkBook(view, { rules: chapterRules });
    } catch (error) {
      this.errors[page] = failureMessages(error, file, this.root);
      return done([], `${path.relative(this.root, file)}: broken, last good version kept`);
    }

    const messages = toMessages(diagnostics, this.root);
    if (messages.length) {
      this.errors[page] = messages;
      return done([], `${path.relative(this.root, file)}: ${messages.length} error${messages.length > 1 ? 's' : ''}, last good version kept`);
    }
    delete this.errors[page];
    if (chapter.id !== old.id) {
      const result = await this.rebuildAll();
      return { ...result, summary: `${path.relative(this.root, file)}: id changed, book rebuilt` };
    }

    this.book.chapters[index] = chapter;
    this.book.files = this.book.files.map((f) => (f === old.file ? chapter.file : f));
    this.built.set(file, text);
    const pages = [await writeChapterPage(this.book, index, this.dir)];
    if (chapter.title !== old.title) {
      // The neighbours name it in their previous/next links, the index in its table of contents.
      for (const neighbour of [index - 1, index + 1]) {
        if (neighbour >= 0 && neighbour < this.book.chapters.length) pages.push(await writeChapterPage(this.book, neighbour, this.dir));
      }
      pages.push(await writeIndexPage(this.book, this.dir));
    }
    return done(pages, `${path.relative(this.root, file)} → ${pages.join(', ')}`);
  }
}
