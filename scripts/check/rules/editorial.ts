/** Editorial markers left for the editors, listed so that none is forgotten. */
import { visit } from '../../tree/visit.ts';
import { nodesOfType } from '../../tree/by-type.ts';
import { toString } from 'mdast-util-to-string';
import { chapterRule } from '../rule.ts';
import { isTodo } from '../../transforms/editorial-markers.ts';

export const todoMarker = chapterRule('todo-marker', (tree, report) => {
  for (const node of nodesOfType(tree, 'containerDirective')) {
    if (!isTodo(node)) continue;
    const blocks: string[] = [];
    visit(node, (child) => {
      if (child.type === 'paragraph' || child.type === 'heading') blocks.push(toString(child));
    });
    const text = blocks.join(' ').replace(/\s+/g, ' ').trim();
    report(`To do: ${text.length > 90 ? `${text.slice(0, 89)}…` : text}`, node.position);
  }
});
