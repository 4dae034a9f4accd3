/**
 * Page builders of the printed book, as hast trees (hastscript) with DPUB-ARIA roles: half-title,
 * title page, copyright page, table of contents, part pages, index of names. The chapters
 * themselves come from the shared chapter rendering (scripts/render), prepared for print by
 * scripts/output/pdf/print-document.ts.
 *
 * Conventions read by the page handler in the browser (scripts/output/pdf/browser/render.js):
 *   data-section="id"        a top-level division; its id names the division in the page map
 *   data-page-target         an element whose page number another element prints
 *   data-page-ref="id"       an element whose text becomes the folio of the page of `#id`
 *   data-folio-restart       the first division of the main matter: folios restart at 1 (arabic)
 *   data-running-head="…"    the text of the right-hand running head (CSS string-set)
 *   data-book-title="…"      the text of the left-hand running head (CSS string-set)
 */
import { h, type Child } from 'hastscript';
import type { Element, ElementContent } from 'hast';
import type { Book, Chapter } from '../../scripts/model.ts';
import { labelsFor } from '../../scripts/render/labels.ts';
import { bookText } from '../web/pages.ts';
import { printLabelsFor } from './labels.ts';

/** The id of a chapter's division in the print document (its `h1` already has the chapter id). */
export const chapterSectionId = (chapter: Chapter) => `chapter-${chapter.id}`;

/** A page reference: the folio of the page on which `#targetId` begins, filled in by the page handler. */
export function pageRef(targetId: string, tagName: 'span' | 'a' = 'span'): Element {
  return h(tagName, { className: ['page-ref'], dataPageRef: targetId, ...(tagName === 'a' ? { href: `#${targetId}` } : {}) });
}

export function halfTitle(book: Book): Element {
  const title = bookText(book, book.meta.title);
  return h('section', { className: ['half-title'], id: 'half-title', dataSection: 'half-title', dataBookTitle: title }, [
    h('p', { className: ['half-title-text'] }, title),
  ]);
}

export function titlePage(book: Book): Element {
  const labels = labelsFor(book.meta.language);
  const printLabels = printLabelsFor(book.meta.language);
  const { meta } = book;
  const lines: ElementContent[] = [];
  if (meta.authors.length) lines.push(h('p', { className: ['book-authors'] }, meta.authors.join(', ')));
  lines.push(h('h1', { className: ['book-title'] }, bookText(book, meta.title)));
  if (meta.subtitle) lines.push(h('p', { className: ['book-subtitle'] }, bookText(book, meta.subtitle)));
  if (meta.editors.length) {
    lines.push(h('p', { className: ['book-editors'] }, [h('span', { className: ['label'] }, labels.underTheDirectionOf), h('br'), meta.editors.join(', ')]));
  }
  if (meta.translators.length) lines.push(h('p', { className: ['book-translators'] }, meta.translators.join(', ')));
  const imprint = [meta.publisher, meta.date].filter(Boolean).join(' · ');
  if (imprint) lines.push(h('p', { className: ['book-imprint'] }, bookText(book, imprint)));
  if (meta.status === 'draft') lines.push(h('p', { className: ['book-status'] }, printLabels.draft));
  return h('section', { className: ['title-page'], id: 'title-page', dataSection: 'title-page', role: 'doc-titlepage' }, lines);
}

/** Only what book.yaml says, plus the typeface, which is a fact of the build. */
export function copyrightPage(book: Book): Element {
  const printLabels = printLabelsFor(book.meta.language);
  const { meta } = book;
  const lines: ElementContent[] = [];
  if (meta.rights) lines.push(h('p', { className: ['rights'] }, bookText(book, meta.rights)));
  if (meta.publisher) lines.push(h('p', { className: ['publisher'] }, `${printLabels.publishedBy}${/^fr/.test(meta.language) ? '\u00a0' : ''}: ${meta.publisher}`));
  if (meta.identifiers.isbn) lines.push(h('p', { className: ['isbn'] }, `${printLabels.isbn} ${meta.identifiers.isbn}`));
  if (meta.date) lines.push(h('p', { className: ['date'] }, meta.date));
  lines.push(h('p', { className: ['typeset'] }, printLabels.typeset));
  return h('section', { className: ['copyright-page'], id: 'copyright', dataSection: 'copyright', role: 'doc-colophon' }, [
    h('div', { className: ['copyright-text'] }, lines),
  ]);
}

