// Sources fed to a hash in a fixed order: the build cache's toolchain fingerprint (scripts/cache.ts)
// and the compiled command line's key (bin/compiled.js). Plain JavaScript, so that bin/ can use it
// before any TypeScript is loaded.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every file under each of `dirs`, in name order, then each of `files` (an absent one as empty):
 * its path from `base`, a NUL, its bytes, a NUL. Returns `digest`.
 */
export function hashSources(digest, base, { dirs = [], files = [] }) {
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) digest.update(path.relative(base, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  for (const dir of dirs) walk(path.join(base, dir));
  for (const file of files) {
    const full = path.join(base, file);
    digest.update(file).update('\0').update(existsSync(full) ? readFileSync(full) : '').update('\0');
  }
  return digest;
}
