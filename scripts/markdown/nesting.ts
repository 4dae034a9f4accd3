/**
 * How deep a chapter may nest, and what happens beyond (docs/manuscript-format.md, « Profondeur »).
 *
 * Every stage of the build walks the tree (the parser's own transforms, typography, notes, the
 * rendering, the sanitizing, serialization), most of them recursively: a few thousand nested
 * blockquotes or lists exhaust the call stack, and nested lists cost the parser time in the cube
 * of their depth. So the depth is bounded at two points, both reporting `nesting-too-deep`:
 *
 * 1. before parsing, line by line (`maskDeepLines`): a cheap upper bound of the blocks a line can
 *    open or sit in — each `>`, each list marker, each open `:::` block and every two columns of
 *    indentation count one level. A line beyond the limit is emptied (its line break kept, so
 *    lines and columns stay right; `restoreOffsets` puts back the offsets) and the rest of the
 *    chapter is read and checked as usual;
 * 2. after parsing (`cutDeepNodes`), on the tree itself: a container deeper than the limit is
 *    cut out with what it holds. Pandoc's inline syntaxes, read after parsing, stop at the same
 *    depth (pandoc-inline.ts).
 *
 * The limit is far below what any stage needs to stay safe, and far above what any book needs.
 */
import type { Root, Nodes, Parents } from 'mdast';
import type { Point } from 'unist';
import type { VFile } from 'vfile';
import { report } from '../check/messages.ts';

/** The deepest a container may sit: top-level blocks are at level 1. */
export const nestingLimit = 100;

/** Where the limit was passed, as found by one of the guards. */
export type DeepPlace = Point;

const space = 32;
const tab = 9;
const lineFeed = 10;
const carriageReturn = 13;
const greaterThan = 62;
const colon = 58;

const isBullet = (code: number) => code === 45 /* - */ || code === 43 /* + */ || code === 42; /* * */
const isDigit = (code: number) => code >= 48 && code <= 57;
/** After a list marker: a space, a tab or the end of the line. */
const endsMarker = (code: number) => code === space || code === tab || code === lineFeed || code === carriageReturn || Number.isNaN(code);
/** `* * *`, `- - -`, `___`: a thematic break, not nested list items. */
const thematicBreak = /^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const directiveOpening = /^:{3,}[A-Za-z]/;
const directiveClosing = /^(:{3,})[ \t]*$/;

/**
 * Empty the lines that would nest deeper than `limit` (see the module comment), and say where each
 * passes it. Returns the text unchanged (the same string) when no line does: the usual case costs
 * one look at the start of each line. An emptied line is read as blank, and costs the parser nothing.
 */
export function maskDeepLines(text: string, limit = nestingLimit): { text: string; places: DeepPlace[] } {
  const places: DeepPlace[] = [];
  const masked: Array<[number, number]> = [];
  const openDirectives: number[] = [];
  let line = 1;
  for (let start = 0; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let i = start;
    let column = 0;
    let indentation = 0;
    let markers = 0;
    let passed: number | undefined;
    while (i < end) {
      const code = text.charCodeAt(i);
      const at = column + 1;
      if (code === space || code === tab) {
        const width = code === tab ? 4 - (column % 4) : 1;
        column += width;
        indentation += width;
        i++;
      } else if (code === greaterThan) {
        markers++;
        column++;
        i++;
        // The one space after `>` belongs to it; more may continue a list inside the quote.
        if (text.charCodeAt(i) === space) {
          column++;
          i++;
        }
      } else if ((isBullet(code) && endsMarker(text.charCodeAt(i + 1))) || isDigit(code)) {
        let j = i + 1;
        if (isDigit(code)) {
          while (j < end && j - i < 9 && isDigit(text.charCodeAt(j))) j++;
          const after = text.charCodeAt(j);
          if ((after !== 46 /* . */ && after !== 41) /* ) */ || !endsMarker(text.charCodeAt(j + 1))) break;
          j++;
        }
        markers++;
        column += j - i;
        i = j;
        // The white space after a list marker belongs to the item it opens: nothing older continues there.
        while (i < end && (text.charCodeAt(i) === space || text.charCodeAt(i) === tab)) {
          column += text.charCodeAt(i) === tab ? 4 - (column % 4) : 1;
          i++;
        }
      } else {
        break;
      }
      if (passed === undefined && markers + (indentation >> 1) + openDirectives.length > limit) passed = at;
    }
    if (i < end && text.charCodeAt(i) === colon) {
      const rest = text.slice(i, end);
      if (directiveOpening.test(rest)) {
        openDirectives.push(/^:+/.exec(rest)![0].length);
        if (passed === undefined && markers + (indentation >> 1) + openDirectives.length > limit) passed = column + 1;
      } else {
        const closing = directiveClosing.exec(rest);
        if (closing && openDirectives.length > 0 && closing[1].length >= openDirectives[openDirectives.length - 1]) openDirectives.pop();
      }
    }
    if (passed !== undefined && !thematicBreak.test(text.slice(start, end))) {
      // The line is gone: a `:::` block it opened is not open.
      if (i < end && directiveOpening.test(text.slice(i, end))) openDirectives.pop();
      places.push({ line, column: passed });
      masked.push([start, text.charCodeAt(end - 1) === carriageReturn ? end - 1 : end]);
    }
    start = end + 1;
  }
  if (masked.length === 0) return { text, places };
  let out = '';
  let last = 0;
  for (const [from, to] of masked) {
    out += text.slice(last, from);
    last = to;
  }
  return { text: out + text.slice(last), places };
}

