/**
 * The one catalogue of check rules: stable ids, default severity, a hint. Ids are never reused for
 * another meaning; a retired rule keeps its line with `retired: true`.
 * Severity here is the default; `rules:` in book.yaml overrides it per book.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface RuleInfo {
  severity: Severity;
  /** What the rule guards, for `book check --rules` and the docs. */
  description: string;
  retired?: boolean;
}

export const catalogue = {
  // Notes
  'footnote-undefined': { severity: 'error', description: 'A note call with no definition, or a `[^x]` left as text.' },
  'footnote-unused': { severity: 'error', description: 'A note definition that no call refers to.' },
  'footnote-duplicate': { severity: 'error', description: 'Two note definitions with the same label.' },
  'footnote-empty': { severity: 'error', description: 'A note definition with no text.' },
  'footnote-in-heading': { severity: 'error', description: 'A note call in a heading.' },
  'footnote-call-after-punctuation': { severity: 'warning', description: 'In French the note call stands before the punctuation.' },
  // Citations and bibliography
  'citation-unknown-key': { severity: 'error', description: 'A citation key not in the bibliography.' },
  'citation-unused-entry': { severity: 'warning', description: 'A bibliography entry never cited.' },
  'citation-duplicate-key': { severity: 'error', description: 'The same key twice in the bibliography files.' },
  'citation-missing-field': { severity: 'error', description: 'An entry lacking what its type needs to be cited.' },
  'citation-bad-locator': { severity: 'error', description: 'A locator label the style cannot render.' },
  'bibliography-invalid': { severity: 'error', description: 'A bibliography file that cannot be parsed.' },
  // Sources and names
  'quote-unsourced': { severity: 'error', description: 'A testimony, document or long quotation with no citation or source.' },
  'name-mixed-script': { severity: 'error', description: 'A word mixing Latin and Cyrillic letters.' },
  // Structure
  'link-broken-anchor': { severity: 'error', description: 'A link to an anchor that exists nowhere in the book.' },
  'image-missing': { severity: 'error', description: 'An image whose file does not exist.' },
  'image-no-alt': { severity: 'error', description: 'An image with no alternative text.' },
  'directive-unknown': { severity: 'warning', description: 'A `:::name` block the book does not know.' },
  'chapter-no-title': { severity: 'warning', description: 'A chapter with no level-1 heading and no title in its front matter.' },
  'front-matter-invalid': { severity: 'error', description: 'Chapter front matter that cannot be read.' },
  // Sanitizing: what the editions leave out of untrusted Markdown (scripts/render/sanitize.ts)
  'attribute-unsafe': { severity: 'error', description: 'An attribute the editions do not allow (event handlers, `style`, `autofocus`, a `lang` that is no language tag…): left out of them.' },
  'link-unsafe': { severity: 'error', description: 'A link or image address other than http, https, mailto or a link inside the book (`javascript:`, `data:`, `//host`…): left out of the editions.' },
  'html-raw': { severity: 'error', description: 'Raw HTML in the Markdown (comments excepted): never copied into the editions.' },
  // Editorial
  'todo-marker': { severity: 'info', description: 'An editorial marker (`:::todo`) left for the editors.' },
  'critic-unresolved': { severity: 'error', description: 'CriticMarkup left in the manuscript.' },
  // Manuscript files: where they are and how they are written (scripts/manuscript/inside.ts, read-text.ts, names.ts)
  'path-outside-manuscript': { severity: 'error', description: 'A chapter, image, bibliography, style, locale or names registry outside the manuscript folder (symbolic links followed): never read into an edition.' },
  'encoding-invalid': { severity: 'error', description: 'A manuscript file that is not valid UTF-8, at its first bad byte; the build stops.' },
  'names-invalid': { severity: 'error', description: 'A names registry (`persons.yaml`) that cannot be read or breaks its schema.' },
  // Page names, ids and nesting: what the editions name and how deep they go (scripts/render/ids.ts, scripts/markdown/nesting.ts)
  'chapter-id-duplicate': { severity: 'warning', description: 'A chapter whose id (front matter `id`, or its file name) is another chapter\'s or a name the editions keep for their own pages (`index`, `toc`…): published under another name.' },
  'id-duplicate': { severity: 'warning', description: 'An id given with `{#id}` that another element of the book has, or that the book generates (notes, parts, contents…): published under another id.' },
  'nesting-too-deep': { severity: 'error', description: 'Blocks or inline elements nested more than 100 levels deep: what lies deeper is left out, and the chapter cannot be built, even as a draft.' },
  // Configuration and suppressions
  'config-invalid': { severity: 'error', description: 'book.yaml cannot be used as it is.' },
  'manuscript-missing': { severity: 'error', description: 'The manuscript folder or its files cannot be found.' },
  'ignore-unused': { severity: 'warning', description: 'A `book-ignore` comment that silences nothing.' },
  'ignore-unknown-rule': { severity: 'warning', description: 'A `book-ignore` comment naming no known rule.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof catalogue;

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(catalogue, id);
}
