/**
 * Sanitizing: every chapter's rendering passes through this allowlist (hast-util-sanitize) before
 * any edition reads `chapter.hast`, for the manuscript is untrusted (texts sent in by families,
 * archivists, translators). Allowed is what our renderer emits, nothing more:
 * - elements of CommonMark/GFM, our notes, sources, spans, todo blocks, CriticMarkup, citeproc-js's
 *   i/b/sup/sub/span/div/a; no script, style, iframe, object, media (dropped with their content);
 * - on every element `id` (one token, kept as written: no `user-content-` prefix), `class`, `lang`
 *   (a BCP 47 tag, as HTML asks), `dir`, `title`; DPUB-ARIA roles and aria-label(ledby)
 *   only where notes, todo blocks and the bibliography carry them; `data-cites` on citations;
 *   never `style`, event handlers, `autofocus`, `tabindex`, `name` (nor `epub:type`: the EPUB adds it);
 * - `href`: http, https, mailto or inside the book, never `//host`; `src`: a manuscript file only.
 * One schema, two uses: `reportUnsafe` reads it to say what goes (attribute-unsafe, link-unsafe,
 * html-raw), then hast-util-sanitize cleans, so the guarantee never rests on the report.
 */
import { sanitize, type Schema } from 'hast-util-sanitize';
import { find, html } from 'property-information';
import type { Element, ElementContent, Properties, Root } from 'hast';
import type { Position } from 'unist';

type Definition = NonNullable<Schema['attributes']>[string][number];

/** BCP 47 in shape (`kk`, `ru`, `en-GB`, `kk-Latn`): HTML asks `lang` for a language tag. */
const languageTag = /^[A-Za-z]{1,8}(?:-[A-Za-z\d]{1,8})*$/;
/** An HTML id is one token: not empty, no ASCII white space. */
const idToken = /^[^\t\n\f\r ]+$/;
/**
 * Not protocol-relative: `//host/x` (and `/\host`, which browsers read alike) would load from
 * another site while looking like a path. Leading white space and tabs are skipped as browsers do.
 */
const notProtocolRelative = /^(?![\t\n\f\r ]*[/\\][\t\n\r]*[/\\])/;
/** A path inside the manuscript: no scheme at all, not protocol-relative. */
const relativeOnly = /^(?![\t\n\f\r ]*(?:[a-z][a-z\d+.-]*:|[/\\][\t\n\r]*[/\\]))/i;

const ariaName: Definition[] = ['ariaLabel', 'ariaLabelledBy'];

export const sanitizeSchema: Schema = {
  tagNames: [
    // CommonMark and GFM, as mdast-util-to-hast renders them.
    'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'input', 'pre', 'code', 'hr', 'br',
    'em', 'strong', 'del', 'a', 'img', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
    // Our renderer: notes, sources, todo blocks, spans, superscripts; CriticMarkup.
    'section', 'aside', 'figure', 'figcaption', 'div', 'span', 'sup', 'ins', 'mark',
    // citeproc-js's HTML output (and the line-break opportunities citeproc-hast.ts puts in URLs).
    'i', 'b', 'sub', 'wbr',
  ],
  // Dropped with their content; any other element outside `tagNames` is replaced by its content.
  strip: ['script', 'style', 'template', 'noscript', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'audio', 'video', 'canvas', 'textarea', 'select', 'title', 'head', 'meta', 'link', 'base'],
  ancestors: { tbody: ['table'], thead: ['table'], tfoot: ['table'], tr: ['table'], td: ['table'], th: ['table'] },
  attributes: {
    '*': [['id', idToken], 'className', ['lang', languageTag], ['dir', 'ltr', 'rtl', 'auto'], 'title'],
    a: [['href', notProtocolRelative], ['role', 'doc-noteref', 'doc-backlink', 'doc-biblioref', 'doc-glossref'], ...ariaName],
    aside: [['role', 'doc-footnote', 'note'], ...ariaName],
    section: [['role', 'doc-bibliography', 'doc-endnotes', 'doc-chapter', 'doc-toc'], ...ariaName],
    img: [['src', relativeOnly], 'alt'],
    span: ['dataCites'],
    ol: ['start'],
    td: [['align', 'left', 'right', 'center']],
    th: [['align', 'left', 'right', 'center']],
    // GFM task lists.
    input: [['type', 'checkbox'], 'checked', ['disabled', true]],
  },
  required: { input: { type: 'checkbox', disabled: true } },
  // `src` has no list here: `relativeOnly` refuses every scheme (an empty list would allow them all).
  protocols: { href: ['http', 'https', 'mailto'] },
  clobber: [],
  clobberPrefix: '',
  allowComments: false,
  allowDoctypes: false,
};

