/**
 * Books written by others, in English, for other tools (tests/fixtures/books/, each with its
 * LICENSE.md): the checks must report no error on their clean chapters. They place a quotation's
 * source as English books do — a note at its end (`…the public has a just claim.[^5]`), a
 * citation in the sentence that introduces it — and carry their own front matter.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAndCheck } from '../scripts/build.ts';

const books = path.join(import.meta.dirname, 'fixtures', 'books');

async function check(name: string) {
  const { book, diagnostics } = await compileAndCheck({ manuscript: path.join(books, name) }, { renderCitations: false });
  return { book, diagnostics, errors: diagnostics.filter((d) => d.severity === 'error') };
}

describe('books by others', () => {
  it('Lessig, Free Culture (Introduction): no error, and its five quotations sourced by the note at their end', async () => {
    const { book, diagnostics, errors } = await check('lessig-free-culture');
    expect(errors).toEqual([]);
    expect(diagnostics.filter((d) => d.ruleId === 'quote-unsourced')).toEqual([]);
    let quotations = 0;
    for (const node of book.chapters[0].mdast.children) if (node.type === 'blockquote') quotations += 1;
    expect(quotations).toBe(5);
    // English: the note call after the full stop is the English custom, not a French warning.
    expect(diagnostics.filter((d) => d.ruleId === 'footnote-call-after-punctuation')).toEqual([]);
    expect(book.chapters[0].title).toBe('Introduction');
  });

  it('Lambert, RLHF Book (chapter 2): no error; the quotation sourced by the citation that introduces it', async () => {
    const { book, diagnostics, errors } = await check('lambert-rlhf');
    expect(errors).toEqual([]);
    expect(diagnostics.filter((d) => d.ruleId === 'quote-unsourced' || d.ruleId === 'citation-unknown-key')).toEqual([]);
    expect(book.chapters[0].mdast.children.some((node) => node.type === 'blockquote')).toBe(true);
  });
});
