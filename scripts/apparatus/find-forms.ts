/**
 * Where the registries' forms are found in the text: one matcher for the names of the index of
 * names, the places, the glossary's terms and the abbreviations. A form matches as a whole word
 * (no letter, mark or digit on either side), a space in it matching any space the typography put
 * there (no-break, narrow no-break), in NFC. Headings of level 1, code, notes' numbers, citations
 * and what an earlier pass marked (`skipClasses`) are not searched. Pure: changes only the trees it
 * is given.
 */
import type { Element, ElementContent, Root, Text } from 'hast';

const skippedTags = new Set(['h1', 'code', 'pre', 'script', 'style', 'svg', 'math', 'abbr', 'a']);
const alwaysSkippedClasses = ['citation', 'noteref', 'page-ref', 'note-number'];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const spaces = /[\s\u00a0\u202f]+/g;
/** A form as looked up: spaces made one plain space, NFC. */
export const formKey = (text: string) => text.replace(spaces, ' ').normalize('NFC');

export function classesOf(node: Element): string[] {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : [];
}

export interface FindOptions<Key> {
  /** Form → what it designates (a person, a place, a term); longer forms win over shorter ones. */
  forms: ReadonlyMap<string, Key>;
  /** The element that replaces a match, or undefined to leave the text as it is. */
  wrap: (key: Key, text: string) => ElementContent | undefined;
  /** Classes of elements not searched (besides citations, note calls and page references). */
  skipClasses?: readonly string[];
  /** Tags searched although skipped by default (`a`: the print index of names searches links). */
  searchTags?: readonly string[];
}

/** The pattern of every form, longest first, as whole words. */
function patternOf(forms: Iterable<string>): RegExp | undefined {
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return undefined;
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])(${sorted.map((f) => escape(formKey(f)).replace(/ /g, '[\\s\\u00a0\\u202f]+')).join('|')})(?![\\p{L}\\p{M}\\p{N}])`, 'gu');
}

/** Wrap every occurrence of a form in `trees` (in order) with what `wrap` makes of it. */
export function findForms<Key>(trees: Iterable<Root | Element>, options: FindOptions<Key>): void {
  const byKey = new Map<string, Key>();
  for (const [form, key] of options.forms) byKey.set(formKey(form), key);
  const pattern = patternOf(byKey.keys());
  if (!pattern) return;
  const skipClasses = new Set([...alwaysSkippedClasses, ...(options.skipClasses ?? [])]);
  const searched = new Set(options.searchTags ?? []);
  const mark = (text: Text): ElementContent[] | undefined => {
    const value = text.value;
    pattern.lastIndex = 0;
    if (!pattern.test(value)) return undefined;
    pattern.lastIndex = 0;
    const out: ElementContent[] = [];
    let last = 0;
    for (const match of value.matchAll(pattern)) {
      const key = byKey.get(formKey(match[0]));
      const element = key === undefined ? undefined : options.wrap(key, match[0]);
      if (!element) continue;
      if (match.index > last) out.push({ type: 'text', value: value.slice(last, match.index) });
      out.push(element);
      last = match.index + match[0].length;
    }
    if (last === 0) return undefined;
    if (last < value.length) out.push({ type: 'text', value: value.slice(last) });
    return out;
  };
  const walk = (node: Root | Element) => {
    const children: Array<Root['children'][number]> = [];
    for (const child of node.children) {
      if (child.type === 'text') {
        const replaced = mark(child);
        if (replaced) children.push(...replaced);
        else children.push(child);
        continue;
      }
      if (child.type === 'element' && (searched.has(child.tagName) || !skippedTags.has(child.tagName)) && !classesOf(child).some((c) => skipClasses.has(c))) walk(child);
      children.push(child);
    }
    node.children = children as typeof node.children;
  };
  for (const tree of trees) walk(tree);
}
