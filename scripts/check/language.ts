/**
 * The language of the text a rule reads, as HTML decides it (the nearest `lang`): a span
 * `[…]{lang=en}`, a `:::` block with `lang="en"`, else the chapter's front matter `lang`, else the
 * book's `language`. Rules that belong to one language's typography (the French place of the note
 * call) ask it here, so that an English quotation inside a French book is read as English.
 */
import type { Node } from 'unist';

/** The `lang` a node sets on its text, if any: a span's attribute or a directive's. */
function langSetBy(node: Node): string | undefined {
  const data = (node as { data?: { hProperties?: Record<string, unknown> } }).data;
  const fromSpan = data?.hProperties?.lang;
  if (typeof fromSpan === 'string' && fromSpan !== '') return fromSpan;
  const attributes = (node as { attributes?: Record<string, unknown> | null }).attributes;
  const fromDirective = attributes?.lang;
  return typeof fromDirective === 'string' && fromDirective !== '' ? fromDirective : undefined;
}

/** The language of a node's text: the nearest `lang` among its ancestors (nearest last), else the chapter's. */
export function languageAt(ancestors: readonly Node[], chapterLang: string): string {
  for (let i = ancestors.length - 1; i >= 0; i -= 1) {
    const lang = langSetBy(ancestors[i]);
    if (lang) return lang;
  }
  return chapterLang;
}

/** Whether a BCP 47 tag is of the given primary language (`fr`, `fr-FR`, `FR-ca` are French). */
export function isLanguage(tag: string, primary: string): boolean {
  return tag.toLowerCase().split('-')[0] === primary;
}
