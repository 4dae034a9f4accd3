/**
 * Warm builds (docs/cache.md): compileBook keeps each chapter's parsed tree and compiled chapter in
 * the build's cache (scripts/cache.ts), so that a rebuild after changing one chapter reads the
 * others' instead of parsing and rendering them again.
 *
 * - Parsed tree (`parsed/`): keyed by the toolchain, the chapter's path and its bytes; with the
 *   messages the reader gave and what it noted on the file (`file.data`: nesting cut).
 * - Compiled chapter (`chapters/`): keyed by the toolchain, the book (book.yaml, the registries,
 *   the bibliography files, the CSL style and locale, the build's options), the chapter's path,
 *   bytes, place in the book and claimed id, and the book's citations (every cited key of every
 *   chapter in order, every front matter: they decide the registered works, hence disambiguation
 *   and numbering). It keeps the rendering and the messages compiling gave.
 * - Element ids are unique in the whole book, so a chapter's ids depend on the chapters before it:
 *   the questions the chapter asked of the book's ids while it was compiled (`has`, `holderOf`,
 *   `free`) and the ids it claimed are kept with it, and asked again before it is reused. Any other
 *   answer today, and the chapter is compiled again. The check stage always runs on the whole book.
 *
 * What cannot be told apart safely is never kept: a chapter with `::bibliography` (the citation
 * stage remembers it was placed), one whose compiling reported on another file, one that asked the
 * ids anything but those questions. Nothing here is needed for correctness: with `BOOK_CACHE=0`,
 * or an empty or unreadable cache, every chapter is compiled as before.
 */
import { VFileMessage } from 'vfile-message';
import { VFile } from 'vfile';
import type { Root } from 'mdast';
import type { BookIds } from './render/ids.ts';
import type { Chapter, ChapterSource } from './model/index.ts';
import type { Manuscript } from './manuscript/load-manuscript.ts';
import type { GeneratedChapter } from './citations/index.ts';
import { findLocale, findStyle } from './citations/resources.ts';
import { hashOf, toolchainFingerprint, ValueCache } from './cache.ts';
import { cloneTree } from './tree/clone.ts';

/** A message as stored: its own properties, enumerable or not (VFileMessage sets both kinds). */
export type StoredMessage = Array<{ name: string; value: unknown; enumerable: boolean }>;

export function storeMessage(message: VFileMessage): StoredMessage {
  return Object.getOwnPropertyNames(message).map((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(message, name)!;
    return { name, value: descriptor.value, enumerable: descriptor.enumerable ?? false };
  });
}

export function restoreMessage(stored: StoredMessage): VFileMessage {
  const message = Object.create(VFileMessage.prototype) as VFileMessage;
  for (const { name, value, enumerable } of stored) Object.defineProperty(message, name, { value, enumerable, writable: true, configurable: true });
  return message;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Messages as `storeMessage` keeps them (an entry is checked before anything of it is used). */
export function storedMessages(value: unknown): value is StoredMessage[] {
  return Array.isArray(value) && value.every((message) => Array.isArray(message) && message.every((property) => isRecord(property) && typeof property.name === 'string'));
}

/** The calls to the book's ids a compiled chapter made, in order: questions with their answers, and claims. */
type IdsCall =
  | { op: 'has' | 'holderOf' | 'free'; args: string[]; result: unknown }
  | { op: 'claim'; args: [string, string] }
  | { op: 'claimChapters'; args: [string[]]; result: unknown };

const asked = new Set(['has', 'holderOf', 'free']);

/** The book's ids, every call recorded; `unsupported` set when the chapter used them otherwise. */
function recordingIds(ids: BookIds, log: IdsCall[], state: { unsupported: boolean }): BookIds {
  return new Proxy(ids, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const plain = args.every((arg) => typeof arg === 'string');
        const result: unknown = value.apply(target, args);
        if (typeof property === 'string' && asked.has(property) && plain && args.length === 1) log.push({ op: property as 'has', args: args as string[], result });
        else if (property === 'claim' && plain && args.length === 2) log.push({ op: 'claim', args: args as [string, string] });
        // A generated chapter claims its page name itself (compileChapter without `id`).
        else if (property === 'claimChapters' && args.length === 1 && Array.isArray(args[0]) && args[0].every((arg) => typeof arg === 'string')) {
          log.push({ op: 'claimChapters', args: [[...(args[0] as string[])]], result: structuredClone(result) });
        }
        else state.unsupported = true;
        return result;
      };
    },
  });
}

