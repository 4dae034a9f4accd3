/**
 * A registry's Markdown field (a glossary definition, a biographical note) read as Markdown, with
 * the positions of its nodes moved to where the text stands in the registry file: the checks and
 * the rendering then report a note or a citation of a definition at its line in glossary.yaml.
 */
import type { Root, RootContent } from 'mdast';
import type { Node } from 'unist';
import { VFile } from 'vfile';
import { parseMarkdown } from '../markdown/parse.ts';
import type { Place } from '../config/load-config.ts';

/** Lines after the first move down by the value's line; the first line's columns move right too. */
function shift(node: Node, at: Place): void {
  const move = (point: { line: number; column: number; offset?: number }) => {
    if (point.line === 1) point.column += at.column - 1;
    point.line += at.line - 1;
    delete point.offset;
  };
  if (node.position) {
    move(node.position.start);
    move(node.position.end);
  }
  for (const child of (node as { children?: Node[] }).children ?? []) shift(child, at);
}

/**
 * The blocks of `text`, a value of `file` whose text begins at `start` (the registry's
 * `fieldPositions`). Messages of the parser land on `file`. Lines are exact for plain and block
 * scalars; a quoted value with escapes, or a folded one, may shift columns.
 */
export function parseField(text: string, file: VFile, start: Place): RootContent[] {
  const scratch = new VFile({ path: file.path, value: text });
  const tree: Root = parseMarkdown(scratch);
  shift(tree, start);
  for (const message of scratch.messages) {
    // The nesting limit is the one message the parser gives: keep it, at the registry's line.
    message.line = message.line === undefined ? start.line : message.line + start.line - 1;
    file.messages.push(message);
  }
  return tree.children;
}
