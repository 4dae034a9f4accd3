import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import { frenchTypographyText } from '../scripts/transforms/french-typography.ts';
import { frenchTypography } from '../scripts/transforms/french-typography.ts';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { toString } from 'mdast-util-to-string';
import { showSpaces } from './support/fixtures.ts';

/** Input → expected, with ⍽ for U+202F (narrow no-break space) and ~ for U+00A0 (no-break space). */
const cases: Array<[string, string]> = [
  ['Qui sont-ils ? Ce sont des Vlasovites?', 'Qui sont-ils⍽? Ce sont des Vlasovites⍽?'],
  ['Attention! Vraiment ; oui;non', 'Attention⍽! Vraiment⍽; oui⍽;non'],
  ['Il dit : bonjour', 'Il dit~: bonjour'],
  ['Il dit: bonjour', 'Il dit~: bonjour'],
  ['"Bonjour", dit-il.', '«⍽Bonjour⍽», dit-il.'],
  ['« Personne »', '«⍽Personne⍽»'],
  ['«Personne»', '«⍽Personne⍽»'],
  ["l'homme d'État", 'l’homme d’État'],
  ['Quoi ?!', 'Quoi⍽?!'],
  ['(?) et [!]', '(?) et [!]'],
  ['à 10:30 précises', 'à 10:30 précises'],
  ['voir https://example.org', 'voir https://example.org'],
  ['Le mot "Mongol" : une insulte', 'Le mot «⍽Mongol⍽»~: une insulte'],
  ['? en tête', '? en tête'],
];

describe('French typography', () => {
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => {
      const once = frenchTypographyText(input);
      expect(showSpaces(once)).toBe(expected);
      expect(frenchTypographyText(once)).toBe(once); // idempotent
    });
  }

  const typeset = (markdown: string, lang = 'fr') => {
    const tree = parseMarkdown(new VFile({ path: 'x.md', value: markdown }));
    frenchTypography(tree, lang);
    return showSpaces(toString(tree));
  };

  it('carries context across inline nodes (quotes around emphasis, ? after emphasis)', () => {
    expect(typeset('"*Titre*" et *Qui*?')).toBe('«⍽Titre⍽» et Qui⍽?');
  });

  it('leaves spans in another language alone', () => {
    expect(typeset("[Кадем Жуманиязов: «ответ»?]{lang=ru} et [it's \"English\"!]{lang=en}")).toBe(
      'Кадем Жуманиязов: «ответ»? et it\'s "English"!',
    );
  });

  it('leaves a chapter in another language alone', () => {
    expect(typeset('"Quoted": it\'s fine?', 'en')).toBe('"Quoted": it\'s fine?');
  });

  it('leaves code and autolinks alone', () => {
    expect(typeset('Du `code: "x"?` et <https://example.org/?a=1>')).toBe('Du code: "x"? et https://example.org/?a=1');
  });

  it('keeps escaped straight quotes straight', async () => {
    const { restoreEscapesInTree } = await import('../scripts/markdown/escapes.ts');
    const tree = parseMarkdown(new VFile({ path: 'x.md', value: 'Un \\"pouce\\" droit' }));
    frenchTypography(tree, 'fr');
    restoreEscapesInTree(tree);
    expect(toString(tree)).toBe('Un "pouce" droit');
  });
});
