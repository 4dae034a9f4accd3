/**
 * The Markdown reader: CommonMark + GFM, YAML front matter, block directives (`:::testimony`,
 * `:::document`, `:::todo`, `::bibliography`) and Pandoc's inline syntaxes. It gives the mdast of
 * one chapter, with positions, ready for the checks and the transforms.
 */
import { unified, type Processor } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import { directive } from 'micromark-extension-directive';
import { directiveFromMarkdown } from 'mdast-util-directive';
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { protectEscapesFromMarkdown } from './escapes.ts';
import { remarkPandocInline } from './pandoc-inline.ts';
import { remarkCriticMarkup } from '../critic/syntax.ts';
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

export function createParser() {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkBlockDirectives)
    .use(remarkProtectEscapes)
    .use(remarkCriticMarkup)
    .use(remarkPandocInline);
}

const parser = createParser();

/** Parse one chapter file into mdast (syntax only: no typography, no numbering). */
export function parseMarkdown(file: VFile): Root {
  return parser.runSync(parser.parse(file), file) as Root;
}
