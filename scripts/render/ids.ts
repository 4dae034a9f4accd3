/**
 * Page names and element ids, unique in the whole book by construction.
 *
 * Every chapter is a page of its own in the HTML edition and the EPUB, and all of them are one
 * document in the print edition: a chapter's id is its page name (`<id>.html`, `<id>.xhtml`), the
 * prefix of the ids the rendering generates for it (`<id>-fn-3`, `<id>-fnref-3`, `<id>-notes`) and
 * its print division (`chapter-<id>`); an element id must be unique in the whole book.
 *
 * - Chapter ids are claimed first, in book order (`claimChapters`): the front matter `id`, or the
 *   file name made a page name (`pageName`). A name the editions keep for their own pages
 *   (`reservedNames`: `index`, `toc`…), one a chapter before took (compared without case: some
 *   file systems do not tell `A.html` from `a.html`), or one shaped like another chapter's
 *   generated ids (`a-notes` beside `a`) gets `-2`, `-3`…; the check `chapter-id-duplicate` says so.
 * - Then each chapter's element ids, in book order (`assignIds`): first the ones the author gave
 *   (`{#id}` on a heading, a span, a testimony, a figure, a map or a captioned table), then the headings' slugs. An id the book already
 *   has, or generates, gets `-2`, `-3`… (reported by `id-duplicate` when the author gave it).
 *   Generated ids always keep theirs: they are made from chapter ids, which are unique.
 * - Links keep reaching what the author meant (`anchors`): `#a` and `chapitre.md#a` name the first
 *   element of that chapter that asked for `a`, whatever id it carries in the editions.
 *
 * Pure: names in, names out; same manuscript, same names.
 */
import type { Root, Nodes, Heading } from 'mdast';
import type { Position } from 'unist';
import { toString } from 'mdast-util-to-string';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import '../crossref/types.ts';

/**
 * Names the editions give their own pages and elements: the HTML title and contents page
 * (`index.html`, `#main`, `#toc-title`), the EPUB's navigation document, cover and title page
 * (`toc.xhtml`, `cover.xhtml`, `titlepage.xhtml`, `#landmarks`, `#page-list`, `#book-title`), the
 * print edition's divisions (`#half-title`, `#title-page`, `#copyright`, `#toc`, `#index-of-names`)
 * and the proofs (`#proof-messages`). Part ids (`partie-1`…) are added per book.
 */
export const reservedNames: readonly string[] = [
  'index', 'nav', 'toc', 'toc-title', 'cover', 'cover-page', 'titlepage', 'title-page', 'half-title', 'copyright', 'main',
  'landmarks', 'landmarks-title', 'page-list', 'page-list-title', 'book-title', 'index-of-names', 'index-of-names-title',
  'proof-messages', 'content', 'style',
];

/** Longest page name, in characters: with its extension it stays a valid file name everywhere. */
export const pageNameLength = 100;

/**
 * The page name made of any text (a file name): letters of any script, digits, `-` and `_` kept
 * (NFC), every other run of characters (spaces, `%`, `?`, `#`, quotes, dots, line breaks…) made one
 * `-`. Safe in a URL path, a file name and an XHTML id; a valid front matter `id` is its own page
 * name. Empty when nothing is left.
 */
export function pageName(text: string): string {
  const name = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}_-]+/gu, '-')
    .replace(/^[-\p{M}]+|-+$/gu, '');
  const characters = [...name];
  return characters.length <= pageNameLength ? name : characters.slice(0, pageNameLength).join('').replace(/-+$/, '');
}

/** Generated ids of chapter `$1` (render/chapter-hast.ts: notes, note calls). */
const generatedShapes = [/^(.+)-notes$/, /^(.+)-fn-\d+$/, /^(.+)-fnref-\d+$/, /^(.+)-fnref-\d+-\d+$/];
/** Names to which `-2`, `-3`… would always give a generated shape (`a-fn` → `a-fn-2`). */
const numberedStems = [/^(.+)-fn$/, /^(.+)-fnref$/, /^(.+)-fnref-\d+$/];
/** The print division of each chapter (scripts/output/pdf/pages.ts `chapterSectionId`). */
const printDivision = 'chapter-';

