/**
 * The rendered text of a chapter, as a reader sees it, cut into blocks (paragraphs, headings,
 * list items, captions, table rows) and each block into words, spaces and punctuation. Diffs are
 * taken on this, not on the Markdown: `*mot*` → `_mot_` is no change, `mot` → `*mot*` is one (the
 * word's formatting is part of its identity), and a note renumbered because another was inserted
 * before it is no change either (a note call compares by kind, its number is only shown).
 */
import type { Root, Element, ElementContent } from 'hast';

export interface Token {
  /** As displayed. */
  text: string;
  /** What comparisons use: formatting + text, spaces folded, note calls without their number. */
  key: string;
  /** Formatting, outermost first: em, strong, sup, sub, code, noteref. */
  marks: string[];
}

export type BlockKind = 'heading' | 'paragraph' | 'item' | 'caption' | 'code' | 'row' | 'term' | 'definition';

export interface TextBlock {
  kind: BlockKind;
  /** Heading level (1–6). */
  level?: number;
  tokens: Token[];
  /** Kind + token keys: two blocks are the same when this is. */
  key: string;
}

export interface Note {
  number: number;
  blocks: TextBlock[];
  key: string;
}

export interface ChapterText {
  body: TextBlock[];
  notes: Note[];
}

const wordPattern = /\s+|[\p{L}\p{N}\p{M}’'-]+|[^\s\p{L}\p{N}\p{M}]/gu;

const markOf: Record<string, string> = { em: 'em', i: 'em', strong: 'strong', b: 'strong', sup: 'sup', sub: 'sub', code: 'code' };

const classes = (node: Element): string[] => {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? String(value).split(/\s+/) : [];
};

export function tokenize(text: string, marks: string[] = []): Token[] {
  const prefix = marks.length ? `${marks.join('+')}|` : '';
  return [...text.matchAll(wordPattern)].map(([word]) =>
    /^\s+$/.test(word) ? { text: word, key: ' ', marks } : { text: word, key: `${prefix}${word}`, marks },
  );
}

function inlineTokens(nodes: ElementContent[], marks: string[], out: Token[]): void {
  for (const node of nodes) {
    if (node.type === 'text') out.push(...tokenize(node.value, marks));
    else if (node.type === 'element') {
      const names = classes(node);
      if (names.includes('note-number')) continue; // a note's own number: its identity is its text
      if (names.includes('noteref') || node.properties.role === 'doc-noteref') {
        const number = nodeText(node);
        out.push({ text: number, key: 'noteref', marks: [...marks, 'noteref'] });
        continue;
      }
      if (node.tagName === 'br') {
        out.push({ text: ' ', key: ' ', marks });
        continue;
      }
      const mark = markOf[node.tagName];
      inlineTokens(node.children, mark && !marks.includes(mark) ? [...marks, mark] : marks, out);
    }
  }
}

function nodeText(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(nodeText).join('');
  return '';
}

/** Spaces at the edges of a block are layout, not text. */
function trim(tokens: Token[]): Token[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && tokens[start].key === ' ') start++;
  while (end > start && tokens[end - 1].key === ' ') end--;
  return tokens.slice(start, end);
}

function block(kind: BlockKind, children: ElementContent[], level?: number): TextBlock | undefined {
  const tokens: Token[] = [];
  inlineTokens(children, [], tokens);
  const trimmed = trim(tokens);
  if (trimmed.length === 0) return undefined;
  return { kind, ...(level ? { level } : {}), tokens: trimmed, key: `${kind}${level ?? ''}:${trimmed.map((t) => t.key).join('\u0000')}` };
}

const blockTags = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figcaption', 'pre', 'tr', 'li', 'dt', 'dd']);
const containsBlocks = (node: Element) =>
  node.children.some((child) => child.type === 'element' && (blockTags.has(child.tagName) || ['ul', 'ol', 'blockquote', 'table', 'figure', 'div', 'dl'].includes(child.tagName)));

const inlineTags = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'del', 'dfn', 'em', 'i', 'img', 'ins', 'kbd', 'mark', 'q', 's', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr']);

function isTextLeaf(node: Element): boolean {
  let text = false;
  for (const child of node.children) {
    if (child.type === 'text' && child.value.trim() !== '') text = true;
    else if (child.type === 'element' && !inlineTags.has(child.tagName)) return false;
  }
  return text;
}

function collect(nodes: Root['children'] | ElementContent[], blocks: TextBlock[], notes: Note[]): void {
  for (const node of nodes) {
    if (node.type !== 'element') continue;
    const names = classes(node);
    if (names.includes('footnotes')) {
      for (const child of node.children) {
        if (child.type !== 'element' || child.tagName !== 'aside') continue;
        const number = Number(/-fn-(\d+)$/.exec(String(child.properties.id ?? ''))?.[1] ?? notes.length + 1);
        const noteBlocks: TextBlock[] = [];
        collect(child.children, noteBlocks, notes);
        notes.push({ number, blocks: noteBlocks, key: noteBlocks.map((b) => b.key).join('\u0001') });
      }
      continue;
    }
    const tag = node.tagName;
    let made: TextBlock | undefined;
    if (/^h[1-6]$/.test(tag)) made = block('heading', node.children, Number(tag[1]));
    else if (tag === 'p') made = block('paragraph', node.children);
    else if (tag === 'figcaption') made = block('caption', node.children);
    else if (tag === 'pre') made = block('code', node.children);
    else if (tag === 'dt') made = block('term', node.children);
    else if (tag === 'dd' && !containsBlocks(node)) made = block('definition', node.children);
    else if (tag === 'li' && !containsBlocks(node)) made = block('item', node.children);
    else if (tag === 'tr') {
      const cells: ElementContent[] = [];
      node.children.forEach((cell) => {
        if (cell.type !== 'element') return;
        if (cells.length) cells.push({ type: 'text', value: ' | ' });
        cells.push(...cell.children);
      });
      made = block('row', cells);
    } else if (isTextLeaf(node)) {
      // A `div` that holds text directly (a bibliography entry as citeproc writes it) reads as a paragraph.
      made = block('paragraph', node.children);
    } else {
      collect(node.children, blocks, notes);
      continue;
    }
    if (made) blocks.push(made);
  }
}

export function chapterText(hast: Root): ChapterText {
  const body: TextBlock[] = [];
  const notes: Note[] = [];
  collect(hast.children, body, notes);
  return { body, notes };
}

/** How alike two blocks are (Dice coefficient on their words), to pair a rewritten paragraph with its old self. */
export function similarity(a: TextBlock, b: TextBlock): number {
  const words = (block: TextBlock) => block.tokens.filter((t) => t.key !== ' ').map((t) => t.key);
  const left = words(a);
  const right = words(b);
  if (left.length === 0 && right.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const word of left) counts.set(word, (counts.get(word) ?? 0) + 1);
  let common = 0;
  for (const word of right) {
    const count = counts.get(word) ?? 0;
    if (count > 0) {
      common++;
      counts.set(word, count - 1);
    }
  }
  return (2 * common) / (left.length + right.length);
}
