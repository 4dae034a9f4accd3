/**
 * Chapter content for the EPUB: the shared chapter rendering (scripts/render/chapter-hast.ts),
 * cloned, with only what EPUB reading systems need added (pandoc's EPUB writer works the same way
 * over its HTML writer):
 * - `epub:type` beside the DPUB-ARIA roles the rendering already sets on note calls and notes
 *   (EPUB 3.3 §D.4.1.9; reading systems that show notes as pop-ups look for `noteref`/`footnote`);
 * - `xml:lang` beside every `lang` (XHTML documents are read by XML tools that only know the former);
 * - the chapter wrapped in a `section` carrying its place in the book (front, body, back matter);
 * - `data-*` properties dropped: they are build metadata, and epub-gen-memory would drop them anyway;
 * - table cells' `align` (GFM column alignment) turned into a class, as epub-gen-memory drops it;
 * - an ordered list's `start` (a paragraph opening with « 1944. » is such a list) written as the
 *   CSS counter it sets (CSS Lists 3 §4.4, `list-item`), since epub-gen-memory refuses `start`.
 * Pure transforms: no file system; images are checked here and resolved by the writer.
 */
import type { Root, Element, ElementContent } from 'hast';
import { h } from 'hastscript';
import { visit } from '../../tree/visit.ts';
import { visitParents } from '../../tree/visit.ts';
import type { Position } from 'unist';
import path from 'node:path';
import type { Book, Chapter } from '../../model/index.ts';
import { numberBlocks } from '../../render/blocks.ts';
import { decodePercent, filePathOfUrl, isExternalUrl } from '../../manuscript/inside.ts';
import { cloneTree } from '../../tree/clone.ts';

const classes = (node: Element): string[] => {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : [];
};

/** An edition copy of the chapter, its blocks numbered as the print edition numbers them. */
export function chapterCopy(chapter: Chapter): Root {
  const tree = cloneTree(chapter.hast);
  numberBlocks(tree, chapter.id);
  return tree;
}

/** Add the EPUB structural semantics and the XML language attributes; drop `data-*`. */
export function addEpubSemantics(tree: Root): Root {
  visit(tree, 'element', (node: Element) => {
    const names = classes(node);
    if (node.tagName === 'a' && names.includes('noteref')) node.properties['epub:type'] = 'noteref';
    if (node.tagName === 'aside' && names.includes('footnote')) node.properties['epub:type'] = 'footnote';
    if (node.tagName === 'section' && names.includes('footnotes')) node.properties['epub:type'] = 'footnotes';
    // The glossary and its links (scripts/apparatus): EPUB 3 Structural Semantics Vocabulary.
    if (node.tagName === 'section' && names.includes('glossary')) node.properties['epub:type'] = 'glossary';
    if (node.tagName === 'dt' && names.includes('glossary-entry-term')) node.properties['epub:type'] = 'glossterm';
    if (node.tagName === 'dd' && names.includes('glossary-definition')) node.properties['epub:type'] = 'glossdef';
    if (node.tagName === 'a' && names.includes('glossary-term')) node.properties['epub:type'] = 'glossref';
    if (typeof node.properties.lang === 'string') node.properties.xmlLang = node.properties.lang;
    // GFM column alignment comes as `align`, obsolete in HTML5 and dropped by epub-gen-memory:
    // carried as a class instead (templates/epub/style.css aligns `.align-right` and the others).
    if (typeof node.properties.align === 'string') {
      node.properties.className = [...classes(node), `align-${node.properties.align}`];
      delete node.properties.align;
    }
    if (node.tagName === 'ol' && node.properties.start !== undefined) {
      const start = Number(node.properties.start);
      delete node.properties.start;
      // Our own style, not the author's: a whole number the sanitizer let through as `start`.
      if (Number.isSafeInteger(start) && start !== 1) node.properties.style = `counter-reset: list-item ${start - 1}`;
    }
    for (const key of Object.keys(node.properties)) if (/^data[A-Z]/.test(key)) delete node.properties[key];
  });
  return tree;
}

/** The partition (EPUB 3.3 §D.4.1.2) and DPUB-ARIA role of a chapter's section. */
function sectionSemantics(chapter: Chapter): { 'epub:type': string; role?: string } {
  switch (chapter.source.matter) {
    case 'front':
      return { 'epub:type': 'frontmatter' };
    case 'back':
      return { 'epub:type': 'backmatter' };
    default:
      return { 'epub:type': 'bodymatter chapter', role: 'doc-chapter' };
  }
}

