/**
 * Page builders of the HTML edition, as hast trees (hastscript), with DPUB-ARIA roles.
 * The chapter content itself comes from the shared chapter rendering (scripts/render).
 */
import { h } from 'hastscript';
import type { Root, Element, ElementContent } from 'hast';
import type { Book, Chapter } from '../../scripts/model.ts';
import { labelsFor } from '../../scripts/render/labels.ts';
import { frenchTypographyText } from '../../scripts/transforms/french-typography.ts';
import { rewriteInternalLinks } from '../../scripts/render/links.ts';

/**
 * A chapter's page. Its id is a page name, unique in the book and never `index` (render/ids.ts):
 * letters, digits, `-` and `_` only, safe in a URL as it is.
 */
export const chapterHref = (chapter: Chapter) => `${chapter.id}.html`;

/** Text of the book's own metadata, typeset like the text when the book is French. */
export function bookText(book: Book, value: string): string {
  return /^fr(-|$)/.test(book.meta.language) ? frenchTypographyText(value) : value;
}

function documentShell(book: Book, options: { title: string; bodyClass: string; lang?: string }, body: ElementContent[]): Root {
  const labels = labelsFor(book.meta.language);
  return {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: options.lang ?? book.meta.language }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
          h('title', options.title),
          h('meta', { name: 'generator', content: 'book (unified, remark, rehype)' }),
          h('link', { rel: 'stylesheet', href: 'assets/fonts.css' }),
          h('link', { rel: 'stylesheet', href: 'assets/style.css' }),
        ]),
        h('body', { className: [options.bodyClass] }, [
          h('a', { className: ['skip-link'], href: '#main' }, labels.skipToContent),
          ...body,
        ]),
      ]),
    ],
  };
}

function tocEntry(chapter: Chapter): Element {
  return h('li', { className: [`toc-${chapter.source.matter}`] }, [h('a', { href: chapterHref(chapter) }, chapter.title)]);
}

/** The table of contents: front matter, parts with their chapters, back matter, in book order. */
export function tableOfContents(book: Book, entry: (chapter: Chapter) => Element = tocEntry): Element {
  const labels = labelsFor(book.meta.language);
  const items: Element[] = [];
  let currentPart: { index: number; list: Element } | undefined;
  for (const chapter of book.chapters) {
    const part = chapter.source.part;
    if (part === undefined) {
      currentPart = undefined;
      items.push(entry(chapter));
      continue;
    }
    if (currentPart?.index !== part) {
      const partMeta = book.meta.parts[part];
      currentPart = { index: part, list: h('ol', []) };
      items.push(
        h('li', { className: ['toc-part'] }, [
          h('span', { className: ['toc-part-title'], id: `toc-${partMeta.id}` }, bookText(book, partMeta.title)),
          currentPart.list,
        ]),
      );
    }
    currentPart.list.children.push(entry(chapter));
  }
  return h('nav', { className: ['toc'], role: 'doc-toc', ariaLabelledBy: 'toc-title' }, [
    h('h2', { id: 'toc-title' }, labels.contents),
    h('ol', items),
  ]);
}

function titleBlock(book: Book): Element[] {
  const labels = labelsFor(book.meta.language);
  const { meta } = book;
  const lines: Element[] = [h('h1', { className: ['book-title'] }, bookText(book, meta.title))];
  if (meta.subtitle) lines.push(h('p', { className: ['book-subtitle'] }, bookText(book, meta.subtitle)));
  if (meta.editors.length) lines.push(h('p', { className: ['book-editors'] }, `${labels.underTheDirectionOf} ${meta.editors.join(', ')}`));
  if (meta.authors.length) lines.push(h('p', { className: ['book-authors'] }, meta.authors.join(', ')));
  const imprint = [meta.publisher, meta.date].filter(Boolean).join(', ');
  if (imprint) lines.push(h('p', { className: ['book-imprint'] }, imprint));
  if (meta.status === 'draft') lines.push(h('p', { className: ['book-status'] }, /^fr/.test(meta.language) ? 'Version de travail' : 'Working draft'));
  return lines;
}

export function indexPage(book: Book): Root {
  return documentShell(book, { title: bookText(book, book.meta.title), bodyClass: 'index-page' }, [
    h('main', { id: 'main' }, [
      h('header', { className: ['title-page'] }, titleBlock(book)),
      tableOfContents(book),
    ]),
  ]);
}

export function chapterPage(book: Book, index: number): Root {
  const chapter = book.chapters[index];
  const labels = labelsFor(book.meta.language);
  const previous = book.chapters[index - 1];
  const next = book.chapters[index + 1];
  const part = chapter.source.part === undefined ? undefined : book.meta.parts[chapter.source.part];
  const isPartOpening = part !== undefined && book.chapters[index - 1]?.source.part !== chapter.source.part;
  const pager: ElementContent[] = [];
  if (previous) pager.push(h('a', { rel: 'prev', href: chapterHref(previous) }, [h('span', { className: ['pager-label'] }, `← ${labels.previous}`), ' ', previous.title]));
  if (next) pager.push(h('a', { rel: 'next', href: chapterHref(next) }, [h('span', { className: ['pager-label'] }, `${labels.next} →`), ' ', next.title]));
  const role = chapter.source.matter === 'body' ? 'doc-chapter' : undefined;
  // A copy: the chapter rendering is shared with the other editions. Its links to `chapitre.md#id`
  // go to `chapitre.html#id`, under the id the element carries (scripts/render/links.ts).
  const content: Root = { type: 'root', children: structuredClone(chapter.hast.children) };
  rewriteInternalLinks(content, book, chapter, { page: chapterHref });
  return documentShell(
    book,
    { title: `${chapter.title} — ${bookText(book, book.meta.title)}`, bodyClass: 'chapter-page' },
    [
      h('header', { className: ['book-header'] }, [
        h('a', { href: 'index.html' }, bookText(book, book.meta.title)),
        ...(part ? [h('span', { className: ['book-header-part'] }, [' · ', bookText(book, part.title)])] : []),
      ]),
      h('main', { id: 'main' }, [
        ...(isPartOpening && part ? [h('p', { className: ['part-title'] }, bookText(book, part.title))] : []),
        h(
          'section',
          {
            className: ['chapter', `matter-${chapter.source.matter}`],
            role,
            ariaLabelledBy: chapter.id,
            lang: chapter.lang !== book.meta.language ? chapter.lang : undefined,
          },
          content.children as ElementContent[],
        ),
      ]),
      h('nav', { className: ['pager'], ariaLabel: labels.chapterNavigation }, pager),
    ],
  );
}
