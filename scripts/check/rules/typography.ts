/**
 * French typography the author types (scripts/typography/find.ts): ranges with an en dash, n^o^,
 * « » rather than “ ”, … rather than three dots. French text only (the chapter's `lang`, spans and
 * blocks in another language left alone). `book fix` applies the same findings where they are safe.
 */
import type { Root } from 'mdast';
import { chapterRule } from '../rule.ts';
import { findTypography, type TypographyFinding, type TypographyRuleId } from '../../typography/find.ts';
import type { Chapter } from '../../model/index.ts';

/** The four rules read the same findings: found once per chapter tree. */
const found = new WeakMap<Root, TypographyFinding[]>();

function findingsOf(tree: Root, chapter: Chapter): TypographyFinding[] {
  let findings = found.get(tree);
  if (!findings) {
    findings = findTypography(tree, String(chapter.file.value), chapter.lang);
    found.set(tree, findings);
  }
  return findings;
}

const fixHint = (finding: TypographyFinding) => (finding.fixable ? ' (`book fix` does it)' : '');

const reasons: Record<TypographyRuleId, (finding: TypographyFinding) => string> = {
  'typography-range-hyphen': (f) => `Range \`${f.old}\` written with a hyphen; in French a range of years or numbers takes an en dash: write \`${f.new}\`${fixHint(f)}`,
  'typography-numero': (f) => `\`${f.old}\` for « numéro »: write \`${f.new}\` (o in superscript)${fixHint(f)}`,
  'typography-english-quotes': (f) => `English quotation mark \`${f.old}\` in French text: write \`${f.new}\`, the build adds the no-break spaces${fixHint(f)}`,
  'typography-ellipsis': (f) => `Three dots for an ellipsis: write \`…\` (points de suspension)${fixHint(f)}`,
};

function typographyRule(id: TypographyRuleId) {
  return chapterRule(id, (tree, report, { chapter }) => {
    // A chapter the book makes (bibliography, list of illustrations) has no source to fix.
    if (chapter.source.generated) return;
    for (const finding of findingsOf(tree, chapter)) {
      if (finding.ruleId !== id) continue;
      report(reasons[id](finding), finding.point, undefined, { actual: finding.old, expected: [finding.new] });
    }
  });
}

export const typographyRangeHyphen = typographyRule('typography-range-hyphen');
export const typographyNumero = typographyRule('typography-numero');
export const typographyEnglishQuotes = typographyRule('typography-english-quotes');
export const typographyEllipsis = typographyRule('typography-ellipsis');