export type ChapterIdReason = 'reserved' | 'duplicate' | 'generated';

export interface ChapterIdClaim {
  id: string;
  /** Set when the chapter could not have the id it asked for. */
  clash?: {
    wanted: string;
    reason: ChapterIdReason;
    /** The chapter (its id) that has the name, or whose generated ids it looks like. */
    other?: string;
  };
}

export type ElementIdReason = 'generated' | 'chapter' | 'book';

export interface ElementIdClash {
  /** The id the author gave. */
  id: string;
  /** The id the editions carry instead. */
  renamed: string;
  reason: ElementIdReason;
  /** Where the author gave it. */
  position?: Position;
  /** `chapter`: where the first element with that id is; `book`: which chapter has it (its id). */
  first?: Position;
  other?: string;
}

/** What a chapter's ids became: read by the link rewriting (render/links.ts) and by `id-duplicate`. */
export interface ChapterIds {
  /** Ids an author can link to in this chapter (`#a`) → the id the element carries, where they differ. */
  anchors: Map<string, string>;
  /** The ids the author gave that the editions carry under another name. */
  clashes: ElementIdClash[];
}

/** What `BookIds.snapshot` keeps. */
export interface BookIdsSnapshot {
  ids: ReadonlyMap<string, string>;
  pages: ReadonlyMap<string, string>;
  chapters: ReadonlySet<string>;
  shadowed: ReadonlyMap<string, string>;
}

/** The ids of one book: what is taken, by whom. */
export class BookIds {
  /** Element ids in use or kept, anywhere in the book → the chapter that has it (empty when generated or reserved). */
  private readonly ids = new Map<string, string>();
  /** Page names in use, lower-cased. */
  private readonly pages = new Map<string, string>();
  private readonly chapters = new Set<string>();
  /** Chapters whose generated ids a chapter id already claimed looks like (`a` for `a-notes`). */
  private readonly shadowed = new Map<string, string>();

  constructor(options: { parts?: readonly string[]; citationKeys?: Iterable<string> } = {}) {
    for (const name of reservedNames) this.reserve(name, true);
    for (const part of options.parts ?? []) {
      // scripts/output/{epub,pdf,html}/pages.ts
      this.reserve(part, true);
      this.reserve(`${part}-title`, false);
      this.reserve(`toc-${part}`, false);
    }
    // The bibliography's entries (citations/index.ts).
    for (const key of options.citationKeys ?? []) this.reserve(`ref-${key}`, false);
  }

  /** The ids of a chapter rendered alone (the live preview recompiles one chapter). */
  static alone(chapterId: string): BookIds {
    const ids = new BookIds();
    ids.claimChapters([chapterId]);
    return ids;
  }

  private reserve(name: string, page: boolean): void {
    this.ids.set(name, '');
    if (page) this.pages.set(name.toLowerCase(), '');
  }

  /** The chapter whose generated ids `id` looks like, if that chapter is in `chapters`. */
  private generatorOf(id: string, chapters: ReadonlySet<string> = this.chapters): string | undefined {
    for (const shape of generatedShapes) {
      const match = shape.exec(id);
      if (match && chapters.has(match[1])) return match[1];
    }
    if (id.startsWith(printDivision) && chapters.has(id.slice(printDivision.length))) return id.slice(printDivision.length);
    return undefined;
  }

  /** True when some element of the book has `id`, or will: taken, reserved or generated. */
  has(id: string): boolean {
    return this.ids.has(id) || this.generatorOf(id) !== undefined;
  }