/**
 * Put back the offsets of `tree`, parsed from `maskDeepLines`' text, as they are in `source`: the
 * blanked lines kept their line break, so lines and columns are already the source's.
 */
export function restoreOffsets(tree: Root, source: string): void {
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const position = node.position;
    if (position) {
      position.start.offset = lineStarts[position.start.line - 1] + position.start.column - 1;
      position.end.offset = lineStarts[position.end.line - 1] + position.end.column - 1;
    }
    if ('children' in node) for (const child of node.children) stack.push(child as Nodes);
  }
}

/**
 * Cut out every container deeper than `limit` (top-level blocks are at level 1), with what it
 * holds; leaves (text, code, images) do not count. Returns the places of the cut nodes, in
 * document order. Iterative: it must not itself need the stack it protects.
 */
export function cutDeepNodes(tree: Root, limit = nestingLimit): DeepPlace[] {
  const places: DeepPlace[] = [];
  // Two stacks rather than one of pairs: no allocation per node.
  const stack: Parents[] = [tree];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const depth = depths.pop()!;
    const children = node.children as Nodes[];
    if (depth + 1 > limit && children.some((child) => 'children' in child)) {
      const kept: Nodes[] = [];
      for (const child of children) {
        if ('children' in child) {
          if (child.position) places.push(child.position.start);
        } else {
          kept.push(child);
        }
      }
      (node as { children: Nodes[] }).children = kept;
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if ('children' in child) {
        stack.push(child as Parents);
        depths.push(depth + 1);
      }
    }
  }
  return places.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * True when part of `file` was left out for its depth: no edition is made of it, whatever the
 * severity `book.yaml` gives `nesting-too-deep` (build.ts).
 */
export function nestingCut(file: VFile): boolean {
  return (file.data as { nestingCut?: boolean }).nestingCut === true;
}

/** Keep on `file` places found too deep while reading it, until parse.ts reports them. */
export function noteDeepPlaces(file: VFile, places: readonly DeepPlace[]): void {
  if (places.length === 0) return;
  const kept = ((file.data as { deepPlaces?: DeepPlace[] }).deepPlaces ??= []);
  // One by one: a hostile file can have more places than a call has room for arguments.
  for (const place of places) kept.push(place);
}

/**
 * One message for the chapter, at the first place (the others are counted): the chapter cannot be
 * built until it is flattened (build.ts refuses it, even as a draft), and the first fix is the
 * one to make.
 */
export function reportDeepPlaces(file: VFile): void {
  const data = file.data as { deepPlaces?: DeepPlace[] };
  const places = data.deepPlaces ?? [];
  delete data.deepPlaces;
  if (places.length === 0) return;
  (file.data as { nestingCut?: boolean }).nestingCut = true;
  places.sort((a, b) => a.line - b.line || a.column - b.column);
  const others = places.length - 1;
  report(
    file,
    'nesting-too-deep',
    `Nested more than ${nestingLimit} levels deep (blockquotes, lists, \`:::\` blocks, notes, emphasis, links or spans)${others > 0 ? `, here and in ${others} other place${others > 1 ? 's' : ''}` : ''}; what lies deeper is left out and the chapter cannot be built: flatten it`,
    places[0],
  );
}
