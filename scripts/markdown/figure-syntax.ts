/**
 * Figures and table captions, as pandoc and pandoc-crossref write them:
 *
 *   ![Le pont de Saint-Juéry](pont.jpg "Le pont en 1944"){#fig:pont credit="Archives X"}
 *
 *   | … | … |
 *   |---|---|
 *
 *   : Effectifs du détachement {#tbl:effectifs}
 *
 * An image alone in its paragraph and followed by an attribute list (`{#fig:id}`, `{credit="…"}`,
 * both, or `{}`) becomes a `figure`: its title is the caption, `credit` the credit. A paragraph
 * opening with `: ` (or `Table: `) just before or after a table is that table's caption, its
 * attribute list at the end giving the table's id. An image without an attribute list stays an
 * image, as before. Pure: tree in, tree out; the attribute list is read from the source text.
 */
import type { Image, Paragraph, PhrasingContent, Root, RootContent, Table, Text } from 'mdast';
import type { VFile } from 'vfile';
import { attributesToProperties, parseAttributes } from './attributes.ts';
import type { Figure, TableFigure } from '../crossref/types.ts';
import '../crossref/types.ts';

const attributeList = /^\s*\{([^{}]*)\}\s*$/;

function textParagraph(value: string, like?: { position?: Paragraph['position'] }): Paragraph {
  const text: Text = { type: 'text', value };
  // The caption and credit come from attributes: placed at the image, their nearest source.
  if (like?.position) text.position = like.position;
  return { type: 'paragraph', children: value ? [text] : [] };
}

function asFigure(paragraph: Paragraph, source: string): Figure | undefined {
  const [image, ...rest] = paragraph.children;
  if (image?.type !== 'image' || rest.length === 0 || rest.some((child) => child.type !== 'text')) return undefined;
  const from = image.position?.end.offset;
  const to = paragraph.position?.end.offset;
  if (from === undefined || to === undefined) return undefined;
  const match = attributeList.exec(source.slice(from, to));
  if (!match) return undefined;
  const attributes = match[1].trim() === '' ? { classes: [], pairs: {} as Record<string, string> } : parseAttributes(match[1]);
  if (!attributes) return undefined;
  const { credit, ...others } = attributes.pairs;
  const properties = attributesToProperties({ ...attributes, pairs: others });
  const figure: Figure = {
    type: 'figure',
    children: [
      { type: 'paragraph', children: [image as Image], position: image.position } as Figure['children'][0],
      textParagraph(image.title ?? '', image),
      textParagraph(credit ?? '', image),
    ],
    data: { hProperties: properties, ...(credit !== undefined ? { credit } : {}) },
  };
  if (paragraph.position) figure.position = paragraph.position;
  return figure;
}

/** `: Légende {#tbl:x}` → the caption's inline content and its id. */
function asCaption(node: RootContent | undefined): { children: PhrasingContent[]; id?: string } | undefined {
  if (node?.type !== 'paragraph') return undefined;
  const first = node.children[0];
  if (first?.type !== 'text') return undefined;
  const opening = /^(?:Table)?:[ \t]+/.exec(first.value);
  if (!opening) return undefined;
  const children = structuredClone(node.children);
  const head = children[0] as Text;
  head.value = head.value.slice(opening[0].length);
  let id: string | undefined;
  const last = children[children.length - 1];
  if (last?.type === 'text') {
    const attributes = /\s*\{([^{}]*)\}\s*$/.exec(last.value);
    const parsed = attributes ? parseAttributes(attributes[1]) : undefined;
    if (attributes && parsed) {
      last.value = last.value.slice(0, attributes.index);
      id = parsed.id;
    }
  }
  return { children: children.filter((child) => child.type !== 'text' || child.value !== ''), id };
}

function tableFigure(table: Table, caption: { children: PhrasingContent[]; id?: string }, paragraph: Paragraph): TableFigure {
  const node: TableFigure = {
    type: 'tableFigure',
    children: [{ type: 'paragraph', children: caption.children, position: paragraph.position }, table],
    data: caption.id ? { hProperties: { id: caption.id } } : {},
  };
  if (table.position) node.position = table.position;
  return node;
}

function rewrite(children: RootContent[], source: string): RootContent[] {
  const out: RootContent[] = [];
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    if (node.type === 'paragraph') {
      const figure = asFigure(node, source);
      if (figure) {
        out.push(figure);
        continue;
      }
    }
    if (node.type === 'table') {
      const after = asCaption(children[i + 1]);
      const before = out.length && !after ? asCaption(out[out.length - 1]) : undefined;
      if (after) {
        out.push(tableFigure(node, after, children[i + 1] as Paragraph));
        i++;
        continue;
      }
      if (before) {
        const paragraph = out.pop() as Paragraph;
        out.push(tableFigure(node, before, paragraph));
        continue;
      }
    }
    if ('children' in node && node.type !== 'paragraph' && node.type !== 'heading' && node.type !== 'tableCell') {
      (node as { children: RootContent[] }).children = rewrite(node.children as RootContent[], source);
    }
    out.push(node);
  }
  return out;
}

/** The unified plugin (parse.ts), after remarkPandocInline. */
export function remarkFigures() {
  return (tree: Root, file: VFile) => {
    tree.children = rewrite(tree.children, String(file.value));
  };
}
