/**
 * The pages the EPUB edition generates around the chapters, as hast trees with EPUB structural
 * semantics (EPUB 3.3 §D.4.1) and their DPUB-ARIA roles: title page, part pages, the navigation
 * document (EPUB 3.3 §7: `toc`, `landmarks`, `page-list`) and the cover page.
 */
import { h } from 'hastscript';
import type { Root, Element, ElementContent } from 'hast';
import type { Book, Chapter } from '../../scripts/model.ts';
import { labelsFor } from '../../scripts/render/labels.ts';
import { bookText } from '../web/pages.ts';

const isFrench = (book: Book) => /^fr(-|$)/i.test(book.meta.language);

/** Words of the EPUB's own pages, in the book's language. */
export function epubLabels(book: Book) {
  const fr = isFrench(book);
  return {
    ...labelsFor(book.meta.language),
    landmarks: fr ? 'Repères' : 'Landmarks',
    pageList: fr ? 'Liste des pages' : 'Page list',
    cover: fr ? 'Couverture' : 'Cover',
    titlePage: fr ? 'Page de titre' : 'Title page',
    start: fr ? 'Début du texte' : 'Start of text',
    part: (n: number) => (fr ? `Partie ${romanNumeral(n)}` : `Part ${romanNumeral(n)}`),
    draft: fr ? 'Version de travail' : 'Working draft',
    coverAlt: (title: string, subtitle: string | undefined, editors: string[]) =>
      [
        `${fr ? 'Couverture' : 'Cover'} : ${title}`,
        subtitle,
        editors.length ? `${fr ? 'sous la direction de' : 'edited by'} ${editors.join(', ')}` : undefined,
      ]
        .filter(Boolean)
        .join(fr ? ' — ' : ' — '),
  };
}

export function romanNumeral(n: number): string {
  const table: Array<[number, string]> = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let rest = n;
  let out = '';
  for (const [value, letters] of table) {
    while (rest >= value) {
      out += letters;
      rest -= value;
    }
  }
  return out;
}

/** The title page (`titlepage`, EPUB SSV): title, subtitle, editors, imprint. */
export function titlePage(book: Book): Root {
  const labels = epubLabels(book);
  const { meta } = book;
  const lines: ElementContent[] = [h('h1', { className: ['book-title'], id: 'book-title' }, bookText(book, meta.title))];
  if (meta.subtitle) lines.push(h('p', { className: ['book-subtitle'] }, bookText(book, meta.subtitle)));
  if (meta.editors.length) lines.push(h('p', { className: ['book-editors'] }, `${labels.underTheDirectionOf} ${meta.editors.join(', ')}`));
  if (meta.authors.length) lines.push(h('p', { className: ['book-authors'] }, meta.authors.join(', ')));
  if (meta.translators.length) lines.push(h('p', { className: ['book-translators'] }, `${labels.translatedBy} : ${meta.translators.join(', ')}`));
  const imprint = [meta.publisher, meta.date].filter(Boolean).join(', ');
  if (imprint) lines.push(h('p', { className: ['book-imprint'] }, imprint));
  if (meta.status === 'draft') lines.push(h('p', { className: ['book-status'] }, labels.draft));
  return { type: 'root', children: [h('section', { className: ['titlepage'], 'epub:type': 'titlepage', ariaLabelledBy: 'book-title' }, lines)] };
}

/** A part's opening page (`part`, DPUB-ARIA `doc-part`). */
export function partPage(book: Book, index: number): Root {
  const labels = epubLabels(book);
  const part = book.meta.parts[index];
  return {
    type: 'root',
    children: [
      h('section', { className: ['part'], 'epub:type': 'part', role: 'doc-part', ariaLabelledBy: part.id }, [
        h('p', { className: ['part-number'] }, labels.part(index + 1)),
        h('h1', { id: part.id }, bookText(book, part.title)),
      ]),
    ],
  };
}

export interface NavigationInput {
  /** Package-relative file of each chapter, in book order. */
  chapterHref: (chapter: Chapter) => string;
  partHref: (index: number) => string;
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

/** The navigation document (EPUB 3.3 §7.4): table of contents, landmarks, page list. */
export function navigationDocument(book: Book, input: NavigationInput): Root {
  const labels = epubLabels(book);
  const entry = (chapter: Chapter) => h('li', [h('a', { href: input.chapterHref(chapter) }, chapter.title)]);
  const items: Element[] = [];
  let part: { index: number; list: Element } | undefined;
  for (const chapter of book.chapters) {
    const index = chapter.source.part;
    if (index === undefined) {
      part = undefined;
      items.push(entry(chapter));
      continue;
    }
    if (part?.index !== index) {
      part = { index, list: h('ol', []) };
      items.push(h('li', [h('a', { href: input.partHref(index) }, bookText(book, book.meta.parts[index].title)), part.list]));
    }
    part.list.children.push(entry(chapter));
  }
  const firstBody = book.chapters.find((chapter) => chapter.source.matter === 'body') ?? book.chapters[0];
  const landmarks: Element[] = [];
  if (input.coverHref) landmarks.push(h('li', [h('a', { 'epub:type': 'cover', href: input.coverHref }, labels.cover)]));
  landmarks.push(h('li', [h('a', { 'epub:type': 'titlepage', href: input.titlePageHref }, labels.titlePage)]));
  landmarks.push(h('li', [h('a', { 'epub:type': 'toc', href: 'toc.xhtml#toc' }, labels.contents)]));
  if (firstBody) {
    const partIndex = firstBody.source.part;
    const firstPartOpens = partIndex !== undefined && book.chapters.find((c) => c.source.part === partIndex) === firstBody;
    landmarks.push(h('li', [h('a', { 'epub:type': 'bodymatter', href: firstPartOpens ? input.partHref(partIndex) : input.chapterHref(firstBody) }, labels.start)]));
  }

  const navs: Element[] = [
    h('nav', { 'epub:type': 'toc', role: 'doc-toc', id: 'toc', ariaLabelledBy: 'toc-title' }, [h('h1', { id: 'toc-title' }, labels.contents), h('ol', items)]),
    h('nav', { 'epub:type': 'landmarks', id: 'landmarks', ariaLabelledBy: 'landmarks-title', hidden: true }, [h('h2', { id: 'landmarks-title' }, labels.landmarks), h('ol', landmarks)]),
  ];
  if (input.pageList.length > 0) {
    navs.push(
      h('nav', { 'epub:type': 'page-list', role: 'doc-pagelist', id: 'page-list', ariaLabelledBy: 'page-list-title', hidden: true }, [
        h('h2', { id: 'page-list-title' }, labels.pageList),
        h('ol', input.pageList.map((page) => h('li', [h('a', { href: page.href }, page.label)]))),
      ]),
    );
  }
  return xhtmlShell(book, labels.contents, h('body', navs), { stylesheet: 'style.css' });
}

/** The cover page: the cover image, described for those who cannot see it. */
export function coverPage(book: Book, imageHref: string): Root {
  const labels = epubLabels(book);
  const alt = labels.coverAlt(bookText(book, book.meta.title), book.meta.subtitle && bookText(book, book.meta.subtitle), book.meta.editors);
  return xhtmlShell(
    book,
    labels.cover,
    h('body', [h('section', { 'epub:type': 'cover', ariaLabel: labels.cover }, [h('img', { src: imageHref, alt, role: 'doc-cover' })])]),
    { stylesheet: 'style.css', bodyClass: 'cover' },
  );
}
