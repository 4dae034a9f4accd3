/**
 * Cold and warm runs of our tools (issue 13.4). Our `book` process keeps a build cache whose root
 * folder is the environment variable `BOOK_CACHE_DIR` (default node_modules/.cache/book/).
 *
 * - Cold: every run of our tools gets `BOOK_CACHE_DIR` = a new, empty temporary folder, deleted
 *   after the run: nothing a previous run (or the developer's own builds) left is reused. The goals
 *   are judged on these runs.
 * - Warm: a copy of the manuscript and a cache folder of its own, warmed by one untimed build of
 *   the same edition; then before each timed run one word is added to one paragraph of a middle
 *   chapter (another paragraph at each run), as an author saves a change, and the edition is
 *   rebuilt, timed. The cache is the one the previous builds left.
 *
 * Whether the build wrote anything in the folder it was given is recorded: a version of `book`
 * that does not honour BOOK_CACHE_DIR leaves it empty, and the report says so (its cold runs may
 * then have read the default cache, and its warm runs are cold ones).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The words added, one per warm run, each to another paragraph. */
const addedWords = ['encore', 'alors', 'pourtant', 'ensuite', 'aussi', 'déjà', 'souvent', 'parfois'];

export interface RunCache {
  /** Added to the child's environment. */
  env: Record<string, string>;
  /** After the run: whether the build wrote into the cache folder; the folder removed if it was a cold one. */
  finish(): Promise<{ written: boolean }>;
}

async function hasFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).some((entry) => entry.isFile());
  } catch {
    return false;
  }
}

/** A new empty cache folder for one cold run, removed afterwards. */
export async function coldCache(): Promise<RunCache> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'book-bench-cache-'));
  return {
    env: { BOOK_CACHE_DIR: dir },
    async finish() {
      const written = await hasFiles(dir);
      await rm(dir, { recursive: true, force: true });
      return { written };
    },
  };
}

/** The chapter a warm run changes: the middle one of the chapter files (`chapitre-NNN.md`), by name. */
export function middleChapter(files: string[]): string | undefined {
  const chapters = files.filter((name) => /^chapitre-\d+\.md$/.test(name)).sort();
  return chapters[Math.floor((chapters.length - 1) / 2)];
}

/**
 * One word added at the end of the `index`-th paragraph of prose (a line that is neither heading,
 * block, table, list nor note definition), before its closing punctuation: `… à Rodez.` →
 * `… à Rodez encore.` A change that leaves the chapter's notes and citations as they were.
 */
export function addWordToParagraph(markdown: string, index: number, word = addedWords[index % addedWords.length]): string {
  const lines = markdown.split('\n');
  const prose = lines.map((line, i) => ({ line, i })).filter(({ line }) => /^[\p{Lu}«]/u.test(line) && /[.!?]$/.test(line));
  if (prose.length === 0) return `${markdown.trimEnd()}\n\n${word}\n`;
  const { line, i } = prose[index % prose.length];
  lines[i] = line.replace(/([\s\u00a0\u202f]?[.!?]+)$/u, ` ${word}$1`);
  return lines.join('\n');
}

export interface WarmState {
  manuscript: string;
  cache: string;
  chapter: string;
  /** Whether the warming build wrote into the cache folder. */
  warmed: boolean;
}

/**
 * The warm workspace of one edition at one size, made once: `dir/manuscript` (a copy) and
 * `dir/cache`, warmed by one untimed `book build --format <format>` of the unchanged copy.
 */
export async function prepareWarm(source: string, dir: string, format: string, bookBin: string): Promise<WarmState> {
  await rm(dir, { recursive: true, force: true });
  const manuscript = path.join(dir, 'manuscript');
  const cache = path.join(dir, 'cache');
  await mkdir(cache, { recursive: true });
  await cp(source, manuscript, { recursive: true });
  const chapter = middleChapter(await readdir(manuscript));
  if (!chapter) throw new Error(`no chapter file (chapitre-NNN.md) in ${source}`);
  await run(process.execPath, [bookBin, 'build', '--manuscript', manuscript, '--out', path.join(dir, 'warming'), '--format', format, '--quiet'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', BOOK_CACHE_DIR: cache },
    maxBuffer: 16 * 1024 * 1024,
  });
  await rm(path.join(dir, 'warming'), { recursive: true, force: true });
  return { manuscript, cache, chapter: path.join(manuscript, chapter), warmed: await hasFiles(cache) };
}

/** Before the warm run number `index` (0, 1…): one word added to another paragraph of the chapter. */
export async function changeChapter(state: WarmState, index: number): Promise<void> {
  await writeFile(state.chapter, addWordToParagraph(await readFile(state.chapter, 'utf8'), index));
}
