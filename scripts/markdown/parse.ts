/**
 * The Markdown reader: CommonMark + GFM, YAML front matter, block directives (`:::testimony`,
 * `:::document`, `:::todo`, `::bibliography`, `::map`, whose id may follow it: directive-id.ts)
 * and Pandoc's inline syntaxes. It gives the mdast of one chapter, with positions, ready for the
 * checks and the transforms.
 */
import { unified, type Pluggable, type Processor } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import { directive } from 'micromark-extension-directive';
import { directiveFromMarkdown } from 'mdast-util-directive';
import type { Root } from 'mdast';
import { VFile } from 'vfile';
import { protectEscapesFromMarkdown } from './escapes.ts';
import { gfmReadingOf, readSource, remarkGfmSyntax, type GfmReading } from './gfm-syntax.ts';
import { remarkPandocInline } from './pandoc-inline.ts';
import { remarkCriticMarkup } from './critic-syntax.ts';
import { remarkFigures } from './figure-syntax.ts';
import { remarkCrossrefsFromCitations } from '../crossref/from-citations.ts';
import { remarkDirectiveTrailingId } from './directive-id.ts';
import { cutDeepNodes, maskDeepLines, noteDeepPlaces, reportDeepPlaces, restoreOffsets } from './nesting.ts';
import './types.ts';

/**
 * Block directives only. Text directives (`:name`) are left out on purpose: in French prose a colon
 * is often followed by a letter (`Remarque:voici`, a time, a URL), and the manuscript has no use
 * for inline directives.
 */
function remarkBlockDirectives(this: Processor) {
  const data = this.data();
  const { flow } = directive();
  (data.micromarkExtensions ??= []).push({ flow });
  (data.fromMarkdownExtensions ??= []).push(directiveFromMarkdown());
}

function remarkProtectEscapes(this: Processor) {
  const data = this.data();
  (data.fromMarkdownExtensions ??= []).push(protectEscapesFromMarkdown);
}

/**
 * The reader. `gfm` is how it reads GFM: remarkGfmSyntax (gfm-syntax.ts), told what a text cannot
 * hold, which it then reads faster; the tests give it remark-gfm.
 */
export function createParser(gfm: Pluggable = [remarkGfmSyntax, { emailAutolinks: true, webAutolinks: true, findAutolinks: true } satisfies GfmReading]) {
  return unified()
    .use(remarkParse)
    .use([gfm])
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkBlockDirectives)
    .use(remarkDirectiveTrailingId)
    .use(remarkProtectEscapes)
    .use(remarkCriticMarkup)
    .use(remarkPandocInline)
    // pandoc-crossref: figures, table captions, and labels cited as `[@fig:x]` (scripts/crossref/).
    .use(remarkFigures)
    .use(remarkCrossrefsFromCitations);
}

/** The readers made so far, by what they look for. */
const readers = new Map<string, ReturnType<typeof createParser>>();

/** The reader for a chapter's source: told what the source cannot hold (gfm-syntax.ts). */
export function readerFor(source: string) {
  const reading = gfmReadingOf(source);
  const key = `${reading.emailAutolinks} ${reading.webAutolinks} ${reading.findAutolinks}`;
  let reader = readers.get(key);
  if (!reader) readers.set(key, (reader = createParser([remarkGfmSyntax, reading])));
  return reader;
}

/**
 * Parse one chapter file into mdast (syntax only: no typography, no numbering). Nesting deeper than
 * any stage can take is left out before and after parsing, and reported (nesting.ts).
 */
export function parseMarkdown(file: VFile): Root {
  const source = String(file.value);
  const { text, places } = maskDeepLines(source);
  const masked = text !== source;
  const reader = readerFor(text);
  const tree = readSource(text, () => reader.parse(masked ? new VFile({ path: file.path, value: text }) : file)) as Root;
  // Emptied lines keep their line break: only the offsets need putting back.
  if (masked) restoreOffsets(tree, source);
  noteDeepPlaces(file, places);
  noteDeepPlaces(file, cutDeepNodes(tree));
  const result = reader.runSync(tree, file) as Root;
  noteDeepPlaces(file, cutDeepNodes(result));
  reportDeepPlaces(file);
  return result;
}
