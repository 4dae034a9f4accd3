/**
 * The citation stage of a chapter: every `cite` node rendered by citeproc-js, in the order a reader
 * meets the notes, with what pandoc does around it (pandoc's Text.Pandoc.Citeproc):
 *
 * - In a note style (CSL `class="note"`) a citation in the running text becomes a note of its own,
 *   numbered in one sequence with the author's notes (`numberNotes` runs next); its text starts
 *   with a capital. The space before the call goes (« texte [@a]. » → « texte¹. »): the call stays
 *   before the punctuation, as French typography wants (pandoc's `notes-after-punctuation: false`).
 * - `@key` in running text: the author's name stays in the text, the rest of the reference goes
 *   into the note (citeproc `author-only` + `suppress-author`).
 * - A citation inside an author's note stays in that note, processed at that note's number: as it
 *   is when it opens a note made of one paragraph, between parentheses elsewhere, after a comma for
 *   `@key`.
 * - *Ibid.* and short forms are reset at each chapter (see docs/citations.md): a chapter's first
 *   reference to a work is given in full, as the Chicago Manual (14.29) asks where notes are
 *   numbered by chapter, and an *ibid.* never points into another chapter.
 *
 * Pure with respect to the outside world: the tree and the book's engine in, the tree out.
 */
import type { Citation, CitationItem as CslCitationItem, CslItem, Engine } from 'citeproc';
import { citeproc } from './citeproc-js.ts';
import type { Root, Parents, FootnoteDefinition, FootnoteReference, PhrasingContent, RootContent, Text } from 'mdast';
import type { ElementContent } from 'hast';
import type { LeafDirective } from 'mdast-util-directive';
import type { Cite, CitationItem } from '../markdown/types.ts';
import { isAuthorInText } from '../markdown/citation-syntax.ts';
import { visit } from '../tree/visit.ts';
import { normaliseLabel } from '../transforms/number-notes.ts';
import { restoreEscapes } from '../markdown/escapes.ts';
import type { RenderedBibliographyData, RenderedCiteData } from './types.ts';
import { splitLocator, type LocatorTerms } from './locator.ts';
import { capitalizeFirst, endsWithPeriod, lowercaseLeadingTerm, removeFinalPeriod } from './citeproc-hast.ts';
import { BatchRenderer, batchSupported } from './batch.ts';
import { hashOf } from '../cache.ts';

/** Where the note calls of citations go against the punctuation (scripts/i18n `notesAfterPunctuation`). */
export interface NotePlacement {
  notesAfterPunctuation: boolean;
}

/** citeproc-js's placeholder for a citation that renders empty (citeproc.js, `CSL.getCitationCluster`). */
const noPrintedForm = /\[NO_PRINTED_FORM\]/g;

/**
 * Where a chapter's rendered citations are kept between builds (index.ts, the build's cache): read
 * and written synchronously, since a chapter is compiled in one go.
 */
export interface RenderedStore {
  get(key: string): RenderedCitations | undefined;
  set(key: string, value: RenderedCitations): void;
}

/** What citeproc-js gave for a chapter: each citation's HTML (undefined for one of unknown works only), and the author's name before each `@key`. */
export interface RenderedCitations {
  html: Array<string | undefined>;
  authors: Array<string | undefined>;
}

