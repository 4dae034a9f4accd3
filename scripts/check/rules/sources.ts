/**
 * Where a quotation comes from. Two rules, two severities (the catalogue's):
 *
 * - `testimony-unsourced` (error): a `:::testimony` or `:::document` must say its source: a note
 *   or a citation inside it, or a `source` / `archive` attribute. These blocks are the book's
 *   evidence.
 * - `quote-unsourced` (warning): a blockquote, whatever its length, with no source where writers
 *   put one (pandoc's, Chicago's and the French usage alike): a note call or a citation inside the
 *   quotation or at its end (`…something new![^19]`), or in the sentence that introduces it
 *   (`As he wrote[^3]:`) or in the one right after it (`(Smith 2001, 12).`).
 */
import type { Nodes, Parent, RootContent } from 'mdast';
import { visit } from '../../tree/visit.ts';
import { ancestorsOf, nodesOfType } from '../../tree/by-type.ts';
import { chapterRule } from '../rule.ts';

/** A note call or a citation: what gives a quotation its source. */
const isSourceMark = (node: Nodes): boolean => node.type === 'footnoteReference' || node.type === 'cite';

function hasSourceMark(node: Nodes): boolean {
  let found = false;
  visit(node, (child) => {
    if (isSourceMark(child as Nodes)) found = true;
  });
  return found;
}

/** A paragraph's text with each note call or citation as one marker character. */
const MARK = '\u0000';
function flatten(node: Nodes): string {
  if (isSourceMark(node)) return MARK;
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if (node.type === 'break') return ' ';
  if ('children' in node) return (node.children as Nodes[]).map(flatten).join('');
  return '';
}

/** Sentence ends: a full stop, ! ? or …, the note calls right after it, then white space. */
const sentenceEnd = new RegExp(`[.!?…][»"”’)]*${MARK}*\\s+`, 'gu');

/** Words whose full stop ends no sentence: an initial (`M.`, `J.`) or a usual abbreviation. */
const abbreviation = /(?:^|[^\p{L}])(?:\p{Lu}|cf|p|pp|etc|vol|chap|éd|ed|trad|op|cit|ibid|id|Mme|Mlle|Dr|St|Mr|Mrs|Ms|vs|e\.g|i\.e)$/iu;

/** Where the sentences of a paragraph end (the index just after each end). */
function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (const match of text.matchAll(sentenceEnd)) {
    if (match[0].startsWith('.') && abbreviation.test(text.slice(0, match.index))) continue;
    ends.push(match.index + match[0].length);
  }
  return ends;
}

/** The last sentence of a paragraph (the one that introduces what follows it). */
function lastSentence(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.slice(sentenceEnds(trimmed).at(-1) ?? 0);
}

/** The first sentence of a paragraph, with the note calls right after its full stop. */
function firstSentence(text: string): string {
  return text.slice(0, sentenceEnds(text)[0] ?? text.length);
}

function sourcedAround(parent: Parent, index: number): boolean {
  const before = parent.children[index - 1] as RootContent | undefined;
  const after = parent.children[index + 1] as RootContent | undefined;
  if (before?.type === 'paragraph' && lastSentence(flatten(before)).includes(MARK)) return true;
  if (after?.type === 'paragraph' && firstSentence(flatten(after)).includes(MARK)) return true;
  return false;
}

export const testimonyUnsourced = chapterRule('testimony-unsourced', (tree, report) => {
  for (const node of nodesOfType(tree, 'containerDirective')) {
    if (node.name !== 'testimony' && node.name !== 'document') continue;
    const attributes = node.attributes ?? {};
    if (!hasSourceMark(node) && !attributes.source && !attributes.archive) {
      report(`This ${node.name} gives no source; add a citation such as \`[@key, p. 12]\` or a note inside it, or a \`source="…"\` or \`archive="…"\` attribute`, node.position);
    }
  }
});

/** A quotation inside another, or inside a testimony or a document, takes its source from the enclosing one. */
const enclosesQuotations = (node: Nodes): boolean =>
  node.type === 'blockquote' || (node.type === 'containerDirective' && (node.name === 'testimony' || node.name === 'document'));

export const quoteUnsourced = chapterRule('quote-unsourced', (tree, report) => {
  for (const node of nodesOfType(tree, 'blockquote')) {
    const ancestors = ancestorsOf(tree, node);
    if (ancestors.some((ancestor) => enclosesQuotations(ancestor as Nodes))) continue;
    if (hasSourceMark(node)) continue;
    const parent = ancestors.at(-1) as Parent | undefined;
    if (parent && sourcedAround(parent, parent.children.indexOf(node))) continue;
    report('Quotation with no source; add a note or a citation at its end, or in the sentence that introduces it or the one that follows it', node.position);
  }
});
