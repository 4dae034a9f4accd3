/**
 * What a command may write in an output folder. The tool owns only what it wrote: a manifest in the
 * folder, `book-manifest.json`, records each output it put there (a file, or a folder file by file)
 * with its size and SHA-256, and an output is replaced only while what stands at its name is exactly
 * what the manifest records. Anything else at a name the command needs — the user's own `html/` or
 * `book.epub`, an output changed by hand, the outputs of an earlier version of the tool, which kept
 * no manifest — is refused before any work, with the path and what to do (UsageError, exit 2). So is
 * an output folder that would put files at risk: `/`, the home folder or a folder that holds it, a
 * file, the manuscript or a folder that holds it.
 *
 * `book build`, `proof`, `diff` and `preview` all go through here. New outputs are written into a
 * staging folder inside the output folder (the same file system, so they are moved into place by
 * rename); staging folders are removed when the process ends on SIGINT, SIGTERM or SIGHUP, and those
 * of a process that was killed outright are removed at the next run.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants, rmSync } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, readFile, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { isInside } from '../manuscript/inside.ts';

export const manifestName = 'book-manifest.json';

const fileRecord = z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
const folderRecord = z.object({ files: z.record(fileRecord) }).strict();
const manifestSchema = z.object({
  tool: z.literal('book'),
  about: z.string(),
  outputs: z.record(z.union([fileRecord, folderRecord])),
});
type FileRecord = z.infer<typeof fileRecord>;
type OutputRecord = z.infer<typeof fileRecord> | z.infer<typeof folderRecord>;
type Manifest = z.infer<typeof manifestSchema>;

const about = 'The outputs book wrote in this folder. It replaces them only while they are exactly as recorded here, and never touches anything else.';

/** A path as the user typed it: relative to the working folder when inside it. */
function shown(target: string): string {
  const relative = path.relative(process.cwd(), target);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? target : relative;
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** `target` with symbolic links resolved in the part of it that exists. */
async function realOf(target: string): Promise<string> {
  const rest: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      return path.join(await realpath(current), ...rest.reverse());
    } catch (error) {
      if (code(error) !== 'ENOENT' && code(error) !== 'ENOTDIR') throw error;
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(target);
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Refuse `/`, the home folder and the folders that hold it, a path through a file or a broken
 * symbolic link, and a folder the user cannot write in.
 */
async function guardFolder(dir: string): Promise<string> {
  // The deepest part of the path that exists: the folder itself, or the folder it will be made in.
  let existing = dir;
  let info: Stats | undefined;
  for (;;) {
    if (await lstat(existing).catch(() => undefined)) {
      info = await stat(existing).catch(() => undefined);
      if (!info) {
        throw new UsageError(`The output folder \`${shown(dir)}\` cannot be made: \`${shown(existing)}\` is a symbolic link that leads nowhere; correct it or give another folder with --out`);
      }
      break;
    }
    if (path.dirname(existing) === existing) break;
    existing = path.dirname(existing);
  }
  if (info && !info.isDirectory()) {
    throw new UsageError(
      existing === dir
        ? `The output folder \`${shown(dir)}\` is a file; give a folder with --out`
        : `The output folder \`${shown(dir)}\` cannot be made: \`${shown(existing)}\` is a file; give another folder with --out`,
    );
  }
  if (info && !(await access(existing, fsConstants.W_OK).then(() => true, () => false))) {
    throw new UsageError(`The output folder \`${shown(dir)}\` cannot be written: you may not write in \`${shown(existing)}\`; give another folder with --out`);
  }
  const real = await realOf(dir);
  if (path.parse(real).root === real) {
    throw new UsageError(`The output folder \`${shown(dir)}\` is the root of the file system; give a folder of its own, such as build, with --out`);
  }
  const home = await realOf(os.homedir());
  if (isInside(real, home)) {
    throw new UsageError(
      `The output folder \`${shown(dir)}\` ${real === home ? 'is' : 'holds'} your home folder; give a folder of its own, such as build, with --out`,
    );
  }
  return real;
}

/**
 * Refuse an output folder that would put files at risk: `/`, the home folder (or one that holds it),
 * a file, the manuscript or a folder that holds it. A folder inside the manuscript is allowed (its
 * files never count as sources: scripts/output/book-date.ts). `sources`: the manuscript folder, or
 * the Markdown files given instead.
 */
export async function checkOutputPlace(folder: string, sources: string[]): Promise<void> {
  const dir = path.resolve(folder);
  const real = await guardFolder(dir);
  for (const source of sources) {
    const realSource = await realOf(source);
    if (realSource === real) {
      throw new UsageError(`The output folder \`${shown(dir)}\` is the manuscript; give a folder outside it, such as build, with --out`);
    }
    if (isInside(real, realSource)) {
      throw new UsageError(
        `The output folder \`${shown(dir)}\` holds the manuscript \`${shown(path.resolve(source))}\`, which outputs written there could replace; give a folder beside it or inside it with --out`,
      );
    }
  }
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

async function fileRecordOf(file: string, info: Stats): Promise<FileRecord> {
  return { bytes: info.size, sha256: await sha256(file) };
}

/** What is under `dir` but folders (files, links…), depth first in name order, with paths from `dir` ('/'-separated). */
async function filesUnder(dir: string): Promise<Array<{ file: string; key: string; info: Stats }>> {
  const found: Array<{ file: string; key: string; info: Stats }> = [];
  const walk = async (folder: string) => {
    for (const name of (await readdir(folder)).sort()) {
      const file = path.join(folder, name);
      const info = await lstat(file);
      if (info.isDirectory()) await walk(file);
      else found.push({ file, key: path.relative(dir, file).split(path.sep).join('/'), info });
    }
  };
  await walk(dir);
  return found;
}

/** What stands at `target` now, as the manifest records it; undefined when nothing does. */
async function recordOf(target: string): Promise<OutputRecord | undefined> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return undefined;
  if (info.isFile()) return fileRecordOf(target, info);
  // Read and hashed all at once: one by one, a folder of pages waited on the disk for each.
  // Only regular files: the writers make nothing else.
  const found = (await filesUnder(target)).filter(({ info: entry }) => entry.isFile());
  const records = await Promise.all(found.map(({ file, info: entry }) => fileRecordOf(file, entry)));
  const files: Record<string, FileRecord> = {};
  found.forEach(({ key }, i) => (files[key] = records[i]));
  return { files };
}

const sameFile = async (file: string, info: Stats, record: FileRecord | undefined) =>
  record !== undefined && info.isFile() && info.size === record.bytes && (await sha256(file)) === record.sha256;

interface Difference {
  path: string;
  added: boolean;
}

/** The first path under `target` that differs from the record (changed or added), if any. */
async function firstDifference(target: string, info: Stats, record: OutputRecord): Promise<Difference | undefined> {
  if (!('files' in record)) return (await sameFile(target, info, record)) ? undefined : { path: target, added: false };
  if (!info.isDirectory()) return { path: target, added: false };
  const found = await filesUnder(target);
  const recorded = found.map(({ key }) => (Object.hasOwn(record.files, key) ? record.files[key] : undefined));
  const same = await Promise.all(found.map(({ file, info: entry }, i) => sameFile(file, entry, recorded[i])));
  const first = same.indexOf(false);
  return first === -1 ? undefined : { path: found[first].file, added: recorded[first] === undefined };
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
  const file = path.join(dir, manifestName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    if (code(error) !== 'EISDIR') throw error;
    text = '';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success) {
    throw new UsageError(
      `\`${shown(file)}\` is not the record of outputs this tool keeps; move it elsewhere or delete it (with the outputs beside it, if a build left them), or choose another folder with --out`,
    );
  }
  return result.data;
}

/** Refuse `name` in `dir` unless it is free or exactly what the manifest records. */
async function checkOwned(dir: string, name: string, manifest: Manifest | undefined): Promise<void> {
  const target = path.join(dir, name);
  const info = await lstat(target).catch((error: unknown) => {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  });
  if (!info) return;
  const record = manifest && Object.hasOwn(manifest.outputs, name) ? manifest.outputs[name] : undefined;
  if (!record) {
    const why = manifest
      ? `${manifestName} does not list it`
      : `there is no ${manifestName} beside it; outputs of an earlier version of the tool, which kept none, are refused too`;
    throw new UsageError(
      `\`${shown(target)}\` was not written by this tool (${why}) and would be replaced; move it elsewhere or delete it, or choose another folder with --out`,
    );
  }
  const changed = await firstDifference(target, info, record);
  if (changed) {
    const whole = changed.path === target;
    throw new UsageError(
      `\`${shown(changed.path)}\` was ${changed.added ? 'added' : 'changed'} after this tool wrote \`${shown(target)}\`, and would be lost; move ${whole ? 'it' : 'your files'} elsewhere or delete \`${shown(target)}\`, or choose another folder with --out`,
    );
  }
}

// Staging folders (and the manifest's temporary file) alive in this process: removed if it ends.
const live = new Set<string>();
const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let interruptedBy: NodeJS.Signals | undefined;

function removeLive(): void {
  for (const entry of live) rmSync(entry, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  interruptedBy = signal;
  removeLive();
  untrackAll();
  // Alone, we stand in for the default action: end the process by the same signal. Another listener
  // (the preview's stop, the browser's driver, a program using the library) decides for itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function untrackAll(): void {
  process.off('exit', removeLive);
  for (const signal of signals) process.off(signal, onSignal);
}

function track(entry: string): void {
  if (live.size === 0) {
    // 'exit' too: a listener that calls process.exit() on a signal (Playwright's) skips ours.
    process.on('exit', removeLive);
    for (const signal of signals) process.on(signal, onSignal);
  }
  live.add(entry);
}

function untrack(entry: string): void {
  live.delete(entry);
  if (live.size === 0) untrackAll();
}

/** The signal that interrupted a command in this process, if one did (for the exit status). */
export function interruption(): NodeJS.Signals | undefined {
  return interruptedBy;
}

const stagingPattern = /^\.(?:proof-)?staging-(?:(\d+)-)?/;

function isRunning(pid: number): boolean {
  // Ours are in `live`; an entry with our pid and not there is from an earlier process (containers
  // reuse pids).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM';
  }
}

/** Staging folders of processes that were killed outright (SIGKILL, a crash, a power cut). */
async function removeStaleStaging(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const match = stagingPattern.exec(name);
    if (!match) continue;
    const entry = path.join(dir, name);
    // Without a pid: the staging folders of earlier versions of the tool.
    if (live.has(entry) || (match[1] !== undefined && isRunning(Number(match[1])))) continue;
    await rm(entry, { recursive: true, force: true });
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns where a file system refuses
 * a folder with ENOENT (/proc). A refusal is the output folder's fault, not a bug.
 */
async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    if (code(error) === 'EEXIST') return;
    const parent = path.dirname(dir);
    if (code(error) === 'ENOENT' && parent !== dir && !(await stat(parent).catch(() => undefined))) {
      await makeFolder(parent);
      return makeFolder(dir);
    }
    throw new UsageError(`The output folder \`${shown(dir)}\` cannot be made (${code(error) ?? 'refused'}); give another folder with --out`);
  }
}

export interface OutputFolder {
  /** The output folder, absolute. */
  readonly dir: string;
  /** A new staging folder in it, removed if the process is stopped. */
  stage(): Promise<string>;
  /**
   * Move `names` from `staging` into place, replacing our previous outputs (checked again: the user
   * may have put something there meanwhile), record them, and remove the staging folder.
   */
  install(staging: string, names: string[]): Promise<void>;
  /** Record what now stands at `names` (outputs written in place: the preview). */
  record(names: string[]): Promise<void>;
  /** Remove a staging folder (the command failed). */
  discard(staging: string): Promise<void>;
}

/**
 * Claim `names` in the output folder `folder` before any work: each must be free or an unchanged
 * output of ours. Also removes staging folders that killed processes left.
 */
export async function claimOutputs(folder: string, names: string[]): Promise<OutputFolder> {
  const dir = path.resolve(folder);
  for (const name of names) {
    if (name === '' || name.includes('/') || name.includes(path.sep) || name === '.' || name === '..') throw new Error(`Not an output name: \`${name}\``);
    if (name === manifestName) throw new UsageError(`\`${shown(path.join(dir, name))}\` is the name of the tool's record of its outputs; choose another folder with --out`);
  }
  await guardFolder(dir);
  const manifest = await readManifest(dir);
  for (const name of names) await checkOwned(dir, name, manifest);
  await removeStaleStaging(dir);

  const claimed = new Set(names);
  const record = async (recorded: string[]) => {
    const current = await readManifest(dir);
    const outputs: Record<string, OutputRecord> = { ...current?.outputs };
    for (const name of recorded) {
      const found = await recordOf(path.join(dir, name));
      if (found) outputs[name] = found;
      else delete outputs[name];
    }
    const sorted = Object.fromEntries(Object.keys(outputs).sort().map((name) => [name, outputs[name]]));
    // Nothing new to say (the preview records after each rebuild): leave the file as it is.
    if (JSON.stringify(sorted) === JSON.stringify(current?.outputs ?? {})) return;
    const temporary = path.join(dir, `.staging-${process.pid}-${manifestName}`);
    track(temporary);
    try {
      await writeFile(temporary, `${JSON.stringify({ tool: 'book', about, outputs: sorted }, null, 1)}\n`);
      await rename(temporary, path.join(dir, manifestName));
    } finally {
      untrack(temporary);
      await rm(temporary, { force: true });
    }
  };
  const discard = async (staging: string) => {
    await rm(staging, { recursive: true, force: true });
    untrack(staging);
  };

  return {
    dir,
    async stage() {
      await makeFolder(dir);
      const staging = await mkdtemp(path.join(dir, `.staging-${process.pid}-`));
      track(staging);
      return staging;
    },
    async install(staging, installed) {
      for (const name of installed) if (!claimed.has(name)) throw new Error(`Output \`${name}\` was not claimed`);
      const now = await readManifest(dir);
      for (const name of installed) await checkOwned(dir, name, now);
      const previous = path.join(staging, '.previous');
      await mkdir(previous);
      for (const name of installed) {
        const target = path.join(dir, name);
        await rename(target, path.join(previous, name)).catch((error: unknown) => {
          if (code(error) !== 'ENOENT') throw error;
        });
        await rename(path.join(staging, name), target);
      }
      await record(installed);
      await discard(staging);
    },
    async record(recorded) {
      for (const name of recorded) if (!claimed.has(name)) throw new Error(`Output \`${name}\` was not claimed`);
      await record(recorded);
    },
    discard,
  };
}