  /** `base` if free, else the first free `base-2`, `base-3`… */
  free(base: string, taken: (id: string) => boolean = (id) => this.has(id), chapters: ReadonlySet<string> = this.chapters): string {
    if (!taken(base)) return base;
    // `a-fn-2`, `a-fn-3`… would all be chapter `a`'s: number another stem.
    const stem = numberedStems.some((shape) => chapters.has(shape.exec(base)?.[1] ?? '\0')) ? `${base}-id` : base;
    let n = 2;
    while (taken(`${stem}-${n}`)) n++;
    return `${stem}-${n}`;
  }

  /**
   * Give the chapters their ids, in book order: `wanted` is what each asks for (front matter `id`,
   * or `pageName` of its file name, never empty). See the module comment.
   */
  claimChapters(wanted: readonly string[]): ChapterIdClaim[] {
    // A name shaped like the generated ids of a chapter asked for later yields to it as well.
    const known = new Set([...this.chapters, ...wanted]);
    return wanted.map((name) => {
      const clash = (id: string): Omit<NonNullable<ChapterIdClaim['clash']>, 'wanted'> | undefined => {
        const page = this.pages.get(id.toLowerCase());
        if (page !== undefined) return page === '' ? { reason: 'reserved' } : { reason: 'duplicate', other: page };
        if (this.ids.has(id)) return { reason: 'reserved' };
        // Its generated ids would be those of another chapter, or the other way round.
        const generator = this.generatorOf(id, known) ?? this.shadowed.get(id);
        if (generator !== undefined && generator !== id) return { reason: 'generated', other: generator };
        return undefined;
      };
      const first = clash(name);
      const id = first ? this.free(name, (candidate) => clash(candidate) !== undefined, known) : name;
      known.add(id);
      this.pages.set(id.toLowerCase(), id);
      this.ids.set(id, id);
      this.chapters.add(id);
      for (const shape of generatedShapes) {
        const match = shape.exec(id);
        if (match) this.shadowed.set(match[1], id);
      }
      if (id.startsWith(printDivision)) this.shadowed.set(id.slice(printDivision.length), id);
      return first ? { id, clash: { wanted: name, ...first } } : { id };
    });
  }

  /**
   * Who has element id `id`: an element of a chapter (`book`, with that chapter's id), or the book
   * itself (`generated`: a name kept for the editions, a chapter's page and title, or the notes of
   * the chapter in `other`). Undefined when it is free.
   */
  holderOf(id: string): { reason: 'generated' | 'book'; other?: string } | undefined {
    const owner = this.ids.get(id);
    if (owner === '') return { reason: 'generated' };
    if (owner !== undefined) return this.chapters.has(id) ? { reason: 'generated', other: id } : { reason: 'book', other: owner };
    const generator = this.generatorOf(id);
    return generator === undefined ? undefined : { reason: 'generated', other: generator };
  }

  claim(id: string, chapterId: string): void {
    this.ids.set(id, chapterId);
  }

  /** The ids as they stand, and back to them: a cached chapter that no longer fits gives its claims back (scripts/compile-cache.ts). */
  snapshot(): BookIdsSnapshot {
    return { ids: new Map(this.ids), pages: new Map(this.pages), chapters: new Set(this.chapters), shadowed: new Map(this.shadowed) };
  }

  restore(snapshot: BookIdsSnapshot): void {
    for (const name of ['ids', 'pages', 'chapters', 'shadowed'] as const) {
      const target = this[name] as Map<string, string> | Set<string>;
      target.clear();
      for (const entry of snapshot[name]) {
        if (target instanceof Set) target.add(entry as string);
        else target.set(...(entry as [string, string]));
      }
    }
  }
}

/** An id is one token (sanitize.ts drops the others, and says so). */
const usableId = (value: unknown): value is string => typeof value === 'string' && value !== '' && !/[\t\n\f\r ]/.test(value);

interface IdCarrier {
  id: string;
  position?: Position;
  set: (id: string) => void;
}

