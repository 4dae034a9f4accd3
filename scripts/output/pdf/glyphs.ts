/**
 * Characters the book's type lacks, set with characters it has, in print only. The EB Garamond
 * files (@fontsource subsets) have no narrow no-break space (U+202F, put inside « » and before ; ! ?
 * by the French typography) and no non-breaking hyphen (U+2011, in page ranges). Chromium would take
 * those glyphs from whatever system font has them, and embed that font too: the PDF would depend on
 * the machine. Instead:
 *   U+202F → WORD JOINER + THIN SPACE (U+2009, 1/10 em in EB Garamond) + WORD JOINER
 *   U+2011 → WORD JOINER + HYPHEN-MINUS + WORD JOINER
 *   line feed (Markdown's soft line breaks, the newlines between blocks) → space: rendered as a
 *   space anyway, but Chromium looks for a font with a glyph for U+000A and embeds it.
 * The word joiners (UAX #14, class WJ: no break before or after) keep the old promise that no line
 * breaks there — never « at the end of a line nor » at the start of one — and, being default
 * ignorable, need no glyph. Pure: works on the tree it is given.
 */
import type { Root, Element } from 'hast';

const WJ = '\u2060';
const replacements: Array<[RegExp, string]> = [
  [/\u202f/g, `${WJ}\u2009${WJ}`],
  [/\u2011/g, `${WJ}-${WJ}`],
  [/\n/g, ' '],
];

function replace(text: string): string {
  for (const [pattern, value] of replacements) text = text.replace(pattern, value);
  return text;
}

export function printableGlyphs(tree: Root | Element): void {
  const walk = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type === 'text') {
        child.value = replace(child.value);
      } else if (child.type === 'element') {
        if (child.tagName === 'script' || child.tagName === 'style' || child.tagName === 'pre') continue;
        // Running heads come from attributes (string-set … attr()).
        for (const [key, value] of Object.entries(child.properties)) {
          if (key.startsWith('data') && typeof value === 'string') child.properties[key] = replace(value);
        }
        walk(child);
      }
    }
  };
  walk(tree);
}
