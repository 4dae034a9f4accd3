/**
 * `book diff REV1 [REV2]`: what changed in the book between two git revisions (REV2: the working
 * tree when left out), in the rendered text. Each revision's manuscript is read with
 * `git show REV:path` into a temporary folder and compiled like any manuscript (draft: editorial
 * markers and corrections shown, as proofreaders see them); the two books are compared
 * (compare.ts) and the differences written as HTML pages: `index.html` (the summary) and one page
 * per changed chapter. The pages' folder is claimed before any work and replaced only if the tool
 * wrote it (scripts/output/ownership.ts); they are written into a staging folder first.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileBook } from '../compile.ts';
import { BuildError } from '../errors.ts';
import type { Book } from '../model/index.ts';
import { serializeHtml, webTemplateDir } from '../output/html/index.ts';
import { bookFonts, installFonts } from '../output/fonts.ts';
import { checkOutputPlace, claimOutputs } from '../output/ownership.ts';
import { diffChapterPage, diffIndexPage, diffLabels, type DiffPageContext } from './pages.ts';
import { compareBooks, type BookDiff, type ChapterDiff } from './compare.ts';
import { exportFolder, gitRoot, resolveRevision } from './git.ts';

export { compareBooks, compareChapters, type BookDiff, type ChapterDiff } from './compare.ts';
export { diffSequences, type Edit } from './sequence.ts';
export { chapterText, type ChapterText } from './text.ts';

const proofTemplateDir = fileURLToPath(new URL('../../templates/proof/', import.meta.url));

export interface DiffOptions {
  /** The manuscript folder (default `manuscript`), in a git work tree. */
  manuscript?: string;
  /** The older revision. */
  from: string;
  /** The newer revision; the working tree when left out. */
  to?: string;
  /** Where the pages are written (default `build/diff`). */
  out?: string;
}

export interface DiffResult {
  diff: BookDiff;
  /** The folder written, its summary page and the chapter pages. */
  dir: string;
  pages: string[];
  changed: ChapterDiff[];
}

async function bookAt(root: string, manuscript: string, revision: string, scratch: string): Promise<Book> {
  const commit = await resolveRevision(root, revision);
  const folder = await exportFolder(root, commit, manuscript, path.join(scratch, commit));
  try {
    return await compileBook({ manuscript: folder, showTodos: true });
  } catch (error) {
    if (error instanceof BuildError) {
      throw new BuildError(`The manuscript at revision \`${revision}\` cannot be compiled: ${error.message}`, error.files);
    }
    throw error;
  }
}

export async function diffRevisions(options: DiffOptions): Promise<DiffResult> {
  const manuscript = path.resolve(options.manuscript ?? 'manuscript');
  // The pages' folder is an output of its own: its manifest entry lives in the folder above it.
  const dir = path.resolve(options.out ?? path.join('build', 'diff'));
  await checkOutputPlace(dir, [manuscript]);
  const folder = await claimOutputs(path.dirname(dir), [path.basename(dir)]);
  const root = await gitRoot(manuscript);
  if (!root) throw new BuildError(`${manuscript} is not in a git work tree: \`book diff\` compares git revisions; run \`git init\` and commit the manuscript first`);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'book-diff-'));
  try {
    const before = await bookAt(root, manuscript, options.from, scratch);
    const after = options.to ? await bookAt(root, manuscript, options.to, scratch) : await compileBook({ manuscript, showTodos: true });
    const diff = compareBooks(before, after);
    const labels = diffLabels(after.meta.language);
    const context: DiffPageContext = {
      lang: after.meta.language,
      bookTitle: after.typeset.title,
      before: options.from,
      after: options.to ?? labels.workingTree,
    };

    const staging = await folder.stage();
    const written = path.join(staging, path.basename(dir));
    try {
      const assets = path.join(written, 'assets');
      await mkdir(assets, { recursive: true });
      await writeFile(path.join(assets, 'fonts.css'), await installFonts(bookFonts(after), path.join(assets, 'fonts'), 'fonts/'));
      await copyFile(path.join(webTemplateDir, 'style.css'), path.join(assets, 'style.css'));
      await copyFile(path.join(proofTemplateDir, 'diff.css'), path.join(assets, 'diff.css'));
      await writeFile(path.join(written, 'index.html'), serializeHtml(diffIndexPage(diff, context)));
      const changed = diff.chapters.filter((chapter) => chapter.status !== 'unchanged');
      const pages = ['index.html'];
      for (const chapter of changed) {
        const name = `${chapter.id}.html`;
        await writeFile(path.join(written, name), serializeHtml(diffChapterPage(chapter, context)));
        pages.push(name);
      }
      await folder.install(staging, [path.basename(dir)]);
      return { diff, dir, pages, changed };
    } finally {
      await folder.discard(staging);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The summary for the terminal: one line per changed chapter. */
export function describeDiff(result: DiffResult): string[] {
  if (result.changed.length === 0) return ['No difference in the rendered text.'];
  return result.changed.map((chapter) => {
    const notes = chapter.noteCounts;
    const cites = chapter.citations;
    const parts = [
      `${chapter.status}`,
      `words +${chapter.words.inserted} −${chapter.words.deleted}`,
      `notes ${notes.before}→${notes.after}${notes.added || notes.removed || notes.modified ? ` (+${notes.added} −${notes.removed} ~${notes.modified})` : ''}`,
      `citations ${cites.before}→${cites.after}${cites.added.length ? ` +${cites.added.join(',')}` : ''}${cites.removed.length ? ` −${cites.removed.join(',')}` : ''}`,
    ];
    return `${chapter.file}: ${parts.join('; ')}`;
  });
}
