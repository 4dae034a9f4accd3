/**
 * Page builders of the HTML edition, as hast trees (hastscript), with DPUB-ARIA roles.
 * The chapter content itself comes from the shared chapter rendering (scripts/render).
 */
import { h } from 'hastscript';
import type { Root, Element, ElementContent } from 'hast';
import type { Book, Chapter } from '../../model/index.ts';
import { chapterHref, partOf } from '../../model/outline.ts';
import { rewriteInternalLinks } from '../../render/links.ts';
import { cloneTree } from '../../tree/clone.ts';

function documentShell(book: Book, options: { title: string; bodyClass: string; lang?: string }, body: ElementContent[]): Root {
  const { labels } = book;
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

/** The table of contents: the book's outline (front matter, parts with their chapters, back matter). */
export function tableOfContents(book: Book, entry: (chapter: Chapter) => Element = tocEntry): Element {
  const items = book.outline.map((line) =>
    line.type === 'chapter'
      ? entry(book.chapters[line.chapter])
      : h('li', { className: ['toc-part'] }, [
          h('span', { className: ['toc-part-title'], id: `toc-${line.id}` }, line.title),
          h('ol', line.chapters.map((index) => entry(book.chapters[index]))),
        ]),
  );
  return h('nav', { className: ['toc'], role: 'doc-toc', ariaLabelledBy: 'toc-title' }, [
    h('h2', { id: 'toc-title' }, book.labels.contents),
    h('ol', items),
  ]);
}

function titleBlock(book: Book): Element[] {
  const { meta, typeset, labels } = book;
  const lines: Element[] = [h('h1', { className: ['book-title'] }, typeset.title)];
  if (typeset.subtitle) lines.push(h('p', { className: ['book-subtitle'] }, typeset.subtitle));
  if (meta.editors.length) lines.push(h('p', { className: ['book-editors'] }, `${labels.underTheDirectionOf} ${meta.editors.join(', ')}`));
  if (meta.authors.length) lines.push(h('p', { className: ['book-authors'] }, meta.authors.join(', ')));
  const imprint = [meta.publisher, meta.date].filter(Boolean).join(', ');
  if (imprint) lines.push(h('p', { className: ['book-imprint'] }, imprint));
  if (meta.status === 'draft') lines.push(h('p', { className: ['book-status'] }, labels.workingDraft));
  return lines;
}

export function indexPage(book: Book): Root {
  return documentShell(book, { title: book.typeset.title, bodyClass: 'index-page' }, [
    h('main', { id: 'main' }, [
      h('header', { className: ['title-page'] }, titleBlock(book)),
      tableOfContents(book),
    ]),
  ]);
}

/**
 * The page of chapter `index`. `content`: what goes in its section instead of the chapter's
 * rendering (the HTML edition's page cache keys on the page around an empty section).
 */
export function chapterPage(book: Book, index: number, content?: ElementContent[]): Root {
  const chapter = book.chapters[index];
  const { labels } = book;
  const previous = book.chapters[index - 1];
  const next = book.chapters[index + 1];
  const part = partOf(book.outline, index);
  const isPartOpening = part?.chapters[0] === index;
  const pager: ElementContent[] = [];
  if (previous) pager.push(h('a', { rel: 'prev', href: chapterHref(previous) }, [h('span', { className: ['pager-label'] }, `← ${labels.previous}`), ' ', previous.title]));
  if (next) pager.push(h('a', { rel: 'next', href: chapterHref(next) }, [h('span', { className: ['pager-label'] }, `${labels.next} →`), ' ', next.title]));
  const role = chapter.source.matter === 'body' ? 'doc-chapter' : undefined;
  // A copy: the chapter rendering is shared with the other editions. Its links to `chapitre.md#id`
  // go to `chapitre.html#id`, under the id the element carries (scripts/render/links.ts).
  let children = content;
  if (!children) {
    const copy: Root = { type: 'root', children: cloneTree(chapter.hast.children) };
    rewriteInternalLinks(copy, book, chapter, { page: chapterHref });
    children = copy.children as ElementContent[];
  }
  return documentShell(
    book,
    { title: `${chapter.title} — ${book.typeset.title}`, bodyClass: 'chapter-page' },
    [
      h('header', { className: ['book-header'] }, [
        h('a', { href: 'index.html' }, book.typeset.title),
        ...(part ? [h('span', { className: ['book-header-part'] }, [' · ', part.title])] : []),
      ]),
      h('main', { id: 'main' }, [
        ...(isPartOpening && part ? [h('p', { className: ['part-title'] }, part.title)] : []),
        h(
          'section',
          {
            className: ['chapter', `matter-${chapter.source.matter}`],
            role,
            ariaLabelledBy: chapter.id,
            lang: chapter.lang !== book.meta.language ? chapter.lang : undefined,
          },
          children,
        ),
      ]),
      h('nav', { className: ['pager'], ariaLabel: labels.chapterNavigation }, pager),
    ],
  );
}