function hasId(tree: Root, id: string): boolean {
  let found = false;
  visit(tree, 'element', (node: Element) => {
    if (node.properties.id === id) found = true;
  });
  return found;
}

/** The chapter's body content for its XHTML document. */
export function chapterBody(book: Book, chapter: Chapter, tree: Root): Root {
  addEpubSemantics(tree);
  const lang = chapter.lang !== book.meta.language ? chapter.lang : undefined;
  const label = hasId(tree, chapter.id) ? { ariaLabelledBy: chapter.id } : { ariaLabel: chapter.title };
  return {
    type: 'root',
    children: [
      h(
        'section',
        { className: ['chapter', `matter-${chapter.source.matter}`], ...sectionSemantics(chapter), ...label, lang, xmlLang: lang },
        tree.children as ElementContent[],
      ),
    ],
  };
}

/** A content document of the EPUB, for `resolveLinks`. */
export interface LinkedDocument {
  href: string;
  tree: Root;
  /** The file name of the Markdown it renders, for `chapitre.md#id` links. */
  sourceName?: string;
}

/**
 * Links between the book's documents: `chapitre.md#id` becomes the chapter's content document
 * (`chapitre.xhtml#id`), as the HTML edition makes it `chapitre.html#id`. A link inside the book
 * that lands on no document or on no id of it (`notes.pdf`, `/page`, an anchor that
 * link-broken-anchor reports) keeps its text without its `href`: EPUBCheck refuses a reference to
 * what the EPUB does not carry (RSC-007, RSC-012), and a draft build must still give a valid EPUB.
 */
export function resolveLinks(documents: readonly LinkedDocument[]): void {
  const ids = new Map<string, Set<string>>();
  const bySource = new Map<string, string>();
  for (const document of documents) {
    const found = new Set<string>();
    visit(document.tree, 'element', (node: Element) => {
      if (typeof node.properties.id === 'string') found.add(node.properties.id);
    });
    ids.set(document.href, found);
    if (document.sourceName && !bySource.has(document.sourceName)) bySource.set(document.sourceName, document.href);
  }
  for (const document of documents) {
    visit(document.tree, 'element', (node: Element) => {
      const href = node.tagName === 'a' ? node.properties.href : undefined;
      if (typeof href !== 'string' || isExternalUrl(href)) return;
      const hash = href.indexOf('#');
      const target = hash < 0 ? href : href.slice(0, hash);
      const fragment = hash < 0 ? '' : href.slice(hash + 1);
      const name = target === '' ? document.href : (bySource.get(path.basename(filePathOfUrl(target))) ?? (ids.has(target) ? target : undefined));
      if (name === undefined || (fragment !== '' && !ids.get(name)!.has(decodePercent(fragment)))) delete node.properties.href;
      else if (target !== '') node.properties.href = fragment === '' ? name : `${name}#${fragment}`;
    });
  }
}

export interface ImageProblem {
  node: Element;
  reason: string;
}

/**
 * Images without a text alternative (WCAG 2.1 SC 1.1.1). An empty `alt` would mark the image as
 * decorative; Markdown writes one whenever the author left the brackets empty (`![](photo.jpg)`),
 * and in a book of documents an image is never decoration: empty counts as missing.
 */
export function imagesWithoutAlt(tree: Root): ImageProblem[] {
  const problems: ImageProblem[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'img' && !(typeof node.properties.alt === 'string' && node.properties.alt.trim() !== '')) {
      problems.push({ node, reason: `Image \`${String(node.properties.src ?? '')}\` has no text alternative; give it one, as in ![what the image shows](file.jpg), for readers who cannot see it` });
    }
  });
  return problems;
}

/**
 * Replace characters by equivalents (fonts.ts decides which, from what the font draws). A pure
 * transform over text nodes; attributes (alt, aria-label) are read aloud, not drawn, and stay.
 */
export function substituteCharacters(tree: Root, substitutes: Map<string, string>): Root {
  if (substitutes.size === 0) return tree;
  const pattern = new RegExp(`[${[...substitutes.keys()].join('')}]`, 'gu');
  visit(tree, 'text', (node) => {
    node.value = node.value.replace(pattern, (c) => substitutes.get(c) ?? c);
  });
  return tree;
}

/**
 * The text a reader sees, for the font coverage check: every text node, with the place of the
 * nearest node that has one (generated text, such as a rendered citation, has none of its own).
 */
export function visibleText(tree: Root, each: (text: string, position: Position | undefined) => void): void {
  visitParents(tree, 'text', (node, ancestors) => {
    const placed = [node, ...[...ancestors].reverse()].find((candidate) => candidate.position);
    each(node.value, placed?.position);
  });
}
