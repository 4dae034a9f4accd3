/**
 * `book fix`: the safe typography fixes (fix-text.ts) applied to the chapter files, as `book
 * accept` applies corrections (scripts/critic/resolve.ts): every file read and checked before any
 * is written (a file not valid UTF-8, read-only, missing → no file changed), then only the files
 * whose bytes change replaced, atomically, their mode kept; a file saved by someone else meanwhile
 * is not overwritten. `dryRun` checks and reports the same way, and writes nothing.
 */
import { loadManuscript, type ManuscriptOptions } from '../manuscript/load-manuscript.ts';
import { rewriteFiles } from '../critic/resolve.ts';
import { fixTypographyBytes, type TypographyChange } from './fix-text.ts';

export interface FileFixes {
  path: string;
  changes: TypographyChange[];
}

export function fixFiles(paths: string[], bookLang: string, options: { dryRun?: boolean } = {}): Promise<FileFixes[]> {
  return rewriteFiles(paths, (bytes, file) => fixTypographyBytes(bytes, bookLang, file), { done: 'fixed', during: 'it was being fixed', stopping: 'Fixing' }, options);
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
