/**
 * The marks of a proof on one chapter's rendered tree (a copy: the editions share the original):
 *
 * - paragraph numbers, per chapter, in `data-proof-para` (the margin shows them, so that a
 *   proofreader writes "p. 47, § 3"); headings, notes and editorial markers are not counted;
 * - the check messages at the place they concern: hast keeps the source positions of mdast, so a
 *   message's line falls inside the range of some element; the deepest such block gets a flag ⚑N
 *   at its start, with the message beside it. A message that falls on nothing rendered (front
 *   matter, an unused note) is returned as unplaced;
 * - a change bar (`proof-changed`) on each block holding CriticMarkup.
 *
 * Pure: the tree and the messages in, the marked tree out.
 */
import { h } from 'hastscript';
import type { Root, Element, ElementContent, Parents } from 'hast';
import type { Diagnostic } from '../check/messages.ts';
import { cloneTree } from '../tree/clone.ts';

/**
 * A message as the proofs place it: the one `Diagnostic` of scripts/check/messages.ts, whose
 * `endLine` (set only when it differs from `line`) marks a message about a range (a whole
 * `:::todo` block); the file goes without saying, the chapter being marked.
 */
export type ProofMessage = Omit<Diagnostic, 'file'> & { file?: string };

export interface PlacedMessage extends ProofMessage {
  /** The flag's id in the chapter page. */
  id: string;
}

export interface ProofMarkOptions {
  chapterId: string;
  /** `l.` — the label before a source line number. */
  lineLabel: string;
}

export interface ProofMarkResult {
  tree: Root;
  paragraphs: number;
  placed: PlacedMessage[];
  unplaced: ProofMessage[];
}

/** Blocks that hold text: where numbers and flags go. */
const textBlocks = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'figcaption', 'pre', 'dt', 'dd', 'td', 'th']);
/** Blocks that may contain the place of a message, outermost to innermost. */
const blocks = new Set([...textBlocks, 'figure', 'blockquote', 'aside', 'section', 'table', 'tr', 'ul', 'ol', 'dl', 'div']);

const classesOf = (node: Element): string[] => {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? String(value).split(/\s+/) : [];
};

/** A source point as one comparable number: line, then column. */
const at = (line: number, column: number) => line * 1_000_000 + column;

interface Span {
  from: number;
  to: number;
}

/** The source range an element covers: its own position, or the union of its descendants'. */
function rangeOf(node: Element | Root, ranges: Map<Element, Span>): Span | undefined {
  const own = node.position;
  let span: Span | undefined = own ? { from: at(own.start.line, own.start.column), to: at(own.end.line, own.end.column) } : undefined;
  for (const child of node.children) {
    let inner: Span | undefined;
    if (child.type === 'element') inner = rangeOf(child, ranges);
    else if (child.position) inner = { from: at(child.position.start.line, child.position.start.column), to: at(child.position.end.line, child.position.end.column) };
    if (inner) span = span ? { from: Math.min(span.from, inner.from), to: Math.max(span.to, inner.to) } : { ...inner };
  }
  if (span && node.type === 'element') ranges.set(node, span);
  return span;
}

/** A text block, or a `div` holding text itself (a bibliography entry as citeproc writes it). */
function isTextBlock(node: Element): boolean {
  if (textBlocks.has(node.tagName)) return true;
  return node.tagName === 'div' && node.children.some((child) => child.type === 'text' && child.value.trim() !== '');
}

function* walk(node: Root | Element, ancestors: Element[] = []): Generator<{ node: Element; ancestors: Element[] }> {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    yield { node: child, ancestors };
    yield* walk(child, [...ancestors, child]);
  }
}

const isNoteOrTodo = (node: Element) => {
  const names = classesOf(node);
  return names.includes('footnotes') || names.includes('todo');
};

function firstTextBlock(node: Element): Element | undefined {
  if (isTextBlock(node)) return node;
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    const found = firstTextBlock(child);
    if (found) return found;
  }
  return undefined;
}