export interface CitationRendererOptions {
  /**
   * The book's engine, made (and every cited work registered) when first asked for; none when no
   * work is known, since nothing then reaches citeproc-js.
   */
  engine: () => Engine | undefined;
  /** A note style (`class="note"`): each citation in the running text makes a note. */
  noteStyle: boolean;
  /** Ids the engine knows (registered bibliography entries). */
  known: ReadonlySet<string>;
  /** HTML of citeproc-js → hast. */
  toHast: (html: string) => ElementContent[];
  /** The rendered bibliography (or one of its sections), made once when first asked for. */
  bibliography: (section?: string) => RenderedBibliographyData;
  /** Terms ending with a period (`ibid.`), see engine.ts. */
  abbreviations: readonly string[];
  /** Terms citeproc-js capitalises when they open a citation (`ibid.`, `op. cit.`). */
  leadingTerms: readonly string[];
  /** The locator terms of the locale (locator.ts). */
  locatorTerms: LocatorTerms;
  /** The locale's `punctuation-in-quote` option. */
  punctuationInQuote: boolean;
  /**
   * The citation layout's prefix and suffix, when citeproc-js leaves them out: it does so when it
   * wraps each work in a link (`link-citations`); pandoc prints them outside the links.
   */
  layoutAffixes?: { prefix: string; suffix: string };
  /**
   * Citations in one pass (batch.ts, default): positions computed once per chapter, each distinct
   * cluster formatted once. False: one `processCitationCluster` per cluster, as before (the
   * reference the tests compare the one pass with).
   */
  onePass?: boolean;
}

interface Occurrence {
  /** The name before an `@key` in the text (author-only), once rendered. */
  author?: string;
  cite: Cite;
  /** What citeproc-js is given of it: its known works, each with its locator read out (none: nothing to format). */
  items: CslCitationItem[];
  parent: Parents;
  /** The note the citation belongs to (0 in an in-text style). */
  noteIndex: number;
  /** Inside an author's note (rather than in the running text). */
  inNote: boolean;
  /** Opens a note made of one paragraph (pandoc then leaves it without parentheses). */
  opensNote: boolean;
  /** After a heading of class `reset-citation-positions` (pandoc 3): positions restart here. */
  resetBefore?: boolean;
  citation?: Citation;
  html?: string;
}


export class CitationRenderer {
  readonly noteStyle: boolean;
  private readonly options: CitationRendererOptions;
  private chapters = 0;
  /** Whether a `::bibliography` was met in some chapter. */
  bibliographyPlaced = false;
  /** Author-only renderings by work and position (first / later): the same few strings recur. */
  private readonly authorCache = new Map<string, string>();

  /** The one pass (batch.ts), when the book's works and style allow it: decided with the engine, when first needed. */
  private batchRenderer: BatchRenderer | null | undefined;
  /** The chapters' rendered citations kept between builds, under a key of everything they depend on but the chapter's citations. */
  private store: { store: RenderedStore; key: string } | undefined;

  constructor(options: CitationRendererOptions) {
    this.options = options;
    this.noteStyle = options.noteStyle;
  }

  /**
   * Keep each chapter's rendered citations in `store`, under `key` (what they depend on besides the
   * chapter's own citations: the style, the locale, the registered works, the book's citations) and
   * the chapter's citations as collected: a chapter whose citations are those of a build before
   * takes them from there, without citeproc-js.
   */
  keepIn(store: RenderedStore, key: string): void {
    this.store = { store, key };
  }

  /** The engine, which a citation of a known work needs (there is one whenever a work is known). */
  private get engine(): Engine {
    const engine = this.options.engine();
    if (engine === undefined) throw new Error('a known work without a citeproc-js engine');
    return engine;
  }

  private get batch(): BatchRenderer | undefined {
    if (this.batchRenderer === undefined) {
      const engine = this.options.onePass === false ? undefined : this.options.engine();
      const sys = (engine as unknown as { sys: { retrieveItem(id: string): CslItem } } | undefined)?.sys;
      const onePass = engine !== undefined && sys !== undefined && batchSupported(engine, [...this.options.known].map((id) => sys.retrieveItem(id)));
      this.batchRenderer = onePass ? new BatchRenderer(engine) : null;
    }
    return this.batchRenderer ?? undefined;
  }

