/**
 * The French typography copies the text between the characters its rules act on in one slice
 * (scripts/transforms/french-typography.ts, for the speed of `book check`, docs/startup.md). This
 * holds it to the character-by-character reading it replaced, kept below as it was, on random
 * blocks of runs made of the characters that matter (quotes, punctuation, every kind of space,
 * line ends, digits, brackets, slashes), French or not, after an opaque node or not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Text } from 'mdast';
import { NBSP, NNBSP, typesetRuns, type Piece } from '../scripts/transforms/french-typography.ts';

const spaces = new Set([' ', NBSP, NNBSP, '\t']);
const openers = new Set(['(', '[', '{', '«', '\u2014', '\u2013', '/', '“', '‘', '\n']);

/** typesetRuns as it was before the slices (commit 14c5052), character by character. */
function referenceRuns(pieces: Piece[]): void {
  let previous = '';
  let lastVisible = '';
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
    for (let i = 0; i < input.length; i++) {
      const c = input[i];
      const next = input[i + 1] ?? '';
      if (skipSpaces && (spaces.has(c) || c === '\n')) continue;
      skipSpaces = false;
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
      if (!spaces.has(c) && c !== '\n') lastVisible = c === '"' ? (emitted.startsWith('«') ? '«' : '»') : c;
    }
    piece.node.value = out;
    lastPiece = piece;
  }
}

const alphabet = ['a', 'é', '1', '9', ' ', ' ', NBSP, NNBSP, '\t', '\n', "'", '"', '«', '»', ';', '!', '?', ':', '/', '(', '[', '.', '—', '“', '😀'];
const run = fc.record({
  value: fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }).map((chars) => chars.join('')),
  french: fc.boolean(),
  afterOpaque: fc.boolean(),
});

function typeset(apply: (pieces: Piece[]) => void, runs: Array<{ value: string; french: boolean; afterOpaque: boolean }>): string[] {
  const pieces = runs.map(({ value, french, afterOpaque }) => ({ node: { type: 'text', value } as Text, french, afterOpaque }));
  apply(pieces);
  return pieces.map((piece) => piece.node.value);
}

describe('French typography in slices', () => {
  it('gives what the character-by-character reading gave, on random blocks', () => {
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 5 }), (runs) => {
        expect(typeset(typesetRuns, runs)).toEqual(typeset(referenceRuns, runs));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same on cases chosen by hand', () => {
    const blocks = [
      ['« \n  Bonjour  » : oui ; non ! quoi ?! 10:30 http://x l\'homme'],
      ['"  ', '  "fin"'],
      ['a « ', '', ' b'],
      ['Texte ', '"cité" '],
      ["' ; ' : ", ' ! '],
    ];
    for (const values of blocks) {
      for (const french of [true, false]) {
        const runs = values.map((value, i) => ({ value, french: french || i % 2 === 0, afterOpaque: false }));
        expect(typeset(typesetRuns, runs)).toEqual(typeset(referenceRuns, runs));
      }
    }
  });
});
