/**
 * The one catalogue of message ids: every message the tool gives, from a check rule, from loading
 * the manuscript or from an edition's writer, has its id here, with its default severity and what
 * it guards. Ids are never reused for another meaning; a retired id keeps its line with
 * `retired: true`. Severity here is the default; `rules:` in book.yaml overrides it per book,
 * except for the ids marked `fixed` (see `fixedBecause`). Messages are made by `report()`
 * (messages.ts), which takes the severity from here. Documented in docs/check-rules.md.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface RuleInfo {
  severity: Severity;
  /** What the rule guards, for `book check --rules` and the docs. */
  description: string;
  /**
   * `build`: reported only while an edition is written (`book build`), never by `book check`;
   * `resolve`: only by `book accept` and `book reject`; `preview`: only by `book preview`. Absent:
   * reported by `book check` (by a rule, or while the manuscript is loaded) and by every command
   * that reads the manuscript.
   */
  stage?: 'build' | 'resolve' | 'preview';
  /** The edition whose writer reports it (the message's `source`); absent: `book`. */
  edition?: 'pdf' | 'epub';
  /**
   * The severity cannot be set in book.yaml (config-invalid at the line that tries): a file that
   * cannot be read or a book.yaml that cannot be used stops the build whatever it says, and a
   * writer's messages come after the checks that `rules:` governs.
   */
  fixed?: true;
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
  'quote-unsourced': { severity: 'warning', description: 'A blockquote with no note or citation inside, at its end, or in the sentence before or after it.' },
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
  'path-outside-manuscript': { severity: 'error', fixed: true, description: 'A chapter, image, bibliography, style, locale or names registry outside the manuscript folder (symbolic links followed): never read into an edition.' },
  'encoding-invalid': { severity: 'error', fixed: true, description: 'A manuscript file that is not valid UTF-8, at its first bad byte; the build stops.' },
  'names-invalid': { severity: 'error', fixed: true, description: 'A names registry (`persons.yaml`) that cannot be read or breaks its schema.' },
  'places-invalid': { severity: 'error', fixed: true, description: 'A places registry (`places.yaml`) that cannot be read or breaks its schema (a latitude or longitude out of range, an id used twice…).' },
  'glossary-invalid': { severity: 'error', fixed: true, description: 'A glossary or list of abbreviations (`glossary.yaml`, `abbreviations:`) that cannot be read or breaks its schema (a term without definition, an abbreviation without expansion, an entry twice…).' },
  // Page names, ids and nesting: what the editions name and how deep they go (scripts/render/ids.ts, scripts/markdown/nesting.ts)
  'chapter-id-duplicate': { severity: 'warning', description: 'A chapter whose id (front matter `id`, or its file name) is another chapter\'s or a name the editions keep for their own pages (`index`, `toc`…): published under another name.' },
  'id-duplicate': { severity: 'warning', description: 'An id given with `{#id}` that another element of the book has, or that the book generates (notes, parts, contents…): published under another id.' },
  'nesting-too-deep': { severity: 'error', description: 'Blocks or inline elements nested more than 100 levels deep: what lies deeper is left out, and the chapter cannot be built, even as a draft.' },
  // Maps (scripts/maps/, `::map`)
  'map-place-unknown': { severity: 'error', description: 'A `::map` that names no place, or a place id the places registry (`places.yaml`) does not have (or the book names no registry).' },
  'map-place-no-coordinates': { severity: 'error', description: 'A `::map` naming a place that has no `lat` and `lon` in the places registry: it cannot be drawn.' },
  // Configuration and suppressions
  'config-invalid': { severity: 'error', fixed: true, description: 'book.yaml cannot be used as it is (an unknown key or rule id, a bad value, a missing chapter file…), at its line; the build stops.' },
  'manuscript-missing': { severity: 'error', fixed: true, description: 'The manuscript folder or its files cannot be found; the build stops.' },
  'ignore-unused': { severity: 'warning', description: 'A `book-ignore` comment that silences nothing.' },
  'ignore-unknown-rule': { severity: 'error', description: 'A `book-ignore` comment naming no known rule id (a misspelt id silences nothing).' },
  // `book accept` / `book reject` (scripts/critic/resolve.ts): no file is changed
  'file-unwritable': { severity: 'error', stage: 'resolve', fixed: true, description: 'A file `book accept` or `book reject` cannot replace safely (read-only, in a folder that is not writable, changed while resolving, a write that failed): no file is changed.' },
  // The EPUB's writer (scripts/output/epub/): the EPUB is not made
  'epub-image': { severity: 'error', stage: 'build', edition: 'epub', fixed: true, description: 'An image the EPUB cannot carry (no text alternative, or not a file of the manuscript), even in a draft: the EPUB is not made.' },
  'epub-font-coverage': { severity: 'error', stage: 'build', edition: 'epub', fixed: true, description: 'A character of the text that no embedded font draws, with its code point: the EPUB is not made.' },
  // The PDF's layout (scripts/output/pdf/): reported at the block concerned, the PDF is written
  'pdf-footnote-page': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'A note printed on another page than its call.' },
  'pdf-footnote-lost': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'A note called in the text and printed nowhere.' },
  'pdf-footnote-doubled': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'A note printed twice.' },
  'pdf-orphan': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'A paragraph leaving a single line at the foot of a page.' },
  'pdf-widow': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'A paragraph ending with a single line at the head of a page.' },
  'pdf-heading-at-foot': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'A heading alone at the foot of a page.' },
  'pdf-browser-error': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'Chromium reported a script error while Paged.js laid out the book.' },
  'pdf-request-failed': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'The print document asked for a file that was refused (all must come from the build folder).' },
  // `book preview` (scripts/preview/site.ts): the page keeps its last good version
  'preview-failed': { severity: 'error', stage: 'preview', fixed: true, description: 'The preview could not rebuild a chapter (or the book) for a reason no message of the manuscript gives, an error of the tool: the page keeps its last good version.' },
  // French typography the author types (scripts/typography/; `book fix` applies the safe fixes)
  'typography-range-hyphen': { severity: 'warning', description: 'In French text, a range of years or numbers written with a hyphen (`1939-1945`) rather than an en dash (`1939–1945`).' },
  'typography-numero': { severity: 'warning', description: 'In French text, `no 7` or `No 7` for « numéro » rather than `n^o^ 7` (o in superscript).' },
  'typography-english-quotes': { severity: 'warning', description: 'In French text, English quotation marks “ ” rather than « » (not inside « », where they are second-level quotes).' },
  'typography-ellipsis': { severity: 'warning', description: 'In French text, three dots `...` rather than the ellipsis `…`.' },
  // Figures and cross-references (scripts/crossref/)
  'crossref-unknown': { severity: 'error', description: 'A cross-reference (`[@fig:x]`, `[@sec:x]`, `[@tbl:x]`, `@fig:x`) to a label no figure, section or table of the book carries.' },
  'image-no-credit': { severity: 'warning', description: 'In a release (`status: release`), a figure with no `credit="…"`: whose picture it is goes under it and in the list of illustrations.' },
  // Print production (scripts/output/print/): the ISBN, then the preflight of the printer's files
  'isbn-check-digit': { severity: 'error', fixed: true, description: 'An ISBN in book.yaml whose check digit is wrong (a typing slip): its barcode would scan as another book; the build stops.' },
  'print-page-count-odd': { severity: 'info', stage: 'build', edition: 'pdf', fixed: true, description: 'The book has an odd number of pages: a blank page is added at the end of the print files, as printers need a whole number of leaves.' },
  'print-image-resolution-low': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'An image printed at under 300 ppi (its pixels over its printed size): it may print soft.' },
  'print-image-resolution-too-low': { severity: 'error', stage: 'build', edition: 'pdf', fixed: true, description: 'An image printed at under 150 ppi: it will print blurred or in blocks; a release build stops.' },
  'print-font-embedding': { severity: 'error', stage: 'build', edition: 'pdf', fixed: true, description: 'A font whose licence (its OS/2 `fsType`) forbids embedding it in a PDF: no printer may receive it; a release build stops.' },
  'print-line-too-thin': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'A rule or border in the print design thinner than the printer\'s minimum line (0.25 pt by default): it may not print.' },
  'print-text-too-small': { severity: 'warning', stage: 'build', edition: 'pdf', fixed: true, description: 'Text printed smaller than the printer\'s minimum size (6 pt by default, 7 pt for KDP).' },
  // Sources of testimonies and documents (split from quote-unsourced, which now covers blockquotes, as a warning)
  'testimony-unsourced': { severity: 'error', description: 'A `:::testimony` or `:::document` with no note or citation inside and no `source` or `archive` attribute.' },
  // Print production: the printer's safety zone, and a draft's printer files
  'print-margin-too-small': { severity: 'error', fixed: true, description: 'A page margin (book.yaml `print.margins`, or the print design as laid out), a running head, a folio or a block of the text closer to the trim than the chosen printer allows (`print.printer`); a release build stops.' },
  'print-draft-not-for-press': { severity: 'info', stage: 'build', edition: 'pdf', fixed: true, description: 'A draft build (`--draft`) wrote the printer\'s files although the preflight found errors: not to be sent to the printer.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof catalogue;

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(catalogue, id);
}