  private itemOf(citation: CitationItem, last: boolean): CslCitationItem {
    const item: CslCitationItem = { id: citation.key };
    // The locator is read out of the suffix with the locale's terms, as pandoc does (locator.ts).
    const { locator, suffix } = splitLocator(restoreEscapes(citation.suffix), this.options.locatorTerms);
    if (locator) {
      item.locator = locator.locator;
      item.label = locator.label;
    }
    if (citation.prefix) item.prefix = restoreEscapes(citation.prefix);
    if (suffix) item.suffix = suffix;
    // citeproc-js lets a suffix's final period swallow the `;` before the next work
    // (`21 et suiv. Smith`); a case-protected span keeps both, as pandoc prints them.
    if (item.suffix && !last && item.suffix.endsWith('.')) item.suffix = `${item.suffix.slice(0, -1)}<span class="nocase">.</span>`;
    // `@a [-@b; @c]`: the author in the text is `a`'s; `b` is suppressed as asked, `c` keeps its own.
    if (citation.suppressAuthor || citation.authorInText) item['suppress-author'] = true;
    return item;
  }

  /** The citations of one chapter, in reading order: a note's citations at the note's first call. */
  private collect(tree: Root): { occurrences: Occurrence[]; bibliographies: LeafDirective[] } {
    // The first definition of each label, wherever it stands, as numberNotes takes it.
    const definitions = new Map<string, FootnoteDefinition>();
    visit(tree, 'footnoteDefinition', (node) => {
      const id = normaliseLabel(node.identifier);
      if (!definitions.has(id)) definitions.set(id, node);
    });
    const occurrences: Occurrence[] = [];
    const bibliographies: LeafDirective[] = [];
    const numbered = new Set<string>();
    let notes = 0;
    let reset = false;
    const walk = (node: Parents, note?: { number: number; definition: FootnoteDefinition }) => {
      for (const child of node.children) {
        if (child.type === 'heading' && classesOf(child).includes('reset-citation-positions')) reset = true;
        if (child.type === 'footnoteDefinition') continue; // met at its first call
        if (child.type === 'footnoteReference') {
          const id = normaliseLabel(child.identifier);
          const definition = definitions.get(id);
          if (definition && !numbered.has(id)) {
            numbered.add(id);
            notes += 1;
            walk(definition, { number: notes, definition });
          }
          continue;
        }
        if (child.type === 'cite') {
          const inNote = note !== undefined;
          const noteIndex = !this.noteStyle ? 0 : inNote ? note.number : ++notes;
          const opensNote =
            inNote && note.definition.children.length === 1 && note.definition.children[0] === node && node.type === 'paragraph' && node.children[0] === child;
          const items = child.citations.filter((c) => this.options.known.has(c.key)).map((c, i, all) => this.itemOf(c, i === all.length - 1));
          occurrences.push({ cite: child, items, parent: node, noteIndex, inNote, opensNote, resetBefore: reset });
          reset = false;
          continue;
        }
        if (child.type === 'leafDirective' && child.name === 'bibliography') {
          bibliographies.push(child);
          continue;
        }
        if ('children' in child) walk(child as Parents, note);
      }
    };
    walk(tree);
    return { occurrences, bibliographies };
  }