/** Ask the book's ids again; claim as recorded when every answer is the same, else leave them as they were. */
function replayIds(ids: BookIds, log: readonly IdsCall[]): boolean {
  const before = ids.snapshot();
  for (const call of log) {
    if (call.op === 'claim') {
      ids.claim(call.args[0], call.args[1]);
      continue;
    }
    const answer: unknown =
      call.op === 'claimChapters' ? ids.claimChapters(call.args[0]) : call.op === 'has' ? ids.has(call.args[0]) : call.op === 'free' ? ids.free(call.args[0]) : ids.holderOf(call.args[0]);
    if (JSON.stringify(answer) !== JSON.stringify(call.result)) {
      ids.restore(before);
      return false;
    }
  }
  return true;
}

interface ParsedEntry {
  mdast: Root;
  messages: StoredMessage[];
  data: Record<string, unknown>;
}

type GeneratedEntry = { none: true } | { none: false; path: string | undefined; source: ChapterSource; tree: Root; compiled: CompiledEntry };

interface CompiledEntry {
  chapter: Pick<Chapter, 'id' | 'title' | 'lang' | 'hast' | 'sections' | 'idClash' | 'ids'>;
  messages: StoredMessage[];
  data: Record<string, unknown>;
  ids: IdsCall[];
}

/** An entry of the shape `make` writes: anything else is made again (never trusted, never an error). */
function wellFormed(entry: unknown): entry is CompiledEntry {
  if (!isRecord(entry) || !isRecord(entry.chapter) || !isRecord(entry.data) || !storedMessages(entry.messages) || !Array.isArray(entry.ids)) return false;
  const { id, title, lang, hast, sections } = entry.chapter;
  return (
    typeof id === 'string' && typeof title === 'string' && typeof lang === 'string' && isRecord(hast) && hast.type === 'root' && Array.isArray(sections) &&
    entry.ids.every((call) => isRecord(call) && typeof call.op === 'string' && Array.isArray(call.args))
  );
}

/**
 * What every chapter depends on besides its own file: the book's metadata and options, book.yaml
 * and the registries (their bytes), the bibliography files, the CSL style and locale (their text,
 * wherever they were found). Undefined when a bibliography file could not be read: no chapter is
 * then kept nor reused.
 */
export async function bookContext(manuscript: Manuscript, bibliographyFiles: readonly VFile[], options: Record<string, unknown>): Promise<string | undefined> {
  if (bibliographyFiles.some((file) => file.value === undefined)) return undefined;
  const { csl, locale } = manuscript.citations;
  const found = await Promise.all([findStyle(csl.value, csl.base), findLocale(locale.value, locale.base), findLocale('en-US', locale.base)].map((search) => search.catch(() => undefined)));
  // VFiles by their path (their messages change as the build goes), functions left out.
  const plain = (value: unknown) => JSON.stringify(value, (_key, inner: unknown) => (inner instanceof VFile ? inner.path : typeof inner === 'function' ? undefined : inner));
  return hashOf(
    plain(options),
    plain(manuscript.meta),
    plain(manuscript.citations),
    plain(manuscript.sources),
    plain([manuscript.names, manuscript.places, manuscript.glossary]),
    ...[...manuscript.files, ...bibliographyFiles].flatMap((file) => [file.path, String(file.value ?? '')]),
    ...found.map((file) => (file === undefined ? '' : `${file.path}\0${file.problem ?? file.text}`)),
  );
}

