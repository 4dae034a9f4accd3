/**
 * `book accept` / `book reject`: apply or discard every CriticMarkup correction IN THE SOURCE
 * FILES, and say what changed where. The markup is found by the book's own Markdown reader (so
 * markup in code or front matter is left alone, exactly as the editions leave it), then replaced
 * by text slices of the source: the author's Markdown inside the markup is kept byte for byte.
 *
 *              accept              reject
 *   {++a++}    a                   (nothing)
 *   {--a--}    (nothing)           a
 *   {~~a~>b~~} b                   a
 *   {==a==}    a                   a
 *   {>>a<<}    (nothing)           (nothing)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { VFile } from 'vfile';
import type { Nodes, Root } from 'mdast';
import { createParser } from '../markdown/parse.ts';
import { criticKindOf, criticPartOf, type CriticKind } from './syntax.ts';

export type Resolution = 'accept' | 'reject';

export interface CriticChange {
  line: number;
  column: number;
  kind: CriticKind;
  /** The markup as it stood in the file. */
  markup: string;
  /** What replaced it. */
  replacement: string;
}

interface Found {
  start: number;
  end: number;
  kind: CriticKind;
  replacement: string;
  line: number;
  column: number;
}

const parser = createParser();

/** The outermost CriticMarkup constructs of a Markdown text, with source offsets. */
function findMarkup(tree: Root, source: string, resolution: Resolution): Found[] {
  const found: Found[] = [];
  const slice = (node: Nodes | undefined) =>
    node?.position?.start.offset === undefined || node.position.end.offset === undefined
      ? ''
      : source.slice(node.position.start.offset, node.position.end.offset);
  const walk = (node: Nodes) => {
    const kind = criticKindOf(node);
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (kind && start !== undefined && end !== undefined && node.type === 'span') {
      // Inner text between the three-character markers `{++` and `++}`.
      const inner = source.slice(start + 3, end - 3);
      let replacement = '';
      if (kind === 'insertion') replacement = resolution === 'accept' ? inner : '';
      else if (kind === 'deletion') replacement = resolution === 'accept' ? '' : inner;
      else if (kind === 'highlight') replacement = inner;
      else if (kind === 'substitution') {
        const part = node.children.find((child) => criticPartOf(child) === (resolution === 'accept' ? 'new' : 'old'));
        replacement = slice(part);
      }
      found.push({ start, end, kind, replacement, line: node.position!.start.line, column: node.position!.start.column });
      return;
    }
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(tree);
  return found;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isLineEdge = (c: string | undefined) => c === undefined || c === '\n' || c === '\r';

/**
 * Removing markup must not leave two spaces (`un {--très--} beau` → `un beau`) nor a space at the
 * edge of a line.
 */
function widenRemoval(source: string, start: number, end: number): [number, number] {
  const before = source[start - 1];
  const after = source[end];
  if (isBlank(before) && (isBlank(after) || isLineEdge(after))) return [start - 1, end];
  if (isLineEdge(before) && isBlank(after)) return [start, end + 1];
  return [start, end];
}

/**
 * Accept or reject every correction of one Markdown text. Pure. Markup nested in markup is
 * resolved by further passes, from the outside in.
 */
export function resolveCriticMarkup(source: string, resolution: Resolution, path = 'input.md'): { text: string; changes: CriticChange[] } {
  let text = source;
  const changes: CriticChange[] = [];
  for (let pass = 0; pass < 10; pass++) {
    const tree = parser.parse(new VFile({ path, value: text })) as Root;
    const found = findMarkup(tree, text, resolution);
    if (found.length === 0) break;
    for (const item of found) {
      changes.push({ line: item.line, column: item.column, kind: item.kind, markup: text.slice(item.start, item.end), replacement: item.replacement });
    }
    // From the end, so that earlier offsets stay valid.
    for (const item of [...found].reverse()) {
      const [start, end] = item.replacement === '' ? widenRemoval(text, item.start, item.end) : [item.start, item.end];
      text = text.slice(0, start) + item.replacement + text.slice(end);
    }
  }
  return { text, changes };
}

export interface FileResolution {
  path: string;
  changes: CriticChange[];
}

/** Accept or reject the corrections of each file, rewriting only the files that change. */
export async function resolveFiles(paths: string[], resolution: Resolution): Promise<FileResolution[]> {
  const results: FileResolution[] = [];
  for (const file of paths) {
    const source = await readFile(file, 'utf8');
    const { text, changes } = resolveCriticMarkup(source, resolution, file);
    if (changes.length > 0) await writeFile(file, text);
    results.push({ path: file, changes });
  }
  return results;
}

const labels: Record<Resolution, Record<CriticKind, string>> = {
  accept: {
    insertion: 'insertion accepted',
    deletion: 'deletion accepted',
    substitution: 'substitution accepted',
    highlight: 'highlight removed',
    comment: 'comment removed',
  },
  reject: {
    insertion: 'insertion rejected',
    deletion: 'deletion rejected',
    substitution: 'substitution rejected',
    highlight: 'highlight removed',
    comment: 'comment removed',
  },
};

const shorten = (text: string) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 70 ? `${flat.slice(0, 69)}…` : flat;
};

/** One line per change, `file:line:column  what  markup → replacement`, as compilers list places. */
export function describeChanges(results: FileResolution[], resolution: Resolution, show: (file: string) => string = (f) => f): string[] {
  const lines: string[] = [];
  for (const result of results) {
    for (const change of result.changes) {
      const replacement = change.replacement === '' ? '(removed)' : shorten(change.replacement);
      lines.push(`${show(result.path)}:${change.line}:${change.column}  ${labels[resolution][change.kind]}  ${shorten(change.markup)} → ${replacement}`);
    }
  }
  return lines;
}
