/**
 * French typography the build cannot decide for the author, found in the text of French passages
 * (Imprimerie nationale, *Lexique des règles typographiques en usage à l'Imprimerie nationale*):
 *
 *   typography-range-hyphen   1939-1945, p. 12-15       → 1939–1945 (en dash: « trait d'union » is for words)
 *   typography-numero         no 7, No 7, nos 3 et 4    → n^o^ 7, N^o^ 7, n^os^ (o supérieur, Pandoc superscript)
 *   typography-english-quotes “texte”                   → «texte» (the build adds the narrow no-break spaces)
 *   typography-ellipsis       ...                       → … (points de suspension, one character)
 *
 * Each finding is a replacement of exact source offsets: what is found is what `book fix` writes,
 * and only there. Text is read from the parsed tree, so code, URLs, link texts, citation keys,
 * front matter and passages in another language (`[…]{lang=en}`, a chapter's `lang`) are never
 * touched. A finding whose place in the source cannot be told for sure (an escape or a character
 * reference inside it) is reported and not fixed. Pure: tree and text in, findings out.
 */
import type { Nodes, Root, Text } from 'mdast';
import { location } from 'vfile-location';
import type { Point } from 'unist';

export type TypographyRuleId = 'typography-range-hyphen' | 'typography-numero' | 'typography-english-quotes' | 'typography-ellipsis';

export const typographyRuleIds: readonly TypographyRuleId[] = ['typography-range-hyphen', 'typography-numero', 'typography-english-quotes', 'typography-ellipsis'];

export interface TypographyFinding {
  ruleId: TypographyRuleId;
  /** Offsets into the source text the tree was parsed from (UTF-16 code units). */
  start: number;
  end: number;
  /** The text at [start, end) as it stands, and what it should be. */
  old: string;
  new: string;
  point: Point;
  /** False when the source place could not be told for sure: reported, never fixed. */
  fixable: boolean;
}

export const isFrench = (lang: string | undefined): boolean => lang === undefined || /^fr(-|$)/i.test(lang);

function languageOf(node: Nodes): string | undefined {
  const properties = (node.data as { hProperties?: Record<string, unknown> } | undefined)?.hProperties;
  if (properties && typeof properties.lang === 'string') return properties.lang;
  if ((node.type === 'containerDirective' || node.type === 'leafDirective') && node.attributes?.lang) return node.attributes.lang;
  return undefined;
}

/** Nodes whose text is no prose to typeset: link texts (often an address or an identifier), citations, code. */
const opaque = new Set(['link', 'linkReference', 'cite', 'inlineCode', 'code', 'html', 'yaml', 'math', 'inlineMath']);

/** The French text nodes of a tree, in reading order, with the number of the block each is in. */
function frenchTexts(tree: Root, lang: string): Array<{ text: Text; block: number }> {
  const texts: Array<{ text: Text; block: number }> = [];
  let block = 0;
  const walk = (node: Nodes, french: boolean) => {
    if (opaque.has(node.type)) return;
    if (node.type === 'text') {
      if (french) texts.push({ text: node, block });
      return;
    }
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') block++;
    const set = languageOf(node);
    const here = set === undefined ? french : isFrench(set);
    if ('children' in node) for (const child of node.children) walk(child as Nodes, here);
  };
  walk(tree, isFrench(lang));
  return texts;
}

/**
 * The source offset of `value[index]` for a text node starting at `from` in `source`: the two are
 * walked side by side, a backslash escape is one character of the value, a line break may be
 * followed in the source by a container's marks (`> `, indentation). Undefined when they cannot
 * be aligned (a character reference): then no place is better than a wrong one.
 */
function sourceOffsets(source: string, from: number, to: number, value: string): number[] | undefined {
  const offsets: number[] = [];
  let s = from;
  for (let v = 0; v <= value.length; v++) {
    if (v === value.length) {
      offsets.push(s);
      break;
    }
    const c = value[v];
    if (c === '\n') {
      while (s < to && source[s] !== '\n') s++;
      if (source[s] !== '\n') return undefined;
      offsets.push(s);
      s++;
      const next = value[v + 1];
      while (s < to && source[s] !== next && (source[s] === ' ' || source[s] === '\t' || source[s] === '>')) s++;
      continue;
    }
    if (source[s] === '\\' && source[s + 1] === c) s++;
    if (source[s] !== c) return undefined;
    offsets.push(s);
    s++;
  }
  return offsets;
}

interface Match {
  ruleId: TypographyRuleId;
  index: number;
  old: string;
  new: string;
  /** Fixing it could change how the reader reads its neighbours: reported only. */
  unsafe?: boolean;
}