export type SanitizeRuleId = 'attribute-unsafe' | 'link-unsafe' | 'html-raw';
export type UnsafeReport = (reason: string, place: Position | undefined, ruleId: SanitizeRuleId) => void;

export interface SanitizeOptions {
  /** Where to say what the schema takes away; without it the tree is cleaned silently. */
  report?: UnsafeReport;
  /** The source position of an element the renderer made without one (spans, headings, directives). */
  placeOf?: (element: Element) => Position | undefined;
}

/** What stands for an image that cannot be shown: its text alternative. */
export function imageStandIn(alt: unknown, position?: Position): Element {
  const element: Element = {
    type: 'element',
    tagName: 'span',
    properties: { className: ['image-unavailable'] },
    children: typeof alt === 'string' && alt !== '' ? [{ type: 'text', value: alt }] : [],
  };
  if (position) element.position = position;
  return element;
}

/** One attribute definition of the schema, read once: which values it lets through. */
interface Rule {
  /** No list of values: any string, number or boolean (a URL still has to pass `protocols`). */
  any: boolean;
  values: readonly unknown[];
  patterns: readonly RegExp[];
}

/** The schema read once into lookups: the walk then costs a few map reads per element. */
interface Compiled {
  tagNames: ReadonlySet<string>;
  strip: ReadonlySet<string>;
  ancestors: ReadonlyMap<string, readonly string[]>;
  byTag: ReadonlyMap<string, ReadonlyMap<string, Rule>>;
  /** The `data*` entry of a tag, which covers every `data…` property not named. */
  dataByTag: ReadonlyMap<string, Rule>;
  protocols: ReadonlyMap<string, readonly string[]>;
}

function ruleOf(definition: Definition): Rule {
  if (typeof definition === 'string' || definition.length < 2) return { any: true, values: [], patterns: [] };
  const allowed = definition.slice(1);
  return {
    any: false,
    patterns: allowed.filter((value): value is RegExp => value instanceof RegExp),
    values: allowed.filter((value) => !(value instanceof RegExp)),
  };
}

function compile(schema: Schema): Compiled {
  const byTag = new Map<string, Map<string, Rule>>();
  const dataByTag = new Map<string, Rule>();
  for (const [tag, definitions] of Object.entries(schema.attributes ?? {})) {
    const rules = new Map<string, Rule>();
    for (const definition of definitions) {
      const name = typeof definition === 'string' ? definition : definition[0];
      // hast-util-sanitize's `findDefinition` takes the first entry of a name.
      if (name === 'data*') {
        if (!dataByTag.has(tag)) dataByTag.set(tag, ruleOf(definition));
      } else if (!rules.has(name)) rules.set(name, ruleOf(definition));
    }
    byTag.set(tag, rules);
  }
  return {
    tagNames: new Set(schema.tagNames ?? []),
    strip: new Set(schema.strip ?? []),
    ancestors: new Map(Object.entries(schema.ancestors ?? {})),
    byTag,
    dataByTag,
    protocols: new Map(Object.entries(schema.protocols ?? {}).filter((entry): entry is [string, string[]] => Array.isArray(entry[1]) && entry[1].length > 0)),
  };
}

const compiled = compile(sanitizeSchema);