/** What every chapter's citations depend on: each chapter's cited keys in order, each front matter. */
export function citationContext(trees: readonly Root[]): string {
  const parts: string[] = [];
  for (const tree of trees) {
    const stack: unknown[] = [tree];
    const keys: string[] = [];
    while (stack.length > 0) {
      const node = stack.pop() as { type: string; value?: string; citations?: Array<{ key: string }>; children?: unknown[] };
      if (node.type === 'yaml') parts.push(`yaml:${node.value}`);
      if (node.type === 'cite') for (const citation of node.citations ?? []) keys.push(citation.key);
      if (node.children) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
    parts.push(`keys:${keys.join(',')}`);
  }
  return hashOf(...parts);
}

/** A chapter whose compiling the citation stage remembers (`::bibliography`): never kept. */
export function placesBibliography(tree: Root): boolean {
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as { type: string; name?: string; children?: unknown[] };
    if (node.type === 'leafDirective' && node.name === 'bibliography') return true;
    if (node.children) stack.push(...node.children);
  }
  return false;
}

/**
 * What each chapter compiled through the cache was made from: `compile`'s key with the answers the
 * book's ids gave it (the same key and answers, the same chapter). The check stage keys its own
 * entries on it (scripts/check-cache.ts); not the HTML edition's pages, whose chapters the
 * cross-references and the apparatus change after compiling (scripts/output/html/page-cache.ts).
 */
export const compiledFrom = new WeakMap<Chapter, string>();

/** What the last compileBook took from the cache and made again (read by tests/warm-build.test.ts). */
export const chapterCacheStats = { parsed: { reused: 0, made: 0 }, compiled: { reused: 0, made: 0 } };

export class ChapterCache {
  private readonly parsed = new ValueCache('parsed');
  private readonly compiled = new ValueCache('chapters');
  private readonly toolchain = toolchainFingerprint();

  constructor() {
    Object.assign(chapterCacheStats, { parsed: { reused: 0, made: 0 }, compiled: { reused: 0, made: 0 } });
  }

  /** The tree of `file` as `parse` makes it, from the cache when its bytes were read before. */
  async parse(file: VFile, parse: (file: VFile) => Root): Promise<Root> {
    const key = hashOf(this.toolchain, 'parse', file.path, String(file.value));
    const entry = await this.parsed.get<ParsedEntry>(key);
    if (entry && entry.mdast?.type === 'root' && storedMessages(entry.messages) && isRecord(entry.data)) {
      file.messages.push(...entry.messages.map(restoreMessage));
      Object.assign(file.data, entry.data);
      chapterCacheStats.parsed.reused++;
      return entry.mdast;
    }
    chapterCacheStats.parsed.made++;
    const before = file.messages.length;
    const mdast = parse(file);
    this.parsed.set(key, { mdast, messages: file.messages.slice(before).map(storeMessage), data: file.data } satisfies ParsedEntry);
    return mdast;
  }

  private compileKey(file: VFile, inputs: readonly string[]): string {
    return hashOf(this.toolchain, 'compile', file.path, String(file.value), ...inputs);
  }

  /** The chapters about to be asked for by `compile`, one after another: their entries read at once. */
  readAhead(chapters: ReadonlyArray<{ file: VFile; inputs: readonly string[] }>): void {
    this.compiled.readAhead(chapters.map(({ file, inputs }) => this.compileKey(file, inputs)));
  }

  /**
   * The chapter `compile` makes, from the cache when it was compiled before from the same inputs
   * (`inputs`: everything besides the book's ids that it depends on, see the module comment).
   * `others`: the book's other files, which a chapter's compiling must leave without messages to be kept.
   */
  async compile(
    file: VFile,
    source: ChapterSource,
    mdast: Root,
    ids: BookIds,
    inputs: readonly string[],
    others: readonly VFile[],
    compile: (ids: BookIds) => Chapter,
  ): Promise<Chapter> {
    const key = this.compileKey(file, inputs);
    const entry = await this.compiled.get<CompiledEntry>(key);
    const reused = entry && this.reuse(entry, file, source, mdast, ids);
    if (reused) {
      compiledFrom.set(reused, hashOf(key, JSON.stringify(entry.ids)));
      return reused;
    }
    const made = this.make(file, mdast, ids, others, compile);
    if (made.entry) {
      this.compiled.set(key, made.entry);
      compiledFrom.set(made.chapter, hashOf(key, JSON.stringify(made.entry.ids)));
    }
    return made.chapter;
  }

