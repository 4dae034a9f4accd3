/**
 * citeproc-js speaks HTML strings (`<i>`, `<sup>`, `<span style="font-variant:small-caps;">`,
 * `<div class="csl-entry">`); the chapters are hast trees. The strings are parsed with
 * hast-util-from-html, never injected raw, and the few edits pandoc makes to a rendered citation
 * (capitalise a note, drop a final period inside parentheses) are made on the tree.
 */
import type { ElementContent, Text, Nodes } from 'hast';

type FromHtml = typeof import('hast-util-from-html').fromHtml;
/** The HTML reader, loaded when citations are to be formatted (`loadHtmlReader`): `book check` never needs it (docs/startup.md). */
let fromHtml: FromHtml | undefined;

export async function loadHtmlReader(): Promise<void> {
  fromHtml ??= (await import('hast-util-from-html')).fromHtml;
}

const cache = new Map<string, ElementContent[]>();

function stripPositions(node: Nodes): void {
  delete node.position;
  if ('children' in node) for (const child of node.children) stripPositions(child);
}

/** `<span lang="ru"><span lang="ru">…</span></span>` (a variable substituted for another) → one span. */
function collapseLanguageSpans(nodes: ElementContent[], inherited?: string): ElementContent[] {
  return nodes.flatMap((node) => {
    if (node.type !== 'element') return [node];
    const lang = typeof node.properties.lang === 'string' ? node.properties.lang : undefined;
    node.children = collapseLanguageSpans(node.children, lang ?? inherited);
    const redundant = node.tagName === 'span' && lang !== undefined && lang === inherited && Object.keys(node.properties).length === 1;
    return redundant ? node.children : [node];
  });
}

/**
 * Where a URL may break (Chicago Manual, 17th ed., 14.18): after `//` or `:`, before `/`, `~`,
 * `.`, `,`, `-`, `_`, `?`, `#`, `%`, before `=` and `&`. Without these a long address overflows
 * a phone screen or a printed line.
 */
function breakableUrl(text: string): ElementContent[] {
  const out: ElementContent[] = [];
  let run = '';
  const wbr = (): void => {
    if (run) out.push({ type: 'text', value: run });
    run = '';
    out.push({ type: 'element', tagName: 'wbr', properties: {}, children: [] });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (i > 0 && '/~.,-_?#%=&'.includes(c) && !(c === '/' && (text[i - 1] === '/' || text[i + 1] === '/')) && text[i - 1] !== ':') wbr();
    run += c;
    if ((c === '/' && text[i - 1] === '/') || (c === ':' && text[i + 1] === '/')) wbr();
  }
  if (run) out.push({ type: 'text', value: run });
  return out;
}

function breakLinks(nodes: ElementContent[]): void {
  for (const node of nodes) {
    if (node.type !== 'element') continue;
    if (node.tagName === 'a') node.children = node.children.flatMap((child) => (child.type === 'text' ? breakableUrl(child.value) : [child]));
    else breakLinks(node.children);
  }
}

/** Parse an HTML fragment from citeproc-js (cached: the same note text recurs, `Ibid.` above all). */
export function htmlToHast(html: string): ElementContent[] {
  let parsed = cache.get(html);
  if (!parsed) {
    if (!fromHtml) throw new Error('htmlToHast before loadHtmlReader()');
    const root = fromHtml(html, { fragment: true });
    stripPositions(root);
    parsed = collapseLanguageSpans(root.children.filter((node): node is ElementContent => node.type === 'element' || node.type === 'text'));
    breakLinks(parsed);
    cache.set(html, parsed);
  }
  return structuredClone(parsed);
}

/** Text nodes in reading order. */
function textNodes(nodes: ElementContent[], out: Text[] = []): Text[] {
  for (const node of nodes) {
    if (node.type === 'text') out.push(node);
    else if (node.type === 'element') textNodes(node.children, out);
  }
  return out;
}

export function textOf(nodes: ElementContent[]): string {
  return textNodes(nodes).map((node) => node.value).join('');
}

/** Upper-case the first letter, as pandoc does to a note made of a citation (CSL `capitalize-first`). */
export function capitalizeFirst(nodes: ElementContent[]): ElementContent[] {
  // A key not found (`**key?**`) is the author's key, printed as typed.
  const first = nodes.find((node) => node.type === 'element' || node.value.trim() !== '');
  if (first?.type === 'element' && Array.isArray(first.properties.className) && first.properties.className.includes('citation-unknown')) return nodes;
  // The first word: past opening quotes and brackets; a word that starts with a digit stays as it is.
  for (const node of textNodes(nodes)) {
    const index = node.value.search(/[\p{L}\p{N}]/u);
    if (index < 0) continue;
    const letter = node.value[index];
    if (/\p{Ll}/u.test(letter)) node.value = node.value.slice(0, index) + letter.toLocaleUpperCase() + node.value.slice(index + 1);
    return nodes;
  }
  return nodes;
}

/**
 * citeproc-js capitalises a term that opens a note citation (`Ibid.`); inside a sentence of the
 * author's note, between parentheses, it stays in lower case, as in pandoc.
 */
export function lowercaseLeadingTerm(nodes: ElementContent[], terms: readonly string[]): ElementContent[] {
  const first = textNodes(nodes).find((node) => /\S/.test(node.value));
  if (!first) return nodes;
  const start = first.value.search(/\S/);
  for (const term of terms) {
    if (!term) continue;
    const capitalized = term[0].toLocaleUpperCase() + term.slice(1);
    if (capitalized !== term && first.value.startsWith(capitalized, start)) {
      first.value = first.value.slice(0, start) + term[0] + first.value.slice(start + 1);
      break;
    }
  }
  return nodes;
}

const rightQuotesAndSpaces = /[\u201d\u2019\u00bb\u00a0\u202f ]+$/;

/**
 * Drop the layout's final period (pandoc's `removeFinalPeriod`), looking through a closing quote,
 * but keep it when it ends an abbreviation such as `ibid.` or `s. d.`.
 */
export function removeFinalPeriod(nodes: ElementContent[], abbreviations: readonly string[]): ElementContent[] {
  const texts = textNodes(nodes);
  const last = [...texts].reverse().find((node) => node.value.trim() !== '');
  if (!last) return nodes;
  const tail = rightQuotesAndSpaces.exec(last.value)?.[0] ?? '';
  const body = last.value.slice(0, last.value.length - tail.length);
  if (!body.endsWith('.')) return nodes;
  const spaced = (value: string) => value.replace(/[\u00a0\u202f]/g, ' ').toLowerCase();
  const flat = spaced(textOf(nodes)).replace(rightQuotesAndSpaces, '');
  const isAbbreviation = abbreviations.some((abbreviation) => {
    const form = spaced(abbreviation);
    const before = flat[flat.length - form.length - 1];
    return flat.endsWith(form) && (before === undefined || /[\s(\[]/.test(before));
  });
  if (isAbbreviation) return nodes;
  last.value = body.slice(0, -1) + tail;
  return nodes;
}

export function endsWithPeriod(nodes: ElementContent[]): boolean {
  return /\.$/.test(textOf(nodes).replace(/\s+$/, ''));
}