/** Slug for heading ids: letters of any script kept, accents dropped, spaces to hyphens. */
export function slug(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '') || 'section'
  );
}

/**
 * Give every heading of one chapter an id, and make the ids the author gave unique in the book
 * (see the module comment). `tree` is the chapter's rendering copy; `ids` the book's, or a fresh
 * one for a chapter rendered alone.
 */
export function assignIds(tree: Root, chapterId: string, ids: BookIds): ChapterIds {
  const authored: IdCarrier[] = [];
  const headings: Heading[] = [];
  // Iterative, in document order: the tree may be as deep as the nesting limit allows.
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'heading' || node.type === 'span' || node.type === 'figure' || node.type === 'tableFigure') {
      const properties = (node.data as { hProperties?: Record<string, unknown> } | undefined)?.hProperties;
      if (properties && usableId(properties.id)) {
        authored.push({ id: properties.id, position: node.position, set: (id) => (properties.id = id) });
      } else if (node.type === 'heading' && !(properties && 'id' in properties)) {
        headings.push(node);
      }
    } else if ((node.type === 'containerDirective' && (node.name === 'testimony' || node.name === 'document')) || (node.type === 'leafDirective' && node.name === 'map')) {
      const attributes = (node as ContainerDirective | LeafDirective).attributes;
      if (attributes && usableId(attributes.id)) authored.push({ id: attributes.id, position: node.position, set: (id) => (attributes.id = id) });
    }
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as Nodes);
  }

  const anchors = new Map<string, string>();
  const clashes: ElementIdClash[] = [];
  /** Ids an author can link to in this chapter → where the first element asking for it is. */
  const local = new Map<string, Position | undefined>();
  // The chapter's own generated ids: its title, its notes and calls, its print division.
  const generatedHere = (id: string) =>
    id === chapterId || id === `${printDivision}${chapterId}` || generatedShapes.some((shape) => shape.exec(id)?.[1] === chapterId);

  for (const carrier of authored) {
    const wanted = carrier.id;
    let clash: Omit<ElementIdClash, 'id' | 'renamed' | 'position'> | undefined;
    if (local.has(wanted)) clash = { reason: 'chapter', first: local.get(wanted) };
    else if (generatedHere(wanted)) clash = { reason: 'generated', other: chapterId };
    else clash = ids.holderOf(wanted);
    const id = clash ? ids.free(wanted) : wanted;
    // `#wanted` in this chapter names the first element of it that asked for that id; the
    // chapter's generated ids (its notes…) and the first of two equal ids keep theirs.
    if (!clash || (clash.reason !== 'chapter' && clash.other !== chapterId)) {
      local.set(wanted, carrier.position);
      if (id !== wanted) anchors.set(wanted, id);
    }
    if (clash) clashes.push({ id: wanted, renamed: id, position: carrier.position, ...clash });
    carrier.set(id);
    ids.claim(id, chapterId);
  }

  // The first level-1 heading carries the chapter id, whatever comes before it: the pages name
  // their section by it (scripts/output/html/pages.ts, scripts/output/epub/content.ts).
  const title = headings.findIndex((heading) => heading.depth === 1);
  if (title > 0) headings.unshift(...headings.splice(title, 1));
  for (const heading of headings) {
    const base = heading.depth === 1 ? chapterId : slug(toString(heading));
    let visible = base;
    for (let n = 2; local.has(visible); n++) visible = `${base}-${n}`;
    local.set(visible, heading.position);
    const isTitle = heading === headings[0] && heading.depth === 1;
    const id = isTitle || !ids.has(visible) ? visible : ids.free(base);
    if (id !== visible) anchors.set(visible, id);
    const data = (heading.data ??= {}) as { hProperties?: Record<string, unknown> };
    (data.hProperties ??= {}).id = id;
    ids.claim(id, chapterId);
  }
  return { anchors, clashes };
}
