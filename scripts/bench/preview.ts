/**
 * The live-preview goal: time to rebuild one changed chapter's HTML on the shipped manuscript
 * (< 200 ms), measured through the preview module (scripts/preview) as `book preview` uses it: a
 * `PreviewSite` made once (a full build), then the largest chapter changed and saved and
 * `rebuildChapter` timed, several times, median taken. It works on a copy of manuscript/ in a
 * temporary folder: the real manuscript is never written.
 *
 * The module is loaded by a computed path and its shape checked here, so that the benchmark
 * reports it missing or changed, with the reason, rather than failing to load.
 */
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PreviewResult } from './results.ts';
import { median } from './results.ts';
import { repoRoot } from './tools.ts';

/** What the benchmark needs of scripts/preview. */
interface PreviewModule {
  PreviewSite: {
    create(options: { manuscript: string; dir: string }): Promise<{
      rebuildChapter(file: string): Promise<{ pages: string[]; errors: Record<string, unknown[]>; ms: number; summary: string }>;
    }>;
  };
}

function isPreviewModule(value: unknown): value is PreviewModule {
  const site = (value as { PreviewSite?: { create?: unknown } } | undefined)?.PreviewSite;
  return typeof site?.create === 'function';
}

/** The largest chapter of the manuscript (most work to redo). */
async function largestChapter(dir: string): Promise<string | undefined> {
  let best: { file: string; size: number } | undefined;
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.md')) continue;
    const { size } = await stat(path.join(dir, name));
    if (!best || size > best.size) best = { file: path.join(dir, name), size };
  }
  return best?.file;
}

export async function measurePreview(runs: number, manuscript = path.join(repoRoot, 'manuscript')): Promise<PreviewResult> {
  const entry = path.join(repoRoot, 'scripts', 'preview', 'index.ts');
  let module: unknown;
  try {
    await stat(entry);
  } catch {
    return { status: 'missing', reason: 'there is no preview module (scripts/preview/index.ts) yet' };
  }
  try {
    module = await import(pathToFileURL(entry).href);
  } catch (error) {
    return { status: 'blocked', reason: `scripts/preview cannot be loaded: ${(error as Error).message.split('\n')[0]}` };
  }
  if (!isPreviewModule(module)) {
    return { status: 'blocked', reason: 'scripts/preview does not export PreviewSite.create(), through which the benchmark drives it' };
  }

  const work = await mkdtemp(path.join(os.tmpdir(), 'book-bench-preview-'));
  try {
    const copy = path.join(work, 'manuscript');
    await cp(manuscript, copy, { recursive: true });
    const chapter = await largestChapter(copy);
    if (!chapter) return { status: 'failed', reason: `no chapter in ${manuscript}` };
    const site = await module.PreviewSite.create({ manuscript: copy, dir: path.join(work, 'preview') });
    const original = await readFile(chapter, 'utf8');
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      // A change an author makes: a sentence added at the end of the chapter (no new citation, so
      // that the chapter alone is rebuilt, as for most saves).
      await writeFile(chapter, `${original.trimEnd()}\n\nPhrase ajoutée pour la mesure ${run}.\n`);
      const started = performance.now();
      const result = await site.rebuildChapter(chapter);
      const ms = performance.now() - started;
      const page = `${path.basename(chapter, '.md')}.html`;
      if (!result.pages.includes(page)) {
        return { status: 'failed', reason: `the preview did not rewrite ${page} (${result.summary || 'nothing done'}${Object.keys(result.errors).length ? `; errors on ${Object.keys(result.errors).join(', ')}` : ''})` };
      }
      times.push(ms);
    }
    return { status: 'ok', chapter: `manuscript/${path.basename(chapter)}`, medianMs: median(times), runs: times };
  } catch (error) {
    return { status: 'failed', reason: (error as Error).message.split('\n')[0] };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
