/**
 * Pandoc's bracketed inline syntaxes, recognised in the phrasing content CommonMark leaves as text:
 *
 *   texte^[une note en ligne]        → footnoteReference + footnoteDefinition (inline note)
 *   [Қадем Жұманиязов]{lang=kk}      → span with attributes
 *   [voir @a, chap. 3; @b]  [-@a]    → cite
 *   @a  or  @a [p. 12]               → cite, author in text
 *   1^re^  XIX^e^                    → superscript (Pandoc), for French ordinals and abbreviations
 *
 * Brackets may enclose other inline nodes (emphasis, links); they are matched with a depth count
 * across sibling text nodes. Escaped brackets (`\[`) never match: see escapes.ts.
 * Pure: the tree in, the tree out, no I/O.
 */
import type { Root, PhrasingContent, Text, FootnoteDefinition, Paragraph, RootContent } from 'mdast';
import type { Point, Position } from 'unist';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { toString } from 'mdast-util-to-string';
import { visit } from '../tree/visit.ts';
import { parseAttributes, attributesToProperties } from './attributes.ts';
import { citationKeyPattern, parseBracketedCitation, parseTextualCitation, textualKeyBefore } from './citation-syntax.ts';
import type { Cite, Span } from './types.ts';
import { nestingLimit, noteDeepPlaces } from './nesting.ts';

// A leaf directive's label is phrasing too: a map's caption may cite its source.
const phrasingParents = new Set(['paragraph', 'heading', 'tableCell', 'leafDirective']);
const inlineParents = new Set(['emphasis', 'strong', 'delete', 'link', 'linkReference', 'span']);

interface Context {
  toPoint: (offset: number) => Point | undefined;
  /** The file's text, to map a value back to its source when escapes make them differ. */
  source: string;
  definitions: FootnoteDefinition[];
  inlineNoteCount: number;
  /** How many phrasing parents `rewrite` is inside, and where it stopped at the limit (nesting.ts). */
  depth: number;
  tooDeep: Point[];
}

