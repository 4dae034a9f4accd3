/**
 * The pages the EPUB edition generates around the chapters, as hast trees with EPUB structural
 * semantics (EPUB 3.3 §D.4.1) and their DPUB-ARIA roles: title page, part pages, the navigation
 * document (EPUB 3.3 §7: `toc`, `landmarks`, `page-list`) and the cover page.
 */
import { h } from 'hastscript';
import type { Root, Element, ElementContent } from 'hast';
import type { Book, Chapter, OutlinePart } from '../../model/index.ts';
import { partOf } from '../../model/outline.ts';

/** The title page (`titlepage`, EPUB SSV): title, subtitle, editors, imprint. */
export function titlePage(book: Book): Root {
  const { meta, typeset, labels } = book;
  const lines: ElementContent[] = [h('h1', { className: ['book-title'], id: 'book-title' }, typeset.title)];
  if (typeset.subtitle) lines.push(h('p', { className: ['book-subtitle'] }, typeset.subtitle));
  if (meta.editors.length) lines.push(h('p', { className: ['book-editors'] }, `${labels.underTheDirectionOf} ${meta.editors.join(', ')}`));
  if (meta.authors.length) lines.push(h('p', { className: ['book-authors'] }, meta.authors.join(', ')));
  if (meta.translators.length) lines.push(h('p', { className: ['book-translators'] }, `${labels.translatedBy} : ${meta.translators.join(', ')}`));
  const imprint = [meta.publisher, meta.date].filter(Boolean).join(', ');
  if (imprint) lines.push(h('p', { className: ['book-imprint'] }, imprint));
  if (meta.status === 'draft') lines.push(h('p', { className: ['book-status'] }, labels.workingDraft));
  return { type: 'root', children: [h('section', { className: ['titlepage'], 'epub:type': 'titlepage', ariaLabelledBy: 'book-title' }, lines)] };
}

/** A part's opening page (`part`, DPUB-ARIA `doc-part`). */
export function partPage(book: Book, part: OutlinePart): Root {
  return {
    type: 'root',
    children: [
      h('section', { className: ['part'], 'epub:type': 'part', role: 'doc-part', ariaLabelledBy: part.id }, [
        h('p', { className: ['part-number'] }, book.labels.epub.part(part.part + 1)),
        h('h1', { id: part.id }, part.title),
      ]),
    ],
  };
}

export interface NavigationInput {
  /** Package-relative file of each chapter, in book order. */
  chapterHref: (chapter: Chapter) => string;
  partHref: (part: OutlinePart) => string;
  coverHref?: string;
  titlePageHref: string;
  /** The page list, when the print edition was built in the same run. */
  pageList: Array<{ label: string; href: string }>;
}

function xhtmlShell(book: Book, title: string, body: Element, options: { stylesheet?: string; bodyClass?: string } = {}): Root {
  const lang = book.meta.language;
  return {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { xmlns: 'http://www.w3.org/1999/xhtml', 'xmlns:epub': 'http://www.idpf.org/2007/ops', lang, xmlLang: lang }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('title', title),
          ...(options.stylesheet ? [h('link', { rel: 'stylesheet', type: 'text/css', href: options.stylesheet })] : []),
        ]),
        { ...body, properties: { ...body.properties, className: options.bodyClass ? [options.bodyClass] : undefined } },
      ]),
    ],
  };
}

/** The navigation document (EPUB 3.3 §7.4): table of contents (the book's outline), landmarks, page list. */
export function navigationDocument(book: Book, input: NavigationInput): Root {
  const { labels } = book;
  const entry = (index: number) => h('li', [h('a', { href: input.chapterHref(book.chapters[index]) }, book.chapters[index].title)]);
  const items = book.outline.map((line) =>
    line.type === 'chapter' ? entry(line.chapter) : h('li', [h('a', { href: input.partHref(line) }, line.title), h('ol', line.chapters.map(entry))]),
  );
  const firstBody = book.chapters.findIndex((chapter) => chapter.source.matter === 'body');
  const first = firstBody >= 0 ? firstBody : book.chapters.length > 0 ? 0 : undefined;
  const landmarks: Element[] = [];
  if (input.coverHref) landmarks.push(h('li', [h('a', { 'epub:type': 'cover', href: input.coverHref }, labels.epub.cover)]));
  landmarks.push(h('li', [h('a', { 'epub:type': 'titlepage', href: input.titlePageHref }, labels.epub.titlePage)]));
  landmarks.push(h('li', [h('a', { 'epub:type': 'toc', href: 'toc.xhtml#toc' }, labels.contents)]));
  if (first !== undefined) {
    // The text starts at its part's opening page when the first body chapter opens a part.
    const part = partOf(book.outline, first);
    const href = part?.chapters[0] === first ? input.partHref(part) : input.chapterHref(book.chapters[first]);
    landmarks.push(h('li', [h('a', { 'epub:type': 'bodymatter', href }, labels.epub.start)]));
  }
  // The glossary and the index of places the registries make (scripts/apparatus), when there are.
  for (const [kind, type] of [['glossary', 'glossary'], ['places-index', 'index']] as const) {
    const chapter = book.chapters.find((c) => c.source.generated === kind);
    if (chapter) landmarks.push(h('li', [h('a', { 'epub:type': type, href: input.chapterHref(chapter) }, chapter.title)]));
  }

  const navs: Element[] = [
    h('nav', { 'epub:type': 'toc', role: 'doc-toc', id: 'toc', ariaLabelledBy: 'toc-title' }, [h('h1', { id: 'toc-title' }, labels.contents), h('ol', items)]),
    h('nav', { 'epub:type': 'landmarks', id: 'landmarks', ariaLabelledBy: 'landmarks-title', hidden: true }, [h('h2', { id: 'landmarks-title' }, labels.epub.landmarks), h('ol', landmarks)]),
  ];
  if (input.pageList.length > 0) {
    navs.push(
      h('nav', { 'epub:type': 'page-list', role: 'doc-pagelist', id: 'page-list', ariaLabelledBy: 'page-list-title', hidden: true }, [
        h('h2', { id: 'page-list-title' }, labels.epub.pageList),
        h('ol', input.pageList.map((page) => h('li', [h('a', { href: page.href }, page.label)]))),
      ]),
    );
  }
  return xhtmlShell(book, labels.contents, h('body', navs), { stylesheet: 'style.css' });
}

/** The cover page: the cover image, described for those who cannot see it. */
export function coverPage(book: Book, imageHref: string): Root {
  const labels = book.labels.epub;
  const alt = labels.coverAlt(book.typeset.title, book.typeset.subtitle || undefined, book.meta.editors);
  return xhtmlShell(
    book,
    labels.cover,
    h('body', [h('section', { 'epub:type': 'cover', ariaLabel: labels.cover }, [h('img', { src: imageHref, alt, role: 'doc-cover' })])]),
    { stylesheet: 'style.css', bodyClass: 'cover' },
  );
}
