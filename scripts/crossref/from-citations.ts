/**
 * Cross-references written as citations (pandoc-crossref): a citation whose keys start with
 * `fig:`, `tbl:`, `sec:` or `eq:` (any case) is no work of the bibliography but a label of the
 * book. This step of the reader, after the citation syntax (markdown/pandoc-inline.ts), hands them
 * to the cross-reference stage: such a `cite` becomes a `crossref`, so the citation stage, the
 * note numbering and `citation-unknown-key` never see it. A group mixing both keeps its works as
 * a citation, after the cross-references. Pure; the citation grammar itself is not touched.
 */
import type { Parents, PhrasingContent, Root } from 'mdast';
import type { Cite } from '../markdown/types.ts';
import { crossrefKinds, type Crossref, type CrossrefItem, type CrossrefKind } from './types.ts';

/** `fig:carte` → fig; `Fig:carte` → fig, capital; anything else → undefined. */
export function crossrefKindOf(key: string): { kind: CrossrefKind; capital: boolean } | undefined {
  const colon = key.indexOf(':');
  if (colon < 0) return undefined;
  const prefix = key.slice(0, colon);
  const kind = crossrefKinds.find((k) => k === prefix.toLowerCase());
  if (!kind || colon === key.length - 1) return undefined;
  return { kind, capital: prefix[0] !== prefix[0].toLowerCase() };
}

/** The label an element carries: the key with its prefix in lower case (`Fig:x` names `fig:x`). */
export const labelOf = (item: Pick<CrossrefItem, 'key' | 'kind'>): string => `${item.kind}${item.key.slice(item.key.indexOf(':'))}`;

function split(cite: Cite): PhrasingContent[] {
  const refs: CrossrefItem[] = [];
  const works = cite.citations.filter((citation) => {
    const found = crossrefKindOf(citation.key);
    if (!found) return true;
    refs.push({
      key: citation.key,
      ...found,
      suppressLabel: citation.suppressAuthor,
      prefix: citation.prefix,
      // The citation's suffix as typed (`, p. 3`), without the comma that parts it from the key.
      suffix: citation.suffix.replace(/^\s*,?\s*/, '').trimEnd(),
    });
    return false;
  });
  if (refs.length === 0) return [cite];
  const crossref: Crossref = { type: 'crossref', value: cite.value, refs };
  if (cite.position) crossref.position = cite.position;
  if (works.length === 0) return [crossref];
  return [crossref, { type: 'text', value: ' ' }, { ...cite, citations: works }];
}

/** The unified plugin (scripts/markdown/parse.ts), after remarkPandocInline. */
export function remarkCrossrefsFromCitations() {
  return (tree: Root) => {
    // Iterative: the tree may be as deep as the nesting limit allows.
    const stack: Parents[] = [tree];
    while (stack.length > 0) {
      const parent = stack.pop()!;
      const children = parent.children as PhrasingContent[];
      if (children.some((child) => child.type === 'cite')) {
        (parent as { children: PhrasingContent[] }).children = children.flatMap((child) => (child.type === 'cite' ? split(child) : [child]));
      }
      for (const child of parent.children) if ('children' in child) stack.push(child as Parents);
    }
  };
}