function tocLine(targetId: string, text: Child[], className: string): Element {
  return h('li', { className: [className] }, [
    h('a', { href: `#${targetId}` }, [h('span', { className: ['toc-text'] }, ...text), h('span', { className: ['toc-leader'], ariaHidden: 'true' }), pageRef(targetId)]),
  ]);
}

export interface TocExtra {
  /** Divisions after the last chapter (index of names), with their titles. */
  back: Array<{ id: string; title: string }>;
}

/** The table of contents: front matter, parts with their chapters, back matter, with page numbers. */
export function tableOfContents(book: Book, extra: TocExtra): Element {
  const labels = labelsFor(book.meta.language);
  const printLabels = printLabelsFor(book.meta.language);
  const items: Element[] = [];
  let currentPart: { index: number; list: Element } | undefined;
  for (const chapter of book.chapters) {
    const part = chapter.source.part;
    const entry = tocLine(chapterSectionId(chapter), [chapter.title], `toc-${chapter.source.matter}`);
    if (part === undefined) {
      currentPart = undefined;
      items.push(entry);
      continue;
    }
    if (currentPart?.index !== part) {
      const partMeta = book.meta.parts[part];
      currentPart = { index: part, list: h('ol', []) };
      const line = tocLine(
        partMeta.id,
        [h('span', { className: ['toc-part-label'] }, printLabels.partLabel(part + 1)), ' ', h('span', { className: ['toc-part-title'] }, bookText(book, partMeta.title))],
        'toc-part',
      );
      line.children.push(currentPart.list);
      items.push(line);
    }
    currentPart.list.children.push(entry);
  }
  for (const division of extra.back) items.push(tocLine(division.id, [division.title], 'toc-back'));
  return h('nav', { className: ['toc'], id: 'toc', dataSection: 'toc', role: 'doc-toc', ariaLabelledBy: 'toc-title', dataRunningHead: labels.contents }, [
    h('h1', { id: 'toc-title' }, labels.contents),
    h('ol', items),
  ]);
}

export function partPage(book: Book, index: number, options: { folioRestart: boolean }): Element {
  const part = book.meta.parts[index];
  const printLabels = printLabelsFor(book.meta.language);
  return h(
    'section',
    {
      className: ['part'],
      id: part.id,
      dataSection: part.id,
      dataPageTarget: '',
      role: 'doc-part',
      ariaLabelledBy: `${part.id}-title`,
      ...(options.folioRestart ? { dataFolioRestart: '' } : {}),
    },
    [h('p', { className: ['part-label'] }, printLabels.partLabel(index + 1)), h('h1', { className: ['part-title'], id: `${part.id}-title` }, bookText(book, part.title))],
  );
}

export interface IndexEntry {
  /** What the index prints first: the sort form (`Zhumaniyazov, Kadem`). */
  heading: string;
  /** The language of `heading` when it is not the book's. */
  headingLang?: string;
  /** Other forms, with their language (`Қадем Жұманиязов`, kk). */
  forms: Array<{ form: string; lang?: string }>;
  /** Ids of the marked occurrences, in book order. */
  targets: string[];
}

/** The index of names: one line per person, page numbers filled in by the page handler. */
export function indexOfNames(book: Book, entries: IndexEntry[]): Element {
  const printLabels = printLabelsFor(book.meta.language);
  const items = entries.map((entry) => {
    const children: Child[] = [h('span', { className: ['index-heading'], lang: entry.headingLang }, entry.heading)];
    if (entry.forms.length) {
      children.push(' ', h('span', { className: ['index-forms'] }, ['(', ...entry.forms.flatMap((f, i) => [...(i ? [', '] : []), h('span', f.lang ? { lang: f.lang } : {}, f.form)]), ')']));
    }
    children.push(h('span', { className: ['index-pages'] }, entry.targets.map((target) => pageRef(target, 'a'))));
    return h('li', { className: ['index-entry'], dataIndexEntry: '' }, ...children);
  });
  return h(
    'section',
    { className: ['index-of-names'], id: 'index-of-names', dataSection: 'index-of-names', dataPageTarget: '', role: 'doc-index', dataRunningHead: printLabels.indexOfNames, ariaLabelledBy: 'index-of-names-title' },
    [h('h1', { id: 'index-of-names-title' }, printLabels.indexOfNames), h('ul', { className: ['index-entries'] }, items)],
  );
}
