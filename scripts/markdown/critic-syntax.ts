/**
 * CriticMarkup (https://criticmarkup.com/spec.php) in the Markdown reader:
 *
 *   {++inserted++}   {--deleted--}   {~~old~>new~~}   {==highlighted==}   {>>comment<<}
 *
 * A micromark text construct, so that the markup is recognised where CommonMark would see text and
 * nowhere else (not in code, not in front matter), and so that `{~~…~~}` is not read as GFM
 * strikethrough. The content of each part is itself inline Markdown (emphasis, notes, citations).
 * Markup does not cross a paragraph: an opening with no closing in the same paragraph stays text
 * (and `critic-unresolved` reports it).
 *
 * In mdast each construct becomes a `span` whose `data.critic` says what it is, as Pandoc's docx
 * reader represents tracked changes (`--track-changes=all`: spans of class `insertion`,
 * `deletion`): every transform that walks spans (typography, citations, notes) walks corrections
 * too, and the chapter rendering needs no handler (hName/hProperties).
 */
import type { Extension as FromMarkdownExtension, CompileContext } from 'mdast-util-from-markdown';
import type { Code, Construct, Effects, Extension, State, Token, TokenizeContext } from 'micromark-util-types';
import { asciiPunctuation, markdownLineEnding } from 'micromark-util-character';
import type { Processor } from 'unified';
import type { Nodes } from 'mdast';
import type { Span, SpanData } from './types.ts';

export type CriticKind = 'insertion' | 'deletion' | 'substitution' | 'highlight' | 'comment';
/** The two halves of a substitution. */
export type CriticPart = 'old' | 'new';

export interface CriticData extends SpanData {
  critic?: CriticKind;
  criticPart?: CriticPart;
}

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    criticInsertion: 'criticInsertion';
    criticDeletion: 'criticDeletion';
    criticSubstitution: 'criticSubstitution';
    criticHighlight: 'criticHighlight';
    criticComment: 'criticComment';
    criticOld: 'criticOld';
    criticNew: 'criticNew';
    criticMarker: 'criticMarker';
    criticSequence: 'criticSequence';
  }
}

const codes = (text: string) => [...text].map((c) => c.charCodeAt(0));

interface Syntax {
  kind: CriticKind;
  token: 'criticInsertion' | 'criticDeletion' | 'criticSubstitution' | 'criticHighlight' | 'criticComment';
  /** The two characters after `{`. */
  open: number[];
  close: number[];
}

/** By the character after `{`. */
const syntaxes = new Map<number, Syntax>(
  [
    { kind: 'insertion', token: 'criticInsertion', open: codes('++'), close: codes('++}') },
    { kind: 'deletion', token: 'criticDeletion', open: codes('--'), close: codes('--}') },
    { kind: 'substitution', token: 'criticSubstitution', open: codes('~~'), close: codes('~~}') },
    { kind: 'highlight', token: 'criticHighlight', open: codes('=='), close: codes('==}') },
    { kind: 'comment', token: 'criticComment', open: codes('>>'), close: codes('<<}') },
  ].map((syntax) => [syntax.open[0], syntax as Syntax]),
);

const separator = codes('~>');

/** A lookahead for an exact sequence of characters (used with `effects.check`). */
function sequence(chars: number[]): Construct {
  return {
    partial: true,
    tokenize(effects: Effects, ok: State, nok: State): State {
      let index = 0;
      const step: State = (code: Code) => {
        if (code !== chars[index]) return nok(code);
        effects.consume(code);
        index += 1;
        if (index < chars.length) return step;
        effects.exit('criticSequence');
        return ok;
      };
      return (code: Code) => {
        effects.enter('criticSequence');
        return step(code);
      };
    },
  };
}

const closings = new Map([...syntaxes.values()].map((syntax) => [syntax.kind, sequence(syntax.close)]));
const separatorSequence = sequence(separator);

/** One construct per kind, all at `{`: micromark tries them in turn. */
function criticConstruct(syntax: Syntax): Construct {
  return { name: syntax.token, tokenize: tokenizer(syntax) };
}

