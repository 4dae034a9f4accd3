/**
 * The cover art: an HTML page of exactly the cover's size that the headless browser renders to the
 * EPUB's cover image (cover.ts). A plain typographic design of our own: the title, the subtitle and
 * the editors in EB Garamond on a dark ground, between two thin rules. Built as a hast tree like
 * every generated page; its styles are in templates/epub/cover.css.
 */
import { h } from 'hastscript';
import type { Element, Root } from 'hast';
import type { Book } from '../../model/index.ts';

/** The cover image's size in pixels: the 1:1.6 ratio retailers ask for, at least 1600 × 2560. */
export const coverSize = { width: 1600, height: 2560 } as const;

/** The front of the cover, inside its frame: editors (or authors), title and subtitle between two rules, imprint. The printed cover's front is the same (scripts/output/print/cover-art.ts). */
export function coverFront(book: Book): Element {
  const { meta, typeset, labels } = book;
  return h('div', { className: ['frame'] }, [
    h(
      'p',
      { className: ['editors'] },
      meta.editors.length
        ? [h('span', { className: ['label'] }, labels.underTheDirectionOf), h('span', { className: ['names'] }, meta.editors.join(', '))]
        : [h('span', { className: ['names'] }, meta.authors.join(', '))],
    ),
    h('div', { className: ['titles'] }, [
      h('hr', { className: ['rule'] }),
      h('h1', { className: ['title'] }, typeset.title),
      ...(typeset.subtitle ? [h('p', { className: ['subtitle'] }, typeset.subtitle)] : []),
      h('hr', { className: ['rule'] }),
    ]),
    h('p', { className: ['imprint'] }, [meta.publisher, meta.date].filter(Boolean).join(' · ')),
  ]);
}

export function coverArt(book: Book, stylesheets: string[]): Root {
  const { meta, typeset } = book;
  return {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: meta.language }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('title', typeset.title),
          ...stylesheets.map((href) => h('link', { rel: 'stylesheet', href })),
        ]),
        h('body', [
          h('main', { className: ['cover'], style: `width: ${coverSize.width}px; height: ${coverSize.height}px` }, [
            coverFront(book),
          ]),
        ]),
      ]),
    ],
  };
}
