/**
 * The book's figures, tables and cross-references, once every chapter is rendered: numbered in
 * book order on the rendered trees (every `figure.figure`, whatever made it — an image with its
 * attributes, a map — and every `figure.table-figure`), then each cross-reference given its text
 * (« figure 3 », « tableau 2 », a section's title) and the address of its target, in this chapter
 * or another (`chapitre.md#fig:x`, which each edition resolves as it resolves the author's links:
 * render/links.ts). A label no figure, table or section of the book carries is reported at the
 * reference (`crossref-unknown`) and shown as typed, without a link.
 *
 * Pure on the trees: the book's chapters in, the same trees numbered and linked; messages on the
 * chapters' files.
 */
import path from 'node:path';
import type { Element, ElementContent, Root } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import type { Chapter } from '../model/index.ts';
import type { FigureLabels } from '../i18n/labels.ts';
import type { BookIds } from '../render/ids.ts';
import { report } from '../check/messages.ts';
import { crossrefKindOf } from './from-citations.ts';
import type { CrossrefKind } from './types.ts';

export interface FigureEntry {
  chapter: Chapter;
  /** The figure's id in the editions (given by the author, else made here). */
  id: string;
  number: number;
  /** The caption as rendered (typography applied), and the credit's text. */
  caption: ElementContent[];
  credit?: string;
}

interface Target {
  kind: CrossrefKind | 'other';
  number?: number;
  title?: string;
}

const classesOf = (node: Element): string[] => (Array.isArray(node.properties.className) ? node.properties.className.map(String) : []);

/** Elements in document order, iteratively (the tree may be deep). */
function elementsOf(tree: Root | Element): Element[] {
  const out: Element[] = [];
  const stack: Array<Root | Element> = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'element') out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i];
      if (child.type === 'element') stack.push(child);
    }
  }
  return out;
}

const find = (element: Element, className: string): Element | undefined =>
  elementsOf(element).find((child) => child !== element && classesOf(child).includes(className));

function setText(element: Element | undefined, value: string): void {
  if (element) element.children = value ? [{ type: 'text', value }] : [];
}

const capitalised = (value: string) => value.charAt(0).toLocaleUpperCase() + value.slice(1);

export interface CrossrefResult {
  figures: FigureEntry[];
  tables: number;
}

/**
 * Number the figures and tables of `chapters` (book order) and resolve their cross-references.
 * `ids` gives an id to a figure that has none, unique in the book (the list of illustrations and
 * the print page numbers point at it).
 */
