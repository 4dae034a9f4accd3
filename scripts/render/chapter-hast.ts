/**
 * mdast → hast for one chapter: the rendering every edition shares. Notes become DPUB-ARIA note
 * calls and `aside role="doc-footnote"`; testimonies and documents become figures with their
 * apparatus; language spans keep their `lang`. Ids are prefixed with the chapter id so that chapters
 * can be concatenated (print, EPUB spine) without collisions. The rendering ends with the
 * sanitizing step (sanitize.ts): what comes out is what every edition may show.
 */
import { defaultHandlers, toHast, type Handlers, type State } from 'mdast-util-to-hast';
import { h } from 'hastscript';
import type { Root as HastRoot, Element, ElementContent } from 'hast';
import type { Root, Nodes, Parents, FootnoteReference, Heading, Html, Image } from 'mdast';
import type { Position } from 'unist';
import type { VFile } from 'vfile';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import type { NoteCallData, NotesNode, NoteNode } from '../transforms/number-notes.ts';
import type { Cite, Span } from '../markdown/types.ts';
import { labelsFor, languageName, type Labels } from '../i18n/index.ts';
import type { RenderedBibliographyData, RenderedCiteData } from '../citations/types.ts';
import { imageStandIn, sanitizeChapter, type UnsafeReport } from './sanitize.ts';
import { assignIds, BookIds, type ChapterIds } from './ids.ts';
import { isExternalUrl } from '../manuscript/inside.ts';
import { report as reportMessage } from '../check/messages.ts';
import { renderCrossref, renderFigure, renderTableFigure } from '../crossref/render.ts';
import { insertMapDrawings, mapAttributes, placeIdsOf, type MapRequest, type RegistryPlace } from '../maps/directive.ts';

export interface ChapterRenderOptions {
  chapterId: string;
  /** The book's language, for labels and to decide which `lang` attributes are needed. */
  bookLang: string;
  /** The chapter's file: what the sanitizing step takes away is reported on it, at its place. */
  file?: VFile;
  /** The book's ids, and there what this chapter's became (ids.ts); a chapter rendered alone has its own. */
  ids?: { book: BookIds; assigned?: ChapterIds };
  /** The places registry (`book.places`), which `::map` draws from (scripts/maps/). */
  places?: readonly RegistryPlace[];
}

export const noteId = (chapterId: string, n: number) => `${chapterId}-fn-${n}`;
export const noteCallId = (chapterId: string, n: number, call = 1) =>
  call === 1 ? `${chapterId}-fnref-${n}` : `${chapterId}-fnref-${n}-${call}`;

/** Slug for heading ids (render/ids.ts). */
export { slug } from './ids.ts';

function apparatus(node: ContainerDirective, labels: Labels, bookLang: string): ElementContent[] {
  const a = node.attributes ?? {};
  const kind = node.name === 'testimony' ? labels.testimony : labels.document;
  const parts: ElementContent[] = [];
  const add = (className: string, content: string, label?: string) => {
    if (parts.length > 0) parts.push({ type: 'text', value: ' · ' });
    parts.push(
      h('span', { className: [className] }, label ? [h('span', { className: ['label'] }, `${label}${labels.beforeColon}: `), content] : [content]),
    );
  };
  if (a.who) add('who', a.role ? `${a.who}, ${a.role}` : a.who);
  if (a.title) add('title', a.title);
  if (a.date) add('date', a.date);
  if (a.place) add('place', a.place);
  if (a['original-lang']) add('original-lang', languageName(a['original-lang'], bookLang), labels.originalLanguage);
  if (a.translator) add('translator', a.translator, labels.translatedBy);
  if (a.archive) add('archive', a.archive, labels.archive);
  if (a.shelfmark) add('shelfmark', a.shelfmark, labels.shelfmark);
  if (a.source) add('source', a.source, labels.source);
  return [h('span', { className: ['kind'] }, kind), ...(parts.length ? [{ type: 'text' as const, value: ' — ' }, ...parts] : [])];
}

/** HTML comments (`<!-- book-ignore … -->` is ours), an unclosed one included: harmless, never reported. */
const htmlComments = /<!--[\s\S]*?(?:-->|$)/g;
const closingTags = /<\/[A-Za-z][\w:-]*\s*>/g;

