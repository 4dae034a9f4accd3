/**
 * CriticMarkup corrections: `book accept` / `book reject` (resolve.ts). The reader's syntax
 * extension is a stage of the reader (markdown/critic-syntax.ts); the rendering needs no code of
 * its own and the release check is `critic-unresolved` (check/rules/critic.ts).
 */
import { loadManuscript, type ManuscriptOptions } from '../manuscript/load-manuscript.ts';
import { resolveFiles, type FileResolution, type Resolution } from './resolve.ts';

export { resolveCriticMarkup, resolveCriticBytes, resolveFiles, describeChanges, type CriticChange, type FileResolution, type Resolution } from './resolve.ts';

/**
 * Accept or reject every correction of a manuscript: the chapter files book.yaml lists (or the
 * Markdown files of the folder), or the files given. All are checked before any is written; a
 * refusal (a file not valid UTF-8, read-only, missing) is a BuildError and leaves every file as it
 * was.
 */
export async function resolveManuscript(options: ManuscriptOptions, resolution: Resolution): Promise<FileResolution[]> {
  const manuscript = await loadManuscript(options);
  return resolveFiles(manuscript.sources.map((source) => source.path), resolution);
}