/** hast-util-sanitize's `findDefinition`: the named entry, else `data*` for a `data…` property. */
function ruleFor(c: Compiled, tag: string, key: string): Rule | undefined {
  const found = c.byTag.get(tag)?.get(key);
  if (found) return found;
  return key.length > 4 && key.slice(0, 4).toLowerCase() === 'data' ? c.dataByTag.get(tag) : undefined;
}

/** The scheme hast-util-sanitize sees in a URL: text before a colon that comes before any `/ ? #`. */
function schemeOf(url: string): string | undefined {
  const colon = url.indexOf(':');
  if (colon < 0) return undefined;
  for (const stop of ['/', '?', '#']) {
    const at = url.indexOf(stop);
    if (at > -1 && colon > at) return undefined;
  }
  return url.slice(0, colon);
}

/** hast-util-sanitize's `propertyValuePrimitive` (with `safeProtocol`), as a yes or no. */
function primitiveAllowed(c: Compiled, rule: Rule, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean' && typeof value !== 'number' && typeof value !== 'string') return false;
  const protocols = c.protocols.get(key);
  if (protocols) {
    const scheme = schemeOf(String(value));
    if (scheme !== undefined && !protocols.includes(scheme)) return false;
  }
  if (rule.any) return true;
  if (rule.values.includes(value)) return true;
  for (const pattern of rule.patterns) if (pattern.test(String(value))) return true;
  return false;
}

/**
 * What hast-util-sanitize will take away from one property: nothing (undefined), or the values it
 * drops (`unknown` when no definition covers the property at all).
 */
