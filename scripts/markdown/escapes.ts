/**
 * Backslash escapes must keep their meaning after parsing: `\[` is a bracket, not a span or an
 * inline note; `\"` is a straight quote the typography must leave alone. mdast merges escapes into
 * plain text, so while parsing we replace the characters our own syntax and typography care about
 * by private-use stand-ins, and put them back once our transforms have run.
 */
import type { Extension as FromMarkdownExtension, CompileContext } from 'mdast-util-from-markdown';
import type { Token } from 'micromark-util-types';
import type { Root, Text } from 'mdast';
import { visit } from '../tree/visit.ts';

const protectedCharacters = `[]^@{}"':;!?`;
const privateBase = 0xe000;

function protect(character: string): string {
  return protectedCharacters.includes(character)
    ? String.fromCharCode(privateBase + character.charCodeAt(0))
    : character;
}

const standIn = /[\ue000-\ue0ff]/g;

export function restoreEscapes(value: string): string {
  return value.replace(standIn, (c) => String.fromCharCode(c.charCodeAt(0) - privateBase));
}

/** mdast-util-from-markdown extension: escaped characters become their stand-ins. */
export const protectEscapesFromMarkdown: FromMarkdownExtension = {
  exit: {
    characterEscapeValue(this: CompileContext, token: Token) {
      const tail = this.stack.pop() as Text;
      tail.value += protect(this.sliceSerialize(token));
      tail.position!.end = { line: token.end.line, column: token.end.column, offset: token.end.offset };
    },
  },
};

/** Put the escaped characters back (run last among the mdast transforms). */
export function restoreEscapesInTree(tree: Root): void {
  visit(tree, (node) => {
    if ('value' in node && typeof node.value === 'string') node.value = restoreEscapes(node.value);
  });
}
