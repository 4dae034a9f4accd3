/**
 * Citations as pandoc reads them (pandoc's manual, "Citation syntax"): the Markdown reader's
 * grammar (scripts/markdown/citation-syntax.ts, pandoc-inline.ts) and the locator read out of the
 * suffix with the locale's terms (scripts/citations/locator.ts). Each expected value was written
 * from the manual and checked against Debian's pandoc 2.17 (`pandoc -f markdown -t native` for the
 * reader; `--citeproc` for the locators, whose rendering tests/pandoc-differential.test.ts compares).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VFile } from 'vfile';
import type { Cite } from '../scripts/markdown/types.ts';
import { parseMarkdown } from '../scripts/markdown/parse.ts';
import { visit } from '../scripts/tree/visit.ts';
import { createEngine, localeTerms } from '../scripts/citations/engine.ts';
import { locatorTermsOf, splitLocator } from '../scripts/citations/locator.ts';

function cites(markdown: string): Cite[] {
  const found: Cite[] = [];
  visit(parseMarkdown(new VFile({ path: 'a.md', value: markdown })), 'cite', (node: Cite) => {
    found.push(node);
  });
  return found;
}

const item = (key: string, more: Partial<Cite['citations'][number]> = {}) => ({ key, prefix: '', suppressAuthor: false, authorInText: false, suffix: '', ...more });

describe('the reader: pandoc’s citation grammar', () => {
  it('reads an author in the text followed by a bracketed list as one citation', () => {
    const [cite, ...rest] = cites('Ainsi @pavlova2015 [-@delpon2019, p. 30; voir aussi @wattin2020] le dit.');
    expect(rest).toEqual([]);
    expect(cite.value).toBe('@pavlova2015 [-@delpon2019, p. 30; voir aussi @wattin2020]');
    expect(cite.citations).toEqual([
      item('pavlova2015', { authorInText: true }),
      item('delpon2019', { suppressAuthor: true, suffix: ', p. 30' }),
      item('wattin2020', { prefix: 'voir aussi' }),
    ]);
  });

  it('reads `@key [suffix]` and `@key [suffix; @other]` (pandoc’s bareloc)', () => {
    expect(cites('@pavlova2015 [p. 30] dit').map((c) => c.citations)).toEqual([[item('pavlova2015', { authorInText: true, suffix: 'p. 30' })]]);
    expect(cites('@a [p. 30; @b, chap. 2] dit').map((c) => c.citations)).toEqual([[item('a', { authorInText: true, suffix: 'p. 30' }), item('b', { suffix: ', chap. 2' })]]);
    // Followed by a link or another bracket, the brackets are not the citation's (pandoc: notFollowedBy "[(").
    expect(cites('@a [p. 5][^n] x\n\n[^n]: note').map((c) => c.value)).toEqual(['@a']);
  });

  it('keeps the suffix as typed, comma or leading space included: the locator is read later', () => {
    expect(cites('[voir @pavlova2015 p. 34-35]')[0].citations).toEqual([item('pavlova2015', { prefix: 'voir', suffix: ' p. 34-35' })]);
    expect(cites('[@a, xi, et ailleurs]')[0].citations).toEqual([item('a', { suffix: ', xi, et ailleurs' })]);
    expect(cites('[-@delpon2019 p. 44]')[0].citations).toEqual([item('delpon2019', { suppressAuthor: true, suffix: ' p. 44' })]);
  });

  it('is no bracketed citation when a part has no key, and takes no e-mail address for one', () => {
    // pandoc reads `@a` alone there, the author in the text, and the rest as text.
    expect(cites('[@a, p. 3; et ailleurs] jean@exemple.fr [voir page 3]').map((c) => [c.value, c.citations])).toEqual([['@a', [item('a', { authorInText: true })]]]);
  });
});

const fixtures = 'templates/csl/';
function termsFor(lang: 'fr-FR' | 'en-US') {
  const locales = new Map(['fr-FR', 'en-US'].map((tag) => [tag, readFileSync(`${fixtures}locales-${tag}.xml`, 'utf8')]));
  const engine = createEngine({ style: readFileSync(`${fixtures}chicago-fullnote-bibliography.csl`, 'utf8'), locales, lang, items: new Map(), bookLang: lang });
  return locatorTermsOf(localeTerms(engine));
}

describe('the locator, read with the locale’s terms (pandoc’s Citeproc.Locator)', () => {
  const fr = termsFor('fr-FR');
  const en = termsFor('en-US');
  const cases: Array<[string, ReturnType<typeof termsFor>, ReturnType<typeof splitLocator>]> = [
    [', p. 30', fr, { locator: { label: 'page', locator: '30', labelAsTyped: 'p.' }, suffix: '' }],
    // No comma needed, and the words after the locator are the suffix with their space.
    [' p. 34-35', fr, { locator: { label: 'page', locator: '34-35', labelAsTyped: 'p.' }, suffix: '' }],
    [' chap. 3', fr, { locator: { label: 'chapter', locator: '3', labelAsTyped: 'chap.' }, suffix: '' }],
    [', p. 50 et passim', fr, { locator: { label: 'page', locator: '50', labelAsTyped: 'p.' }, suffix: ' et passim' }],
    [', p. 21, 29 et suiv.', fr, { locator: { label: 'page', locator: '21, 29', labelAsTyped: 'p.' }, suffix: ' et suiv.' }],
    // Roman numerals: a locator after a label; alone, a suffix that keeps its comma.
    [', p. xi, et ailleurs', fr, { locator: { label: 'page', locator: 'xi', labelAsTyped: 'p.' }, suffix: ', et ailleurs' }],
    [', xi, et ailleurs', fr, { suffix: ', xi, et ailleurs' }],
    // Digits alone are a page; brackets and periods belong to the locator.
    [' [89]', fr, { locator: { label: 'page', locator: '[89]' }, suffix: '' }],
    [', 123(4)[5]6', fr, { locator: { label: 'page', locator: '123(4)[5]6' }, suffix: '' }],
    [', IV.2A', fr, { locator: { label: 'page', locator: 'IV.2A' }, suffix: '' }],
    [', 33, note 2', fr, { locator: { label: 'page', locator: '33' }, suffix: ', note 2' }],
    // Labels only from the locale: `§` is a French paragraph, an English section; `sec.` English only.
    [', § 5', fr, { locator: { label: 'paragraph', locator: '5', labelAsTyped: '§' }, suffix: '' }],
    [', § 5', en, { locator: { label: 'section', locator: '5', labelAsTyped: '§' }, suffix: '' }],
    [' sec. 4', en, { locator: { label: 'section', locator: '4', labelAsTyped: 'sec.' }, suffix: '' }],
    [' sec. 4', fr, { suffix: ' sec. 4' }],
    [', s 3', fr, { suffix: ', s 3' }],
    [', pp. 33-35', fr, { suffix: ', pp. 33-35' }],
    [', pp. 33-35', en, { locator: { label: 'page', locator: '33-35', labelAsTyped: 'pp.' }, suffix: '' }],
    [', Chap. 3', fr, { locator: { label: 'chapter', locator: '3', labelAsTyped: 'Chap.' }, suffix: '' }],
    // Braces: anything is the locator.
    [', {chap. 3 et suiv.}', fr, { locator: { label: 'chapter', locator: '3 et suiv.', labelAsTyped: 'chap.' }, suffix: '' }],
    // `@a [et ailleurs]`: a suffix alone gets its comma.
    ['et ailleurs', fr, { suffix: ', et ailleurs' }],
    ['', fr, { suffix: '' }],
  ];
  for (const [suffix, terms, expected] of cases) {
    it(`${JSON.stringify(suffix)} (${terms === fr ? 'fr-FR' : 'en-US'})`, () => expect(splitLocator(suffix, terms)).toEqual(expected));
  }

  it('reads a label the same when it stops looking past the longest term (random suffixes)', () => {
    // The same terms plus one no text matches but longer than any suffix: the label is then sought
    // through the whole suffix, as before the search stopped at the longest term.
    const words = ['et', 'suiv.', 'passim', 'xi', 'IV', '30', '34-35', '2A', '(4)', '[5]', '{', '}', ',', ';', '.', ' ', '  ', 'é', 'İ'];
    for (const terms of [fr, en]) {
      // Every term of the locale (the longest among them), as typed and capitalised, between words.
      const term = fc.constantFrom(...[...terms.keys()].flatMap((t) => [t, t[0].toUpperCase() + t.slice(1)]));
      const piece = fc.oneof(fc.constantFrom(...words), term);
      // Half of them shaped as a locator: a term (or two pieces) at the start, then a number.
      const shaped = fc.tuple(fc.constantFrom('', ', ', ' '), fc.array(piece, { maxLength: 2 }), term, fc.constantFrom(' ', '', '  '), fc.constantFrom('3', '30', 'xi', '34-35', '[5]'), fc.array(piece, { maxLength: 6 }));
      const exhaustive = new Map([...terms, ['x'.repeat(500), 'page']]);
      fc.assert(
        fc.property(fc.oneof(fc.array(piece, { maxLength: 14 }), shaped.map(([a, b, c, d, e, f]) => [a, ...b, c, d, e, ...f])), (pieces) => {
          const suffix = pieces.join('');
          expect(splitLocator(suffix, terms)).toEqual(splitLocator(suffix, exhaustive));
        }),
        { numRuns: 400 },
      );
    }
  });
});