function removedValues(c: Compiled, tag: string, key: string, value: unknown): { unknown: boolean; values: unknown[] } | undefined {
  if (value === null || value === undefined) return undefined; // not an attribute: nothing to say
  const specific = ruleFor(c, tag, key);
  const fallback = ruleFor(c, '*', key);
  if (!specific && !fallback) return { unknown: true, values: Array.isArray(value) ? value : [value] };
  if (Array.isArray(value)) {
    // A list is filtered by the first definition found, as hast-util-sanitize does.
    const rule = (specific ?? fallback)!;
    if (rule.any && !c.protocols.has(key) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return undefined;
    const dropped = value.filter((item) => !primitiveAllowed(c, rule, key, item));
    return dropped.length ? { unknown: false, values: dropped } : undefined;
  }
  if (specific && primitiveAllowed(c, specific, key, value)) return undefined;
  if (fallback && primitiveAllowed(c, fallback, key, value)) return undefined;
  return { unknown: false, values: [value] };
}

const attributeName = (key: string) => find(html, key).attribute;

/** A value as a message quotes it: short, on one line. */
function quote(value: unknown): string {
  const text = String(value).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function allowedAttributes(c: Compiled, tag: string): string {
  const names = [...(c.byTag.get('*')?.keys() ?? []), ...(c.byTag.get(tag)?.keys() ?? [])].map(attributeName);
  return [...new Set(names)].map((name) => `\`${name}\``).join(', ');
}

function linkReason(url: string): string {
  const shown = quote(url);
  const scheme = schemeOf(url);
  if (scheme !== undefined && ['http', 'https', 'mailto'].includes(scheme.toLowerCase())) {
    return `Link \`${shown}\` is left out of the editions: write its scheme \`${scheme.toLowerCase()}:\` in lower case`;
  }
  if (scheme !== undefined) {
    return `Link \`${shown}\` uses \`${scheme}:\`, which the editions do not allow (only http, https, mailto and links inside the book); its text is kept without the link: correct or remove it`;
  }
  return `Link \`${shown}\` leaves out its scheme, and the editions do not follow such links to other sites; its text is kept without the link: write the address in full (\`https:${shown.replace(/^[\s/\\]+/, '//')}\`)`;
}

function valueReason(tag: string, key: string, value: unknown): { reason: string; ruleId: SanitizeRuleId } {
  const name = attributeName(key);
  if (key === 'href') return { reason: linkReason(String(value)), ruleId: 'link-unsafe' };
  if (key === 'src') {
    return {
      reason: `Image \`${quote(value)}\` is not a file of the manuscript, and the editions never load anything from the network; its text alternative stands in its place: copy the file into the manuscript folder`,
      ruleId: 'link-unsafe',
    };
  }
  if (key === 'lang') {
    return { reason: `\`lang="${quote(value)}"\` is not a language tag such as \`kk\`, \`ru\` or \`en-GB\` (BCP 47); the editions leave it out: correct it`, ruleId: 'attribute-unsafe' };
  }
  if (key === 'id') {
    return { reason: `\`id="${quote(value)}"\` is not a usable id (empty, or with spaces); the editions leave it out: write one word, such as \`{#temoignage-1}\``, ruleId: 'attribute-unsafe' };
  }
  return { reason: `\`${name}="${quote(value)}"\` is not a value the editions allow on <${tag}>; it is left out of them: remove it`, ruleId: 'attribute-unsafe' };
}

interface WalkState {
  c: Compiled;
  report: UnsafeReport;
  placeOf?: (element: Element) => Position | undefined;
  /** Tag names of the ancestors, for `ancestors` (a `td` outside a `table` is not kept). */
  stack: string[];
}

function elementAllowed(state: WalkState, name: string): boolean {
  if (!name || name === '*' || !state.c.tagNames.has(name)) return false;
  const required = state.c.ancestors.get(name);
  return !required || required.some((ancestor) => state.stack.includes(ancestor));
}

function reportProperties(state: WalkState, element: Element, place: Position | undefined): void {
  const tag = element.tagName;
  const properties: Properties = element.properties;
  for (const key in properties) {
    if (!Object.hasOwn(properties, key)) continue;
    const removed = removedValues(state.c, tag, key, properties[key]);
    if (!removed) continue;
    if (removed.unknown) {
      state.report(
        `Attribute \`${attributeName(key)}\` is not allowed on <${tag}> in the editions (allowed: ${allowedAttributes(state.c, tag)}); it is left out of them: remove it`,
        place,
        'attribute-unsafe',
      );
    } else {
      const { reason, ruleId } = valueReason(tag, key, removed.values[0]);
      state.report(reason, place, ruleId);
    }
  }
}

function walk(state: WalkState, parent: Root | Element, place: Position | undefined): void {
  const children = parent.children as ElementContent[];
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    if (child.type !== 'element') continue;
    const here = child.position ?? state.placeOf?.(child) ?? place;
    const name = child.tagName;
    if (!elementAllowed(state, name)) {
      const stripped = state.c.strip.has(name);
      state.report(
        `Element <${name}> is not allowed in the editions; it is left out of them${stripped ? ' with its content' : ', its text kept'}: write it in Markdown or remove it`,
        here,
        'html-raw',
      );
      if (stripped) continue;
    } else if (name === 'img' && removedValues(state.c, name, 'src', child.properties.src ?? '')) {
      // An `img` without `src` is not valid HTML: its text alternative instead.
      const { reason, ruleId } = valueReason(name, 'src', child.properties.src ?? '');
      state.report(reason, here, ruleId);
      children[index] = imageStandIn(child.properties.alt, child.position);
      continue;
    } else {
      reportProperties(state, child, here);
    }
    state.stack.push(name);
    walk(state, child, here);
    state.stack.pop();
  }
}

/**
 * Say what the schema will take away from `tree`, each at its place (the element's own position,
 * else the nearest positioned ancestor's: citeproc's output has none). Images the schema refuses
 * are replaced by their text alternative here, so that none is left without `src`.
 */
export function reportUnsafe(tree: Root, report: UnsafeReport, placeOf?: (element: Element) => Position | undefined): void {
  walk({ c: compiled, report, placeOf, stack: [] }, tree, undefined);
}

/** Report what is unsafe, then clean: the tree every edition is made from. */
export function sanitizeChapter(tree: Root, options: SanitizeOptions = {}): Root {
  reportUnsafe(tree, options.report ?? (() => undefined), options.placeOf);
  return sanitize(tree, sanitizeSchema) as Root;
}
