/**
 * templates/csl/style-facts.json (scripts/citations/style-facts.ts): what the citation stage reads
 * of each shipped style with each shipped locale, written out so that `book check` needs no
 * citeproc-js for them. It must be what citeproc-js reads from the shipped files today. That
 * loadCitations takes them from there: tests/cli-startup.test.ts (`book check` loads no citeproc-js).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { shippedFacts, shippedStyleFacts, styleFactsFile, styleFactsText } from '../scripts/citations/style-facts.ts';

describe('the shipped styles\' facts', () => {
  it('are what citeproc-js reads from templates/csl/ today (else: npm run style-facts)', async () => {
    const today = await shippedStyleFacts();
    // One style, two locales, citations linked or not.
    expect(Object.keys(today)).toHaveLength(4);
    expect(await readFile(styleFactsFile, 'utf8'), 'templates/csl/style-facts.json is out of date: run `npm run style-facts`').toBe(styleFactsText(today));
    for (const key of Object.keys(today)) expect(shippedFacts(key)?.locatorTerms).toEqual(new Map(today[key].locatorTerms));
    expect(shippedFacts('not a key')).toBeUndefined();
  });
});