/** The paragraph number as it shows and as `data-proof-para` holds it. */
export const paragraphNumberOf = (node: Element): number | undefined => {
  const value = node.properties.dataProofPara;
  return value === undefined ? undefined : Number(value);
};

export function markProof(hast: Root, messages: ProofMessage[], options: ProofMarkOptions): ProofMarkResult {
  const tree = cloneTree(hast);

  // Paragraph numbers, in reading order.
  let paragraphs = 0;
  for (const { node, ancestors } of walk(tree)) {
    if (!isTextBlock(node) || /^h\d$/.test(node.tagName)) continue;
    if (ancestors.some(isNoteOrTodo)) continue;
    // A list item that holds paragraphs is numbered through them; a table cell through its row.
    if (node.tagName === 'li' && node.children.some((c) => c.type === 'element' && (c.tagName === 'p' || c.tagName === 'ul' || c.tagName === 'ol'))) continue;
    if (node.tagName === 'td' || node.tagName === 'th') continue;
    if (ancestors.some((a) => isTextBlock(a) && a.tagName !== 'li')) continue;
    paragraphs += 1;
    node.properties.dataProofPara = String(paragraphs);
  }

  // Change bars beside corrections.
  for (const { node } of walk(tree)) {
    if (!isTextBlock(node)) continue;
    const hasCritic = [...walk(node)].some(({ node: inner }) => classesOf(inner).includes('critic'));
    if (hasCritic) node.properties.className = [...classesOf(node), 'proof-changed'];
  }

  // Messages to blocks. The smallest block around the message's point: an inline note's paragraph
  // lies inside its calling paragraph's line, and the notes section spans from the first inline
  // note to the last definition, so neither document order nor depth alone would do.
  const ranges = new Map<Element, Span>();
  rangeOf(tree, ranges);
  const ordered: Element[] = [...walk(tree)].map(({ node }) => node).filter((node) => blocks.has(node.tagName) && ranges.has(node));
  const placed: PlacedMessage[] = [];
  const unplaced: ProofMessage[] = [];
  const flags = new Map<Element, Element[]>();
  const sorted = [...messages].sort((a, b) => a.line - b.line || a.column - b.column);
  for (const message of sorted) {
    const point = at(message.line, message.column);
    let anchor: Element | undefined;
    let size = Infinity;
    for (const node of ordered) {
      const span = ranges.get(node)!;
      if (span.from <= point && point <= span.to && span.to - span.from <= size) {
        anchor = node;
        size = span.to - span.from;
      }
    }
    if (!anchor && message.endLine !== undefined) {
      // A message about a range (a `:::todo` from its fence to its end): the first block within it.
      const end = at(message.endLine + 1, 0);
      anchor = ordered.find((node) => {
        const span = ranges.get(node)!;
        return span.from <= end && span.to >= point;
      });
    }
    const target = anchor ? firstTextBlock(anchor) : undefined;
    if (!target) {
      unplaced.push(message);
      continue;
    }
    const n = placed.length + 1;
    const id = `${options.chapterId}-msg-${n}`;
    placed.push({ ...message, id });
    const flag = h('span', { className: ['proof-flag', `proof-${message.severity}`], id, role: 'note' }, [
      h('span', { className: ['proof-flag-sign'], ariaHidden: 'true' }, `⚑${n}`),
      h('span', { className: ['proof-message'] }, [
        h('span', { className: ['proof-flag-number'] }, `⚑${n} `),
        message.message,
        ' ',
        h('span', { className: ['proof-rule'] }, `[${message.ruleId}, ${options.lineLabel} ${message.line}]`),
      ]),
    ]);
    const list = flags.get(target) ?? [];
    list.push(flag);
    flags.set(target, list);
  }
  for (const [target, list] of flags) (target as Parents).children.unshift(...(list as ElementContent[]));
  return { tree, paragraphs, placed, unplaced };
}