  /** Render the citations of one chapter (after typography, before `numberNotes`). */
  renderChapter(tree: Root, chapterId: string, placement: NotePlacement = { notesAfterPunctuation: false }): void {
    const { occurrences, bibliographies } = this.collect(tree);
    this.chapters += 1;

    if (occurrences.some((occurrence) => occurrence.items.length > 0)) {
      const key = this.store && hashOf(this.store.key, this.options.onePass === false ? 'by-cluster' : 'one-pass', JSON.stringify(occurrences.map((o) => this.inputsOf(o))));
      const kept = key === undefined ? undefined : this.store!.store.get(key);
      if (kept && kept.html.length === occurrences.length && kept.authors.length === occurrences.length) {
        occurrences.forEach((occurrence, i) => {
          occurrence.html = kept.html[i];
          occurrence.author = kept.authors[i];
        });
      } else {
        if (this.batch) this.renderInOnePass(occurrences, chapterId);
        else this.renderClusterByCluster(occurrences, chapterId);
        for (const occurrence of occurrences) if (isAuthorInText(occurrence.cite)) occurrence.author = this.authorOnly(occurrence);
        if (key !== undefined) this.store!.store.set(key, { html: occurrences.map((o) => o.html), authors: occurrences.map((o) => o.author) });
      }
    }

    const generated: FootnoteDefinition[] = [];
    occurrences.forEach((occurrence, i) => this.place(occurrence, `citation-note-${i + 1}`, generated, placement));
    if (generated.length) tree.children.push(...(generated as RootContent[]));

    for (const node of bibliographies) {
      // `::bibliography{section="Sources"}`: one section of it (book.yaml `bibliography-sections`).
      const section = typeof node.attributes?.section === 'string' ? node.attributes.section : undefined;
      const whole = this.options.bibliography(section);
      const data: RenderedBibliographyData = this.bibliographyPlaced && section === undefined ? { ...whole, entries: withoutIds(whole.entries) } : whole;
      node.data = { ...(node.data ?? {}), ...data };
      this.bibliographyPlaced = true;
    }
  }

  /** What citeproc-js is given for an occurrence, and where: all its rendering depends on in the chapter. */
  private inputsOf(occurrence: Occurrence): unknown {
    return [occurrence.items, occurrence.noteIndex, occurrence.resetBefore === true, isAuthorInText(occurrence.cite)];
  }

  /** One pass over the chapter (batch.ts): positions computed once, each distinct cluster formatted once. */
  private renderInOnePass(occurrences: Occurrence[], chapterId: string): void {
    const kept: Occurrence[] = [];
    const clusters: Array<{ items: CslCitationItem[]; noteIndex: number; resetBefore: boolean }> = [];
    let reset = false;
    occurrences.forEach((occurrence, i) => {
      // `# Partie {.reset-citation-positions}`: the first citation after it is given in full again (pandoc 3).
      if (occurrence.resetBefore) reset = true;
      const { items } = occurrence;
      if (items.length === 0) return;
      occurrence.citation = { citationID: `${this.chapters}:${chapterId}:${i}`, citationItems: items, properties: { noteIndex: occurrence.noteIndex } };
      clusters.push({ items, noteIndex: occurrence.noteIndex, resetBefore: reset });
      kept.push(occurrence);
      reset = false;
    });
    this.batch!.renderChapter(clusters).forEach(({ html, sortedItems }, i) => {
      kept[i].citation!.sortedItems = sortedItems;
      // A citation with nothing left to print (`[-@a]` where the short form is the author alone):
      // citeproc-js says `[NO_PRINTED_FORM]`, pandoc prints nothing.
      kept[i].html = this.punctuationInQuote(this.withAffixes(html.replace(noPrintedForm, '')));
    });
  }

  /** One `processCitationCluster` per cluster, with the chapter's earlier ones: the reference path. */
  private renderClusterByCluster(occurrences: Occurrence[], chapterId: string): void {
    // citationsPre holds this chapter's citations only: positions (ibid., subsequent) restart with
    // each chapter. Every work was registered beforehand (CSL.ASSUME_ALL_ITEMS_REGISTERED).
    let pre: Array<[string, number]> = [];
    let byIndex: Occurrence[] = [];
    occurrences.forEach((occurrence, i) => {
      // `# Partie {.reset-citation-positions}`: the first citation after it is given in full again (pandoc 3).
      if (occurrence.resetBefore) {
        pre = [];
        byIndex = [];
      }
      const { items } = occurrence;
      if (items.length === 0) return;
      const citation: Citation = {
        citationID: `${this.chapters}:${chapterId}:${i}`,
        citationItems: items,
        properties: { noteIndex: occurrence.noteIndex },
      };
      const [, updates] = this.engine.processCitationCluster(citation, pre, [], citeproc().ASSUME_ALL_ITEMS_REGISTERED);
      pre.push([citation.citationID, occurrence.noteIndex]);
      byIndex.push(occurrence);
      occurrence.citation = citation;
      // A later citation can change an earlier one (disambiguation): keep the last word.
      // A citation with nothing left to print (`[-@a]` where the short form is the author alone):
      // citeproc-js says `[NO_PRINTED_FORM]`, pandoc prints nothing.
      for (const [index, html] of updates) byIndex[index].html = this.punctuationInQuote(this.withAffixes(html.replace(noPrintedForm, '')));
    });
  }

