/**
 * The cover art: an HTML page of exactly the cover's size that the headless browser renders to the
 * EPUB's cover image (scripts/output/epub/cover.ts). A plain typographic design of our own: the
 * title, the subtitle and the editors in EB Garamond on a dark ground, between two thin rules.
 * Built as a hast tree like every generated page; its styles are in cover.css beside it.
 */
import { h } from 'hastscript';
import type { Root } from 'hast';
import type { Book } from '../../scripts/model.ts';
import { bookText } from '../web/pages.ts';
import { labelsFor } from '../../scripts/render/labels.ts';

/** The cover image's size in pixels: the 1:1.6 ratio retailers ask for, at least 1600 × 2560. */
export const coverSize = { width: 1600, height: 2560 } as const;

export function coverArt(book: Book, stylesheets: string[]): Root {
  const { meta } = book;
  const labels = labelsFor(meta.language);
  return {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: meta.language }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('title', bookText(book, meta.title)),
          ...stylesheets.map((href) => h('link', { rel: 'stylesheet', href })),
        ]),
        h('body', [
          h('main', { className: ['cover'], style: `width: ${coverSize.width}px; height: ${coverSize.height}px` }, [
            h('div', { className: ['frame'] }, [
              h(
                'p',
                { className: ['editors'] },
                meta.editors.length
                  ? [h('span', { className: ['label'] }, labels.underTheDirectionOf), h('span', { className: ['names'] }, meta.editors.join(', '))]
                  : [h('span', { className: ['names'] }, meta.authors.join(', '))],
              ),
              h('div', { className: ['titles'] }, [
                h('hr', { className: ['rule'] }),
                h('h1', { className: ['title'] }, bookText(book, meta.title)),
                ...(meta.subtitle ? [h('p', { className: ['subtitle'] }, bookText(book, meta.subtitle))] : []),
                h('hr', { className: ['rule'] }),
              ]),
              h('p', { className: ['imprint'] }, [meta.publisher, meta.date].filter(Boolean).join(' · ')),
            ]),
          ]),
        ]),
      ]),
    ],
  };
}
