/**
 * Every file a manuscript names (a chapter in book.yaml, an image in a chapter, a bibliography, a
 * CSL style or locale given as a path, the names registry) must be a file inside the manuscript
 * folder, symbolic links followed. The manuscript is untrusted input (docs/security.md): without
 * this, `![x](../../../etc/passwd)` or a link to a file elsewhere would be copied into an edition.
 * This is the one place that decides; the loaders, the checks and the writers all ask it.
 *
 * Paths given on the command line (`--bibliography`, `--csl`, `--locale`, Markdown files) are the
 * user's own choice and are not confined.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Why a named path cannot be used. */
export type PathProblem = 'outside' | 'missing' | 'broken-link' | 'loop' | 'not-a-file';

export type Resolved =
  /** `file` is the real path (symbolic links followed) of a regular file inside the folder. */
  | { file: string; problem?: undefined }
  /** `file` is the path as named, resolved against its folder but not followed. */
  | { file: string; problem: PathProblem };

/** Whether `file` is `folder` or lies below it (both absolute, already real). */
export function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

function realFolder(folder: string): string {
  try {
    return realpathSync.native(folder);
  } catch {
    return path.resolve(folder);
  }
}

/**
 * The real path of the nearest ancestor of `file` that exists, with the rest appended: where a
 * missing file would be, so that `../../nowhere/x.png` is still known to point outside.
 */
function realOfMissing(file: string): string {
  const rest: string[] = [];
  let current = file;
  for (;;) {
    const parent = path.dirname(current);
    rest.unshift(path.basename(current));
    if (parent === current) return file;
    current = parent;
    try {
      return path.join(realpathSync.native(current), ...rest);
    } catch {
      // keep climbing
    }
  }
}

/**
 * Resolve `name` (relative to `from`, by default the folder itself) and say whether it is a file
 * inside `folder`. A path outside is `outside` whether or not it exists, so that no answer tells
 * what lies outside the manuscript.
 */
export function resolveInside(folder: string, name: string, from: string = folder): Resolved {
  const named = path.resolve(from, name);
  const root = realFolder(folder);
  let real: string;
  try {
    real = realpathSync.native(named);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!isInside(root, realOfMissing(named))) return { file: named, problem: 'outside' };
    if (code === 'ELOOP') return { file: named, problem: 'loop' };
    const isLink = (() => {
      try {
        return lstatSync(named).isSymbolicLink();
      } catch {
        return false;
      }
    })();
    return { file: named, problem: isLink ? 'broken-link' : 'missing' };
  }
  if (!isInside(root, real)) return { file: named, problem: 'outside' };
  try {
    if (!statSync(real).isFile()) return { file: named, problem: 'not-a-file' };
  } catch {
    return { file: named, problem: 'missing' };
  }
  return { file: real };
}

/** The words of a message after the file's name: « `x.png` is outside the manuscript folder ». */
export function describeProblem(problem: PathProblem): string {
  switch (problem) {
    case 'outside':
      return 'is outside the manuscript folder';
    case 'missing':
      return 'does not exist';
    case 'broken-link':
      return 'is a symbolic link to a file that does not exist';
    case 'loop':
      return 'is a loop of symbolic links';
    case 'not-a-file':
      return 'is not a file';
  }
}

const scheme = /^[a-z][a-z0-9+.-]*:/i;

/** A URL with a scheme (`https:`, `data:`…) or protocol-relative (`//host/…`): not a file of the manuscript. */
export function isExternalUrl(url: string): boolean {
  return scheme.test(url) || url.startsWith('//');
}

const escapes = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * Percent-escapes decoded where they are valid UTF-8; a lone `%` or an escape that is not UTF-8
 * (`%E9`) stays as it is: never a URIError, whatever the manuscript holds.
 */
export function decodePercent(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(escapes, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * The file path a local URL (an image's `src`) stands for, as pandoc reads it: the query and the
 * fragment dropped, then percent-escapes decoded (decodePercent). A file named `a#b.png` is
 * written `a%23b.png`.
 */
export function filePathOfUrl(url: string): string {
  const end = url.search(/[?#]/);
  return decodePercent(end < 0 ? url : url.slice(0, end));
}

/**
 * The file of an image `src` written in the chapter `chapterFile`, confined to the manuscript
 * folder; undefined for an external URL (the image checks and the writers refuse those).
 */
export function resolveImage(folder: string, src: string, chapterFile: string): Resolved | undefined {
  if (isExternalUrl(src)) return undefined;
  const name = filePathOfUrl(src);
  if (name === '') return { file: path.dirname(chapterFile), problem: 'not-a-file' };
  return resolveInside(folder, name, path.dirname(chapterFile));
}