  /**
   * A locale with `punctuation-in-quote` (American English) puts a comma or period that follows a
   * closing quotation mark inside it; citeproc-js does so for its own delimiters but not for an
   * item's suffix (`, s 3` after a title in quotes), which pandoc's citeproc moves too.
   */
  private withAffixes(html: string): string {
    const affixes = this.options.layoutAffixes;
    if (!affixes || html === '') return html;
    const suffix = affixes.suffix && html.replace(/<[^>]*>/g, '').endsWith(affixes.suffix) ? '' : affixes.suffix;
    return `${affixes.prefix}${html}${suffix}`;
  }

  private punctuationInQuote(html: string): string {
    return this.options.punctuationInQuote ? html.replace(/\u201d([.,])/g, '$1\u201d') : html;
  }

  /**
   * The author's name, as the style gives it at this citation's position (`Anna Smith`, then
   * `Smith`); empty for a work with no author, for which pandoc prints no name either.
   */
  private authorOnly(occurrence: Occurrence): string {
    const first = occurrence.citation?.sortedItems?.[0]?.[1];
    if (!first) return '';
    // The name in full at the first reference, short after it: an ibid. position would print
    // no name at all (the style's ibid. has none), where pandoc prints the short name.
    const { POSITION_FIRST, POSITION_SUBSEQUENT } = citeproc();
    const position = (first.position ?? POSITION_FIRST) === POSITION_FIRST ? POSITION_FIRST : POSITION_SUBSEQUENT;
    const key = `${first.id}\u0000${position}`;
    let html = this.authorCache.get(key);
    if (html === undefined) {
      html = this.engine
        .makeCitationCluster([{ id: first.id, 'author-only': true, position }])
        .replace(noPrintedForm, '')
        // citeproc-js keeps the delimiter that followed the names in the full form (`Jean Dupont,`).
        .replace(/[\s,;:\u00a0\u202f]+$/, '');
      this.authorCache.set(key, html);
    }
    return html;
  }

  private rendered(occurrence: Occurrence): ElementContent[] {
    const unknown = occurrence.cite.citations.filter((c) => !this.options.known.has(c.key));
    // What pandoc prints for a key it cannot find: the key and a question mark, in bold.
    const marks: ElementContent[] = unknown.flatMap((c, i) => [
      ...(i > 0 ? [{ type: 'text' as const, value: '; ' }] : []),
      { type: 'element' as const, tagName: 'strong', properties: { className: ['citation-unknown'] }, children: [{ type: 'text' as const, value: `${c.key}?` }] },
    ]);
    if (occurrence.html === undefined) return marks;
    const known = this.options.toHast(occurrence.html);
    return marks.length ? [...marks, { type: 'text', value: '; ' }, ...known] : known;
  }