export function resolveCrossrefs(chapters: readonly Chapter[], labels: FigureLabels, ids?: BookIds): CrossrefResult {
  const targets = new Map<Chapter, Map<string, Target>>();
  const figures: FigureEntry[] = [];
  let tables = 0;
  for (const chapter of chapters) {
    const here = new Map<string, Target>();
    targets.set(chapter, here);
    for (const element of elementsOf(chapter.hast)) {
      const classes = classesOf(element);
      const id = typeof element.properties.id === 'string' ? element.properties.id : undefined;
      if (element.tagName === 'figure' && classes.includes('figure')) {
        const number = figures.length + 1;
        let figureId = id;
        if (!figureId) {
          const base = `${chapter.id}-figure-${number}`;
          figureId = ids ? ids.free(base) : base;
          ids?.claim(figureId, chapter.id);
          element.properties.id = figureId;
        }
        // A figure made elsewhere (a map) gets the same label: at the start of its caption, made if need be.
        let caption = element.children.find((child): child is Element => child.type === 'element' && child.tagName === 'figcaption');
        if (!caption) {
          caption = { type: 'element', tagName: 'figcaption', properties: {}, children: [] };
          element.children.push(caption);
        }
        let label = find(caption, 'figure-label');
        const text = find(caption, 'figure-caption-text');
        const credit = find(caption, 'figure-credit');
        // Its caption: the caption's own span, else what the figcaption holds besides label and credit.
        const captionContent = text
          ? text.children
          : caption.children.filter((child) => !(child.type === 'element' && (child.tagName === 'br' || ['figure-label', 'figure-credit'].some((name) => classesOf(child).includes(name)))));
        const hasCaption = hastToString({ type: 'element', tagName: 'span', properties: {}, children: captionContent }).trim() !== '';
        if (!label) {
          label = { type: 'element', tagName: 'span', properties: { className: ['figure-label'] }, children: [] };
          caption.children.unshift(label);
        }
        setText(label, labels.figure(number));
        // The separator stands between the label and a caption, when there is one.
        const index = caption.children.indexOf(label);
        const next = caption.children[index + 1];
        const separated = next?.type === 'text' && next.value === labels.captionSeparator;
        if (hasCaption && !separated) caption.children.splice(index + 1, 0, { type: 'text', value: labels.captionSeparator });
        figures.push({ chapter, id: figureId, number, caption: structuredClone(captionContent), credit: credit ? hastToString(credit) : undefined });
        here.set(figureId, { kind: 'fig', number });
      } else if (element.tagName === 'figure' && classes.includes('table-figure')) {
        tables += 1;
        const caption = element.children.find((child): child is Element => child.type === 'element' && child.tagName === 'figcaption');
        const label = caption && find(caption, 'table-label');
        setText(label, labels.table(tables));
        if (label && find(caption!, 'table-caption-text')) {
          const index = caption!.children.indexOf(label);
          if (caption!.children[index + 1]?.type !== 'text') caption!.children.splice(index + 1, 0, { type: 'text', value: labels.captionSeparator });
        }
        if (id) here.set(id, { kind: 'tbl', number: tables });
      } else if (id && /^h[1-6]$/.test(element.tagName)) {
        here.set(id, { kind: 'sec', title: hastToString(element) });
      } else if (id && !here.has(id)) {
        here.set(id, { kind: 'other' });
      }
    }
  }

  /** The chapter and id the label names: this chapter's first, else the first chapter's in book order that has it. */
  const lookup = (label: string, from: Chapter): { chapter: Chapter; target: Target } | undefined => {
    for (const chapter of [from, ...chapters.filter((c) => c !== from)]) {
      const actual = chapter.ids?.anchors.get(label) ?? label;
      const target = targets.get(chapter)?.get(actual);
      if (target) return { chapter, target };
    }
    return undefined;
  };

  const what: Record<CrossrefKind, string> = { fig: 'figure', tbl: 'table', sec: 'heading', eq: 'equation' };
  for (const chapter of chapters) {
    for (const element of elementsOf(chapter.hast)) {
      if (element.tagName !== 'a' || !classesOf(element).includes('crossref')) continue;
      const href = String(element.properties.href ?? '');
      const hash = href.indexOf('#');
      const label = href.slice(hash + 1);
      const key = hastToString(element);
      const kind = crossrefKindOf(label)?.kind;
      const found = kind ? lookup(label, chapter) : undefined;
      if (!kind || !found || found.target.kind !== kind) {
        const reason =
          kind === 'eq'
            ? `Cross-reference \`@${key}\`: this book numbers no equations; write the reference in words or remove it`
            : `Cross-reference \`@${key}\`: no ${kind ? what[kind] : 'element'} of the book is labelled \`{#${label}}\`; label one (${kind === 'tbl' ? '`: Caption {#' + label + '}` under the table' : kind === 'sec' ? '`## Title {#' + label + '}`' : '`![…](file "Caption"){#' + label + '}`'}), or correct the reference`;
        report(chapter.file, 'crossref-unknown', reason, element.position);
        element.tagName = 'span';
        element.properties = { className: ['crossref-unknown'] };
        continue;
      }
      const classes = classesOf(element);
      const { target } = found;
      let value: string;
      if (target.kind === 'sec') value = target.title ?? key;
      else if (classes.includes('crossref-number')) value = String(target.number);
      else value = target.kind === 'fig' ? labels.figureRef(target.number!) : labels.tableRef(target.number!);
      if (classes.includes('crossref-capital')) value = capitalised(value);
      setText(element, value);
      // Another chapter: by its file, as the author would link to it (render/links.ts resolves it in each edition).
      const file = found.chapter === chapter ? '' : encodeURI(path.relative(path.dirname(chapter.source.path), found.chapter.source.path).split(path.sep).join('/'));
      element.properties.href = `${file}#${label}`;
    }
  }
  return { figures, tables };
}
