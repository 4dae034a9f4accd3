/**
 * French typography, applied to the text of French passages only (Imprimerie nationale, *Lexique
 * des règles typographiques*: espaces et ponctuation):
 *   - narrow no-break space (U+202F) before `; ! ?` and inside « »;
 *   - no-break space (U+00A0) before `:`;
 *   - typographic apostrophe ’ for ';
 *   - « » for straight double quotes (opening after a space or an opening bracket).
 * Spans and blocks in another language (`lang` not French) are left alone, and so are code, URLs
 * and the text of autolinks. Idempotent: applied twice it gives the same text.
 */
import type { Root, Nodes, Parents, Text } from 'mdast';

export const NNBSP = '\u202f';
export const NBSP = '\u00a0';

const spaces = new Set([' ', NBSP, NNBSP, '\t']);
const openers = new Set(['(', '[', '{', '«', '\u2014', '\u2013', '/', '“', '‘', '\n']);

function isFrench(lang: string | undefined): boolean {
  return lang === undefined || /^fr(-|$)/i.test(lang);
}

/** The language a node sets for its content, if any. */
function languageOf(node: Nodes): string | undefined {
  const properties = (node.data as { hProperties?: Record<string, unknown> } | undefined)?.hProperties;
  if (properties && typeof properties.lang === 'string') return properties.lang;
  if ((node.type === 'containerDirective' || node.type === 'leafDirective') && node.attributes?.lang) {
    return node.attributes.lang;
  }
  return undefined;
}

/** Blocks whose text runs are processed as one stream (quotes may span emphasis). */
const streamRoots = new Set(['paragraph', 'heading', 'tableCell', 'leafDirective']);

export interface Piece {
  node: Text;
  french: boolean;
  /** An inline node that is not text (code, an image…) stands before this piece. */
  afterOpaque: boolean;
}

function collectPieces(node: Nodes, french: boolean, pieces: Piece[], state: { opaque: boolean }): void {
  if (node.type === 'text') {
    pieces.push({ node, french, afterOpaque: state.opaque });
    state.opaque = false;
    return;
  }
  if (node.type === 'link' && 'children' in node) {
    const text = node.children.map((c) => ('value' in c ? c.value : '')).join('');
    // The visible text of an autolink is the address itself: not prose.
    if (text === node.url || `mailto:${text}` === node.url || /^[a-z]+:\/\//i.test(text)) {
      state.opaque = true;
      return;
    }
  }
  if ('children' in node) {
    const lang = languageOf(node);
    const childFrench = lang === undefined ? french : isFrench(lang);
    for (const child of node.children) collectPieces(child as Nodes, childFrench, pieces, state);
    return;
  }
  state.opaque = true;
}

/** The characters the rules act on; every other character is copied as it is. */
const active = /['"«»;!?:]/g;

/** Whether `c` is one of the spaces a guillemet swallows or the rules look through. */
function isSpace(c: string): boolean {
  return spaces.has(c) || c === '\n';
}

/**
 * Apply the rules to one block's text runs, carrying context from run to run. The text between
 * two characters the rules act on is copied in one slice (tests/french-typography-fast.test.ts
 * holds it to the character-by-character reading it replaced).
 */
export function typesetRuns(pieces: Piece[]): void {
  let previous = ''; // the last input character, across runs ('' at the start of the block)
  let lastVisible = ''; // the last non-space character output
  let lastPiece: Piece | undefined;
  for (const piece of pieces) {
    if (piece.afterOpaque) {
      previous = 'x';
      lastVisible = 'x';
      lastPiece = undefined;
    }
    if (!piece.french) {
      const value = piece.node.value;
      previous = value.slice(-1) || previous;
      lastVisible = value.trimEnd().slice(-1) || lastVisible;
      lastPiece = undefined;
      continue;
    }
    const input = piece.node.value;
    let out = '';
    let skipSpaces = false;
    const trimTrailingSpaces = () => {
      out = out.replace(/[ \u00a0\u202f\t]+$/, '');
      if (out === '' && lastPiece) lastPiece.node.value = lastPiece.node.value.replace(/[ \u00a0\u202f\t]+$/, '');
    };
    let i = 0;
    while (i < input.length) {
      if (skipSpaces) {
        while (i < input.length && isSpace(input[i])) i++;
        skipSpaces = false;
        if (i === input.length) break;
      }
      // The plain text up to the next character the rules act on, copied as it is.
      active.lastIndex = i;
      const at = active.exec(input)?.index ?? input.length;
      if (at > i) {
        out += input.slice(i, at);
        previous = input[at - 1];
        for (let k = at - 1; k >= i; k--) {
          if (!isSpace(input[k])) {
            lastVisible = input[k];
            break;
          }
        }
        i = at;
        if (i === input.length) break;
      }
      const c = input[i];
      const next = input[i + 1] ?? '';
      let emitted = c;
      if (c === "'") {
        emitted = '’';
      } else if (c === '"' || c === '«') {
        const opening = c === '«' || previous === '' || spaces.has(previous) || openers.has(previous);
        if (opening) {
          emitted = `«${NNBSP}`;
          skipSpaces = true;
        } else {
          trimTrailingSpaces();
          emitted = `${NNBSP}»`;
        }
      } else if (c === '»') {
        trimTrailingSpaces();
        emitted = `${NNBSP}»`;
      } else if (c === ';' || c === '!' || c === '?') {
        // No space at the start of a block, after an opening bracket, or inside `?!`, `!!`.
        const doubled = ';!?'.includes(lastVisible) && !spaces.has(previous);
        if (lastVisible !== '' && !'(['.includes(lastVisible) && !doubled) {
          trimTrailingSpaces();
          emitted = `${NNBSP}${c}`;
        }
      } else if (c === ':') {
        const isTimeOrRatio = /\d/.test(previous) && /\d/.test(next);
        const isAddress = next === '/';
        if (lastVisible !== '' && previous !== ':' && next !== ':' && !isTimeOrRatio && !isAddress) {
          trimTrailingSpaces();
          emitted = `${NBSP}:`;
        }
      }
      out += emitted;
      previous = emitted.endsWith(NNBSP) ? NNBSP : c;
      lastVisible = c === '"' ? (emitted.startsWith('«') ? '«' : '»') : c;
      i++;
    }
    piece.node.value = out;
    lastPiece = piece;
  }
}

function walk(node: Nodes, french: boolean): void {
  const lang = languageOf(node);
  const here = lang === undefined ? french : isFrench(lang);
  // A map's title is printed (its caption when it has no label, its text alternative): typeset it too.
  if (here && node.type === 'leafDirective' && node.name === 'map' && node.attributes?.title) {
    node.attributes.title = frenchTypographyText(node.attributes.title);
  }
  if (streamRoots.has(node.type)) {
    const pieces: Piece[] = [];
    collectPieces(node, here, pieces, { opaque: false });
    typesetRuns(pieces);
    // Notes inside a paragraph are separate definitions, walked on their own below.
    return;
  }
  if ('children' in node) for (const child of (node as Parents).children) walk(child as Nodes, here);
}

/** Apply French typography to a chapter whose language is `lang`. */
export function frenchTypography(tree: Root, lang: string): Root {
  walk(tree, isFrench(lang));
  return tree;
}

/** Plain-string form, for titles and metadata that never were Markdown. */
export function frenchTypographyText(value: string): string {
  const node: Text = { type: 'text', value };
  typesetRuns([{ node, french: true, afterOpaque: false }]);
  return node.value;
}
