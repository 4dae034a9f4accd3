/** Links, images, directives and titles. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { visit } from '../../tree/visit.ts';
import type { Element } from 'hast';
import { visit as visitHast } from '../../tree/visit.ts';
import { bookRule, chapterRule } from '../rule.ts';

export const knownDirectives = new Set(['testimony', 'document', 'todo', 'bibliography']);

const isExternal = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//');

export const imageNoAlt = chapterRule('image-no-alt', (tree, report) => {
  visit(tree, 'image', (node) => {
    if (!node.alt || node.alt.trim() === '') {
      report(`Image \`${node.url}\` has no alternative text; describe it in \`![…](${node.url})\` for readers who cannot see it`, node.position);
    }
  });
});

export const imageMissing = chapterRule('image-missing', (tree, report, { chapter }) => {
  visit(tree, 'image', (node) => {
    if (isExternal(node.url)) {
      report(`Image \`${node.url}\` is outside the manuscript; the editions cannot load it: copy the file into the manuscript folder`, node.position);
      return;
    }
    const file = path.resolve(path.dirname(chapter.source.path), decodeURI(node.url.split('#')[0]));
    if (!existsSync(file)) report(`Image file \`${node.url}\` does not exist (looked for ${file})`, node.position);
  });
});

export const directiveUnknown = chapterRule('directive-unknown', (tree, report) => {
  visit(tree, (node) => {
    if ((node.type === 'containerDirective' || node.type === 'leafDirective') && !knownDirectives.has(node.name)) {
      report(`Unknown block \`${node.type === 'leafDirective' ? '::' : ':::'}${node.name}\`; known blocks: ${[...knownDirectives].join(', ')}`, node.position);
    }
  });
});

export const chapterNoTitle = chapterRule('chapter-no-title', (tree, report, { chapter }) => {
  let hasTitle = false;
  visit(tree, (node) => {
    if (node.type === 'heading' && node.depth === 1) hasTitle = true;
    if (node.type === 'yaml' && /^title\s*:/m.test(node.value)) hasTitle = true;
  });
  if (!hasTitle) report(`Chapter has no title; start it with a \`# Title\` heading (now titled \`${chapter.title}\`)`, { line: 1, column: 1 });
});

/** Links to `#id` or `chapitre.md#id` must land on an id of the book. */
export const linkBrokenAnchor = bookRule('link-broken-anchor', (book, report) => {
  const idsByChapter = new Map<string, Set<string>>();
  for (const chapter of book.chapters) {
    const ids = new Set<string>();
    visitHast(chapter.hast, 'element', (node: Element) => {
      if (typeof node.properties.id === 'string') ids.add(node.properties.id);
    });
    idsByChapter.set(path.basename(chapter.source.path), ids);
  }
  for (const chapter of book.chapters) {
    visit(chapter.mdast, 'link', (node) => {
      const url = node.url;
      if (isExternal(url) || !url.includes('#')) return;
      const [target, fragment] = url.split('#');
      const fileName = target === '' ? path.basename(chapter.source.path) : path.basename(decodeURI(target));
      const ids = idsByChapter.get(fileName);
      if (!ids) {
        report(`Link to \`${url}\`: no chapter \`${fileName}\` in the book`, node.position, chapter.file);
      } else if (!ids.has(decodeURIComponent(fragment))) {
        report(`Link to \`${url}\`: no heading or anchor \`#${fragment}\` in ${fileName}; give the target \`{#${fragment}}\` or correct the link`, node.position, chapter.file);
      }
    });
  }
});
