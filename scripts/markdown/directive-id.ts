/**
 * A leaf directive's id written after it, Pandoc's way, as for a heading or an image:
 *
 *   ::map{places="albi carmaux" title="Le Carmausin"}{#fig:carmausin}
 *
 * micromark-extension-directive takes one attribute list per directive and leaves such a line a
 * paragraph. A paragraph of one line that is exactly a leaf directive followed by `{#id}` (and
 * nothing else in the braces) is read again without its last braces, and becomes that directive
 * with `id` set, as `::map{#fig:carmausin places="…"}` gives it. Anything else stays a paragraph
 * (and `directive-unknown` or the text itself shows it). Runs before the Pandoc inline syntaxes,
 * which would otherwise read the braces.
 */
import type { Processor } from 'unified';
import type { Root, Paragraph, RootContent, Nodes } from 'mdast';
import type { VFile } from 'vfile';
import type { LeafDirective } from 'mdast-util-directive';
import { parseAttributes } from './attributes.ts';

/** `::name`, anything on the same line, then `{#id}` at its end. */
const shape = /^::[A-Za-z][\w-]*[^\n]*\}(\{[ \t]*#[^\s{}]+[ \t]*\})[ \t]*$/;

function shift(node: Nodes, line: number, column: number, offset: number): void {
  const position = node.position;
  if (position) {
    for (const point of [position.start, position.end]) {
      // One line: every point is on the paragraph's line.
      point.line += line - 1;
      point.column += column - 1;
      if (point.offset !== undefined) point.offset += offset;
    }
  }
  if ('children' in node) for (const child of node.children) shift(child as Nodes, line, column, offset);
}

export function remarkDirectiveTrailingId(this: Processor) {
  const processor = this;
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    const rewrite = (parent: { children: RootContent[] }) => {
      parent.children.forEach((child, index) => {
        if (child.type === 'paragraph') {
          const directive = asDirective(child, source, processor);
          if (directive) parent.children[index] = directive;
        } else if (child.type === 'blockquote' || child.type === 'listItem' || child.type === 'list' || child.type === 'containerDirective' || child.type === 'footnoteDefinition') {
          rewrite(child as { children: RootContent[] });
        }
      });
    };
    rewrite(tree);
  };
}

function asDirective(paragraph: Paragraph, source: string, processor: Processor): LeafDirective | undefined {
  const start = paragraph.position?.start;
  const end = paragraph.position?.end;
  if (!start || !end || start.offset === undefined || end.offset === undefined || start.line !== end.line) return undefined;
  const text = source.slice(start.offset, end.offset);
  const match = shape.exec(text);
  if (!match) return undefined;
  const attributes = parseAttributes(match[1].slice(1, -1));
  if (!attributes?.id || attributes.classes.length || Object.keys(attributes.pairs).length) return undefined;
  const head = text.slice(0, text.lastIndexOf(match[1]));
  const parsed = processor.parse(head) as Root;
  const [only] = parsed.children;
  if (parsed.children.length !== 1 || only.type !== 'leafDirective') return undefined;
  // The id after the directive wins over one inside it, as the later attribute does in Pandoc.
  only.attributes = { ...(only.attributes ?? {}), id: attributes.id };
  shift(only, start.line, start.column, start.offset);
  only.position = { start: { ...start }, end: { ...end } };
  return only;
}
