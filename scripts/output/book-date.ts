/**
 * The book's date, the one every edition that carries a date uses: the EPUB's `dcterms:modified`
 * (EPUB 3.3 §5.5.6: the last modification of the EPUB) and the dates inside its zip, the PDF's
 * CreationDate and ModDate (ISO 32000-1 §14.3.3). Never the clock: two builds of the same
 * manuscript must give the same bytes.
 *
 * `SOURCE_DATE_EPOCH` when it is set (reproducible-builds.org/specs/source-date-epoch/); else the
 * date of the sources' last change: in a git work tree the newest commit that touches the
 * manuscript, outside git (or for files no commit touches) the newest modification time of its
 * files. Files in output folders never count: the folder being built into, and any folder that
 * holds the outputs' manifest (scripts/output/ownership.ts), since an output folder may sit inside
 * the manuscript.
 */
import { execFile } from 'node:child_process';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Book } from '../model/index.ts';
import { UsageError } from '../errors.ts';
import { manifestName } from './ownership.ts';

const run = promisify(execFile);

/** SOURCE_DATE_EPOCH as a date, undefined when it is not set; a malformed value is refused. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): Date | undefined {
  const value = env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === '') return undefined;
  const date = /^\d{1,15}$/.test(value) ? new Date(Number(value) * 1000) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01 UTC, not \`${value.slice(0, 40)}\`; correct it or unset it`);
  }
  return date;
}

/** The newest commit touching `paths`, or undefined when git is absent or no commit touches them. */
async function gitDate(cwd: string, paths: string[]): Promise<Date | undefined> {
  try {
    const { stdout } = await run('git', ['log', '-1', '--format=%ct', '--', ...paths], { cwd, timeout: 30_000 });
    const seconds = Number.parseInt(stdout.trim(), 10);
    return Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The newest modification time under `target`. Hidden entries, `excluded` folders and output
 * folders are left out; symbolic links count for the file they point to, and are never followed
 * into a folder (no loop); an entry that cannot be read is skipped.
 */
async function newestMtime(target: string, excluded: Set<string>, top = true): Promise<number> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return 0;
  if (info.isSymbolicLink()) {
    const pointed = await stat(target).catch(() => undefined);
    return pointed?.isFile() ? pointed.mtimeMs : 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  if (excluded.has(target)) return 0;
  const entries = await readdir(target).catch(() => [] as string[]);
  if (!top && entries.includes(manifestName)) return 0;
  let newest = 0;
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(path.join(target, entry), excluded, false));
  }
  return newest;
}

/** The files that make the book: its folder when it has a book.yaml, else the chapter files. */
function sourcePaths(book: Book): string[] {
  const configured = book.files.some((file) => file.path && path.basename(file.path) === 'book.yaml');
  if (configured) return [book.root];
  return [...new Set(book.chapters.map((chapter) => chapter.source.path))];
}

export interface BookDateOptions {
  /** Output folders to leave out (the one being built into). */
  exclude?: string[];
  env?: NodeJS.ProcessEnv;
}

export async function bookDate(book: Book, options: BookDateOptions = {}): Promise<Date> {
  const fixed = sourceDateEpoch(options.env);
  const date =
    fixed ??
    (await (async () => {
      const paths = sourcePaths(book);
      const fromGit = await gitDate(book.root, paths);
      if (fromGit) return fromGit;
      const excluded = new Set((options.exclude ?? []).map((folder) => path.resolve(folder)));
      const times = await Promise.all(paths.map((source) => newestMtime(source, excluded)));
      return new Date(Math.max(0, ...times));
    })());
  // Whole seconds: dcterms:modified is CCYY-MM-DDThh:mm:ssZ, a PDF date D:YYYYMMDDHHmmSS.
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** `dcterms:modified` form, EPUB 3.3 §D.3.1: UTC, seconds, `Z`. */
export function w3cDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
