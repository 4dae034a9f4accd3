// Things made once for each version of their sources and kept side by side in one folder, one entry
// per version: the compiled command line (bin/compiled.js) and the PDF layout's script
// (scripts/output/pdf/browser/index.ts). Plain JavaScript, so that bin/ can use it before any
// TypeScript is loaded.
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';

const day = 24 * 60 * 60 * 1000;

/** Mark the entry at `entry` used now: `forgetOtherVersions` keeps it. */
export async function markUsed(entry) {
  const now = new Date();
  await utimes(entry, now, now).catch(() => undefined);
}

/**
 * Remove the entries of `dir` (files or folders) but `keep`, among those `isVersion` accepts, that
 * were not used for a day: a process still running may be using one.
 */
export async function forgetOtherVersions(dir, keep, isVersion = () => true) {
  const dayAgo = Date.now() - day;
  for (const name of await readdir(dir).catch(() => [])) {
    if (name === keep || !isVersion(name)) continue;
    const other = path.join(dir, name);
    if (await stat(other).then((info) => info.mtimeMs < dayAgo, () => false)) await rm(other, { recursive: true, force: true });
  }
}
