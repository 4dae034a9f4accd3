/**
 * Page names and ids the editions could not give as the author asked (scripts/render/ids.ts makes
 * them unique when the book is compiled; these rules say where and why).
 */
import path from 'node:path';
import type { Root } from 'mdast';
import type { Point } from 'unist';
import type { Book } from '../../model/index.ts';
import { chapterRule } from '../rule.ts';

/** Where the front matter sets `id:`, if it does. */
function frontMatterId(tree: Root): Point | undefined {
  const node = tree.children[0];
  if (node?.type !== 'yaml' || !node.position) return undefined;
  const index = node.value.split('\n').findIndex((line) => /^id\s*:/.test(line));
  return index < 0 ? undefined : { line: node.position.start.line + 1 + index, column: 1 };
}

/** The manuscript file of the chapter whose id is `id`, as the author knows it. */
function fileOf(book: Book, id: string | undefined): string {
  const chapter = book.chapters.find((candidate) => candidate.id === id);
  return chapter ? `\`${path.relative(book.root, chapter.source.path)}\`` : `chapter \`${id}\``;
}

export const chapterIdDuplicate = chapterRule('chapter-id-duplicate', (tree, report, { book, chapter }) => {
  const clash = chapter.idClash;
  if (!clash) return;
  const place = frontMatterId(tree);
  const why =
    clash.reason === 'reserved'
      ? 'is a name the editions keep for a page or an element of their own (`index`, `toc`, `cover`, `main`, a part…)'
      : clash.reason === 'duplicate'
        ? `is already the page of ${fileOf(book, clash.other)}`
        : `has the shape of the ids the book makes for ${fileOf(book, clash.other)} (its notes, note calls or print division)`;
  const fix = place ? 'give it another `id` in its front matter' : 'rename the file or give the chapter an `id` in its front matter';
  report(`Chapter id \`${clash.wanted}\` ${why}; this chapter is published as \`${chapter.id}\`: ${fix}`, place ?? { line: 1, column: 1 });
});

export const idDuplicate = chapterRule('id-duplicate', (_tree, report, { book, chapter }) => {
  for (const clash of chapter.ids?.clashes ?? []) {
    const { id, renamed } = clash;
    if (clash.reason === 'chapter') {
      const line = clash.first ? ` (line ${clash.first.start.line})` : '';
      report(`Id \`${id}\` is already used in this chapter${line}; this one is published as \`${renamed}\` and links to \`#${id}\` go to the first: give it another id`, clash.position);
    } else if (clash.reason === 'book') {
      report(`Id \`${id}\` is already used in ${fileOf(book, clash.other)}; here it is published as \`${renamed}\` (links to \`#${id}\` from this chapter still reach it): give it another id`, clash.position);
    } else {
      const whose = clash.other === chapter.id ? 'for this chapter' : clash.other ? `for ${fileOf(book, clash.other)}` : 'for its own pages';
      report(`Id \`${id}\` is one the book makes itself ${whose} (titles, notes and note calls, parts, contents, bibliography entries); this one is published as \`${renamed}\`: give it another id`, clash.position);
    }
  }
});