export function ruleInfo(id: RuleId): RuleInfo {
  return catalogue[id];
}

/**
 * Why book.yaml may not set `id` to `setting`, or undefined when it may. A fixed id may be named
 * with its own default severity (harmless), nothing else.
 */
export function fixedBecause(id: RuleId, setting: string): string | undefined {
  const info = ruleInfo(id);
  if (!info.fixed || setting === info.severity) return undefined;
  if (info.stage === 'preview') return `is reported by the preview when it cannot rebuild a page: its severity (${info.severity}) cannot be set in book.yaml`;
  return info.stage === 'build'
    ? `is reported by the ${info.edition === 'pdf' ? 'PDF' : 'EPUB'} writer, after the checks: its severity (${info.severity}) cannot be set in book.yaml`
    : `stops the build when it is reported: its severity (${info.severity}) cannot be lowered or turned off in book.yaml`;
}

/**
 * The known id nearest to a misspelt one (`footnote-unusd` → `footnote-unused`): the smallest
 * edit distance, if it is small enough to be a slip (at most a third of the id).
 */
export function nearestRuleId(id: string): RuleId | undefined {
  let best: { id: RuleId; distance: number } | undefined;
  for (const known of Object.keys(catalogue) as RuleId[]) {
    const distance = editDistance(id.toLowerCase(), known);
    if (!best || distance < best.distance) best = { id: known, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(id.length / 3)) ? best.id : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions, one each. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
