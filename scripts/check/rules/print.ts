/**
 * Print production, as far as book.yaml alone tells: the page margins it sets (`print.margins`)
 * against the chosen printer's safety zone (scripts/output/print/margins.ts). The laid-out pages —
 * the print design's margins, running heads, folios, blocks — are measured by the PDF writer's
 * preflight under the same id.
 */
import { bookRule } from '../rule.ts';
import { configMarginProblems, marginPlace } from '../../output/print/margins.ts';

export const printMarginTooSmall = bookRule('print-margin-too-small', (book, report) => {
  for (const { side, message } of configMarginProblems(book)) {
    const where = marginPlace(book, side);
    report(message, where?.place, where?.file);
  }
});
