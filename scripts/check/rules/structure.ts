/** Links, images, directives and titles. */
import path from 'node:path';
import { nodesOfType, nodesOfTypes } from '../../tree/by-type.ts';
import type { Element } from 'hast';
import { visit as visitHast } from '../../tree/visit.ts';
import { bookRule, chapterRule } from '../rule.ts';
import type { Chapter } from '../../model/index.ts';
import { linkedChapter } from '../../render/links.ts';
import { decodePercent, describeProblem, filePathOfUrl, resolveImage } from '../../manuscript/inside.ts';

export const knownDirectives = new Set(['testimony', 'document', 'todo', 'bibliography', 'map']);

const isExternal = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//');

export const imageNoAlt = chapterRule('image-no-alt', (tree, report) => {
  for (const node of nodesOfType(tree, 'image')) {
    if (!node.alt || node.alt.trim() === '') {
      report(`Image \`${node.url}\` has no alternative text; describe it in \`![…](${node.url})\` for readers who cannot see it`, node.position);
    }
  }
});

export const imageMissing = chapterRule('image-missing', (tree, report, { book, chapter }) => {
  for (const node of nodesOfType(tree, 'image')) {
    if (isExternal(node.url)) {
      report(`Image \`${node.url}\` is outside the manuscript; the editions cannot load it: copy the file into the manuscript folder`, node.position);
      continue;
    }
    // A file outside the manuscript folder is path-outside-manuscript's to report (scripts/manuscript/inside.ts).
    const resolved = resolveImage(book.root, node.url, chapter.source.path);
    if (!resolved?.problem || resolved.problem === 'outside') continue;
    const hint = /[?#]/.test(node.url) ? '; in a file name, write `#` as `%23` and `?` as `%3F`' : '';
    report(`Image file \`${node.url}\` ${describeProblem(resolved.problem)} (looked for ${resolved.file})${hint}`, node.position);
  }
}, { readsDisk: true });

export const directiveUnknown = chapterRule('directive-unknown', (tree, report) => {
  for (const node of nodesOfTypes(tree, ['containerDirective', 'leafDirective'])) {
    if (!knownDirectives.has(node.name)) {
      report(`Unknown block \`${node.type === 'leafDirective' ? '::' : ':::'}${node.name}\`; known blocks: ${[...knownDirectives].join(', ')}`, node.position);
    }
  }
});

export const chapterNoTitle = chapterRule('chapter-no-title', (tree, report, { chapter }) => {
  const hasTitle =
    nodesOfType(tree, 'heading').some((node) => node.depth === 1) || nodesOfType(tree, 'yaml').some((node) => /^title\s*:/m.test(node.value));
  if (!hasTitle) report(`Chapter has no title; start it with a \`# Title\` heading (now titled \`${chapter.title}\`)`, { line: 1, column: 1 });
});

/**
 * Links to `#id` or `chapitre.md#id` must land on an id of the book: the chapter as the editions
 * find it (render/links.ts), the id as the author wrote it, or as the editions carry it (render/ids.ts).
 */
export const linkBrokenAnchor = bookRule('link-broken-anchor', (book, report) => {
  const idsOf = new Map<Chapter, Set<string>>();
  const idsIn = (chapter: Chapter): Set<string> => {
    let ids = idsOf.get(chapter);
    if (ids) return ids;
    ids = new Set(chapter.ids?.anchors.keys());
    const found = ids;
    visitHast(chapter.hast, 'element', (node: Element) => {
      if (typeof node.properties.id === 'string') found.add(node.properties.id);
    });
    idsOf.set(chapter, ids);
    return ids;
  };
  for (const chapter of book.chapters) {
    for (const node of nodesOfType(chapter.mdast, 'link')) {
      const url = node.url;
      const hash = url.indexOf('#');
      if (isExternal(url) || hash < 0) continue;
      const target = url.slice(0, hash);
      const fragment = url.slice(hash + 1);
      const fileName = target === '' ? path.basename(chapter.source.path) : path.basename(filePathOfUrl(target));
      const linked = linkedChapter(book, chapter, target);
      if (!linked) {
        report(`Link to \`${url}\`: no chapter \`${fileName}\` in the book`, node.position, chapter.file);
      } else if (!idsIn(linked).has(decodePercent(fragment))) {
        report(`Link to \`${url}\`: no heading or anchor \`#${fragment}\` in ${fileName}; give the target \`{#${fragment}}\` or correct the link`, node.position, chapter.file);
      }
    }
  }
});
