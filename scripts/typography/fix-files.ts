/**
 * `book fix`: the safe typography fixes (fix-text.ts) applied to the chapter files, as `book
 * accept` applies corrections (scripts/critic/resolve.ts): every file read and checked before any
 * is written (a file not valid UTF-8, read-only, missing → no file changed), then only the files
 * whose bytes change replaced, atomically, their mode kept; a file saved by someone else meanwhile
 * is not overwritten. `dryRun` checks and reports the same way, and writes nothing.
 */
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { VFile } from 'vfile';
import { BuildError } from '../errors.ts';
import { report } from '../check/messages.ts';
import { loadManuscript, type ManuscriptOptions } from '../manuscript/load-manuscript.ts';
import { readForResolving } from '../critic/resolve.ts';
import { replaceFileAtomically } from '../critic/source-file.ts';
import { fixTypographyBytes, type TypographyChange } from './fix-text.ts';

export interface FileFixes {
  path: string;
  changes: TypographyChange[];
}

const refusal = (file: string, reason: string, place?: { line: number; column: number }, ruleId: 'file-unwritable' | 'encoding-invalid' = 'file-unwritable'): VFile => {
  const vfile = new VFile({ path: file });
  report(vfile, ruleId, reason, place);
  return vfile;
};

export async function fixFiles(paths: string[], bookLang: string, options: { dryRun?: boolean } = {}): Promise<FileFixes[]> {
  const results: FileFixes[] = [];
  const pending: Array<{ path: string; target: string; bytes: Buffer; read: Stats }> = [];
  const refused: VFile[] = [];
  const seen = new Set<string>();
  for (const file of paths) {
    const read = await readForResolving(file);
    if ('refused' in read) {
      refused.push(read.refused);
      continue;
    }
    if (seen.has(read.target)) continue;
    seen.add(read.target);
    const fixed = fixTypographyBytes(read.bytes, bookLang, file);
    if (!fixed.ok) {
      const byte = fixed.byte.toString(16).toUpperCase().padStart(2, '0');
      refused.push(refusal(
        file,
        `This file is not valid UTF-8: byte 0x${byte} cannot be read, so the file was left untouched; save it as UTF-8 (in most editors: « Save with encoding », then UTF-8) and run again`,
        { line: fixed.line, column: fixed.column },
        'encoding-invalid',
      ));
      continue;
    }
    results.push({ path: file, changes: fixed.changes });
    if (!fixed.bytes.equals(read.bytes)) pending.push({ path: file, target: read.target, bytes: fixed.bytes, read: read.read });
  }
  if (refused.length > 0) {
    throw new BuildError(`${refused.length === 1 ? 'A file' : `${refused.length} files`} cannot be fixed safely; no file was changed.`, refused);
  }
  if (options.dryRun) return results;

  const written: string[] = [];
  for (const item of pending) {
    try {
      const now = await stat(item.target);
      if (now.ino !== item.read.ino || now.size !== item.read.size || now.mtimeMs !== item.read.mtimeMs) {
        throw new BuildError('File changed while it was being fixed; run again');
      }
      await replaceFileAtomically(item.target, item.bytes, item.read);
    } catch (error) {
      const reason = error instanceof BuildError ? error.message : `File cannot be written (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}); it was left as it was`;
      const done = written.length === 0 ? 'no file was changed' : `already changed: ${written.join(', ')}`;
      throw new BuildError(`Fixing stopped at ${item.path}; ${done}.`, [refusal(item.path, reason)]);
    }
    written.push(item.path);
  }
  return results;
}

/** Fix the chapters of a manuscript (those book.yaml lists, or the files given), in the book's language. */
export async function fixManuscript(options: ManuscriptOptions, fix: { dryRun?: boolean } = {}): Promise<FileFixes[]> {
  const manuscript = await loadManuscript(options);
  return fixFiles(manuscript.sources.map((source) => source.path), manuscript.meta.language, fix);
}

const shorten = (text: string) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 70 ? `${flat.slice(0, 69)}…` : flat;
};

/** One line per change, `file:line:column  old → new  [rule-id]`, as compilers list places. */
export function describeFixes(results: FileFixes[], show: (file: string) => string = (f) => f): string[] {
  return results.flatMap((result) =>
    result.changes.map((change) => `${show(result.path)}:${change.line}:${change.column}  ${shorten(change.old)} → ${shorten(change.new)}  [${change.ruleId}]`),
  );
}
