/**
 * Our step after epub-gen-memory renders: the package document (content.opf) corrected from the
 * book's own data, without forking the package. epub-gen-memory writes `xml:lang="en"` on the
 * package whatever the language, a random identifier, the clock as `dcterms:modified`, « anonymous »
 * as creator and publisher, an empty `dc:description` (an EPUBCheck error), invented rights, no
 * `cover-image` property, no roles, no accessibility metadata and a guide whose `text` points at the
 * table of contents. The OPF is parsed (xast), its `metadata` rebuilt, its manifest, spine and guide
 * corrected, and written back. A pure function: text and facts in, text out.
 */
import type { Root, Element, ElementContent } from 'xast';
import { fromXml } from 'xast-util-from-xml';
import { toXml } from 'xast-util-to-xml';
import { x } from 'xastscript';
import type { BookIdentifier } from './identifier.ts';

export interface Person {
  name: string;
  /** MARC relator (EPUB 3.3 §D.3.3 `role`, scheme `marc:relators`): aut, edt, trl. */
  role: 'aut' | 'edt' | 'trl';
}

export interface AccessibilityFacts {
  accessModes: string[];
  accessModesSufficient: string[];
  features: string[];
  hazards: string[];
  summary: string;
  conformsTo: string;
  /** The print edition the page-break markers come from, when there are some. */
  pageBreakSource?: string;
}

export interface PackageFacts {
  language: string;
  identifier: BookIdentifier;
  title: string;
  subtitle?: string;
  /** Primary responsibility (authors, editors of a collective work): `dc:creator`. */
  creators: Person[];
  /** Secondary responsibility (translators): `dc:contributor`. */
  contributors: Person[];
  publisher?: string;
  date?: string;
  rights?: string;
  /** `CCYY-MM-DDThh:mm:ssZ` */
  modified: string;
  accessibility: AccessibilityFacts;
  /** The cover image as epub-gen-memory names it (`cover.png`). */
  coverImage?: string;
  /** Content documents with inline SVG (the maps): manifest property `svg` (EPUB 3.3 §5.6.2.2). */
  svgDocuments?: string[];
  /** Documents we add to the package, in the order they open the spine. */
  addedDocuments: Array<{ id: string; href: string; spine: boolean }>;
  /** The EPUB 2 guide, for the reading systems that still read it. */
  guide: Array<{ type: string; title: string; href: string }>;
}

const newline = (indent: number): ElementContent => ({ type: 'text', value: `\n${' '.repeat(indent)}` });

/** Children with one element per line, as a person would write them. */
function lines(children: Element[], indent: number): ElementContent[] {
  return [...children.flatMap((child) => [newline(indent), child]), newline(indent - 4)];
}

