/**
 * Where the book is, from wherever the user stands, as git finds its repository: the folder given
 * (`--manuscript DIR` or a folder among the arguments), else the nearest folder holding a
 * `book.yaml`, from the working folder upward, else `manuscript/` (this repository's layout).
 * Markdown files named on the command line belong to the book whose `book.yaml` is nearest above
 * them: `book check chapitre.md` then checks that chapter with the book's configuration and
 * bibliography instead of as a lone file.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** The default folder when no book.yaml is found: the repository's own layout. */
export const defaultManuscript = 'manuscript';

/** A positional argument that names a folder rather than a Markdown file. */
export const isFolder = (argument: string): boolean => !/\.(md|markdown)$/i.test(argument);

function hasBookYaml(dir: string): boolean {
  try {
    return statSync(path.join(dir, 'book.yaml')).isFile();
  } catch {
    return false;
  }
}

/** The nearest folder from `start` upward that holds a book.yaml, if any. */
export function findBookFolder(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (hasBookYaml(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The folder shown relative to the working folder when inside it (`.` for the working folder itself). */
function shown(dir: string, cwd: string): string {
  const relative = path.relative(cwd, dir);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? dir : relative;
}

/** The manuscript folder: `--manuscript`, else the first folder among the arguments, else the nearest book.yaml upward, else `manuscript`. */
export function manuscriptOf(values: { manuscript?: string }, positionals: string[], cwd = process.cwd()): string {
  const given = values.manuscript ?? positionals.find(isFolder);
  if (given !== undefined) return given;
  const found = findBookFolder(cwd);
  return found ? shown(found, cwd) : defaultManuscript;
}

export interface Located {
  /** The manuscript folder (or, with `files`, ignored by the loader). */
  manuscript: string;
  /** Markdown files read on their own, as a book of their own (no book.yaml above them). */
  files: string[];
  /** Chapters of the book the messages are limited to (absolute paths): files named inside a book. */
  only?: string[];
}

/**
 * What a command reads. Files named inside a book (a book.yaml in their folder or above it, or the
 * folder given with `--manuscript`) are read as chapters of that book; files outside any book are
 * read on their own, as before.
 */
export function locate(values: { manuscript?: string }, positionals: string[], cwd = process.cwd()): Located {
  const files = positionals.filter((p) => !isFolder(p));
  if (files.length === 0) return { manuscript: manuscriptOf(values, positionals, cwd), files: [] };
  const absolute = files.map((file) => path.resolve(cwd, file));
  const given = values.manuscript ?? positionals.find(isFolder);
  const book = given !== undefined ? (hasBookYaml(path.resolve(cwd, given)) ? path.resolve(cwd, given) : undefined) : findBookFolder(path.dirname(absolute[0]));
  const inBook = book !== undefined && absolute.every((file) => existsSync(file) && !path.relative(book, file).startsWith('..'));
  if (!inBook) return { manuscript: given ?? defaultManuscript, files };
  return { manuscript: shown(book, cwd), files: [], only: absolute };
}

/**
 * The output folder when `--out` is not given: `build` in the working folder, except when the book
 * was found in a folder above it (`book build` run from a subfolder of the book), where it is the
 * book's own `build`, not a new one beside the chapters.
 */
export function outOf(values: { out?: string; manuscript?: string }, positionals: string[], cwd = process.cwd()): string {
  if (values.out !== undefined) return values.out;
  if (values.manuscript !== undefined || positionals.some(isFolder)) return 'build';
  const found = findBookFolder(cwd);
  return found && found !== path.resolve(cwd) ? path.join(shown(found, cwd), 'build') : 'build';
}
