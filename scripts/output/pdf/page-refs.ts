/**
 * Page numbers after the links inside the printed book, where the reader cannot click: a
 * cross-reference to a figure or a table is followed by its page (« figure 3, p. 36 »), one to a
 * section or any other link to a place of the book by « (voir p. 36) »; each entry of the list of
 * illustrations ends with its figure's page, after a leader. The numbers are page references
 * (pages.ts `pageRef`), filled in by the page handler once the book is laid out — the way the
 * table of contents gets its numbers; CSS `target-counter()` is not used, since Paged.js 0.4.3
 * computes it from the page counters this book numbers itself (browser/render.ts, "Folios").
 * Note calls, back links, citations and the contents keep their own apparatus. Pure: on the print
 * tree of a chapter whose links already point into the one print document (render/links.ts).
 */
import { h } from 'hastscript';
import type { Element, ElementContent, Root } from 'hast';
import type { FigureLabels } from '../../i18n/labels.ts';
import { pageRef } from './pages.ts';

const skipped = new Set(['noteref', 'note-number', 'page-ref', 'citation', 'crossref-page', 'toc', 'index-of-names']);
const skippedRoles = new Set(['doc-noteref', 'doc-backlink', 'doc-biblioref']);

const classesOf = (node: Element): string[] => (Array.isArray(node.properties.className) ? node.properties.className.map(String) : []);

function decoded(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/** The page of `id`, after a link: `, p. 36` or ` (voir p. 36)`. */
function pageAfter(id: string, kind: 'number' | 'see', labels: FigureLabels): Element {
  const ref = pageRef(id);
  return h(
    'span',
    { className: ['crossref-page'] },
    kind === 'number' ? [labels.pageAfter, ref] : [labels.seePageBefore, ref, labels.seePageAfter],
  );
}

/** Add the page references to one chapter's print tree; returns the ids they point at. */
export function addPageReferences(tree: Root, labels: FigureLabels): Set<string> {
  const targets = new Set<string>();
  const walk = (parent: Root | Element) => {
    for (let i = 0; i < parent.children.length; i++) {
      const node = parent.children[i];
      if (node.type !== 'element') continue;
      const classes = classesOf(node);
      if (classes.some((name) => skipped.has(name)) || skippedRoles.has(String(node.properties.role ?? ''))) continue;
      if (node.tagName === 'ul' && classes.includes('illustrations-list')) {
        for (const item of node.children) {
          if (item.type !== 'element') continue;
          const link = (item.children as ElementContent[])
            .flatMap((child) => (child.type === 'element' && child.tagName === 'p' ? child.children : [child]))
            .find((child): child is Element => child.type === 'element' && child.tagName === 'a');
          const href = typeof link?.properties.href === 'string' ? link.properties.href : '';
          if (!href.startsWith('#')) continue;
          const id = decoded(href.slice(1));
          targets.add(id);
          const last = item.children[item.children.length - 1];
          const holder = last?.type === 'element' && last.tagName === 'p' ? last : item;
          holder.children.push(h('span', { className: ['toc-leader'], ariaHidden: 'true' }), h('span', { className: ['crossref-page', 'illustration-page'] }, [pageRef(id)]));
        }
        continue;
      }
      const href = node.tagName === 'a' && typeof node.properties.href === 'string' ? node.properties.href : '';
      if (href.startsWith('#') && href.length > 1) {
        const id = decoded(href.slice(1));
        targets.add(id);
        const numbered = classes.includes('crossref-fig') || classes.includes('crossref-tbl');
        parent.children.splice(i + 1, 0, pageAfter(id, numbered ? 'number' : 'see', labels));
        i++;
        continue;
      }
      walk(node);
    }
  };
  walk(tree);
  return targets;
}
