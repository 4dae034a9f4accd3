/**
 * `npx tsx scripts/output/print/prepare-profiles.ts`: build, once, the FOGRA39 press profile of every
 * printer preset's ink limit into the cache (node_modules/.cache/book/icc/), as the Quick start's
 * set-up does, so that no PDF/X build — nor the test suite — waits for ArgyllCMS (about 15 s a
 * profile). A book with its own `print.ink-limit` still gets its profile at its first PDF/X build.
 */
import { pressProfile } from './icc-profile.ts';
import { printers } from './printers.ts';
import { BuildError } from '../../errors.ts';

const limits = [...new Set(Object.values(printers).map((preset) => preset.inkLimit))].sort((a, b) => a - b);
try {
  const profiles = await Promise.all(limits.map((limit) => pressProfile(limit)));
  for (const profile of profiles) process.stdout.write(`setup: press profile ready: ${profile.description}\n`);
} catch (error) {
  process.stderr.write(`setup: ${error instanceof BuildError ? error.message : String(error)}\n`);
  process.exit(1);
}