const escapable = /[!-/:-@[-`{-~]/; // CommonMark: a backslash escapes ASCII punctuation
const characterReference = /^&(?:#\d{1,7}|#[xX][\da-fA-F]{1,6}|[A-Za-z][A-Za-z\d]{1,31});/;

/**
 * The offset in `source` of character `index` of `value`, the text mdast made of it: a backslash
 * escape or a character reference is one character of the value, and a line break drops the
 * spaces around it. Undefined when the two cannot be aligned (then no position is better than a
 * wrong one).
 */
function sourceOffset(source: string, value: string, index: number): number | undefined {
  let s = 0;
  for (let v = 0; v < index; v++) {
    if (value[v] === '\n') {
      while (source[s] === ' ' || source[s] === '\t') s++;
      if (source[s] === '\r') s++;
      if (source[s] !== '\n') return undefined;
      s++;
      while (source[s] === ' ' || source[s] === '\t') s++;
      continue;
    }
    if (source[s] === '\\' && escapable.test(source[s + 1] ?? '')) s += 2;
    else if (source[s] === '&' && characterReference.test(source.slice(s, s + 40))) s += characterReference.exec(source.slice(s, s + 40))![0].length;
    else if (source[s] === value[v]) s += 1;
    else return undefined; // the value was changed by something else than escapes: do not guess
    if (s > source.length) return undefined;
  }
  return s;
}

/** Where character `index` of a text node's value stands in the source, when that is knowable. */
function pointIn(node: Text, index: number, context: Context): Point | undefined {
  const position = node.position;
  if (!position || position.start.offset === undefined || position.end.offset === undefined) return undefined;
  const sourceLength = position.end.offset - position.start.offset;
  if (sourceLength === node.value.length) return context.toPoint(position.start.offset + index);
  // With escapes or character references inside, value and source differ: align them.
  const offset = sourceOffset(context.source.slice(position.start.offset, position.end.offset), node.value, index);
  if (offset === undefined) return index === 0 ? position.start : undefined;
  return context.toPoint(position.start.offset + offset);
}

function textNode(value: string, source: Text, from: number, context: Context): Text {
  const node: Text = { type: 'text', value };
  const start = pointIn(source, from, context);
  const end = pointIn(source, from + value.length, context);
  if (start && end) node.position = { start, end };
  return node;
}

function span(start: Point | undefined, end: Point | undefined): Position | undefined {
  return start && end ? { start, end } : undefined;
}

interface Close {
  /** -1: in the opening text node itself; otherwise an index into the following siblings. */
  sibling: number;
  offset: number;
}

function findClose(open: Text, openIndex: number, following: PhrasingContent[]): Close | undefined {
  let depth = 0;
  const scan = (value: string, from: number): number => {
    for (let i = from; i < value.length; i++) {
      if (value[i] === '[') depth++;
      else if (value[i] === ']' && --depth === 0) return i;
    }
    return -1;
  };
  const inOpen = scan(open.value, openIndex);
  if (inOpen >= 0) return { sibling: -1, offset: inOpen };
  for (let k = 0; k < following.length; k++) {
    const node = following[k];
    if (node.type !== 'text') continue;
    const found = scan(node.value, 0);
    if (found >= 0) return { sibling: k, offset: found };
  }
  return undefined;
}

// pandoc's notAfterString: `@` right after a word is an address, not a key; after `(` or `[` it is a key.
const bareCitation = new RegExp(String.raw`(^|[\s([\u00a0\u202f])${citationKeyPattern}`, 'gu');

/** Bare `@key` in a text node (`@key [p. 3]` and `@key [-@b; @c]` are found with the brackets, in matchConstruct). */
function splitBareCitations(node: Text, context: Context): PhrasingContent[] {
  if (!node.value.includes('@')) return [node];
  const out: PhrasingContent[] = [];
  let last = 0;
  for (const match of node.value.matchAll(bareCitation)) {
    const [whole, lead, minus, braced, bare] = match;
    const start = match.index + lead.length;
    if (start > last) out.push(textNode(node.value.slice(last, start), node, last, context));
    const end = match.index + whole.length;
    const cite: Cite = {
      type: 'cite',
      value: node.value.slice(start, end),
      citations: [
        {
          key: braced ?? bare,
          prefix: '',
          suppressAuthor: minus === '-',
          authorInText: minus !== '-',
          suffix: '',
        },
      ],
    };
    const position = span(pointIn(node, start, context), pointIn(node, end, context));
    if (position) cite.position = position;
    out.push(cite);
    last = end;
  }
  if (last === 0) return [node];
  if (last < node.value.length) out.push(textNode(node.value.slice(last), node, last, context));
  return out;
}

/** Pandoc superscript `^text^` (no spaces inside), in a text node. */
function splitSuperscripts(node: Text, context: Context): PhrasingContent[] {
  if (!node.value.includes('^')) return [node];
  const out: PhrasingContent[] = [];
  let last = 0;
  for (const match of node.value.matchAll(/\^([^\s^\[\]]+)\^/gu)) {
    if (match.index > last) out.push(textNode(node.value.slice(last, match.index), node, last, context));
    const sup: Span = {
      type: 'span',
      children: [textNode(match[1], node, match.index + 1, context)],
      data: { hName: 'sup', hProperties: {} },
    };
    const position = span(pointIn(node, match.index, context), pointIn(node, match.index + match[0].length, context));
    if (position) sup.position = position;
    out.push(sup);
    last = match.index + match[0].length;
  }
  if (last === 0) return [node];
  if (last < node.value.length) out.push(textNode(node.value.slice(last), node, last, context));
  return out;
}

/** The text-level syntaxes that need no brackets. */
function splitText(node: Text, context: Context): PhrasingContent[] {
  return splitBareCitations(node, context).flatMap((child) => (child.type === 'text' ? splitSuperscripts(child, context) : [child]));
}

function rewrite(children: PhrasingContent[], context: Context): PhrasingContent[] {
  // Spans, notes and emphasis inside one another: past the nesting limit they stay as written,
  // and parse.ts reports the place (nesting.ts).
  if (context.depth >= nestingLimit) {
    const place = children.find((child) => child.position)?.position?.start;
    if (place) context.tooDeep.push(place);
    return children;
  }
  context.depth++;
  const out: PhrasingContent[] = [];
  const queue = [...children];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node.type !== 'text') {
      if (inlineParents.has(node.type) && 'children' in node) {
        (node as { children: PhrasingContent[] }).children = rewrite(node.children as PhrasingContent[], context);
      }
      out.push(node);
      continue;
    }
    const made = matchConstruct(node, queue, context);
    if (!made) {
      out.push(...splitText(node, context));
      continue;
    }
    if (made.before) out.push(...splitText(made.before, context));
    out.push(made.node);
    queue.splice(0, made.consumed, ...(made.after ? [made.after] : []));
  }
  context.depth--;
  return out;
}

interface Made {
  before?: Text;
  node: PhrasingContent;
  after?: Text;
  /** How many of the following siblings the construct used up. */
  consumed: number;
}

function matchConstruct(node: Text, following: PhrasingContent[], context: Context): Made | undefined {
  for (let open = node.value.indexOf('['); open >= 0; open = node.value.indexOf('[', open + 1)) {
    const close = findClose(node, open, following);
    if (!close) continue;
    const closeNode = close.sibling < 0 ? node : (following[close.sibling] as Text);
    const inner: PhrasingContent[] =
      close.sibling < 0
        ? [textNode(node.value.slice(open + 1, close.offset), node, open + 1, context)]
        : [
            textNode(node.value.slice(open + 1), node, open + 1, context),
            ...following.slice(0, close.sibling),
            textNode(closeNode.value.slice(0, close.offset), closeNode, 0, context),
          ].filter((n) => n.type !== 'text' || n.value !== '');
    const isNote = open > 0 && node.value[open - 1] === '^';
    let start = isNote ? open - 1 : open;
    let end = close.offset + 1; // in closeNode
    let made: PhrasingContent | undefined;

    if (isNote) {
      made = inlineNote(inner, context);
    } else if (closeNode.value[end] === '{') {
      const braceEnd = closeNode.value.indexOf('}', end);
      const attributes = braceEnd > 0 ? parseAttributes(closeNode.value.slice(end + 1, braceEnd)) : undefined;
      if (attributes) {
        const spanNode: Span = {
          type: 'span',
          children: rewrite(inner, context),
          data: { hName: 'span', hProperties: attributesToProperties(attributes) },
        };
        made = spanNode;
        end = braceEnd + 1;
      }
    } else {
      const text = toString({ type: 'paragraph', children: inner });
      // `@key [p. 3]`, `@key [-@b, p. 30; @c]`: one citation with the author in the text (pandoc's textualCite).
      const textual = textualKeyBefore.exec(node.value.slice(0, open));
      const first = textual && {
        key: textual[3] ?? textual[4],
        prefix: '',
        suppressAuthor: textual[2] === '-',
        authorInText: textual[2] !== '-',
        suffix: '',
      };
      // After a suffix alone, pandoc's `bareloc` wants no `[` or `(` after the bracket (a link).
      const textualCitations = first ? parseTextualCitation(first, text) : undefined;
      const isBareloc = textualCitations !== undefined && parseBracketedCitation(text) === undefined;
      const following = context.source[pointIn(closeNode, end, context)?.offset ?? -1] ?? closeNode.value[end] ?? '';
      const citations = textualCitations && !(isBareloc && /^[[(]/.test(following)) ? textualCitations : parseBracketedCitation(text);
      if (citations) {
        const cite: Cite = { type: 'cite', value: '', citations };
        made = cite;
        if (citations === textualCitations) start = textual!.index + textual![1].length;
      }
    }
    if (!made) continue;

    const startPoint = pointIn(node, start, context);
    const endPoint = pointIn(closeNode, end, context);
    const position = span(startPoint, endPoint);
    if (position) made.position = position;
    if (made.type === 'cite') {
      const sourceText =
        close.sibling < 0
          ? node.value.slice(start, end)
          : `${node.value.slice(start)}${toString({ type: 'paragraph', children: following.slice(0, close.sibling) })}${closeNode.value.slice(0, end)}`;
      made.value = sourceText;
    }
    const before = node.value.slice(0, start);
    const after = closeNode.value.slice(end);
    return {
      before: before ? textNode(before, node, 0, context) : undefined,
      node: made,
      after: after ? textNode(after, closeNode, end, context) : undefined,
      consumed: close.sibling < 0 ? 0 : close.sibling + 1,
    };
  }
  return undefined;
}

function inlineNote(inner: PhrasingContent[], context: Context): PhrasingContent {
  context.inlineNoteCount += 1;
  const identifier = `inline-note-${context.inlineNoteCount}`;
  const paragraph: Paragraph = { type: 'paragraph', children: rewrite(inner, context) };
  const first = inner[0]?.position?.start;
  const last = inner[inner.length - 1]?.position?.end;
  if (first && last) paragraph.position = { start: first, end: last };
  const definition: FootnoteDefinition = {
    type: 'footnoteDefinition',
    identifier,
    label: identifier,
    children: [paragraph],
    data: { inline: true } as FootnoteDefinition['data'],
  };
  if (paragraph.position) definition.position = paragraph.position;
  context.definitions.push(definition);
  return { type: 'footnoteReference', identifier, label: identifier };
}

/** `## Titre {#id .classe}`: attributes at the end of a heading, after white space. */
function headingAttributes(tree: Root): void {
  visit(tree, 'heading', (heading) => {
    const last = heading.children[heading.children.length - 1];
    if (!last || last.type !== 'text') return;
    const match = /(^|\s)\{([^{}]*)\}\s*$/.exec(last.value);
    if (!match) return;
    const attributes = parseAttributes(match[2]);
    if (!attributes) return;
    last.value = last.value.slice(0, match.index).replace(/\s+$/, '');
    if (last.value === '') heading.children.pop();
    const data = (heading.data ??= {});
    data.hProperties = { ...(data.hProperties ?? {}), ...attributesToProperties(attributes) };
    if (attributes.id) (data as { id?: string }).id = attributes.id;
  });
}

/** The unified plugin. */
export function remarkPandocInline() {
  return (tree: Root, file: VFile) => {
    const place = location(file);
    const context: Context = { toPoint: (offset) => place.toPoint(offset), source: String(file.value), definitions: [], inlineNoteCount: 0, depth: 0, tooDeep: [] };
    headingAttributes(tree);
    visit(tree, (node) => {
      if (phrasingParents.has(node.type) && 'children' in node) {
        (node as { children: PhrasingContent[] }).children = rewrite(node.children as PhrasingContent[], context);
      }
    });
    tree.children.push(...(context.definitions as RootContent[]));
    noteDeepPlaces(file, context.tooDeep);
  };
}