export function packageMetadata(facts: PackageFacts): Element[] {
  const meta: Element[] = [];
  const refine = (id: string, property: string, value: string, scheme?: string) =>
    x('meta', { refines: `#${id}`, property, ...(scheme ? { scheme } : {}) }, value);

  meta.push(x('dc:identifier', { id: 'pub-id' }, facts.identifier.value));
  if (facts.identifier.onixType) meta.push(refine('pub-id', 'identifier-type', facts.identifier.onixType, 'onix:codelist5'));
  meta.push(x('dc:title', { id: 'title' }, facts.title), refine('title', 'title-type', 'main'));
  if (facts.subtitle) meta.push(x('dc:title', { id: 'subtitle' }, facts.subtitle), refine('subtitle', 'title-type', 'subtitle'));
  meta.push(x('dc:language', facts.language));
  const people = (element: 'dc:creator' | 'dc:contributor', list: Person[], prefix: string) =>
    list.forEach((person, i) => {
      const id = `${prefix}-${i + 1}`;
      meta.push(x(element, { id }, person.name), refine(id, 'role', person.role, 'marc:relators'), refine(id, 'display-seq', String(i + 1)));
    });
  people('dc:creator', facts.creators, 'creator');
  people('dc:contributor', facts.contributors, 'contributor');
  if (facts.publisher) meta.push(x('dc:publisher', facts.publisher));
  if (facts.date) meta.push(x('dc:date', facts.date));
  if (facts.rights) meta.push(x('dc:rights', facts.rights));
  meta.push(x('meta', { property: 'dcterms:modified' }, facts.modified));

  // EPUB Accessibility 1.1 §5.1 (discovery metadata, schema.org) and §5.2 (conformance).
  const a11y = facts.accessibility;
  for (const mode of a11y.accessModes) meta.push(x('meta', { property: 'schema:accessMode' }, mode));
  for (const modes of a11y.accessModesSufficient) meta.push(x('meta', { property: 'schema:accessModeSufficient' }, modes));
  for (const feature of a11y.features) meta.push(x('meta', { property: 'schema:accessibilityFeature' }, feature));
  for (const hazard of a11y.hazards) meta.push(x('meta', { property: 'schema:accessibilityHazard' }, hazard));
  meta.push(x('meta', { property: 'schema:accessibilitySummary' }, a11y.summary));
  meta.push(x('meta', { property: 'dcterms:conformsTo' }, a11y.conformsTo));
  if (a11y.pageBreakSource) {
    // The source of the page numbers, as EPUB 3.2 §4.2.3 (`source-of pagination`) and EPUB
    // Accessibility 1.0 state it. EPUB Accessibility 1.1's `a11y:pageBreakSource` is an error for
    // EPUBCheck 4.2.6 (Debian's, the one the tests run): undefined in the EPUB 3.2 a11y vocabulary.
    meta.push(x('dc:source', { id: 'print-source' }, a11y.pageBreakSource), refine('print-source', 'source-of', 'pagination'));
  }

  // EPUB 2 reading systems find the cover through this (OPF 2.0.1 convention); harmless in EPUB 3.
  if (facts.coverImage) meta.push(x('meta', { name: 'cover', content: 'image_cover' }));
  // Apple Books shows the embedded fonts only when told to.
  meta.push(x('meta', { property: 'ibooks:specified-fonts' }, 'true'));
  return meta;
}

const isElement = (node: unknown, name: string): node is Element =>
  typeof node === 'object' && node !== null && (node as Element).type === 'element' && (node as Element).name === name;

function child(parent: Element | Root, name: string): Element {
  const found = parent.children.find((node) => isElement(node, name));
  if (!found) throw new Error(`content.opf from epub-gen-memory has no <${name}>: its template changed; see docs/epub.md`);
  return found as Element;
}

export function fixPackageDocument(opf: string, facts: PackageFacts): string {
  const tree = fromXml(opf);
  const pkg = child(tree, 'package');
  pkg.attributes['xml:lang'] = facts.language;
  pkg.attributes['unique-identifier'] = 'pub-id';
  // `ibooks:` is not a reserved prefix (EPUB 3.3 §D.1.4): it must stay declared.
  pkg.attributes.prefix = 'ibooks: http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/';
  delete pkg.attributes['xmlns:media'];

  const metadata = child(pkg, 'metadata');
  metadata.attributes = { 'xmlns:dc': 'http://purl.org/dc/elements/1.1/' };
  metadata.children = lines(packageMetadata(facts), 8);

  const manifest = child(pkg, 'manifest');
  const items = manifest.children.filter((node): node is Element => isElement(node, 'item'));
  for (const item of items) {
    const href = String(item.attributes.href);
    if (facts.coverImage && href === facts.coverImage) item.attributes.properties = 'cover-image';
    if (facts.svgDocuments?.includes(href)) {
      const properties = String(item.attributes.properties ?? '').split(' ').filter(Boolean);
      item.attributes.properties = [...properties, 'svg'].join(' ');
    }
  }
  const added = facts.addedDocuments.map((doc) => x('item', { id: doc.id, href: doc.href, 'media-type': 'application/xhtml+xml' }));
  manifest.children = lines([...added, ...items], 8);

  const spine = child(pkg, 'spine');
  const itemrefs = spine.children.filter((node): node is Element => isElement(node, 'itemref'));
  const opening = facts.addedDocuments.filter((doc) => doc.spine).map((doc) => x('itemref', { idref: doc.id }));
  spine.children = lines([...opening, ...itemrefs], 8);

  const guide = pkg.children.find((node) => isElement(node, 'guide')) as Element | undefined;
  if (guide) guide.children = lines(facts.guide.map((ref) => x('reference', ref)), 8);

  return toXml(tree, { closeEmptyElements: true });
}
