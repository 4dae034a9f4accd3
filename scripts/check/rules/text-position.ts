import type { Text } from 'mdast';
import type { Point } from 'unist';

/**
 * The source point of character `index` of a text node: exact on the node's first line when the
 * value maps one-to-one on the source (no escapes), otherwise the node's start.
 */
export function pointInText(node: Text, index: number): Point | undefined {
  const start = node.position?.start;
  if (!start) return undefined;
  const before = node.value.slice(0, index);
  const newlines = before.split('\n');
  if (newlines.length === 1) return { line: start.line, column: start.column + index };
  return { line: start.line + newlines.length - 1, column: newlines[newlines.length - 1].length + 1 };
}