  /**
   * The bibliography chapter the citation stage makes after every chapter (`make`: undefined when
   * it makes none), compiled by `compile`; both from the cache when the book's inputs, its
   * citations and its chapters' ids are those of a build before. Only when no chapter places the
   * bibliography itself (the caller's to know): the citation stage's answer then depends on nothing else.
   */
  async generated(
    ids: BookIds,
    inputs: readonly string[],
    others: readonly VFile[],
    make: () => GeneratedChapter | undefined,
    compile: (generated: GeneratedChapter, ids: BookIds) => Chapter,
  ): Promise<Chapter | undefined> {
    const key = hashOf(this.toolchain, 'generated', ...inputs);
    const entry = await this.compiled.get<GeneratedEntry>(key);
    if (entry && entry.none === true) return undefined;
    if (entry && entry.none === false && entry.tree?.type === 'root' && typeof entry.path === 'string') {
      const reused = this.reuse(entry.compiled, new VFile({ path: entry.path }), entry.source, entry.tree, ids);
      if (reused) return reused;
    }
    const generated = make();
    if (!generated) {
      this.compiled.set(key, { none: true } satisfies GeneratedEntry);
      return undefined;
    }
    // Kept before compiling: the tree is the chapter's mdast, which compiling leaves as it is.
    const tree = cloneTree(generated.tree);
    const made = this.make(generated.file, generated.tree, ids, others, (bookIds) => compile(generated, bookIds), true);
    if (made.entry && generated.file.value === undefined) {
      this.compiled.set(key, { none: false, path: generated.file.path, source: generated.source, tree, compiled: made.entry } satisfies GeneratedEntry);
    }
    return made.chapter;
  }

  /** The chapter of `entry`, when the book's ids give the answers they gave; its messages put back on `file`. */
  private reuse(entry: CompiledEntry, file: VFile, source: ChapterSource, mdast: Root, ids: BookIds): Chapter | undefined {
    if (!wellFormed(entry) || !replayIds(ids, entry.ids)) return undefined;
    file.messages.push(...entry.messages.map(restoreMessage));
    Object.assign(file.data, entry.data);
    chapterCacheStats.compiled.reused++;
    const { id, title, lang, hast, sections, idClash, ids: chapterIds } = entry.chapter;
    return { id, source, file, title, lang, mdast, hast, sections, idClash, ids: chapterIds };
  }

  /** Compile, recording the book's ids; the entry to keep, unless the chapter cannot be kept (module comment). */
  private make(file: VFile, mdast: Root, ids: BookIds, others: readonly VFile[], compile: (ids: BookIds) => Chapter, last = false): { chapter: Chapter; entry?: CompiledEntry } {
    chapterCacheStats.compiled.made++;
    const log: IdsCall[] = [];
    const state = { unsupported: false };
    const before = file.messages.length;
    const elsewhere = others.map((other) => other.messages.length);
    const chapter = compile(recordingIds(ids, log, state));
    // The generated bibliography is `::bibliography` too, but the last chapter the citation stage renders.
    const keep = !state.unsupported && (last || !placesBibliography(mdast)) && others.every((other, i) => other === file || other.messages.length === elsewhere[i]);
    if (!keep) return { chapter };
    const { id, title, lang, hast, sections, idClash, ids: chapterIds } = chapter;
    return { chapter, entry: { chapter: { id, title, lang, hast, sections, idClash, ids: chapterIds }, messages: file.messages.slice(before).map(storeMessage), data: file.data, ids: log } };
  }

  /** Bound the cache: what this build did not use goes (scripts/cache.ts `prune`). */
  async prune(): Promise<void> {
    await Promise.all([this.parsed.prune(), this.compiled.prune()]);
  }
}
