/**
 * The footnote rules. Labels match on their normalised identifier (as mdast-util-gfm-footnote
 * does); messages quote the author's label.
 */
import type { FootnoteDefinition, Nodes } from 'mdast';
import { visit } from '../../tree/visit.ts';
import { ancestorsOf, nodesOfType, nodesOfTypes, parentOf } from '../../tree/by-type.ts';
import { toString } from 'mdast-util-to-string';
import { normaliseLabel } from '../../transforms/number-notes.ts';
import { chapterRule } from '../rule.ts';
import { pointInText } from './text-position.ts';
import { isAuthorInText } from '../../markdown/citation-syntax.ts';
import { isLanguage, languageAt } from '../language.ts';

function definitionsOf(tree: Nodes): readonly FootnoteDefinition[] {
  return nodesOfType(tree, 'footnoteDefinition');
}

export const footnoteUndefined = chapterRule('footnote-undefined', (tree, report) => {
  const defined = new Set(definitionsOf(tree).map((d) => normaliseLabel(d.identifier)));
  for (const node of nodesOfTypes(tree, ['footnoteReference', 'text'])) {
    if (node.type === 'footnoteReference') {
      if (!defined.has(normaliseLabel(node.identifier))) {
        report(`Note call \`[^${node.label ?? node.identifier}]\` has no definition; add \`[^${node.label ?? node.identifier}]: …\` or remove the call`, node.position);
      }
    } else {
      // GFM leaves a call to an undefined label as plain text.
      for (const match of node.value.matchAll(/\[\^([^\]\s]+)\]/g)) {
        report(`Note call \`[^${match[1]}]\` has no definition; add \`[^${match[1]}]: …\` or remove the call`, pointInText(node, match.index));
      }
    }
  }
});

export const footnoteUnused = chapterRule('footnote-unused', (tree, report) => {
  const called = new Set<string>();
  for (const node of nodesOfType(tree, 'footnoteReference')) called.add(normaliseLabel(node.identifier));
  for (const definition of definitionsOf(tree)) {
    if (!called.has(normaliseLabel(definition.identifier))) {
      report(`Note \`[^${definition.label ?? definition.identifier}]\` is defined but never called; call it in the text or remove it`, definition.position);
    }
  }
});

export const footnoteDuplicate = chapterRule('footnote-duplicate', (tree, report) => {
  const seen = new Map<string, FootnoteDefinition>();
  for (const definition of definitionsOf(tree)) {
    const id = normaliseLabel(definition.identifier);
    const first = seen.get(id);
    if (first) {
      report(`Note \`[^${definition.label ?? definition.identifier}]\` is defined twice (first on line ${first.position?.start.line}); rename or merge one of them`, definition.position);
    } else seen.set(id, definition);
  }
});

export const footnoteEmpty = chapterRule('footnote-empty', (tree, report) => {
  for (const definition of definitionsOf(tree)) {
    if (toString(definition).trim() === '') {
      report(`Note \`[^${definition.label ?? definition.identifier}]\` has no text; write the note or remove it and its calls`, definition.position);
    }
  }
});

/** A note call: a footnote reference, or a citation that the note style turns into a note. */
const isNoteCall = (node: Nodes): boolean =>
  node.type === 'footnoteReference' || (node.type === 'cite' && !isAuthorInText(node));

export const footnoteInHeading = chapterRule('footnote-in-heading', (tree, report) => {
  // The headings' insides only (a heading holds no heading).
  for (const heading of nodesOfType(tree, 'heading')) {
    visit(heading, (node) => {
      if (node !== heading && isNoteCall(node as Nodes)) {
        const what = node.type === 'cite' ? 'Citation (a note call in a note style)' : 'Note call';
        report(`${what} in a heading; move it into the text that follows (headings go into the table of contents and running heads)`, node.position);
      }
    });
  }
});

const abbreviations = /^(etc|cf|p|pp|op|cit|ibid|id|éd|trad|coll|vol|chap|fol|n°|av|apr|J\.-C|s|sq|sqq)$/i;

/** French custom (Imprimerie nationale): « texte¹. », not « texte.¹ ». Abbreviations keep their dot. */
export const footnoteCallAfterPunctuation = chapterRule('footnote-call-after-punctuation', (tree, report, { chapter }) => {
  for (const node of nodesOfTypes(tree, ['footnoteReference', 'cite'])) {
    if (!isNoteCall(node)) continue;
    const parent = parentOf(tree, node);
    const index = parent ? parent.children.indexOf(node as (typeof parent.children)[number]) : -1;
    if (!parent || index <= 0) continue;
    const before = parent.children[index - 1];
    if (before.type !== 'text') continue;
    // The French custom, in French text only: the chapter's language, or a span's or block's `lang`.
    if (!isLanguage(languageAt(ancestorsOf(tree, node), chapter.lang), 'fr')) continue;
    // « texte.¹ » and « texte. [@a] » alike: a space between does not move the call.
    const match = /(\S*?)([.,;:])\s*$/.exec(before.value);
    if (!match) continue;
    const [, word, mark] = match;
    const isAbbreviation = mark === '.' && (abbreviations.test(word) || /^\p{Lu}$/u.test(word));
    if (isAbbreviation) continue;
    // The call shown as ¹, as in the message: what was written, and the order expected.
    report(`Note call after \`${match[2]}\`: in French the call stands before the punctuation (« texte¹. »); move the call before \`${match[2]}\``, node.position, undefined, {
      actual: `${word}${mark}¹`,
      expected: [`${word}¹${mark}`],
    });
  }
});
