/**
 * CriticMarkup (scripts/critic) is for drafts and proofs: a release edition must not print a
 * correction that nobody accepted or rejected. Reports every construct, and any opening or closing
 * marker left alone in the text (markup cannot cross a paragraph, so such a marker is a correction
 * the reader did not recognise).
 */
import type { Nodes, Text } from 'mdast';
import { visit, SKIP } from '../../tree/visit.ts';
import { toString } from 'mdast-util-to-string';
import { chapterRule } from '../rule.ts';
import { pointInText } from './text-position.ts';
import { criticKindOf, criticPartOf } from '../../markdown/critic-syntax.ts';

const quote = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
};

/**
 * Openings only: a closing marker alone is either text or the end of a correction whose opening
 * stands in an earlier paragraph, and that opening is reported.
 */
const strayOpening = /\{(\+\+|--|~~|==|>>)/g;

const closingOf: Record<string, string> = { '++': '++}', '--': '--}', '~~': '~~}', '==': '==}', '>>': '<<}' };

/** What the correction says, for the message: its text, or what it holds when it has none. */
function describe(node: Parameters<typeof toString>[0]): string {
  const text = quote(toString(node));
  if (text) return `« ${text} »`;
  let holds = 'nothing';
  visit(node as Nodes, (child) => {
    if (child.type === 'footnoteReference') holds = 'a note call';
    else if (child.type === 'image' && holds === 'nothing') holds = 'an image';
  });
  return `(${holds})`;
}

export const criticUnresolved = chapterRule('critic-unresolved', (tree, report) => {
  visit(tree, (node) => {
    const kind = criticKindOf(node);
    if (kind && 'children' in node) {
      let what: string;
      if (kind === 'substitution') {
        const part = (name: 'old' | 'new') => node.children.find((child) => criticPartOf(child) === name);
        const before = part('old');
        const after = part('new');
        what = `substitution ${before ? describe(before) : '(nothing)'} → ${after ? describe(after) : '(nothing)'}`;
      } else {
        what = `${kind} ${describe(node)}`;
      }
      report(`Unresolved CriticMarkup ${what}; run \`book accept\` or \`book reject\`, or resolve it by hand`, node.position);
      return kind === 'substitution' ? SKIP : undefined;
    }
    if (node.type === 'text') {
      for (const match of (node as Text).value.matchAll(strayOpening)) {
        report(
          `CriticMarkup \`${match[0]}\` with no \`${closingOf[match[1]]}\` in the same paragraph (a correction cannot cross paragraphs); close it, or write \`\\{\` if the brace is text`,
          pointInText(node as Text, match.index),
        );
      }
    }
    return undefined;
  });
});
