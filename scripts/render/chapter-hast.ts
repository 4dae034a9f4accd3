/**
 * mdast → hast for one chapter: the rendering every edition shares. Notes become DPUB-ARIA note
 * calls and `aside role="doc-footnote"`; testimonies and documents become figures with their
 * apparatus; language spans keep their `lang`. Ids are prefixed with the chapter id so that chapters
 * can be concatenated (print, EPUB spine) without collisions.
 */
import { toHast, type Handlers, type State } from 'mdast-util-to-hast';
import { h } from 'hastscript';
import type { Root as HastRoot, Element, ElementContent } from 'hast';
import type { Root, Nodes, Parents, FootnoteReference, Heading } from 'mdast';
import type { ContainerDirective, LeafDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { NoteCallData, NotesNode, NoteNode } from '../transforms/number-notes.ts';
import type { Cite, Span } from '../markdown/types.ts';
import { labelsFor, languageName, type Labels } from './labels.ts';
import type { RenderedBibliographyData, RenderedCiteData } from '../citations/types.ts';

export interface ChapterRenderOptions {
  chapterId: string;
  /** The book's language, for labels and to decide which `lang` attributes are needed. */
  bookLang: string;
}

export const noteId = (chapterId: string, n: number) => `${chapterId}-fn-${n}`;
export const noteCallId = (chapterId: string, n: number, call = 1) =>
  call === 1 ? `${chapterId}-fnref-${n}` : `${chapterId}-fnref-${n}-${call}`;

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

function apparatus(node: ContainerDirective, labels: Labels, bookLang: string): ElementContent[] {
  const a = node.attributes ?? {};
  const kind = node.name === 'testimony' ? labels.testimony : labels.document;
  const parts: ElementContent[] = [];
  const add = (className: string, content: string, label?: string) => {
    if (parts.length > 0) parts.push({ type: 'text', value: ' · ' });
    parts.push(
      h('span', { className: [className] }, label ? [h('span', { className: ['label'] }, `${label}${/^fr/.test(bookLang) ? '\u00a0' : ''}: `), content] : [content]),
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

function handlers(options: ChapterRenderOptions): Handlers {
  const labels = labelsFor(options.bookLang);
  const { chapterId } = options;
  return {
    footnoteReference(_state: State, node: FootnoteReference): Element {
      const data = node.data as Partial<NoteCallData> | undefined;
      if (!data?.noteNumber) {
        // A call with no definition: keep the author's mark visible (footnote-undefined reports it).
        return h('span', { className: ['noteref-missing'] }, `[^${node.label ?? node.identifier}]`);
      }
      const n = data.noteNumber;
      return h(
        'a',
        {
          className: ['noteref'],
          id: noteCallId(chapterId, n, data.callIndex),
          href: `#${noteId(chapterId, n)}`,
          role: 'doc-noteref',
          ariaLabel: labels.noteCall(n),
        },
        String(n),
      );
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
      const backlink = h(
        'a',
        { className: ['note-number'], href: `#${noteCallId(chapterId, n)}`, role: 'doc-backlink', ariaLabel: labels.noteBacklink(n) },
        String(n),
      );
      const body = state.all(node as unknown as Nodes) as ElementContent[];
      const first = body.find((child): child is Element => child.type === 'element');
      if (first && first.tagName === 'p') first.children.unshift(backlink, { type: 'text', value: ' ' });
      else body.unshift(h('p', [backlink]));
      return h('aside', { id: noteId(chapterId, n), className: ['footnote'], role: 'doc-footnote' }, body);
    },
    span(state: State, node: Span): Element {
      const properties = node.data?.hProperties ?? {};
      return h(node.data?.hName ?? 'span', properties, state.all(node as unknown as Nodes) as ElementContent[]);
    },
    cite(_state: State, node: Cite): Element {
      // Rendered by the citation stage (scripts/citations); without it, the source text.
      const rendered = (node.data as Partial<RenderedCiteData> | undefined)?.rendered;
      return h('span', { className: ['citation'], dataCites: node.citations.map((c) => c.key).join(' ') }, rendered ?? node.value);
    },
    heading(state: State, node: Heading): Element {
      const properties: Record<string, unknown> = { ...((node.data?.hProperties as Record<string, unknown>) ?? {}) };
      const element = h(`h${node.depth}`, properties as Record<string, string>, state.all(node) as ElementContent[]);
      return element;
    },
    containerDirective(state: State, node: ContainerDirective): Element {
      const lang = node.attributes?.lang;
      const langProps = lang && lang !== options.bookLang ? { lang } : {};
      const content = state.all(node) as ElementContent[];
      if (node.name === 'testimony' || node.name === 'document') {
        const id = node.attributes?.id ?? undefined;
        return h('figure', { className: ['source', `source-${node.name}`], id }, [
          h('figcaption', { className: ['apparatus'] }, apparatus(node, labels, options.bookLang)),
          h('blockquote', { ...langProps }, content),
        ]);
      }
      if (node.name === 'todo') {
        return h('aside', { className: ['todo'], role: 'note', ariaLabel: labels.todo }, [
          h('p', { className: ['todo-label'] }, labels.todo),
          ...content,
        ]);
      }
      return h('div', { className: [`directive-${node.name}`], ...langProps }, content);
    },
    leafDirective(state: State, node: LeafDirective): Element {
      if (node.name === 'bibliography') {
        // Every cited work, as the style gives it (scripts/citations); DPUB-ARIA doc-bibliography.
        const data = node.data as Partial<RenderedBibliographyData> | undefined;
        return h(
          'section',
          // No name of its own: the heading before it names it, and a second landmark of the same name
          // would be ambiguous (axe landmark-unique).
          { className: ['bibliography', 'csl-bib-body', ...(data?.hangingIndent ? ['hanging-indent'] : [])], role: 'doc-bibliography' },
          data?.entries ?? [],
        );
      }
      return h('div', { className: [`directive-${node.name}`] }, state.all(node) as ElementContent[]);
    },
  } as unknown as Handlers;
}

/** Give every heading an id (the author's, or a unique slug of its text). */
function headingIds(tree: Root, chapterId: string): void {
  const used = new Set<string>();
  const visitNode = (node: Nodes) => {
    if (node.type === 'heading') {
      const data = (node.data ??= {}) as { hProperties?: Record<string, unknown> };
      const properties = (data.hProperties ??= {});
      if (typeof properties.id !== 'string') {
        const base = node.depth === 1 ? chapterId : slug(toString(node));
        let id = base;
        for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
        properties.id = id;
      }
      used.add(properties.id as string);
    }
    if ('children' in node) for (const child of node.children) visitNode(child as Nodes);
  };
  visitNode(tree);
}

export function chapterToHast(tree: Root, options: ChapterRenderOptions): HastRoot {
  headingIds(tree, options.chapterId);
  return toHast(tree, { handlers: handlers(options), allowDangerousHtml: false }) as HastRoot;
}