/** citeproc-js's inline styles (its `html` output format), as classes: the editions allow no `style`. */
const citeprocStyleClasses = new Map([
  ['font-variant:small-caps;', 'smallcaps'], // Pandoc's class, as in `[text]{.smallcaps}`
  ['font-variant:normal;', 'csl-font-variant-normal'],
  ['font-style:normal;', 'csl-font-style-normal'],
  ['font-weight:normal;', 'csl-font-weight-normal'],
  ['text-decoration:none;', 'csl-text-decoration-none'],
  ['text-decoration:underline;', 'csl-underline'],
  ['baseline', 'csl-baseline'],
]);

/**
 * A bibliography's `URL` or `DOI` goes into `href` as typed (engine.ts); Markdown's links are
 * percent-encoded by mdast-util-to-hast. Encode what no URL may hold (space, `"`, `<`, `>`, a `%`
 * that starts no escape, a second `#`…, as in DOIs such as `…(199706)35:4<457::AID-JBM6>3.0.CO;2-Q`),
 * or EPUBCheck refuses the file (RSC-020). The scheme and host stay as they are (`http://[::1]/`).
 */
function encodeHref(href: string): string {
  const origin = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i.exec(href)?.[0] ?? '';
  const rest = href.slice(origin.length);
  const hash = rest.indexOf('#');
  const encode = (part: string) => part.replace(/%(?![\da-fA-F]{2})|[\0-\x20"#<>[\\\]^`{|}\x7f]/g, (c) => encodeURIComponent(c));
  return origin + (hash < 0 ? encode(rest) : `${encode(rest.slice(0, hash))}#${encode(rest.slice(hash + 1))}`);
}

/** citeproc-js's HTML made fit for the editions: styles as classes, link addresses valid URLs. */
function citeprocOutput(nodes: readonly ElementContent[]): void {
  for (const node of nodes) {
    if (node.type !== 'element') continue;
    const { style, href } = node.properties;
    if (typeof style === 'string') {
      const name = citeprocStyleClasses.get(style.replace(/\s+/g, ''));
      if (name) {
        delete node.properties.style;
        const classes = node.properties.className;
        node.properties.className = [...(Array.isArray(classes) ? classes.map(String) : []), name];
      }
    }
    if (node.tagName === 'a' && typeof href === 'string') node.properties.href = encodeHref(href);
    citeprocOutput(node.children);
  }
}

/**
 * The attributes each block directive uses (docs/manuscript-format.md); `lang` is read by every one
 * (french-typography.ts). Any other is never copied into an edition: reported as attribute-unsafe.
 */
const sourceAttributes = new Set(['who', 'role', 'title', 'date', 'place', 'original-lang', 'translator', 'archive', 'shelfmark', 'source', 'lang', 'id']);
const otherDirectiveAttributes = new Set(['lang']);
/** `::bibliography{section="Sources"}`: one section of the bibliography (docs/citations.md). */
const bibliographyAttributes = new Set(['lang', 'section']);

function reportDirectiveAttributes(node: ContainerDirective | LeafDirective, report: UnsafeReport): void {
  const used =
    node.name === 'testimony' || node.name === 'document'
      ? sourceAttributes
      : node.name === 'bibliography'
        ? bibliographyAttributes
        : node.type === 'leafDirective' && node.name === 'map'
          ? mapAttributes
          : otherDirectiveAttributes;
  for (const name of Object.keys(node.attributes ?? {})) {
    if (used.has(name)) continue;
    const mark = node.type === 'leafDirective' ? '::' : ':::';
    report(
      `Attribute \`${name}\` is not one \`${mark}${node.name}\` uses (${[...used].map((known) => `\`${known}\``).join(', ')}); it is left out of the editions: remove it`,
      node.position,
      'attribute-unsafe',
    );
  }
}

function handlers(options: ChapterRenderOptions, places: WeakMap<Element, Position>, report: UnsafeReport, maps: MapRequest[]): Handlers {
  const labels = labelsFor(options.bookLang);
  const { chapterId } = options;
  /** The elements our handlers make get no position from mdast-util-to-hast: keep it aside for messages. */
  const placed = (element: Element, node: { position?: Position }): Element => {
    if (node.position) places.set(element, node.position);
    return element;
  };
  return {
    footnoteReference(_state: State, node: FootnoteReference): Element {
      const data = node.data as Partial<NoteCallData> | undefined;
      if (!data?.noteNumber) {
        // A call with no definition: keep the author's mark visible (footnote-undefined reports it).
        return h('span', { className: ['noteref-missing'] }, `[^${node.label ?? node.identifier}]`);
      }
      const n = data.noteNumber;
      // Made as hastscript would make it (these properties are hast's names already): a book has
      // thousands of calls, and `h` looks every property name up in the HTML schema.
      return {
        type: 'element',
        tagName: 'a',
        properties: { className: ['noteref'], id: noteCallId(chapterId, n, data.callIndex), href: `#${noteId(chapterId, n)}`, role: 'doc-noteref', ariaLabel: labels.noteCall(n) },
        children: [{ type: 'text', value: String(n) }],
      };
    },
    footnoteDefinition: () => undefined,
    notes(state: State, node: NotesNode): Element {
      const titleId = `${chapterId}-notes`;
      return h('section', { className: ['footnotes'], ariaLabelledBy: titleId }, [
        h('h2', { id: titleId, className: ['notes-title'] }, labels.notes),
        ...node.children.map((note) => state.one(note as unknown as Nodes, node as unknown as Parents) as Element),
      ]);
    },
    note(state: State, node: NoteNode): Element {
      const n = node.number;
      const backlink: Element = {
        type: 'element',
        tagName: 'a',
        properties: { className: ['note-number'], href: `#${noteCallId(chapterId, n)}`, role: 'doc-backlink', ariaLabel: labels.noteBacklink(n) },
        children: [{ type: 'text', value: String(n) }],
      };
      const body = state.all(node as unknown as Nodes) as ElementContent[];
      const first = body.find((child): child is Element => child.type === 'element');
      if (first && first.tagName === 'p') first.children.unshift(backlink, { type: 'text', value: ' ' });
      else body.unshift(h('p', [backlink]));
      return { type: 'element', tagName: 'aside', properties: { id: noteId(chapterId, n), className: ['footnote'], role: 'doc-footnote' }, children: body };
    },
    span(state: State, node: Span): Element {
      const properties = node.data?.hProperties ?? {};
      return placed(h(node.data?.hName ?? 'span', properties, state.all(node as unknown as Nodes) as ElementContent[]), node);
    },
    cite(_state: State, node: Cite): Element {
      // Rendered by the citation stage (scripts/citations); without it, the source text.
      const rendered = (node.data as Partial<RenderedCiteData> | undefined)?.rendered;
      if (rendered) citeprocOutput(rendered);
      const children: ElementContent[] = rendered ? [...rendered] : [{ type: 'text', value: node.value }];
      return placed({ type: 'element', tagName: 'span', properties: { className: ['citation'], dataCites: node.citations.map((c) => c.key).join(' ') }, children }, node);
    },
    heading(state: State, node: Heading): Element {
      const properties: Record<string, unknown> = { ...((node.data?.hProperties as Record<string, unknown>) ?? {}) };
      const element = h(`h${node.depth}`, properties as Record<string, string>, state.all(node) as ElementContent[]);
      return placed(element, node);
    },
    image(state: State, node: Image): Element {
      // Never loaded from the network: its text alternative instead (image-missing reports it, with
      // the same test of what is not a file of the manuscript).
      if (isExternalUrl(node.url)) return imageStandIn(node.alt, node.position);
      return defaultHandlers.image(state, node);
    },
    html(_state: State, node: Html): undefined {
      // Raw HTML is never copied into an edition (mdast-util-to-hast drops it): say so.
      const html = node.value.replace(htmlComments, '');
      // Only comments, or closing tags whose opening tag was reported: nothing to say.
      if (html.replace(closingTags, '').trim() === '') return undefined;
      const opening = /^\s*<([A-Za-z][\w:-]*)/.exec(html);
      const shown = opening ? `<${opening[1]}>` : `${html.trim().slice(0, 12)}…`;
      report(`Raw HTML \`${shown}\` is left out of the editions; write it in Markdown (\`*italics*\`, \`[text](https://…)\`, \`[text]{lang=kk}\`) or remove it`, node.position, 'html-raw');
      return undefined;
    },
    containerDirective(state: State, node: ContainerDirective): Element {
      reportDirectiveAttributes(node, report);
      const lang = node.attributes?.lang;
      const langProps = lang && lang !== options.bookLang ? { lang } : {};
      const content = state.all(node) as ElementContent[];
      if (node.name === 'testimony' || node.name === 'document') {
        const id = node.attributes?.id ?? undefined;
        return placed(
          h('figure', { className: ['source', `source-${node.name}`], id }, [
            h('figcaption', { className: ['apparatus'] }, apparatus(node, labels, options.bookLang)),
            h('blockquote', { ...langProps }, content),
          ]),
          node,
        );
      }
      if (node.name === 'todo') {
        return h('aside', { className: ['todo'], role: 'note', ariaLabel: labels.todo }, [
          h('p', { className: ['todo-label'] }, labels.todo),
          ...content,
        ]);
      }
      return placed(h('div', { className: [`directive-${node.name}`], ...langProps }, content), node);
    },
    leafDirective(state: State, node: LeafDirective): Element {
      reportDirectiveAttributes(node, report);
      if (node.name === 'bibliography') {
        // Every cited work, as the style gives it (scripts/citations); DPUB-ARIA doc-bibliography.
        const data = node.data as Partial<RenderedBibliographyData> | undefined;
        if (data?.entries) citeprocOutput(data.entries);
        return placed(
          h(
            'section',
            // No name of its own: the heading before it names it, and a second landmark of the same
            // name would be ambiguous (axe landmark-unique).
            { className: ['bibliography', 'csl-bib-body', ...(data?.hangingIndent ? ['hanging-indent'] : [])], role: 'doc-bibliography' },
            data?.entries ?? [],
          ),
          node,
        );
      }
      if (node.name === 'map') {
        // A figure like an image's (numbered and cross-referenced with them): its caption is the
        // directive's label, else its title. The drawing comes after sanitizing (scripts/maps/directive.ts).
        const title = node.attributes?.title ?? undefined;
        const caption = node.children.length > 0 ? (state.all(node) as ElementContent[]) : title ? [{ type: 'text' as const, value: title }] : [];
        maps.push({ placeIds: placeIdsOf(node), title: title ?? undefined });
        const id = node.attributes?.id ?? undefined;
        return placed(h('figure', { className: ['figure', 'map'], id }, caption.length ? [h('figcaption', caption)] : []), node);
      }
      return placed(h('div', { className: [`directive-${node.name}`] }, state.all(node) as ElementContent[]), node);
    },
    // Figures, captioned tables and cross-references (scripts/crossref/): numbered by the book.
    figure: renderFigure,
    tableFigure: renderTableFigure,
    crossref: renderCrossref,
  } as unknown as Handlers;
}

/** The chapter's rendering, sanitized: citations, notes and the bibliography included. */
export function chapterToHast(tree: Root, options: ChapterRenderOptions): HastRoot {
  // Every heading gets an id, and every id is unique in the book (ids.ts).
  const slot = options.ids ?? { book: BookIds.alone(options.chapterId) };
  slot.assigned = assignIds(tree, options.chapterId, slot.book);
  const places = new WeakMap<Element, Position>();
  const { file } = options;
  const report: UnsafeReport = (reason, place, ruleId) => {
    if (file) reportMessage(file, ruleId, reason, place);
  };
  const maps: MapRequest[] = [];
  const hast = toHast(tree, { handlers: handlers(options, places, report, maps), allowDangerousHtml: false }) as HastRoot;
  const clean = sanitizeChapter(hast, { report, placeOf: (element) => places.get(element) });
  // After the allowlist, from validated data only: see scripts/maps/directive.ts.
  insertMapDrawings(clean, maps, { places: options.places, labels: labelsFor(options.bookLang).map, lang: options.bookLang });
  return clean;
}