  private place(occurrence: Occurrence, noteId: string, generated: FootnoteDefinition[], placement: NotePlacement): void {
    const { cite, parent } = occurrence;
    const author = occurrence.author ? this.options.toHast(occurrence.author) : [];
    const authorInText = author.length > 0;
    const withRendering = (rendered: ElementContent[]): Cite => ({
      ...cite,
      data: { ...(cite.data ?? {}), ...({ rendered } satisfies RenderedCiteData) },
    });
    const index = parent.children.indexOf(cite as never);
    const siblings = parent.children as PhrasingContent[];
    let rendered = this.rendered(occurrence);

    if (!this.noteStyle) {
      if (authorInText) rendered = [...author, { type: 'text', value: ' ' }, ...rendered];
      siblings[index] = withRendering(rendered);
      return;
    }

    if (!occurrence.inNote) {
      const reference: FootnoteReference = { type: 'footnoteReference', identifier: noteId, label: noteId };
      const note: Cite = withRendering(capitalizeFirst(rendered));
      generated.push({
        type: 'footnoteDefinition',
        identifier: noteId,
        label: noteId,
        children: [{ type: 'paragraph', children: [note] }],
        data: { citation: true } as FootnoteDefinition['data'],
      });
      if (authorInText) {
        // pandoc 2.17 leaves the call right after the name, before any punctuation (« Jean Dupont¹, »).
        siblings.splice(index, 1, withRendering(author), reference);
      } else {
        // pandoc's mvPunct: in English the punctuation that follows moves before the call
        // (« text [@a]. » → « text.¹ »); in French the call stays before it (« texte¹. »).
        const next = siblings[index + 1];
        const punctuation = placement.notesAfterPunctuation && next?.type === 'text' ? (/^\p{P}+/u.exec(next.value)?.[0] ?? '') : '';
        if (punctuation) (next as Text).value = (next as Text).value.slice(punctuation.length);
        const before = siblings[index - 1];
        if (before?.type === 'text') before.value = before.value.replace(/[ \t\n\u00a0\u202f]+$/, '');
        if (punctuation && before?.type === 'text') before.value += punctuation;
        else if (punctuation) siblings.splice(index, 0, { type: 'text', value: punctuation });
        siblings[siblings.indexOf(cite as never)] = reference;
      }
      return;
    }

    const after = siblings.slice(index + 1);
    if (authorInText) {
      // pandoc: « Author, reference » — the final period stays only at the end of the paragraph or
      // before a capital.
      const next = after.find((node) => node.type !== 'text' || node.value.trim() !== '');
      const needsPeriod = next === undefined || (next.type === 'text' && /^\s*\p{Lu}/u.test(next.value));
      const body = needsPeriod ? rendered : removeFinalPeriod(rendered, this.options.abbreviations);
      siblings[index] = withRendering([...author, { type: 'text', value: ', ' }, ...body]);
    } else if (occurrence.opensNote) {
      // A note that is a reference: a capital, as in a note made of a citation (pandoc leaves it as is).
      rendered = capitalizeFirst(rendered);
      siblings[index] = withRendering(rendered);
    } else {
      const body = lowercaseLeadingTerm(removeFinalPeriod(rendered, this.options.abbreviations), this.options.leadingTerms);
      const before = siblings[index - 1];
      const space = before && !(before.type === 'text' && /\s$/.test(before.value)) ? ' ' : '';
      siblings[index] = withRendering([{ type: 'text', value: `${space}(` }, ...body, { type: 'text', value: ')' }]);
      rendered = [];
    }
    // « [@a, p. 3]. » where the reference ends with its own period: one period (pandoc's mvPunct).
    const next = siblings[index + 1];
    if (rendered.length && endsWithPeriod(rendered) && next?.type === 'text' && next.value.startsWith('.')) {
      (next as Text).value = next.value.slice(1);
    }
  }
}

/** The classes a heading carries (`## Titre {.reset-citation-positions}`, markdown/pandoc-inline.ts). */
function classesOf(node: { data?: unknown }): string[] {
  const className = (node.data as { hProperties?: { className?: unknown } } | undefined)?.hProperties?.className;
  return Array.isArray(className) ? className.map(String) : typeof className === 'string' ? className.split(/\s+/) : [];
}

/** A second `::bibliography` repeats the entries without their ids (ids are unique in a book). */
function withoutIds(entries: ElementContent[]): ElementContent[] {
  return entries.map((entry) => (entry.type === 'element' ? { ...entry, properties: { ...entry.properties, id: undefined } } : entry));
}