const digitsBefore = /[\p{L}\p{N}_\-–—./:,#@&=+%]$/u;
const digitsAfter = /^(?:[\p{L}\p{N}_\-–—/@&=+%]|[.,:]\p{N})/u;

/**
 * A range written with a hyphen: two numbers, the second after the first (`1939-1945`, `12-15`,
 * `1914-18`). Not a date (`1944-08-19`), a telephone number, an ISBN or a reference (more than two
 * groups, or glued to letters, dots or slashes), nor `5-3` (not a range).
 */
function isRange(first: string, second: string): boolean {
  const a = Number(first);
  const b = Number(second);
  if (first.length === 4 && second.length === 2) return b > a % 100; // 1914-18
  if (first.length !== second.length && !(first.length < second.length)) return false;
  if (first.startsWith('0') || second.startsWith('0')) return false;
  return b > a;
}

function rangeMatches(value: string): Match[] {
  const found: Match[] = [];
  for (const match of value.matchAll(/(\d{1,4})-(\d{1,4})/gu)) {
    // The character before is all `digitsBefore` reads (two code units: it may be a surrogate pair).
    const before = value.slice(Math.max(0, match.index - 2), match.index);
    const after = value.slice(match.index + match[0].length);
    if (digitsBefore.test(before) || digitsAfter.test(after)) continue;
    // `ISBN 2-07-…`, `tél. 05-63-…` are caught above; `no 3-4` is a range of numbers, fine.
    if (!isRange(match[1], match[2])) continue;
    found.push({ ruleId: 'typography-range-hyphen', index: match.index, old: match[0], new: `${match[1]}–${match[2]}` });
  }
  return found;
}

function numeroMatches(value: string): Match[] {
  const found: Match[] = [];
  // `no 7`, `No 7`, `nos 3 et 4`, with a space or a no-break space before the number.
  for (const match of value.matchAll(/(?<![\p{L}\p{N}^])([Nn])o(s?)(?=[ \u00a0\u202f]\d)/gu)) {
    // A caret left as text in the run could pair with the ones the fix writes (`a^b,n^o^`).
    found.push({ ruleId: 'typography-numero', index: match.index, old: match[0], new: `${match[1]}^o${match[2]}^`, unsafe: value.includes('^') });
  }
  return found;
}

function ellipsisMatches(value: string): Match[] {
  const found: Match[] = [];
  for (const match of value.matchAll(/(?<!\.)\.\.\.(?!\.)/gu)) found.push({ ruleId: 'typography-ellipsis', index: match.index, old: '...', new: '…' });
  return found;
}

/**
 * “…” pairs in French text, not inside « »: there they are second-level quotation marks, as many
 * French houses print them (« il a dit “non” »). A pair is taken within one text run; a lone
 * mark is left alone (it may close in emphasis, or be an apostrophe set by hand).
 */
const quoteMarks = /[«»“]/;

function quoteMatches(value: string, depth: { french: number }): Match[] {
  const found: Match[] = [];
  // Most runs hold no quotation mark: nothing to find, no depth to change.
  if (!quoteMarks.test(value)) return found;
  let open: number | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '«') depth.french++;
    else if (c === '»') depth.french = Math.max(0, depth.french - 1);
    else if (c === '“' && depth.french === 0) {
      // “ inside “: nested English quotes, which level is which is the author's to say.
      if (open !== undefined) return [];
      open = i;
    } else if (c === '”' && open !== undefined) {
      found.push({ ruleId: 'typography-english-quotes', index: open, old: '“', new: '«' });
      found.push({ ruleId: 'typography-english-quotes', index: i, old: '”', new: '»' });
      open = undefined;
    }
  }
  return found;
}

/** Every finding of the four rules in one tree (a chapter whose language is `lang`), in source order. */
export function findTypography(tree: Root, source: string, lang: string): TypographyFinding[] {
  const place = location(source);
  const findings: TypographyFinding[] = [];
  const depth = { french: 0 };
  let current = -1;
  for (const { text: node, block } of frenchTexts(tree, lang)) {
    // « opened in one paragraph is not still open in the next.
    if (block !== current) depth.french = 0;
    current = block;
    const value = node.value;
    const matches = [...rangeMatches(value), ...numeroMatches(value), ...ellipsisMatches(value), ...quoteMatches(value, depth)];
    if (matches.length === 0) continue;
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    const offsets = start === undefined || end === undefined ? undefined : sourceOffsets(source, start, end, value);
    for (const match of matches) {
      const from = offsets?.[match.index];
      const to = offsets?.[match.index + match.old.length];
      // Exact only when the source holds these very characters there (no escape, no line break inside).
      const exact = from !== undefined && to !== undefined && source.slice(from, to) === match.old && !match.unsafe;
      const at = exact ? from : (start ?? 0);
      const point = place.toPoint(at) ?? node.position?.start ?? { line: 1, column: 1 };
      findings.push({ ruleId: match.ruleId, start: exact ? from : at, end: exact ? to : at, old: match.old, new: match.new, point, fixable: exact });
    }
  }
  return findings.sort((a, b) => a.start - b.start || a.end - b.end);
}
