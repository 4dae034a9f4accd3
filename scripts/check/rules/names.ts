/**
 * A word that mixes Latin and Cyrillic letters looks right and is wrong: Latin `a`, `e`, `o`, `c`
 * typed inside a Kazakh or Russian name (or the reverse) break search, sorting and the index.
 */
import { nodesOfType } from '../../tree/by-type.ts';
import { chapterRule } from '../rule.ts';
import { pointInText } from './text-position.ts';

const word = /[\p{L}\p{M}]+/gu;
const latin = /\p{Script=Latin}/u;
const cyrillic = /\p{Script=Cyrillic}/u;

export const nameMixedScript = chapterRule('name-mixed-script', (tree, report) => {
  for (const node of nodesOfType(tree, 'text')) {
    // Most text has no Cyrillic at all: one scan of the node, not two tests per word.
    if (!cyrillic.test(node.value) || !latin.test(node.value)) continue;
    for (const match of node.value.matchAll(word)) {
      if (latin.test(match[0]) && cyrillic.test(match[0])) {
        const letters = [...match[0]];
        const latinLetters = letters.filter((c) => latin.test(c)).join(' ');
        const cyrillicLetters = letters.filter((c) => cyrillic.test(c)).join(' ');
        report(`Word \`${match[0]}\` mixes Latin (${latinLetters}) and Cyrillic (${cyrillicLetters}) letters; retype it in one script`, pointInText(node, match.index));
      }
    }
  }
});