function tokenizer(syntax: Syntax) {
  return function tokenizeCritic(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    /** What ends the current part: the closing, or `~>` after the old text of a substitution. */
    let terminator: number[];
    let terminatorCheck: Construct;
    let part: 'criticOld' | 'criticNew' | undefined;
    /** A part's token is entered with its first character: micromark tokens are never empty. */
    let partOpen = false;
    let previous: Token | undefined;
    let toConsume = 0;
    let opening = 0;

    const start: State = (code) => {
      effects.enter(syntax.token);
      effects.enter('criticMarker');
      effects.consume(code); // `{`
      return open;
    };

    const open: State = (code) => {
      if (code !== syntax.open[opening]) return nok(code);
      effects.consume(code);
      opening += 1;
      if (opening < syntax.open.length) return open;
      effects.exit('criticMarker');
      if (syntax.kind === 'substitution') {
        part = 'criticOld';
        terminator = separator;
        terminatorCheck = separatorSequence;
      } else {
        terminator = syntax.close;
        terminatorCheck = closings.get(syntax.kind)!;
      }
      return partStart;
    };

    /** At the start of a part or of a line inside it, with no chunk open. */
    const partStart: State = (code) => {
      if (code === null) return nok(code);
      if (code === terminator[0]) return effects.check(terminatorCheck, endPart, openChunk)(code);
      return openChunk(code);
    };

    const openChunk: State = (code) => {
      if (code === null) return nok(code);
      if (part && !partOpen) {
        effects.enter(part);
        partOpen = true;
      }
      // Trailing spaces are content: `{--mot --}` deletes the space too.
      const token = effects.enter('chunkText', { contentType: 'text', previous, _contentTypeTextTrailing: true });
      if (previous) previous.next = token;
      previous = token;
      return consume(code);
    };

    /** Take the character into the content, whatever it is. */
    const consume: State = (code) => {
      if (code === null) return nok(code);
      if (markdownLineEnding(code)) {
        effects.consume(code);
        effects.exit('chunkText');
        return partStart;
      }
      effects.consume(code);
      return code === 92 ? escaped : data;
    };

    const data: State = (code) => {
      if (code === null) return nok(code);
      if (code === terminator[0]) return effects.check(terminatorCheck, endChunk, consume)(code);
      return consume(code);
    };

    /** `\+` and the like are content, never part of a marker (CommonMark §2.4, backslash escapes). */
    const escaped: State = (code) => {
      if (code !== null && asciiPunctuation(code)) {
        effects.consume(code);
        return data;
      }
      return data(code);
    };

    const endChunk: State = (code) => {
      effects.exit('chunkText');
      return endPart(code);
    };

    const endPart: State = (code) => {
      if (part && partOpen) effects.exit(part);
      partOpen = false;
      effects.enter('criticMarker');
      toConsume = terminator.length;
      return terminatorCharacters(code);
    };

    const terminatorCharacters: State = (code) => {
      effects.consume(code);
      toConsume -= 1;
      if (toConsume > 0) return terminatorCharacters;
      effects.exit('criticMarker');
      if (part === 'criticOld') {
        part = 'criticNew';
        terminator = syntax.close;
        terminatorCheck = closings.get('substitution')!;
        previous = undefined;
        return partStart;
      }
      effects.exit(syntax.token);
      return ok;
    };

    return start;
  };
}

/** The micromark extension. */
export function criticMarkup(): Extension {
  return { text: { 123: [...syntaxes.values()].map(criticConstruct) } };
}

const properties: Record<CriticKind | CriticPart, { hName: string; className: string[] }> = {
  insertion: { hName: 'ins', className: ['critic', 'critic-insertion'] },
  deletion: { hName: 'del', className: ['critic', 'critic-deletion'] },
  substitution: { hName: 'span', className: ['critic', 'critic-substitution'] },
  highlight: { hName: 'mark', className: ['critic', 'critic-highlight'] },
  comment: { hName: 'span', className: ['critic', 'critic-comment'] },
  old: { hName: 'del', className: ['critic-old'] },
  new: { hName: 'ins', className: ['critic-new'] },
};

function criticSpan(kind: CriticKind | CriticPart): Span {
  const { hName, className } = properties[kind];
  const data: CriticData = { hName, hProperties: { className } };
  if (kind === 'old' || kind === 'new') data.criticPart = kind;
  else data.critic = kind;
  return { type: 'span', children: [], data };
}

function enter(kind: CriticKind | CriticPart) {
  return function (this: CompileContext, token: Token) {
    this.enter(criticSpan(kind) as unknown as Nodes as never, token);
  };
}

function exit(this: CompileContext, token: Token) {
  this.exit(token);
}

function exitSubstitution(this: CompileContext, token: Token) {
  // An empty half has no token, hence no span: add it, so that a substitution always has both.
  const node = this.stack[this.stack.length - 1] as unknown as Span;
  const parts = node.children as unknown as Span[];
  if (!parts.some((child) => criticPartOf(child) === 'old')) parts.unshift(criticSpan('old'));
  if (!parts.some((child) => criticPartOf(child) === 'new')) parts.push(criticSpan('new'));
  this.exit(token);
}

/** The mdast-util-from-markdown extension. */
export const criticFromMarkdown: FromMarkdownExtension = {
  // A correction may run over several lines of its paragraph: keep its line endings as text.
  canContainEols: ['span'],
  enter: {
    criticInsertion: enter('insertion'),
    criticDeletion: enter('deletion'),
    criticSubstitution: enter('substitution'),
    criticHighlight: enter('highlight'),
    criticComment: enter('comment'),
    criticOld: enter('old'),
    criticNew: enter('new'),
  },
  exit: {
    criticInsertion: exit,
    criticDeletion: exit,
    criticSubstitution: exitSubstitution,
    criticHighlight: exit,
    criticComment: exit,
    criticOld: exit,
    criticNew: exit,
  },
};

/** What a span is, if it is CriticMarkup. */
export function criticKindOf(node: { type: string; data?: unknown }): CriticKind | undefined {
  return node.type === 'span' ? (node.data as CriticData | undefined)?.critic : undefined;
}

export function criticPartOf(node: { type: string; data?: unknown }): CriticPart | undefined {
  return node.type === 'span' ? (node.data as CriticData | undefined)?.criticPart : undefined;
}

/** The unified plugin, registered by the Markdown reader (markdown/parse.ts). */
export function remarkCriticMarkup(this: Processor) {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(criticMarkup());
  (data.fromMarkdownExtensions ??= []).push(criticFromMarkdown);
}
