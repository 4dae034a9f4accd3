/**
 * Page builders of the printed book, as hast trees (hastscript) with DPUB-ARIA roles: half-title,
 * title page, copyright page, table of contents, part pages, index of names. The chapters
 * themselves come from the shared chapter rendering (scripts/render), prepared for print by
 * scripts/output/pdf/print-document.ts.
 *
 * Conventions read by the page handler in the browser (scripts/output/pdf/browser/):
 *   data-section="id"        a top-level division; its id names the division in the page map
 *   data-page-target         an element whose page number another element prints
 *   data-page-ref="id"       an element whose text becomes the folio of the page of `#id`
 *   data-folio-restart       the first division of the main matter: folios restart at 1 (arabic)
 *   data-running-head="…"    the text of the right-hand running head (CSS string-set)
 *   data-book-title="…"      the text of the left-hand running head (CSS string-set)
 */
import { h, type Child } from 'hastscript';
import type { Element, ElementContent } from 'hast';
import type { Book, Chapter, OutlinePart } from '../../model/index.ts';
import { bookText } from '../../model/typeset.ts';
import { bookFonts } from '../fonts.ts';

/** The id of a chapter's division in the print document (its `h1` already has the chapter id). */
export const chapterSectionId = (chapter: Chapter) => `chapter-${chapter.id}`;

/** A page reference: the folio of the page on which `#targetId` begins, filled in by the page handler. */
export function pageRef(targetId: string, tagName: 'span' | 'a' = 'span'): Element {
  return h(tagName, { className: ['page-ref'], dataPageRef: targetId, ...(tagName === 'a' ? { href: `#${targetId}` } : {}) });
}

export function halfTitle(book: Book): Element {
  const title = book.typeset.title;
  return h('section', { className: ['half-title'], id: 'half-title', dataSection: 'half-title', dataBookTitle: title }, [
    h('p', { className: ['half-title-text'] }, title),
  ]);
}

export function titlePage(book: Book): Element {
  const { meta, typeset, labels } = book;
  const lines: ElementContent[] = [];
  if (meta.authors.length) lines.push(h('p', { className: ['book-authors'] }, meta.authors.join(', ')));
  lines.push(h('h1', { className: ['book-title'] }, typeset.title));
  if (typeset.subtitle) lines.push(h('p', { className: ['book-subtitle'] }, typeset.subtitle));
  if (meta.editors.length) {
    lines.push(h('p', { className: ['book-editors'] }, [h('span', { className: ['label'] }, labels.underTheDirectionOf), h('br'), meta.editors.join(', ')]));
  }
  if (meta.translators.length) lines.push(h('p', { className: ['book-translators'] }, meta.translators.join(', ')));
  const imprint = [meta.publisher, meta.date].filter(Boolean).join(' · ');
  // Typeset as one line: a quotation mark may open in the publisher's name and close after it.
  if (imprint) lines.push(h('p', { className: ['book-imprint'] }, bookText(meta, imprint)));
  if (meta.status === 'draft') lines.push(h('p', { className: ['book-status'] }, labels.print.draft));
  return h('section', { className: ['title-page'], id: 'title-page', dataSection: 'title-page', role: 'doc-titlepage' }, lines);
}

/** Only what book.yaml says, plus the typeface, which is a fact of the build. */
export function copyrightPage(book: Book): Element {
  const { meta, typeset, labels } = book;
  const printLabels = labels.print;
  const lines: ElementContent[] = [];
  if (typeset.rights) lines.push(h('p', { className: ['rights'] }, typeset.rights));
  if (meta.publisher) lines.push(h('p', { className: ['publisher'] }, `${printLabels.publishedBy}${labels.beforeColon}: ${meta.publisher}`));
  if (meta.identifiers.isbn) lines.push(h('p', { className: ['isbn'] }, `${printLabels.isbn} ${meta.identifiers.isbn}`));
  if (meta.date) lines.push(h('p', { className: ['date'] }, meta.date));
  lines.push(h('p', { className: ['typeset'] }, printLabels.typeset(bookFonts(book).family, bookFonts(book).licence)));
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
  /**
   * Divisions that are no chapter (index of names), with their titles: after the last chapter, or
   * before the chapter of index `before` (book.yaml's `contents.back`, scripts/apparatus).
   */
  back: Array<{ id: string; title: string; before?: number }>;
}

/** The table of contents: the book's outline with page numbers, then the divisions after the last chapter. */
export function tableOfContents(book: Book, extra: TocExtra): Element {
  const { labels } = book;
  const entry = (index: number) => {
    const chapter = book.chapters[index];
    return tocLine(chapterSectionId(chapter), [chapter.title], `toc-${chapter.source.matter}`);
  };
  const items = book.outline.flatMap((line) => {
    if (line.type === 'chapter') {
      const before = extra.back.filter((division) => division.before === line.chapter).map((division) => tocLine(division.id, [division.title], 'toc-back'));
      return [...before, entry(line.chapter)];
    }
    const partLine = tocLine(
      line.id,
      [h('span', { className: ['toc-part-label'] }, labels.print.partLabel(line.part + 1)), ' ', h('span', { className: ['toc-part-title'] }, line.title)],
      'toc-part',
    );
    partLine.children.push(h('ol', line.chapters.map(entry)));
    return partLine;
  });
  for (const division of extra.back) if (division.before === undefined) items.push(tocLine(division.id, [division.title], 'toc-back'));
  return h('nav', { className: ['toc'], id: 'toc', dataSection: 'toc', role: 'doc-toc', ariaLabelledBy: 'toc-title', dataRunningHead: labels.contents }, [
    h('h1', { id: 'toc-title' }, labels.contents),
    h('ol', items),
  ]);
}

export function partPage(book: Book, part: OutlinePart, options: { folioRestart: boolean }): Element {
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
    [h('p', { className: ['part-label'] }, book.labels.print.partLabel(part.part + 1)), h('h1', { className: ['part-title'], id: `${part.id}-title` }, part.title)],
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
  const printLabels = book.labels.print;
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
