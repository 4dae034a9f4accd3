/**
 * The CMYK press profile of the PDF/X output intent. Fogra publishes the FOGRA39 characterization
 * data (offset on coated paper, ISO 12647-2:2004/Amd 1), which Debian ships as
 * /usr/share/color/icc/FOGRA39L.ti3 (icc-profiles-free); ArgyllCMS's `colprof` builds an ICC
 * profile from it, with the printer's total ink limit in its separation (B2A) tables, so that
 * Ghostscript's conversion through it never puts more ink than the limit. This is our own
 * profile of the FOGRA39 condition, not ECI's "ISO Coated v2": the output intent names the
 * condition (FOGRA39, registered at color.org), which is what a printer's RIP matches.
 *
 * colprof takes about 30 s, so the profile is kept in node_modules/.cache/book/icc/, named by a hash
 * of the data, the options and colprof's version: built once per ink limit.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BuildError } from '../../errors.ts';
import { iccCacheDir } from '../../cache.ts';

const run = promisify(execFile);

export const fogra39Data = '/usr/share/color/icc/FOGRA39L.ti3';
// Always node_modules/.cache/book/icc/, whatever BOOK_CACHE_DIR says: scripts/cache.ts `iccCacheDir`.
const cacheDir = iccCacheDir;

/** What the output intent says of the condition (ICC characterization data registry, color.org). */
export const fogra39 = {
  identifier: 'FOGRA39',
  registry: 'http://www.color.org',
  condition: 'Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = coated art, 115 g/m2, tone value increase curves A (CMY) and B (K)',
} as const;

export interface PressProfile {
  file: string;
  /** The profile's description, as written in it and in the specification sheet. */
  description: string;
  inkLimit: number;
}

async function colprofVersion(): Promise<string> {
  const { stdout, stderr } = await run('colprof', [], { encoding: 'utf8' }).catch((error: { stdout?: string; stderr?: string; code?: string }) => {
    if (error.code === 'ENOENT') throw new BuildError('ArgyllCMS is not installed: the PDF/X needs `colprof` to build its press profile. Run `bash scripts/setup.sh` (Debian package `argyll`), or set `print.pdfx: none` in book.yaml.');
    return { stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  });
  return /Version\s+([\d.]+)/.exec(stdout + stderr)?.[1] ?? 'unknown';
}

const profiles = new Map<number, Promise<PressProfile>>();

/**
 * The FOGRA39 profile with `inkLimit` % total ink, from the cache or built now; asked for once per
 * process (the cover's PDF/X and the interior's are written side by side: one colprof, not two).
 */
export function pressProfile(inkLimit: number): Promise<PressProfile> {
  let profile = profiles.get(inkLimit);
  if (!profile) {
    profile = findOrBuildProfile(inkLimit);
    profiles.set(inkLimit, profile);
    // A failure is not kept: the next build asks again.
    profile.catch(() => profiles.delete(inkLimit));
  }
  return profile;
}

async function findOrBuildProfile(inkLimit: number): Promise<PressProfile> {
  if (!existsSync(fogra39Data)) {
    throw new BuildError(`The FOGRA39 characterization data (${fogra39Data}) is missing: run \`bash scripts/setup.sh\` (Debian package \`icc-profiles-free\`), or set \`print.pdfx: none\` in book.yaml.`);
  }
  const description = `FOGRA39 (ArgyllCMS colprof), ink limit ${inkLimit} %`;
  // -qm: medium quality (-bl: a lighter separation table, half the time); -kr: black ramp (GCR); -l: total ink; -L 98: black ink limit.
  const args = ['-qm', '-bl', '-kr', '-l', String(inkLimit), '-L', '98', '-D', description, '-C', 'Built from Fogra characterization data FOGRA39L'];
  const version = await colprofVersion();
  const key = createHash('sha256')
    .update(await readFile(fogra39Data))
    .update(JSON.stringify({ args, version }))
    .digest('hex')
    .slice(0, 32);
  const cached = path.join(cacheDir, `fogra39-${inkLimit}-${key}.icc`);
  if (existsSync(cached)) return { file: cached, description, inkLimit };

  const work = await mkdtemp(path.join(os.tmpdir(), 'book-icc-'));
  try {
    await copyFile(fogra39Data, path.join(work, 'fogra39.ti3'));
    await run('colprof', [...args, 'fogra39'], { cwd: work, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stderr?: string }) => {
      throw new BuildError(`ArgyllCMS colprof could not build the FOGRA39 profile: ${(error.stderr ?? '').trim().split('\n').pop()}`);
    });
    await mkdir(cacheDir, { recursive: true });
    // Renamed into place: a build stopped halfway never leaves half a profile in the cache.
    const partial = `${cached}.${process.pid}.tmp`;
    await copyFile(path.join(work, 'fogra39.icc'), partial);
    await rename(partial, cached);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { file: cached, description, inkLimit };
}
