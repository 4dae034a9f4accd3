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
 *
 * Only the bytes of the resolved markup change (and a space it would leave doubled): a byte order
 * mark, line endings (LF, CRLF, CR, mixed), the file's mode and everything between the marks stay
 * as they were. A file that is not valid UTF-8 is refused, since decoding it would replace its
 * letters by U+FFFD; every file is read and checked before any is written.
 */
import { access, readFile, realpath, stat, constants } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { VFile } from 'vfile';
import type { Nodes, Root } from 'mdast';
import { createParser } from '../markdown/parse.ts';
import { BuildError } from '../errors.ts';
import { report } from '../check/messages.ts';
import type { RuleId } from '../check/catalogue.ts';
import { criticKindOf, criticPartOf, type CriticKind } from '../markdown/critic-syntax.ts';
import { decodeSource, encodeSource, replaceFileAtomically } from './source-file.ts';

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
export function resolveCriticMarkup(source: string, resolution: Resolution, file = 'input.md'): { text: string; changes: CriticChange[] } {
  // micromark skips a leading U+FEFF and counts its offsets from the character after it
  // (micromark/lib/preprocess.js): offsets into a text that kept it would all fall one early.
  // Parse and edit the text without it; put it back at the end.
  const bom = source.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  let text = bom ? source.slice(1) : source;
  const changes: CriticChange[] = [];
  for (let pass = 0; pass < 10; pass++) {
    const tree = parser.parse(new VFile({ path: file, value: text })) as Root;
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
  return { text: bom + text, changes };
}

/**
 * Accept or reject the corrections of a file's bytes. Pure. Bytes that are not valid UTF-8 give
 * the place of the first bad byte instead. Since UTF-8 decoding and encoding are inverse on valid
 * input, every byte outside the resolved markup comes back unchanged.
 */
export function resolveCriticBytes(
  bytes: Uint8Array,
  resolution: Resolution,
  file = 'input.md',
): { ok: true; bytes: Buffer; changes: CriticChange[] } | { ok: false; byte: number; line: number; column: number } {
  const decoded = decodeSource(bytes);
  if (!decoded.ok) return decoded;
  const { text, changes } = resolveCriticMarkup(decoded.text, resolution, file);
  return { ok: true, bytes: changes.length === 0 ? Buffer.from(bytes) : encodeSource(text, decoded.bom), changes };
}

export interface FileResolution {
  path: string;
  changes: CriticChange[];
}

interface Pending {
  /** The path as given, for messages. */
  path: string;
  /** The file itself, symbolic links resolved. */
  target: string;
  bytes: Buffer;
  read: Stats;
}

const refusal = (file: string, reason: string, place?: { line: number; column: number }, ruleId: RuleId = 'file-unwritable'): VFile => {
  const vfile = new VFile({ path: file });
  report(vfile, ruleId, reason, place);
  return vfile;
};

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'unknown error';

/**
 * Read one file for resolving, or say why it cannot be resolved safely.
 *
 * A chapter that is a symbolic link is resolved through the link, and the file it points to is
 * replaced (atomically, in its own folder); the link stays a link. Refusing would stop a common
 * set-up (a chapter shared by two books, kept in one place), and renaming over the link itself
 * would turn it into a copy, silently parting the chapter from the file the other book reads.
 * (A file with several hard links is, like any atomic replacement, parted from its other names.)
 */
async function readForResolving(file: string): Promise<{ target: string; bytes: Buffer; read: Stats } | { refused: VFile }> {
  let target: string;
  let read: Stats;
  try {
    target = await realpath(file);
    read = await stat(target);
  } catch (error) {
    const reason = codeOf(error) === 'ENOENT'
      ? 'File does not exist (or is a symbolic link to nothing); give an existing Markdown file'
      : `File cannot be opened (${codeOf(error)}); check its permissions`;
    return { refused: refusal(file, reason, undefined, 'manuscript-missing') };
  }
  // Reading a named pipe or a device could block forever or never end.
  if (!read.isFile()) return { refused: refusal(file, 'Not a regular file; give Markdown files only', undefined, 'manuscript-missing') };
  // Replacing the file needs only its folder to be writable; a file that may not be written (or
  // that no one may write, a deliberate lock even for root) is left alone all the same.
  const locked = (read.mode & 0o222) === 0 || (await access(target, constants.W_OK).then(() => false, () => true));
  if (locked) return { refused: refusal(file, 'File is read-only; make it writable (`chmod u+w`) to resolve its corrections') };
  try {
    // The new file is written beside the old one before it takes its place.
    await access(path.dirname(target), constants.W_OK | constants.X_OK);
  } catch {
    return { refused: refusal(file, `Folder \`${path.dirname(target)}\` is not writable, and the corrected file is written there before it replaces this one; make it writable`) };
  }
  try {
    return { target, bytes: await readFile(target), read };
  } catch (error) {
    return { refused: refusal(file, `File cannot be read (${codeOf(error)}); check its permissions`, undefined, 'manuscript-missing') };
  }
}

/** A pure rewrite of a file's bytes: new bytes and the changes made, or the first byte that is not UTF-8. */
export type ByteRewrite<Change> = (bytes: Uint8Array, file: string) => { ok: true; bytes: Buffer; changes: Change[] } | { ok: false; byte: number; line: number; column: number };

/** How a command names its work in its messages: `resolved` / `its corrections were being resolved` / `Resolving`. */
export interface RewriteWords {
  done: string;
  during: string;
  stopping: string;
}

/**
 * Rewrite files as `book accept`, `book reject` and `book fix` do. Every file is read and checked
 * first: if any is refused (not valid UTF-8, missing, read-only…), a BuildError names each with its
 * reason and no file is written, so a bad chapter in the middle never leaves half the book changed.
 * Then only the files whose bytes change are replaced, atomically, their mode kept; the others are
 * not touched (their modification time stays), and a file saved by someone else meanwhile is not
 * overwritten. `dryRun`: checked and reported the same way, nothing written.
 */
export async function rewriteFiles<Change>(
  paths: string[],
  rewrite: ByteRewrite<Change>,
  words: RewriteWords,
  options: { dryRun?: boolean } = {},
): Promise<Array<{ path: string; changes: Change[] }>> {
  const results: Array<{ path: string; changes: Change[] }> = [];
  const pending: Pending[] = [];
  const refused: VFile[] = [];
  const seen = new Set<string>();
  for (const file of paths) {
    const read = await readForResolving(file);
    if ('refused' in read) {
      refused.push(read.refused);
      continue;
    }
    // The same file given twice, or through a link and by its own name: once.
    if (seen.has(read.target)) continue;
    seen.add(read.target);
    const rewritten = rewrite(read.bytes, file);
    if (!rewritten.ok) {
      const byte = rewritten.byte.toString(16).toUpperCase().padStart(2, '0');
      refused.push(refusal(
        file,
        // The wording of the build's message (manuscript/read-text.ts), and what happened to the file.
        `This file is not valid UTF-8: byte 0x${byte} cannot be read, so the file was left untouched; save it as UTF-8 (in most editors: « Save with encoding », then UTF-8) and run again`,
        { line: rewritten.line, column: rewritten.column },
        'encoding-invalid',
      ));
      continue;
    }
    results.push({ path: file, changes: rewritten.changes });
    if (!rewritten.bytes.equals(read.bytes)) pending.push({ path: file, target: read.target, bytes: rewritten.bytes, read: read.read });
  }
  if (refused.length > 0) {
    throw new BuildError(`${refused.length === 1 ? 'A file' : `${refused.length} files`} cannot be ${words.done} safely; no file was changed.`, refused);
  }
  if (options.dryRun) return results;

  const written: string[] = [];
  for (const item of pending) {
    try {
      // Saved by someone else since it was read: replacing it would lose their change.
      const now = await stat(item.target);
      if (now.ino !== item.read.ino || now.size !== item.read.size || now.mtimeMs !== item.read.mtimeMs) {
        throw new BuildError(`File changed while ${words.during}; run again`);
      }
      await replaceFileAtomically(item.target, item.bytes, item.read);
    } catch (error) {
      const reason = error instanceof BuildError ? error.message : `File cannot be written (${codeOf(error)}); it was left as it was`;
      const done = written.length === 0 ? 'no file was changed' : `already changed: ${written.join(', ')}`;
      throw new BuildError(`${words.stopping} stopped at ${item.path}; ${done}.`, [refusal(item.path, reason)]);
    }
    written.push(item.path);
  }
  return results;
}

/** Accept or reject the corrections of each file (rewriteFiles: all checked before any is written). */
export function resolveFiles(paths: string[], resolution: Resolution): Promise<FileResolution[]> {
  return rewriteFiles(paths, (bytes, file) => resolveCriticBytes(bytes, resolution, file), {
    done: 'resolved',
    during: 'its corrections were being resolved',
    stopping: 'Resolving',
  });
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
