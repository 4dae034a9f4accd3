/**
 * The date of the source's last change, for `dcterms:modified` (EPUB 3.3 §5.5.6: the last
 * modification of the EPUB) and for the dates inside the zip. Never the clock: two builds of the
 * same manuscript must give the same bytes. In a git work tree it is the date of the newest commit
 * that touches the manuscript; outside git (or for files no commit touches) the newest modification
 * time of its files.
 */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Book } from '../../model.ts';

const run = promisify(execFile);

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

async function newestMtime(target: string): Promise<number> {
  const info = await stat(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(target)) {
    if (entry.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** The files that make the book: its folder when it has a book.yaml, else the chapter files. */
function sourcePaths(book: Book): string[] {
  const configured = book.files.some((file) => file.path && path.basename(file.path) === 'book.yaml');
  if (configured) return [book.root];
  return [...new Set(book.chapters.map((chapter) => chapter.source.path))];
}

export async function sourceLastChange(book: Book): Promise<Date> {
  const paths = sourcePaths(book);
  const fromGit = await gitDate(book.root, paths);
  const date = fromGit ?? new Date(Math.max(...(await Promise.all(paths.map(newestMtime)))));
  // Whole seconds: dcterms:modified is CCYY-MM-DDThh:mm:ssZ, and zip dates have 2-second steps.
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** `dcterms:modified` form, EPUB 3.3 §D.3.1: UTC, seconds, `Z`. */
export function w3cDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
